// An event that commits late is still delivered. Event ids are handed out at insert, but a row
// is seen only once its transaction commits: while a long transaction (a big filing) is open,
// a later, short one can commit an event with a higher id. The webhook loop must not read past
// the open transaction's event and so lose it. PostgreSQL only: the embedded store has one
// connection, so its transactions cannot overlap and the case cannot arise there.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { appendEvents } from '../../src/storage/events.ts';
import { queueWebhookEvents } from '../../src/services/webhooks.ts';
import { webhookDedupeKey } from '../../src/domain/webhook-events.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
acc1,One Ltd,owner@one.test,one.example,hosted,198.51.100.1
`;

describe('webhook fan-out reads the log in commit-safe order (postgres store)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('postgres', { config: { webhookAllowLoopback: true } });
    await s.loadZones(ZONES);
  });
  after(async () => {
    await s?.close();
  });

  test('an event of a transaction still open when a later one commits is queued once it commits, and only then', async () => {
    const r = await s.reporter('hooks@rights.test');
    // Port 9 (discard) refuses: deliveries are queued and fail, which is all this test needs.
    const hook = await s.api('/v1/webhooks', { token: r.token, body: { url: 'http://127.0.0.1:9/hook', events: ['notice.received'] } });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const notices: string[] = [];
    for (const path of ['/a', '/b']) {
      const filed = await s.api('/v1/notices', { token: r.token, body: dmcaNotice([`https://one.example${path}`]) });
      assert.equal(filed.status, 201);
      notices.push(filed.body.id);
    }
    const drain = async () => {
      while ((await queueWebhookEvents(s.server.context.origins)) > 0);
    };
    await drain();
    const queuedFor = async (eventId: number) =>
      (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM webhook_deliveries WHERE dedupe_key = ${webhookDedupeKey('notice.received', eventId, hook.body.id)}`.execute(
          s.store.db,
        )
      ).rows[0]!.n;
    const received = (noticeId: string) => ({
      actor: 'system' as const,
      type: 'notice.received' as const,
      subjectType: 'notice' as const,
      subjectId: noticeId,
      noticeId,
    });
    const lastEventId = async (db: typeof s.store.db) => Number((await sql<{ id: string }>`SELECT max(id) AS id FROM events`.execute(db)).rows[0]!.id);

    // The long transaction logs first (the lower id) and stays open; the short one commits after.
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    let longEvent = 0;
    let logged!: () => void;
    const loggedInLong = new Promise<void>((res) => (logged = res));
    const long = s.store.db.transaction().execute(async (trx) => {
      await appendEvents(trx, [received(notices[0]!)]);
      longEvent = await lastEventId(trx);
      logged();
      await gate;
    });
    await loggedInLong;
    await appendEvents(s.store.db, [received(notices[1]!)]);
    const shortEvent = await lastEventId(s.store.db);
    assert.ok(shortEvent > longEvent, 'the committed event has the higher id');

    try {
      await drain();
      assert.equal(await queuedFor(longEvent), 0, 'not visible yet');
      // Held back too: reading it would move the cursor past the open transaction's event.
      assert.equal(await queuedFor(shortEvent), 0, 'a later transaction waits for the older one still open');
    } finally {
      // Whatever failed above, the open transaction ends, or closing the store would wait for it.
      release();
      await long;
    }
    await drain();
    assert.equal(await queuedFor(longEvent), 1, 'the late-committing event is queued');
    assert.equal(await queuedFor(shortEvent), 1, 'and the one after it');
    // The daemon's own loop ran meanwhile too: still once each.
    s.server.daemon.webhooks.kick();
    await waitUntil(
      async () => (await queuedFor(longEvent)) + (await queuedFor(shortEvent)),
      (n) => n === 2,
      5_000,
      'each event queued exactly once',
    );
  });
});
