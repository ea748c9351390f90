import type { Store } from '../storage/store.ts';
import type { Config } from '../config.ts';

/** What route handlers need from the running server. */
export interface AppContext {
  store: Store;
  config: Config;
  /** Largest request body accepted by the notice routes, in bytes. */
  bodyLimit: number;
  /** Called once a notice is stored: small ones are processed before the answer, big ones queued. */
  afterFiling(noticeId: string, itemCount: number): Promise<void>;
}
