import type { Store } from '../storage/store.ts';
import type { Config } from '../config.ts';
import type { StatusLinks } from '../services/status-links.ts';
import type { WebhookDeps } from '../services/webhooks.ts';
import type { LifecycleDeps } from '../services/takedown-lifecycle.ts';

/** What route handlers need from the running server. */
export interface AppContext {
  store: Store;
  config: Config;
  /** Largest request body accepted by the notice routes, in bytes. */
  bodyLimit: number;
  /** Once a notice is stored: small ones are processed before the answer; big ones wait for the worker. */
  processIfSmall(noticeId: string, itemCount: number): Promise<void>;
  /** Wake the background worker (after the answer is composed: on the embedded store they share one connection). */
  wakeWorker(): void;
  /** Wake the mailer: messages were queued outside the notice worker. */
  messagesQueued(): void;
  links: StatusLinks;
  /** Where users reach this server (links in mail). */
  publicUrl(): string;
  /** The principal that notices filed through the public web form belong to. */
  webReporterId: string;
  /** Origin disclosure and webhooks (policy, clock, SSRF setting). */
  origins: WebhookDeps;
  /** The takedown lifecycle (counter notices, court actions, retractions), with the server's clock. */
  lifecycle: LifecycleDeps;
}
