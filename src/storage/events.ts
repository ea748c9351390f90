// Appending to the event log. One INSERT … SELECT FROM json_to_recordset(…) per call, so logging the
// resolution of 10,000 items costs one round trip, not 10,000.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { EventType, SubjectType } from '../domain/event-types.ts';
import { jsonRows } from './json-rows.ts';

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

const EVENT_COLUMNS = {
  at: 'timestamptz',
  actor: 'text',
  type: 'text',
  subject_type: 'text',
  subject_id: 'text',
  notice_id: 'uuid',
  before: 'jsonb',
  after: 'jsonb',
  data: 'jsonb',
} as const;

export async function appendEvents(db: Kysely<Database>, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const now = new Date().toISOString();
  // before/after/data go nested in the one JSON document (an undefined one reads as NULL), not
  // stringified on their own and escaped a second time.
  const rows = events.map((e) => ({
    at: e.at ?? now,
    actor: e.actor,
    type: e.type,
    subject_type: e.subjectType,
    subject_id: e.subjectId,
    notice_id: e.noticeId ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    data: e.data ?? null,
  }));
  await sql`
    INSERT INTO events (at, actor, type, subject_type, subject_id, notice_id, before, after, data)
    SELECT at, actor, type, subject_type, subject_id, notice_id, before, after, data FROM ${jsonRows(rows, EVENT_COLUMNS)}`.execute(db);
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
