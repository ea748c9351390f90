// The Lumen export over real HTTP, on both stores: notices of every kind filed through the API,
// acted on (a hosted takedown, a counter notice against it), and exported one by one and page by
// page; every record valid against the Lumen submission schema; CSAM listed as not exported.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { KIND_RULES, REPORT_KINDS, type ReportKind } from '../../src/domain/report-kinds.ts';

const schema = JSON.parse(readFileSync(new URL('../../src/exports/lumen-schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
const assertValid = (r: unknown, what: string) => assert.ok(validate(r), `${what}: ${JSON.stringify(validate.errors)}`);

const ZONES = `account_id,account_name,account_email,zone,mode,origin
p1,Proxied Owner,owner@proxied.test,proxied.example,proxied,198.51.100.7
h1,Hosted Owner,owner@hosted.test,hosted.example,hosted,198.51.100.1
`;
const reporter = {
  name: 'Alex Reporter',
  email: 'alex@reporter.test',
  company: 'Reporter GmbH',
  address: '1 Main St, Berlin',
  country: 'DE',
  phone: '+49 30 1234567',
};

function body(kind: ReportKind): Record<string, unknown> {
  const b: Record<string, unknown> = { kind, urls: [`https://proxied.example/${kind}`, `https://hosted.example/${kind}`], claimant: reporter };
  switch (kind) {
    case 'copyright':
      return {
        ...b,
        regime: 'dmca',
        work: { description: 'The photo "Harbour at dawn"', urls: ['https://photos.test/harbour'] },
        statements: { good_faith_belief: true, accuracy_and_authority: true },
        signature: reporter.name,
      };
    case 'trademark':
      return { ...b, explanation: 'The shop sells counterfeits under our mark.', trademark: { number: 'EU 018123456', office: 'EUIPO', symbol: 'HARBOR' } };
    case 'ncsei':
      return { ...b, subject_representation: true, explanation: 'Intimate photos of me posted without my consent.' };
    case 'whois':
      return {
        ...b,
        whois_request: {
          legal_basis: 'Art. 6(1)(f) GDPR: we need to serve the registrant.',
          request_type: 'disclosure',
          requested_data: ['registrant_name'],
          good_faith_affirmation: true,
          lawful_processing_agreement: true,
        },
      };
    case 'csam':
      return { ...b, explanation: 'Images of the sexual abuse of a child.', notify: { hotline: 'send-anon' } };
    default:
      return { ...b, explanation: `A ${kind} report: the page breaks the acceptable-use policy.`, regime: 'dsa', statements: { accurate_and_complete: true } };
  }
}

for (const store of storeKinds()) {
  describe(`Lumen export (${store} store)`, () => {
    let s: TestServer;
    let alex: { token: string };
    let owner: string;
    const ids = new Map<ReportKind, string>();

    before(async () => {
      s = await startTestServer(store);
      await s.loadZones(ZONES);
      alex = await s.reporter(reporter.email);
      owner = (await createPrincipal(s.store.db, { role: 'customer', email: 'owner@hosted.test', accountId: 'h1', actor: 'system' })).token;
      for (const kind of REPORT_KINDS) {
        const r = await s.api('/v1/notices', { token: alex.token, body: body(kind) });
        assert.equal(r.status, 201, `${kind}: ${JSON.stringify(r.body)}`);
        ids.set(kind, r.body.id);
        await waitUntil(
          () => s.api(`/v1/notices/${r.body.id}`, { token: s.adminToken }),
          (x) => x.body.status === 'processed',
          20_000,
          `${kind} processed`,
        );
      }
    });
    after(async () => {
      await s?.close();
    });

    const lumen = async (kind: ReportKind) => {
      const r = await s.api(`/v1/notices/${ids.get(kind)}/lumen`, { token: s.adminToken });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };

    test('every kind: one record of its Lumen type, valid against the schema, with the URLs as filed', async () => {
      for (const kind of REPORT_KINDS) {
        const e = await lumen(kind);
        assert.equal(e.notice_id, ids.get(kind));
        if (kind === 'csam') {
          assert.equal(e.exported, false);
          assert.match(e.reason, /never exported to Lumen/);
          assert.equal(e.notice, undefined);
          continue;
        }
        assert.equal(e.exported, true, kind);
        assertValid(e.notice, kind);
        assert.equal(e.notice.type, KIND_RULES[kind].lumen);
        assert.deepEqual(
          e.notice.works_attributes[0].infringing_urls_attributes.map((u: { url: string }) => u.url),
          [`https://proxied.example/${kind}`, `https://hosted.example/${kind}`],
        );
        assert.doesNotMatch(JSON.stringify(e), /alex@reporter\.test|1234567/, 'no e-mail address or telephone number');
      }
    });

    test('action_taken follows the items: a takedown makes it Partial, a counter notice is a record of its own', async () => {
      const id = ids.get('copyright')!;
      const before = await lumen('copyright');
      assert.equal(before.notice.action_taken, 'Unspecified', 'the hosted URL waits for review, the proxied one was forwarded');
      const d = await s.api(`/v1/notices/${id}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      assert.equal(d.status, 200, JSON.stringify(d.body));
      const after = await lumen('copyright');
      assert.equal(after.notice.action_taken, 'Partial');
      assert.deepEqual(after.counter_notices, []);
      const cn = await s.api(`/v1/notices/${id}/counter-notice`, {
        token: owner,
        body: {
          material: { urls: ['https://hosted.example/copyright'], description: 'My own photo' },
          statements: { good_faith_mistake: true, consent_to_jurisdiction: true, accept_service_of_process: true },
          subscriber: { name: 'Olive Owner', address: '9 Elm Street, Springfield, IL 62701', country: 'US', phone: '+1 217 555 0199' },
          reason: 'owner',
          signature: 'Olive Owner',
        },
      });
      assert.ok(cn.status === 200 || cn.status === 201, JSON.stringify(cn.body));
      const withCn = await lumen('copyright');
      assertValid(withCn.notice, 'notice');
      assert.equal(withCn.counter_notices.length, 1);
      const c = withCn.counter_notices[0];
      assertValid(c, 'counter notice');
      assert.equal(c.type, 'Counternotice');
      assert.equal(c.case_id_number, id);
      assert.equal(c.action_taken, 'Unspecified', 'the waiting period has not run');
      assert.deepEqual(c.works_attributes[0].infringing_urls_attributes, [{ url: 'https://hosted.example/copyright' }]);
      assert.doesNotMatch(JSON.stringify(c), /555 0199/);
    });

    test('the batch pages through every notice, oldest first, each valid, CSAM listed as not exported', async () => {
      const seen: { notice_id: string; exported: boolean; notice?: unknown }[] = [];
      let cursor: string | null = '';
      let pages = 0;
      while (cursor !== null) {
        const r = await s.api(`/v1/exports/lumen?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: s.adminToken });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.ok(r.body.notices.length <= 3);
        seen.push(...r.body.notices);
        cursor = r.body.next_cursor;
        pages++;
      }
      assert.equal(pages, Math.ceil(REPORT_KINDS.length / 3));
      assert.deepEqual(
        seen.map((e) => e.notice_id),
        REPORT_KINDS.map((k) => ids.get(k)),
      );
      for (const e of seen) if (e.exported) assertValid(e.notice, e.notice_id);
      assert.deepEqual(
        seen.filter((e) => !e.exported).map((e) => e.notice_id),
        [ids.get('csam')],
      );
      const later = await s.api(`/v1/exports/lumen?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: s.adminToken });
      assert.deepEqual(later.body, { notices: [], next_cursor: null });
      const until = await s.api(`/v1/exports/lumen?until=2000-01-01`, { token: s.adminToken });
      assert.deepEqual(until.body.notices, []);
    });

    test('staff only; bad input names its field; an unknown notice is 404', async () => {
      assert.equal((await s.api(`/v1/notices/${ids.get('copyright')}/lumen`, { token: alex.token })).status, 403);
      assert.equal((await s.api('/v1/exports/lumen', { token: owner })).status, 403);
      assert.equal((await s.api('/v1/exports/lumen')).status, 401);
      const bad = await s.api('/v1/exports/lumen?limit=101&since=soon&cursor=nope', { token: s.adminToken });
      assert.equal(bad.status, 422);
      assert.deepEqual((bad.body.errors as { field: string }[]).map((e) => e.field).sort(), ['cursor', 'limit', 'since']);
      assert.equal((await s.api('/v1/notices/00000000-0000-4000-8000-000000000000/lumen', { token: s.adminToken })).status, 404);
    });
  });
}
