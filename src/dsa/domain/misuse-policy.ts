/**
 * Measures against misuse (EU Digital Services Act, Art. 23): a provider suspends, for a
 * reasonable period and after a prior warning, (1) its service to recipients who frequently
 * provide manifestly illegal content and (2) the processing of notices from notifiers who
 * frequently submit manifestly unfounded ones; (3) it decides case by case, weighing the absolute
 * numbers, their proportion, the gravity and the intention; (4) it sets the policy out in its terms.
 *
 * This module is that policy as data, the standing of one party under it, and the text the
 * provider publishes — one source, so what is published and what is enforced cannot drift apart.
 * Pure: the counts and the history of measures are plain data the store provides; `now` is a
 * parameter. The standing only *proposes* (the queue); staff decide (Art. 23(3): gravity and
 * intention are theirs to weigh) and the service refuses a suspension without a prior warning.
 */
import { z } from 'zod';
import { zodErrors, type FieldError } from '../../domain/notice.ts';
import { wholeNumber } from '../../domain/strike-policy.ts';

export const PARTY_TYPES = ['notifier', 'customer'] as const;
export type PartyType = (typeof PARTY_TYPES)[number];

export const MEASURES = ['warning', 'suspension', 'lift'] as const;
export type Measure = (typeof MEASURES)[number];

export interface PartyPolicy {
  /** Items count for this many days (24-hour periods) after their decision; a rolling window. */
  windowDays: number;
  /** This many flagged items in the window (and the proportion below) propose a warning. */
  warnAt: number;
  /** This many, after a warning, propose a suspension. */
  suspendAt: number;
  /**
   * The least share of the party's decided items that must be flagged (0..1): Art. 23(3)(b). A
   * large notifier whose ten unfounded notices are a sliver of thousands of sound ones is not
   * "frequent" in the Regulation's sense; neither is a customer with a few bad files among many.
   */
  minProportion: number;
  /** How long a suspension lasts: "a reasonable period" (Art. 23(1), (2)). */
  suspensionDays: number;
}

export interface MisusePolicy {
  /** Notifiers: items staff rejected as manifestly unfounded, over the items of theirs decided. */
  notifier: PartyPolicy;
  /** Customers: items staff disabled as manifestly illegal, over the items of theirs decided. */
  customer: PartyPolicy;
}

/**
 * Defaults, and why:
 * - notifiers: 180 days, warning at 5, suspension at 10, at least half of the decided items. A
 *   notifier is cut off from a legal remedy while suspended, so the bar is high and the
 *   proportion keeps high-volume, mostly sound notifiers (rights holders' agents) out; 30 days
 *   is long enough to matter and short enough to be "reasonable" for a first suspension.
 * - customers: 365 days (as the repeat-infringer window), warning at 2, suspension at 3, at
 *   least a quarter of the decided items: "manifestly illegal" is a grave finding staff make item
 *   by item, so few are frequent; 14 days because a suspension takes every site of the customer
 *   offline, the legal as well as the illegal.
 */
export const DEFAULT_MISUSE_POLICY: Readonly<MisusePolicy> = Object.freeze({
  notifier: Object.freeze({ windowDays: 180, warnAt: 5, suspendAt: 10, minProportion: 0.5, suspensionDays: 30 }),
  customer: Object.freeze({ windowDays: 365, warnAt: 2, suspendAt: 3, minProportion: 0.25, suspensionDays: 14 }),
});

const partySchema = (party: PartyType, d: PartyPolicy) =>
  z
    .object({
      windowDays: wholeNumber(`${party}.windowDays`, 1, 3650).default(d.windowDays),
      warnAt: wholeNumber(`${party}.warnAt`, 1, 100_000).default(d.warnAt),
      suspendAt: wholeNumber(`${party}.suspendAt`, 1, 100_000).default(d.suspendAt),
      minProportion: z
        .number({ error: `${party}.minProportion must be a number from 0 to 1` })
        .min(0, `${party}.minProportion must be at least 0`)
        .max(1, `${party}.minProportion must be at most 1`)
        .default(d.minProportion),
      suspensionDays: wholeNumber(`${party}.suspensionDays`, 1, 365).default(d.suspensionDays),
    })
    .superRefine((p, ctx) => {
      if (p.suspendAt < p.warnAt)
        ctx.addIssue({
          code: 'custom',
          path: ['suspendAt'],
          message: `suspendAt (${p.suspendAt}) must not be below warnAt (${p.warnAt}): a warning comes first`,
        });
    });

export const MisusePolicySchema = z.object({
  notifier: partySchema('notifier', DEFAULT_MISUSE_POLICY.notifier).default({ ...DEFAULT_MISUSE_POLICY.notifier }),
  customer: partySchema('customer', DEFAULT_MISUSE_POLICY.customer).default({ ...DEFAULT_MISUSE_POLICY.customer }),
});

/** A policy from configuration (missing fields take the defaults); every problem by field. */
export function parseMisusePolicy(input: unknown): { ok: true; policy: MisusePolicy } | { ok: false; errors: FieldError[] } {
  const r = MisusePolicySchema.safeParse(input ?? {});
  return r.success ? { ok: true, policy: r.data } : { ok: false, errors: zodErrors(r.error) };
}

/** What the store counted for one party since `countingSince`. */
export interface MisuseCounts {
  /** Notices the notifier filed (notifiers only; informational, Art. 23(3)(a)). */
  notices?: number;
  /** The party's items staff decided (the proportion's denominator). */
  decided: number;
  /** Of those, rejected as manifestly unfounded (notifier) or disabled as manifestly illegal (customer), and not reversed since. */
  flagged: number;
}

/** One recorded measure, as the history of a party holds it. */
export interface MeasureRecord {
  measure: Measure;
  startsAt: Date;
  endsAt: Date | null;
  liftedAt: Date | null;
}

export type MisuseLevel = 'ok' | 'warn' | 'suspend';

export interface MisuseStanding {
  level: MisuseLevel;
  counts: MisuseCounts;
  /** flagged / decided (0 when nothing was decided). */
  proportion: number;
  /** Items decided from here on count (see countingSince). */
  countingSince: Date;
  /** The warning that allows a suspension now, if any. */
  warnedAt: Date | null;
  /** The suspension running now, if any (then nothing is proposed). */
  suspendedUntil: Date | null;
  /** Why, in a sentence, for staff. */
  why: string;
}

const DAY_MS = 86_400_000;

/** The suspension running at `now`: started, not ended, not lifted. */
export function activeSuspension(history: readonly MeasureRecord[], now: Date): MeasureRecord | null {
  const t = now.getTime();
  return (
    history.find((m) => m.measure === 'suspension' && m.liftedAt === null && m.startsAt.getTime() <= t && (m.endsAt === null || t < m.endsAt.getTime())) ?? null
  );
}

/**
 * From when items count: the window, but never before the end of the last suspension. A
 * suspension served answers for what led to it; counting those items again would suspend the
 * party the day it is back, without a new warning.
 */
export function countingSince(policy: PartyPolicy, history: readonly MeasureRecord[], now: Date): Date {
  let since = now.getTime() - policy.windowDays * DAY_MS;
  for (const m of history) {
    if (m.measure !== 'suspension') continue;
    const end = m.liftedAt ?? m.endsAt;
    if (end && end.getTime() <= now.getTime()) since = Math.max(since, end.getTime());
  }
  return new Date(since);
}

/** When a suspension that starts at `at` ends under the policy. */
export function suspensionEnd(policy: PartyPolicy, at: Date): Date {
  return new Date(at.getTime() + policy.suspensionDays * DAY_MS);
}

/** The warning given in the current counting period, the latest first; null without one. */
export function currentWarning(policy: PartyPolicy, history: readonly MeasureRecord[], now: Date): MeasureRecord | null {
  const since = countingSince(policy, history, now).getTime();
  const warnings = history.filter((m) => m.measure === 'warning' && m.liftedAt === null && m.startsAt.getTime() >= since && m.startsAt <= now);
  return warnings.sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime())[0] ?? null;
}

/**
 * A party's standing at `now`: `warn` when its flagged items reach the warning threshold (and the
 * proportion) and it has not been warned in the counting period; `suspend` when they reach the
 * suspension threshold and it has been — a suspension is never proposed before a warning, even
 * far over the threshold (Art. 23(1), (2): "after having issued a prior warning").
 * `counts` must be those since `countingSince(policy, history, now)`.
 */
export function standingOf(policy: PartyPolicy, counts: MisuseCounts, history: readonly MeasureRecord[], now: Date): MisuseStanding {
  const proportion = counts.decided > 0 ? counts.flagged / counts.decided : 0;
  const base = { counts, proportion, countingSince: countingSince(policy, history, now) };
  const running = activeSuspension(history, now);
  if (running) return { ...base, level: 'ok', warnedAt: null, suspendedUntil: running.endsAt, why: 'suspended now' };
  const warning = currentWarning(policy, history, now);
  const warnedAt = warning?.startsAt ?? null;
  const share = proportion >= policy.minProportion;
  const pct = `${Math.round(proportion * 100)}%`;
  if (counts.flagged >= policy.suspendAt && share && warning)
    return { ...base, level: 'suspend', warnedAt, suspendedUntil: null, why: `${counts.flagged} flagged items (${pct}) since the warning's period began` };
  if (counts.flagged >= policy.warnAt && share && !warning)
    return { ...base, level: 'warn', warnedAt, suspendedUntil: null, why: `${counts.flagged} flagged items (${pct}); no warning yet in this period` };
  const why =
    !share && counts.flagged >= policy.warnAt ? `${pct} of decided items flagged, below ${Math.round(policy.minProportion * 100)}%` : 'below the thresholds';
  return { ...base, level: 'ok', warnedAt, suspendedUntil: null, why: warning ? `warned; ${why}` : why };
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The policy as published in the terms (Art. 23(4)); paragraphs separated by blank lines. */
export function describeMisusePolicy(policy: MisusePolicy, options: { providerName?: string } = {}): string {
  const we = options.providerName?.trim() || 'We';
  const c = policy.customer;
  const n = policy.notifier;
  const pct = (p: number) => `${Math.round(p * 100)}%`;
  return [
    'Policy on misuse of our services and of our notice procedure',
    `${we} may suspend, for a limited period and only after a prior warning, the service of customers who frequently provide manifestly illegal content, and the processing of notices from notifiers who frequently submit manifestly unfounded notices (EU Digital Services Act, Art. 23).`,
    `Customers: content counts when our staff disable it as manifestly illegal — illegal without any need for a detailed legal or factual examination. A customer with ${plural(c.warnAt, 'such item', 'such items')} within ${plural(c.windowDays, 'day', 'days')}, making up at least ${pct(c.minProportion)} of the items of theirs we decided on, is warned. With ${plural(c.suspendAt, 'such item', 'such items')} after the warning, every site of the customer may be suspended for ${plural(c.suspensionDays, 'day', 'days')}.`,
    `Notifiers: a notice counts when our staff reject it as manifestly unfounded. A notifier with ${plural(n.warnAt, 'such item', 'such items')} within ${plural(n.windowDays, 'day', 'days')}, making up at least ${pct(n.minProportion)} of the items of theirs we decided on, is warned. With ${plural(n.suspendAt, 'such item', 'such items')} after the warning, we may stop processing their notices for ${plural(n.suspensionDays, 'day', 'days')}.`,
    'We decide each case individually, taking into account the absolute numbers, their proportion, the gravity of the misuse and its consequences, and the intention, where it can be identified. A decision is taken by a person on our staff, never automatically. After a suspension has ended, items count afresh.',
    'Every warning and suspension is explained to the party concerned, who may complain about it free of charge (Art. 20), turn to a certified out-of-court dispute settlement body (Art. 21), or go to court.',
  ].join('\n\n');
}
