// The application context: everything a request handler or a background loop needs, built once
// from the store and the configuration. Each service's deps bag is built here and nowhere else,
// so the HTTP routes, the web pages, the mail intake and the daemon hand a service the same one.
import type { Store } from './storage/store.ts';
import type { Config } from './config.ts';
import { ZoneDirectory } from './services/zone-directory.ts';
import { NetworkDirectory } from './services/network-directory.ts';
import { systemResolver, type HostResolver } from './services/dns.ts';
import { processNextNotice, type ProcessorDeps } from './services/notice-processor.ts';
import { mailIntakePrincipal, webFormPrincipal } from './services/principals.ts';
import { readParsedMail, type IntakeDeps } from './intake/mail-intake.ts';
import { replyTokens, type ReplyTokens } from './intake/reply-tokens.ts';
import { loadStatusLinkSecret, statusLinks, type StatusLinks } from './services/status-links.ts';
import type { WebhookDeps } from './services/webhooks.ts';
import type { LifecycleDeps } from './services/takedown-lifecycle.ts';
import type { ReviewDeps } from './services/item-review.ts';
import type { AccountActionDeps } from './services/repeat-infringers.ts';
import type { MisuseDeps } from './services/misuse-measures.ts';
import type { LegalDeps } from './legal/services/rows.ts';

export interface ContextOptions {
  store: Store;
  config: Config;
  dns?: HostResolver;
  /** The server's clock (restore windows, disclosure delays, legal deadlines); tests move it. */
  clock?: () => Date;
  /** Addresses of a webhook's host (default: system DNS); tests replace DNS with it. */
  webhookResolve?: (host: string) => Promise<string[]>;
  /** Whether this deployment reads mail (reply addresses in outgoing mail name their case then). */
  readsMail: boolean;
  log: (msg: string, err?: unknown) => void;
}

export interface AppContext {
  store: Store;
  config: Config;
  clock: () => Date;
  log: (msg: string, err?: unknown) => void;
  /** Largest request body accepted by the notice routes, in bytes. */
  bodyLimit: number;
  links: StatusLinks;
  replyTokens: ReplyTokens;
  /** Where users reach this server (links in mail): the configured address, else where it listens. */
  publicUrl(): string;
  /** Set once the server listens, when no public address is configured. */
  setListeningUrl(url: string): void;
  /** The Reply-To of a message about a notice, so that answers find their case; null when no mail is read. */
  replyAddress(noticeId: string, role: string): string | null;
  /** The principal that notices filed through the public web form belong to. */
  webReporterId: string;
  /** Once a notice is stored: small ones are processed before the answer; big ones wait for the worker. */
  processIfSmall(noticeId: string, itemCount: number): Promise<void>;
  /** Resolution and the notice worker. */
  processor: ProcessorDeps;
  /** The takedown lifecycle (counter notices, court actions, retractions), with the server's clock. */
  lifecycle: LifecycleDeps;
  /** Origin disclosure and webhooks (policy, clock, SSRF setting). */
  origins: WebhookDeps;
  /** Staff review of a notice's items. */
  review: ReviewDeps;
  /** Strikes and terminations of customer accounts. */
  readonly accounts: AccountActionDeps;
  /** Warnings and suspensions of notifiers and customers (DSA Art. 23), with the server's clock. */
  readonly misuse: MisuseDeps;
  /** Legal process (subpoenas, court orders) and the customer notices they cause. */
  legal: LegalDeps;
  /** Reading stored inbound mail. */
  intake: IntakeDeps;
}

export async function createAppContext(opts: ContextOptions): Promise<AppContext> {
  const { store, config } = opts;
  const db = store.db;
  let listeningUrl = 'http://127.0.0.1';
  const publicUrl = () => (config.publicUrl ?? listeningUrl).replace(/\/$/, '');
  const secret = await loadStatusLinkSecret(db);
  const links = statusLinks(secret, () => config.publicUrl ?? listeningUrl);
  const tokens = replyTokens(secret);
  const clock = opts.clock ?? (() => new Date());
  const replyAddress = (noticeId: string, role: string) =>
    opts.readsMail ? `${config.intakeAddresses[0]}+${tokens.token(noticeId, role as 'reporter')}@${config.mailDomain}` : null;
  const processIfSmall = async (noticeId: string, itemCount: number) => {
    if (itemCount <= config.inlineProcessingLimit) await processNextNotice(processor, noticeId);
  };
  const lifecycle: LifecycleDeps = {
    db,
    provider: config.providerName,
    links,
    publicUrl,
    replyAddress: (noticeId) => replyAddress(noticeId, 'owner'),
    calendar: config.calendar,
    policy: config.lifecyclePolicy,
    now: clock,
  };
  const processor: ProcessorDeps = {
    db,
    config,
    zones: new ZoneDirectory(db),
    networks: new NetworkDirectory(db),
    dns: opts.dns ?? systemResolver({ enabled: config.dnsLookups }),
    links,
    lifecycle,
  };
  const origins: WebhookDeps = {
    db,
    policy: config.originDisclosure,
    provider: config.providerName,
    now: clock,
    allowLoopback: config.webhookAllowLoopback,
    resolve: opts.webhookResolve,
    log: opts.log,
  };
  return {
    store,
    config,
    clock,
    log: opts.log,
    bodyLimit: 256 * 1024 * 1024,
    links,
    replyTokens: tokens,
    publicUrl,
    setListeningUrl: (url) => void (listeningUrl = url),
    replyAddress,
    webReporterId: await webFormPrincipal(db),
    processIfSmall,
    processor,
    lifecycle,
    origins,
    review: { db, provider: config.providerName, links, lifecycle },
    // A getter: the policy's address is known only once the server listens.
    get accounts() {
      return { db, provider: config.providerName, policyUrl: `${publicUrl()}/policy/repeat-infringers`, publicUrl: publicUrl() };
    },
    get misuse() {
      return {
        db,
        provider: config.providerName,
        policy: config.misusePolicy,
        policyUrl: `${publicUrl()}/policy/misuse`,
        publicUrl: publicUrl(),
        now: clock,
      };
    },
    legal: { db, provider: config.providerName, policy: config.legalNoticePolicy },
    intake: {
      db,
      config,
      links,
      replyTokens: tokens,
      read: readParsedMail,
      reporterId: await mailIntakePrincipal(db),
      processIfSmall,
      lifecycle,
    },
  };
}
