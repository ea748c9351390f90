// Legal process through the API on both stores, with a real SMTP server on loopback: subpoenas
// with targets resolved to what we hold, deadlines first, productions with the customer told
// (except under a non-disclosure order), staff only; court orders whose domain block rules reach
// the edge feed on existing zones and catch a site that comes back under another account.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { legalQueue } from '../../src/legal/services/views.ts';
import { liftEndedRules, sendDueLegalNotices } from '../../src/legal/services/jobs.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
c1,Pirate Owner,owner@pirate.test,pirate-site.example,proxied,192.0.2.10
c2,Gagged Owner,owner@gagged.test,gagged.example,hosted,192.0.2.11
c3,Old Pirate,old@examplepirate.test,examplepirate.example,proxied,192.0.2.12
c4,Innocent,ops@innocent.test,notexamplepirate.example,proxied,192.0.2.13
`;

const subpoena = (over: Record<string, unknown> = {}) => ({
  type: 'subpoena',
  authority: 'U.S. District Court for the Northern District of California',
  case_number: '3:26-mc-80012',
  requesting_party: 'Harbor Pictures LLC',
  received_at: '2026-03-01',
  deadline: '2099-03-16',
  targets: { domains: ['www.pirate-site.example'], accounts: ['c1', 'nobody'] },
  document_ref: 'legal-dms://2026/0012',
  ...over,
});

for (const kind of storeKinds()) {
  describe(`legal process (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let reporter: { token: string };
    let customer: string;
    let subpoenaId = '';

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url });
      await s.loadZones(ZONES);
      reporter = await s.reporter('agent@rights.test');
      customer = (await createPrincipal(s.store.db, { role: 'customer', email: 'owner@pirate.test', accountId: 'c1', actor: 'system' })).token;
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('staff only: reporters and customers get 403, no token 401', async () => {
      for (const token of [reporter.token, customer]) {
        assert.equal((await s.api('/v1/legal-requests', { token, body: subpoena() })).status, 403);
        assert.equal((await s.api('/v1/legal-requests', { token })).status, 403);
        assert.equal((await s.api('/v1/legal-requests/00000000-0000-4000-8000-000000000000', { token })).status, 403);
      }
      assert.equal((await s.api('/v1/legal-requests')).status, 401);
    });

    test('every legal-process route is in the OpenAPI document', async () => {
      const doc = (await s.api('/openapi.json')).body;
      for (const [p, methods] of Object.entries({
        '/v1/legal-requests': ['get', 'post'],
        '/v1/legal-requests/{id}': ['get'],
        '/v1/legal-requests/{id}/productions': ['post'],
        '/v1/legal-requests/{id}/state': ['post'],
        '/v1/legal-requests/{id}/block-rules/{ruleId}/lift': ['post'],
      })) {
        for (const m of methods) assert.ok(doc.paths[p]?.[m], `${m} ${p}`);
      }
    });

    test('bad input: 422 with every field error at once', async () => {
      const r = await s.api('/v1/legal-requests', {
        token: s.adminToken,
        body: { type: 'letter', authority: '', deadline: '2026-13-01', targets: { domains: ['not a domain'] }, block_rules: ['co.uk'] },
      });
      assert.equal(r.status, 422);
      assert.deepEqual(r.body.errors.map((e: { field: string }) => e.field).sort(), [
        'authority',
        'block_rules',
        'case_number',
        'deadline',
        'requesting_party',
        'targets.domains[0]',
        'type',
      ]);
      assert.equal((await s.api('/v1/legal-requests?state=shredded', { token: s.adminToken })).status, 422);
    });

    test('a subpoena is recorded with its targets resolved; the customer is told at once; a retry is the same request', async () => {
      const r = await s.api('/v1/legal-requests', { token: s.adminToken, body: subpoena(), headers: { 'idempotency-key': 'sub-1' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      subpoenaId = r.body.id;
      assert.equal(r.body.state, 'received');
      assert.equal(r.body.deadline, '2099-03-16T23:59:59.999Z');
      assert.deepEqual(
        r.body.target_list.map((t: { kind: string; value: string; zone: string | null; account_id: string | null }) => [t.kind, t.value, t.zone, t.account_id]),
        [
          ['domain', 'www.pirate-site.example', 'pirate-site.example', 'c1'],
          ['account', 'c1', null, 'c1'],
          ['account', 'nobody', null, null],
        ],
      );
      assert.deepEqual(r.body.customer_notice, { decision: 'notify', at: r.body.customer_notice.at, reason: null });
      const retry = await s.api('/v1/legal-requests', { token: s.adminToken, body: subpoena(), headers: { 'idempotency-key': 'sub-1' } });
      assert.equal(retry.status, 200);
      assert.equal(retry.body.id, subpoenaId);
      const other = await s.api('/v1/legal-requests', { token: s.adminToken, body: subpoena({ case_number: 'X' }), headers: { 'idempotency-key': 'sub-1' } });
      assert.equal(other.status, 422);
      assert.equal(other.body.errors[0].field, 'Idempotency-Key');

      const mails = await smtp.waitFor((m) => m.some((x) => x.parsed.subject?.includes('Legal process about your account: 3:26-mc-80012')));
      const notice = mails.filter((x) => x.parsed.subject?.includes('Legal process about your account'));
      assert.equal(notice.length, 1, 'one message for the one account, however many targets name it');
      assert.deepEqual(notice[0]!.envelopeTo, ['owner@pirate.test']);
      assert.match(notice[0]!.parsed.text ?? '', /Harbor Pictures LLC/);
      assert.match(notice[0]!.parsed.text ?? '', /www\.pirate-site\.example/);
      assert.match(notice[0]!.parsed.text ?? '', new RegExp(subpoenaId));
    });

    test('the list puts the nearest deadline first and filters by state', async () => {
      const soon = await s.api('/v1/legal-requests', {
        token: s.adminToken,
        body: subpoena({ case_number: 'SOON-1', deadline: '2026-01-15', received_at: '2026-01-02' }),
      });
      assert.equal(soon.status, 201);
      const none = await s.api('/v1/legal-requests', { token: s.adminToken, body: subpoena({ type: 'other', case_number: 'NONE-1', deadline: null }) });
      assert.equal(none.status, 201);
      const later = await s.api('/v1/legal-requests', {
        token: s.adminToken,
        body: subpoena({ type: 'law_enforcement', case_number: 'LE-7', deadline: '2098-01-01', targets: { accounts: ['c4'] } }),
      });
      assert.equal(later.status, 201);
      const list = await s.api('/v1/legal-requests?state=open', { token: s.adminToken });
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.legal_requests.map((r: { case_number: string }) => r.case_number),
        ['SOON-1', 'LE-7', '3:26-mc-80012', 'NONE-1'],
      );
      assert.equal(list.body.legal_requests[0].overdue, true, 'a deadline in the past, still open');
      assert.equal(list.body.legal_requests[1].overdue, false);
      const q = await legalQueue(s.store.db, new Date());
      assert.equal(q.requests[0]!.case_number, 'SOON-1');
      const closedOnly = await s.api('/v1/legal-requests?state=closed', { token: s.adminToken });
      assert.deepEqual(closedOnly.body.legal_requests, []);
    });

    test('a production is recorded once, with the fields, by whom; the customer is told what was produced', async () => {
      const early = await s.api(`/v1/legal-requests/${subpoenaId}/productions`, { token: s.adminToken, body: { fields: ['account_name'] } });
      assert.equal(early.status, 409, 'not before the request is in progress');
      assert.equal(early.body.errors[0].field, 'state');
      const bad = await s.api(`/v1/legal-requests/${subpoenaId}/productions`, {
        token: s.adminToken,
        body: { fields: ['account_name', 'payment_details', 'kidneys'] },
      });
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['fields[2]', 'payment_reference']);
      const skip = await s.api(`/v1/legal-requests/${subpoenaId}/state`, { token: s.adminToken, body: { state: 'closed' } });
      assert.equal(skip.status, 409);
      const moved = await s.api(`/v1/legal-requests/${subpoenaId}/state`, { token: s.adminToken, body: { state: 'in_progress', note: 'Valid on its face' } });
      assert.deepEqual(moved.body, { state: 'in_progress', changed: true });

      const body = {
        fields: ['account_name', 'account_email', 'payment_details', 'ip_addresses'],
        payment_reference: 'billing://invoices/c1',
        ip_addresses: ['192.0.2.10'],
        produced_at: '2026-03-10T12:00:00Z',
      };
      const p = await s.api(`/v1/legal-requests/${subpoenaId}/productions`, { token: s.adminToken, body });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      assert.equal(p.body.state, 'produced');
      const again = await s.api(`/v1/legal-requests/${subpoenaId}/productions`, { token: s.adminToken, body });
      assert.equal(again.status, 200);
      assert.equal(again.body.production_id, p.body.production_id);

      const mails = await smtp.waitFor((m) => m.some((x) => x.parsed.subject?.includes('Information produced in answer to 3:26-mc-80012')));
      const told = mails.filter((x) => x.parsed.subject?.includes('Information produced'));
      assert.equal(told.length, 1);
      assert.deepEqual(told[0]!.envelopeTo, ['owner@pirate.test']);
      assert.match(told[0]!.parsed.text ?? '', /Payment details/);
      assert.match(told[0]!.parsed.text ?? '', /192\.0\.2\.10/);

      const view = await s.api(`/v1/legal-requests/${subpoenaId}`, { token: s.adminToken });
      assert.equal(view.body.productions.length, 1);
      assert.deepEqual(view.body.productions[0].fields, body.fields);
      assert.equal(view.body.productions[0].produced_at, '2026-03-10T12:00:00.000Z');
      assert.deepEqual(view.body.productions[0].accounts, ['c1']);
      assert.deepEqual(view.body.next_states, ['closed']);
      const types = view.body.events.map((e: { type: string }) => e.type);
      assert.deepEqual(
        types.filter((t: string) => t !== 'legal_request.customer_notified'),
        ['legal_request.recorded', 'legal_request.state_changed', 'legal_request.produced'],
      );
      const produced = view.body.events.find((e: { type: string }) => e.type === 'legal_request.produced');
      assert.deepEqual([produced.before, produced.after], [{ state: 'in_progress' }, { state: 'produced' }]);
      assert.match(produced.actor, /^principal:/);
      assert.equal(types.filter((t: string) => t === 'legal_request.customer_notified').length, 2, 'told of the request, then of the production');
      const closed = await s.api(`/v1/legal-requests/${subpoenaId}/state`, { token: s.adminToken, body: { state: 'closed' } });
      assert.equal(closed.body.state, 'closed');
    });

    test('under a non-disclosure order the customer is never mailed, and the production says why', async () => {
      const r = await s.api('/v1/legal-requests', {
        token: s.adminToken,
        body: subpoena({
          type: 'law_enforcement',
          case_number: 'GAG-1',
          authority: 'FBI Field Office',
          targets: { domains: ['gagged.example'] },
          non_disclosure_order: true,
        }),
      });
      assert.equal(r.status, 201);
      assert.deepEqual(r.body.customer_notice, { decision: 'withhold', at: null, reason: 'non_disclosure_order' });
      await s.api(`/v1/legal-requests/${r.body.id}/state`, { token: s.adminToken, body: { state: 'in_progress' } });
      const p = await s.api(`/v1/legal-requests/${r.body.id}/productions`, { token: s.adminToken, body: { fields: ['account_email'] } });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      assert.equal(p.body.customers_notified, 0);
      const view = await s.api(`/v1/legal-requests/${r.body.id}`, { token: s.adminToken });
      assert.deepEqual(view.body.notices_sent, []);
      assert.ok(
        view.body.events.some(
          (e: { type: string; data: { reason?: string } }) => e.type === 'legal_request.customer_notice_withheld' && e.data.reason === 'non_disclosure_order',
        ),
      );
      // The mailer has had its chance: the other request's mails arrived meanwhile, none to this customer.
      await smtp.waitFor((m) => m.some((x) => x.parsed.subject?.includes('LE-7')));
      assert.ok(!smtp.mails.some((m) => m.envelopeTo.includes('owner@gagged.test')), 'nothing reached the gagged customer');
      const { rows } = await import('kysely').then(({ sql }) =>
        sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE to_address = 'owner@gagged.test'`.execute(s.store.db),
      );
      assert.equal(rows[0]!.n, 0, 'not even queued');
    });

    test('a court order with examplepirate.* blocks the existing zone in the edge feed; lifting it unblocks', async () => {
      const before = await s.api('/v1/edge/blocklist', { token: s.adminToken });
      assert.deepEqual(before.body.domains, []);
      const r = await s.api('/v1/legal-requests', {
        token: s.adminToken,
        body: {
          type: 'court_order',
          authority: 'High Court of Justice',
          case_number: 'HC-2026-000123',
          requesting_party: 'Studios Association',
          block_rules: ['examplepirate.*', 'mirror-pirate.example'],
        },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const orderId = r.body.id;
      assert.deepEqual(
        r.body.block_rules.map((b: { text: string; active: boolean; zones: { zone: string; account_id: string; found_by: string }[] }) => [
          b.text,
          b.active,
          b.zones.map((z) => [z.zone, z.account_id, z.found_by]),
        ]),
        [
          ['examplepirate.*', true, [['examplepirate.example', 'c3', 'order']]],
          ['mirror-pirate.example', true, []],
        ],
      );
      const feed = await s.api('/v1/edge/blocklist', { token: s.adminToken });
      assert.notEqual(feed.headers.get('etag'), before.headers.get('etag'));
      assert.deepEqual(feed.body.domains, [
        { domain: 'examplepirate.example', order_id: orderId },
        { domain: 'mirror-pirate.example', order_id: orderId },
      ]);
      const map = await s.api('/v1/edge/blocklist?format=nginx', { token: s.adminToken });
      assert.match(map.body, new RegExp(`"\\.examplepirate\\.example" "court-order:${orderId}";`));
      assert.ok(!/notexamplepirate/.test(map.body), 'a label boundary, not a substring');

      // The order's public page, the Link target.
      const page = await fetch(`${s.url}/court-orders/${orderId}/public`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /HC-2026-000123/);
      assert.match(html, /examplepirate under any top-level domain/);

      // A new zone under another account is caught on import, still loaded, flagged for staff.
      await s.loadZones(`account_id,account_name,account_email,zone,mode,origin
c9,New Face,new@face.test,examplepirate.test,proxied,192.0.2.99
c9,New Face,new@face.test,harmless.test,proxied,192.0.2.99
`);
      const zone = await s.store.db.selectFrom('zones').select(['name', 'account_id']).where('name', '=', 'examplepirate.test').executeTakeFirst();
      assert.deepEqual(zone, { name: 'examplepirate.test', account_id: 'c9' }, 'still loaded');
      const after = await s.api('/v1/edge/blocklist', { token: s.adminToken, headers: { 'if-none-match': feed.headers.get('etag')! } });
      assert.equal(after.status, 200, 'the feed changed');
      assert.deepEqual(
        after.body.domains.map((d: { domain: string }) => d.domain),
        ['examplepirate.example', 'examplepirate.test', 'mirror-pirate.example'],
      );
      const q = await legalQueue(s.store.db, new Date());
      assert.deepEqual(
        q.returned.map((m) => [m.zone, m.account_id, m.account_name, m.rule, m.legal_request_id]),
        [['examplepirate.test', 'c9', 'New Face', 'examplepirate.*', orderId]],
      );
      const ev = await s.store.db
        .selectFrom('events')
        .select(['type', 'actor'])
        .where('subject_type', '=', 'zone')
        .where('subject_id', '=', 'examplepirate.test')
        .execute();
      assert.deepEqual(
        ev.map((e) => e.type),
        ['zone.court_order_returned'],
      );

      // The old site moves to the new account too: caught again, under the new account.
      await s.loadZones(`account_id,account_name,account_email,zone,mode,origin
c9,New Face,new@face.test,examplepirate.example,proxied,192.0.2.99
`);
      const q2 = await legalQueue(s.store.db, new Date());
      assert.deepEqual(
        q2.returned.map((m) => [m.zone, m.account_id]),
        [
          ['examplepirate.test', 'c9'],
          ['examplepirate.example', 'c9'],
        ],
      );
      // Re-importing the same rows catches nothing new.
      await s.loadZones(`account_id,account_name,account_email,zone,mode,origin
c9,New Face,new@face.test,examplepirate.example,proxied,192.0.2.99
`);
      assert.equal((await legalQueue(s.store.db, new Date())).returned.length, 2);

      // Lifting a rule: its domains leave the feed.
      const view = await s.api(`/v1/legal-requests/${orderId}`, { token: s.adminToken });
      const rule = view.body.block_rules.find((b: { text: string }) => b.text === 'examplepirate.*');
      const noReason = await s.api(`/v1/legal-requests/${orderId}/block-rules/${rule.id}/lift`, { token: s.adminToken, body: {} });
      assert.equal(noReason.status, 422);
      assert.equal((await s.api(`/v1/legal-requests/${orderId}/block-rules/${rule.id}/lift`, { token: reporter.token, body: { reason: 'x' } })).status, 403);
      const lifted = await s.api(`/v1/legal-requests/${orderId}/block-rules/${rule.id}/lift`, {
        token: s.adminToken,
        body: { reason: 'Order varied on appeal' },
      });
      assert.deepEqual(lifted.body, { lifted: true, changed: true });
      const unblocked = await s.api('/v1/edge/blocklist', { token: s.adminToken });
      assert.deepEqual(
        unblocked.body.domains.map((d: { domain: string }) => d.domain),
        ['mirror-pirate.example'],
      );
    });

    test('a block rule with an end date is lifted when it passes', async () => {
      const r = await s.api('/v1/legal-requests', {
        token: s.adminToken,
        body: {
          type: 'court_order',
          authority: 'Tribunal',
          case_number: 'T-9',
          requesting_party: 'Label',
          block_rules: ['=gagged.example'],
          block_ends_at: '2099-12-31',
        },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const on = await s.api('/v1/edge/blocklist', { token: s.adminToken });
      assert.ok(on.body.domains.some((d: { domain: string }) => d.domain === 'gagged.example'));
      assert.equal(await liftEndedRules(s.store.db, new Date('2099-12-30T00:00:00Z')), 0);
      assert.equal(await liftEndedRules(s.store.db, new Date('2100-01-01T00:00:00Z')), 1, 'the clock moved past the end date');
      const off = await s.api('/v1/edge/blocklist', { token: s.adminToken });
      assert.ok(!off.body.domains.some((d: { domain: string }) => d.domain === 'gagged.example'));
      assert.notEqual(off.headers.get('etag'), on.headers.get('etag'));
      const view = await s.api(`/v1/legal-requests/${r.body.id}`, { token: s.adminToken });
      assert.equal(view.body.block_rules[0].active, false);
      assert.ok(view.body.events.some((e: { type: string; actor: string }) => e.type === 'court_order.rule_lifted' && e.actor === 'system'));
    });
  });
}

for (const kind of storeKinds()) {
  describe(`legal process: customer notice after a configured delay (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let now = new Date('2026-05-04T09:00:00Z');

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url, config: { legalNoticePolicy: { delayHours: 48 } }, clock: () => now });
      await s.loadZones(ZONES);
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('nothing is produced before the customer is told; the notice goes out when the delay has passed', async () => {
      const r = await s.api('/v1/legal-requests', { token: s.adminToken, body: subpoena({ received_at: '2026-05-04', deadline: '2026-06-01' }) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body.customer_notice, { decision: 'notify', at: '2026-05-06T09:00:00.000Z', reason: null });
      assert.deepEqual(r.body.notices_sent, []);
      await s.api(`/v1/legal-requests/${r.body.id}/state`, { token: s.adminToken, body: { state: 'in_progress' } });
      const early = await s.api(`/v1/legal-requests/${r.body.id}/productions`, { token: s.adminToken, body: { fields: ['account_name'] } });
      assert.equal(early.status, 409);
      assert.match(early.body.errors[0].message, /must be told about the request before anything is produced/);
      assert.equal(await sendDueLegalNotices({ db: s.store.db, provider: 'Safeharbor', policy: { delayHours: 48 } }, now), 0, 'not due yet');

      now = new Date('2026-05-06T10:00:00Z');
      assert.equal(await sendDueLegalNotices({ db: s.store.db, provider: 'Safeharbor', policy: { delayHours: 48 } }, now), 1);
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('owner@pirate.test') && !!x.parsed.subject?.includes('Legal process about your account')));
      const p = await s.api(`/v1/legal-requests/${r.body.id}/productions`, { token: s.adminToken, body: { fields: ['account_name'] } });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      const view = await s.api(`/v1/legal-requests/${r.body.id}`, { token: s.adminToken });
      assert.deepEqual(
        view.body.notices_sent.map((n: { kind: string; sent_at: string }) => [n.kind, n.sent_at]),
        [
          ['request', '2026-05-06T10:00:00.000Z'],
          ['production', '2026-05-06T10:00:00.000Z'],
        ],
      );
    });

    test('when a non-disclosure order runs out, the customer is told, even of a request already answered', async () => {
      const deps = { db: s.store.db, provider: 'Safeharbor', policy: { delayHours: 48 } };
      const r = await s.api('/v1/legal-requests', {
        token: s.adminToken,
        body: subpoena({
          type: 'law_enforcement',
          case_number: 'GAG-2',
          received_at: '2026-05-06',
          deadline: '2026-05-20',
          targets: { domains: ['gagged.example'] },
          non_disclosure_order: true,
          non_disclosure_until: '2026-06-30',
        }),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await s.api(`/v1/legal-requests/${r.body.id}/state`, { token: s.adminToken, body: { state: 'in_progress' } });
      assert.equal(
        (await s.api(`/v1/legal-requests/${r.body.id}/productions`, { token: s.adminToken, body: { fields: ['account_email'] } })).status,
        201,
        'no notice needed under the order',
      );
      now = new Date('2026-06-15T00:00:00Z');
      assert.equal(await sendDueLegalNotices(deps, now), 0, 'the order still holds');
      now = new Date('2026-07-01T08:00:00Z');
      assert.equal(await sendDueLegalNotices(deps, now), 1);
      assert.equal(await sendDueLegalNotices(deps, now), 0, 'once');
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('owner@gagged.test') && !!x.parsed.subject?.includes('GAG-2')));
    });
  });
}
