// DSA Art. 17 end to end, on both stores, through the real API and a real SMTP server: every
// restriction issues a statement of reasons in the same transaction — a staff takedown (with the
// reviewer's ground), a takedown by policy at receipt (child sexual abuse material), a termination
// — stored once however often the step runs, valid against the Transparency Database's schema,
// mailed to the customer, shown in the portal, readable by its customer only, exported by staff.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { webSession } from '../support/web-session.ts';

const schema = JSON.parse(readFileSync(new URL('../../src/dsa/statement-schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
const assertValid = (s: unknown) => assert.ok(validate(s), JSON.stringify(validate.errors));

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted One,one@hosted.test,one.example,hosted,198.51.100.1
h2,Hosted Two,two@hosted.test,two.example,hosted,198.51.100.2
`;
const notifier = { name: 'Dana Notifier', email: 'dana@bank.test', company: 'Example Bank AG' };

const phishing = (urls: string[]) => ({
  kind: 'phishing',
  regime: 'dsa',
  urls,
  claimant: notifier,
  explanation: 'The page imitates the Example Bank login and collects passwords.',
  statements: { accurate_and_complete: true },
});

type Statement = { id: string; puid: string; notice_id: string; account_id: string; restriction: string; urls: string[]; statement: Record<string, unknown> };

for (const store of storeKinds()) {
  describe(`statements of reasons (${store} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let dana: { token: string };
    let one: string;
    let two: string;
    let twoId: string;
    let phishingId: string;
    let csamId: string;
    const processed = (id: string) =>
      waitUntil(
        () => s.api(`/v1/notices/${id}`, { token: s.adminToken }),
        (x) => x.body.status === 'processed',
        20_000,
        `${id} processed`,
      );

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(store, { smtpUrl: smtp.url });
      await s.loadZones(ZONES);
      dana = await s.reporter(notifier.email);
      one = (await createPrincipal(s.store.db, { role: 'customer', email: 'one@hosted.test', accountId: 'h1', actor: 'system' })).token;
      const p2 = await createPrincipal(s.store.db, { role: 'customer', email: 'two@hosted.test', accountId: 'h2', actor: 'system' });
      two = p2.token;
      twoId = p2.principal.id;
      const p = await s.api('/v1/notices', {
        token: dana.token,
        body: phishing(['https://one.example/login', 'https://one.example/verify', 'https://two.example/x']),
      });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      phishingId = p.body.id;
      const c = await s.api('/v1/notices', {
        token: dana.token,
        body: { kind: 'csam', urls: ['https://two.example/abuse'], explanation: 'Images of the sexual abuse of a child.', notify: { hotline: 'send-anon' } },
      });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      csamId = c.body.id;
      await processed(phishingId);
      await processed(csamId);
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    const mailWhere = async (f: (m: TestSmtp['mails'][number]) => boolean) => {
      await smtp.waitFor((all) => all.some(f));
      return smtp.mails.find(f)!;
    };
    const statements = async (token: string, query = '') => {
      const r = await s.api(`/v1/statements${query}`, { token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.statements as Statement[];
    };

    test('a staff takedown issues one statement per customer, with the reviewer’s ground, valid against the schema', async () => {
      assert.deepEqual(await statements(one, `?notice_id=${phishingId}`), [], 'nothing is restricted before the decision');
      const d = await s.api(`/v1/notices/${phishingId}/review`, {
        token: s.adminToken,
        body: { action: 'disable', state: 'pending_review', note: 'The page is a credential-phishing copy of the bank’s login.' },
      });
      assert.equal(d.status, 200, JSON.stringify(d.body));
      const mine = await statements(one, `?notice_id=${phishingId}`);
      assert.equal(mine.length, 1);
      const st = mine[0]!;
      assert.equal(st.restriction, 'content_disabled');
      assert.deepEqual(st.urls, ['https://one.example/login', 'https://one.example/verify']);
      assertValid(st.statement);
      assert.equal(st.statement.decision_ground, 'DECISION_GROUND_ILLEGAL_CONTENT');
      assert.equal(st.statement.source_type, 'SOURCE_ARTICLE_16');
      assert.equal(st.statement.automated_decision, 'AUTOMATED_DECISION_NOT_AUTOMATED');
      assert.equal(st.statement.source_identity, 'Example Bank AG');
      assert.equal(st.statement.illegal_content_explanation, 'The page is a credential-phishing copy of the bank’s login.');
      assert.deepEqual(st.statement.category_specification, ['KEYWORD_PHISHING']);
      const theirs = await statements(two, `?notice_id=${phishingId}`);
      assert.equal(theirs.length, 1, 'the other customer has its own statement');
      assert.deepEqual(theirs[0]!.urls, ['https://two.example/x']);
      assert.notEqual(theirs[0]!.puid, st.puid);
      const events = await s.store.db
        .selectFrom('events')
        .select(['subject_id'])
        .where('type', '=', 'statement.issued')
        .where('notice_id', '=', phishingId)
        .execute();
      assert.deepEqual(events.map((e) => e.subject_id).sort(), [st.id, theirs[0]!.id].sort());
    });

    test('the statement is in the customer’s takedown mail, with the redress and its link', async () => {
      const [st] = await statements(one, `?notice_id=${phishingId}`);
      const mail = await mailWhere((x) => x.envelopeTo.includes('one@hosted.test') && x.parsed.text?.includes(st!.puid) === true);
      const text = mail.parsed.text!;
      assert.match(mail.parsed.subject!, /Content disabled/);
      assert.match(text, /STATEMENT OF REASONS \(EU Digital Services Act, Art\. 17\)/);
      assert.match(text, /credential-phishing copy/);
      assert.match(text, /out-of-court dispute settlement body/);
      assert.ok(text.includes(`https://safeharbor.test/portal/statements/${st!.id}`));
      assert.equal(smtp.mails.filter((m) => m.envelopeTo.includes('one@hosted.test') && m.parsed.text?.includes(st!.puid)).length, 1, 'one mail, not two');
    });

    test('the same decision again issues nothing new', async () => {
      const before = (await statements(s.adminToken, `?notice_id=${phishingId}`)).length;
      const again = await s.api(`/v1/notices/${phishingId}/review`, { token: s.adminToken, body: { action: 'disable', state: 'content_disabled' } });
      assert.equal(again.status, 200);
      assert.equal((await statements(s.adminToken, `?notice_id=${phishingId}`)).length, before);
    });

    test('child sexual abuse material: a statement by policy that neither quotes the report nor names its source', async () => {
      const [st] = await statements(two, `?notice_id=${csamId}`);
      assert.ok(st, 'issued at receipt');
      assertValid(st.statement);
      assert.equal(st.statement.automated_decision, 'AUTOMATED_DECISION_FULLY');
      assert.equal(st.statement.source_identity, 'withheld');
      assert.equal(st.statement.category, 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS');
      assert.doesNotMatch(JSON.stringify(st), /Images of the sexual abuse/);
      const mail = await mailWhere((x) => x.envelopeTo.includes('two@hosted.test') && x.parsed.text?.includes(st.puid) === true);
      assert.doesNotMatch(mail.parsed.text!, /Images of the sexual abuse|dana@bank\.test/);
    });

    test('a notice of a trusted flagger (DSA Art. 22) is the statement’s source as such', async () => {
      const flagger = await s.reporter('desk@apwg.test');
      const grant = await s.api('/v1/trusted-flaggers', {
        token: s.adminToken,
        body: { principal_id: flagger.id, organisation: 'Anti-Phishing Working Group e.V.', dsc_country: 'DE', kinds: ['phishing'] },
      });
      assert.equal(grant.status, 201, JSON.stringify(grant.body));
      const n = await s.api('/v1/notices', {
        token: flagger.token,
        body: {
          ...phishing(['https://two.example/flagged']),
          claimant: { name: 'APWG desk', email: 'desk@apwg.test', company: 'Anti-Phishing Working Group e.V.' },
        },
      });
      assert.equal(n.status, 201, JSON.stringify(n.body));
      await processed(n.body.id);
      assert.equal((await s.api(`/v1/notices/${n.body.id}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } })).status, 200);
      const [st] = await statements(two, `?notice_id=${n.body.id}`);
      assertValid(st!.statement);
      assert.equal(st!.statement.source_type, 'SOURCE_TRUSTED_FLAGGER');
      assert.equal(st!.statement.source_identity, 'Anti-Phishing Working Group e.V.');
      assert.match(
        String(st!.statement.illegal_content_explanation),
        /imitates the Example Bank login/,
        'without a note, the notice’s explanation is the ground',
      );
    });

    test('a customer reads only its own statements; a reporter none', async () => {
      const [st] = await statements(one, `?notice_id=${phishingId}`);
      assert.equal((await s.api(`/v1/statements/${st!.id}`, { token: one })).status, 200);
      assert.equal((await s.api(`/v1/statements/${st!.id}`, { token: two })).status, 404, 'another customer’s statement does not exist for it');
      assert.ok((await statements(two)).every((x) => x.account_id === 'h2'));
      assert.equal((await s.api('/v1/statements', { token: dana.token })).status, 403);
      assert.equal((await s.api('/v1/statements/export', { token: one })).status, 403);
      const bad = await s.api('/v1/statements?since=yesterday&limit=0', { token: one });
      assert.equal(bad.status, 422);
      assert.deepEqual((bad.body.errors as { field: string }[]).map((e) => e.field).sort(), ['limit', 'since']);
    });

    test('termination issues a service statement, in the termination mail', async () => {
      const t = await s.api('/v1/accounts/h1/terminate', { token: s.adminToken, body: { reason: 'Three valid takedowns of phishing pages in a month.' } });
      assert.equal(t.status, 200, JSON.stringify(t.body));
      const st = (await statements(one)).find((x) => x.restriction === 'service_terminated');
      assert.ok(st);
      assert.equal(st.notice_id, null);
      assert.deepEqual(st.urls, ['one.example']);
      assertValid(st.statement);
      assert.equal(st.statement.decision_provision, 'DECISION_PROVISION_TOTAL_TERMINATION');
      assert.equal(st.statement.decision_ground, 'DECISION_GROUND_INCOMPATIBLE_CONTENT');
      const mail = await mailWhere((x) => x.envelopeTo.includes('one@hosted.test') && /terminated/.test(x.parsed.subject ?? '') === true);
      assert.ok(mail.parsed.text!.includes(st.puid));
    });

    test('staff export pages through every statement in the Transparency Database’s batch shape', async () => {
      const all = await statements(s.adminToken);
      assert.equal(all.length, 5, 'two for the phishing takedown, one for the CSAM receipt, one for the trusted flagger’s notice, one for the termination');
      const seen: unknown[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const r = await s.api(`/v1/statements/export?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: s.adminToken });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.ok(r.body.statements.length <= 3);
        for (const x of r.body.statements) assertValid(x);
        seen.push(...r.body.statements);
        cursor = r.body.next_cursor;
      }
      assert.deepEqual(
        seen.map((x) => (x as { puid: string }).puid),
        all.map((x) => x.puid),
      );
      assert.equal((await s.api('/v1/statements/export?limit=101', { token: s.adminToken })).status, 422, 'a batch holds at most 100');
    });

    test('the portal lists the notice’s statements and shows each', async () => {
      const [st] = await statements(two, `?notice_id=${phishingId}`);
      const session = await webSession(s, twoId, '/portal');
      const page = await session.get(`/portal/notices/${phishingId}`);
      assert.equal(page.status, 200);
      assert.ok((await page.text()).includes(`/portal/statements/${st!.id}`), 'linked from the notice');
      const shown = await session.get(`/portal/statements/${st!.id}`);
      assert.equal(shown.status, 200);
      const html = await shown.text();
      assert.match(html, /Your options for redress/);
      assert.ok(html.includes(st!.puid));
      const [other] = await statements(one, `?notice_id=${phishingId}`);
      assert.equal((await session.get(`/portal/statements/${other!.id}`)).status, 404);
    });
  });
}
