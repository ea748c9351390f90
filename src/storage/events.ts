// Appending to the event log. One INSERT … SELECT FROM unnest(…) per call, so logging the
// resolution of 10,000 items costs one round trip, not 10,000.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { EventType, SubjectType } from '../domain/event-types.ts';

export type { EventType, SubjectType };

export type Actor = 'system' | `principal:${string}`;

export interface NewEvent {
  actor: Actor;
  type: EventType;
  subjectType: SubjectType;
  subjectId: string;
  noticeId?: string | null;
  before?: unknown;
  after?: unknown;
  data?: unknown;
  at?: Date;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

export async function appendEvents(db: Kysely<Database>, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const now = new Date().toISOString();
  await sql`
    INSERT INTO events (at, actor, type, subject_type, subject_id, notice_id, before, after, data)
    SELECT * FROM unnest(
      ${events.map((e) => (e.at ?? null)?.toISOString() ?? now)}::timestamptz[],
      ${events.map((e) => e.actor)}::text[],
      ${events.map((e) => e.type)}::text[],
      ${events.map((e) => e.subjectType)}::text[],
      ${events.map((e) => e.subjectId)}::text[],
      ${events.map((e) => e.noticeId ?? null)}::uuid[],
      ${events.map((e) => json(e.before))}::jsonb[],
      ${events.map((e) => json(e.after))}::jsonb[],
      ${events.map((e) => json(e.data))}::jsonb[]
    )`.execute(db);
}

export interface EventRow {
  id: number;
  at: Date;
  actor: string;
  type: EventType;
  subject_type: SubjectType;
  subject_id: string;
  before: unknown;
  after: unknown;
  data: unknown;
}
