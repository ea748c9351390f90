// A subject's events for staff as they are in the log: type, actor, before → after and data. For
// subjects without wording of their own for each event (legal requests, network reports).

export interface RawEvent {
  at: string;
  actor: string;
  type: string;
  before: unknown;
  after: unknown;
  data: unknown;
}

export function RawEventTimeline(p: { events: RawEvent[]; when: (iso: string) => string }) {
  return p.events.length === 0 ? (
    <p class="empty">Nothing has happened yet.</p>
  ) : (
    <ol class="timeline">
      {p.events.map((e) => (
        <li>
          <time datetime={e.at}>{p.when(e.at)}</time> <strong>{e.type}</strong> <span class="muted">by {e.actor}</span>
          {e.before || e.after ? (
            <div class="hint break">
              {JSON.stringify(e.before ?? null)} → {JSON.stringify(e.after ?? null)}
            </div>
          ) : null}
          {e.data ? <div class="hint break">{JSON.stringify(e.data)}</div> : null}
        </li>
      ))}
    </ol>
  );
}
