// The resume state of `safeharbor submit`: which notices the server acknowledged, by
// Idempotency-Key, with the notice's id. A rerun skips those (no request at all) and still lists
// them in its summary. It holds no URLs — the keys stand for the notices' whole bodies — so it
// stays small whatever the size of the input. The file belongs to one server and one reporter:
// the same key on another server, or for another reporter, names no notice there.
export const STATE_VERSION = 1;

export interface AckedBatch {
  notice_id: string;
  urls: number;
  zones: number;
  acknowledged_at: string;
}

export interface SubmitState {
  version: typeof STATE_VERSION;
  server: string;
  /** The principal id the token belongs to (GET /v1/me). */
  reporter: string;
  input: string;
  acknowledged: Record<string, AckedBatch>;
}

export class StateFileError extends Error {}

export function emptyState(server: string, reporter: string, input: string): SubmitState {
  return { version: STATE_VERSION, server, reporter, input, acknowledged: {} };
}

export function serializeState(s: SubmitState): string {
  return `${JSON.stringify(s, null, 1)}\n`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A state file's contents, checked; `file` names it in errors. */
export function parseState(text: string, file: string): SubmitState {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(`${file}: not a submit state file (not JSON: ${(err as Error).message}); remove it or choose another with --state`);
  }
  if (!isObject(v) || v.version !== STATE_VERSION) {
    throw new StateFileError(`${file}: not a submit state file of version ${STATE_VERSION}; remove it or choose another with --state`);
  }
  for (const f of ['server', 'reporter', 'input'] as const) {
    if (typeof v[f] !== 'string') throw new StateFileError(`${file}: "${f}" must be a string`);
  }
  if (!isObject(v.acknowledged)) throw new StateFileError(`${file}: "acknowledged" must be an object`);
  for (const [key, b] of Object.entries(v.acknowledged)) {
    if (!isObject(b) || typeof b.notice_id !== 'string' || !Number.isInteger(b.urls) || !Number.isInteger(b.zones) || typeof b.acknowledged_at !== 'string') {
      throw new StateFileError(`${file}: acknowledged["${key}"] must be {"notice_id", "urls", "zones", "acknowledged_at"}`);
    }
  }
  return v as unknown as SubmitState;
}

/** Why this state cannot be used with this server and token, or null. */
export function stateMismatch(s: SubmitState, server: string, reporter: string, file: string): string | null {
  if (s.server !== server) return `${file} records notices sent to ${s.server}, not ${server}; choose another state file with --state`;
  if (s.reporter !== reporter)
    return `${file} records notices of reporter ${s.reporter}, but the token belongs to ${reporter}; choose another state file with --state`;
  return null;
}
