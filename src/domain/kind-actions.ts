// What may be done about a report of each kind, as its row in the table (report-kinds.ts) says:
// the services that perform an action ask here first, so a kind's limits live in one place and
// every refusal carries the same reason.
import { KIND_RULES, type ItemAction, type LegalRegime, type ReportKind } from './report-kinds.ts';
import type { LifecyclePolicy } from './takedown-lifecycle.ts';

export type ActionVerdict = { ok: true } | { ok: false; reason: string };

const ACTION_WORDS: Record<ItemAction, string> = {
  forward: 'forwarding the report to the site owner and the host',
  disable: 'disabling the content',
  interstitial: 'putting a warning page in front of the content',
  terminate: 'terminating the service',
  disclose: 'disclosing registrant data',
};

/** Whether `action` is open to a report of `kind` (its table row's `actions`), with the reason when not. */
export function allowedAction(kind: ReportKind, action: ItemAction): ActionVerdict {
  const rules = KIND_RULES[kind];
  if (rules.actions.includes(action)) return { ok: true };
  return {
    ok: false,
    reason: `${ACTION_WORDS[action]} is not an action for a ${rules.noun}; what can be done: ${rules.actions.map((a) => ACTION_WORDS[a]).join(', ')}`,
  };
}

/**
 * A counter notice (17 U.S.C. §512(g)) answers a DMCA takedown notice and nothing else: other
 * kinds (and copyright notices under the DSA) are answered by a reply to the provider or, under
 * the DSA, by a complaint against the decision (Art. 20).
 */
export function counterNoticeAllowed(kind: ReportKind, regime: LegalRegime): ActionVerdict {
  if (kind === 'copyright' && regime === 'dmca') return { ok: true };
  const redress = regime === 'dsa' ? 'a complaint against the decision (EU Digital Services Act, Art. 20)' : 'a reply to us saying why the decision is wrong';
  return {
    ok: false,
    reason: `counter notices answer DMCA copyright notices (17 U.S.C. §512(g)); for a ${KIND_RULES[kind].noun} send ${redress}`,
  };
}

/**
 * The policy receipt runs under for a kind: content reported as child sexual abuse material
 * (`onReceipt: 'disable'`) is taken down at once, before any review, whatever the desk's
 * automatic-takedown setting; a kind that may not disable at all (a WHOIS request) is never taken
 * down automatically either; every other kind follows the desk's policy.
 */
export function receiptPolicy<P extends Pick<LifecyclePolicy, 'automaticTakedown'>>(kind: ReportKind, policy: P): P {
  if (KIND_RULES[kind].onReceipt === 'disable') return { ...policy, automaticTakedown: true };
  if (policy.automaticTakedown && !allowedAction(kind, 'disable').ok) return { ...policy, automaticTakedown: false };
  return policy;
}
