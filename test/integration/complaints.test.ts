// Internal complaints against decisions (DSA Art. 20) end to end on both stores, over real HTTP
// and SMTP with a clock the test moves: a customer complains against a takedown, the staff member
// who decided is refused, another reverses it and the content is back; the notifier complains
// against a rejection, reversed, the content is disabled; a restriction by policy at receipt (CSAM)
// is complained against without the customer learning who reported; six months later no
// complaint is taken; no complaint or its text reaches another party.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { webSession } from '../support/web-session.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted One,one@hosted.test,hosted-one.example,hosted,198.51.100.1
h2,Hosted Two,two@hosted.test,hosted-two.example,hosted,198.51.100.2
h3,Hosted Three,three@hosted.test,hosted-three.example,hosted,198.51.100.3
`;
const DAY = 86_400_000;

for (const kind of storeKinds()) {
  describe(`complaints against decisions (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let offset = 0;
    let reporter: { token: string; id: string };
    let otherReporter: { token: string };
    let staffB: string;
    let staffBId: string;
    let h1Id: string;
    let h1: string;
    let h2: string;
    let h3: string;
    let takedownNotice: string;
    let rejectedNotice: string;
    let customerComplaint: string;

    const processed = (id: string, token: string) =>
      waitUntil(
        () => s.api(`/v1/notices/${id}`, { token }),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
    const file = async (urls: string[], body: Record<string, unknown> = {}, token = reporter.token) => {
      const r = await s.api('/v1/notices', { token, body: { ...dmcaNotice(urls), ...body } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await processed(r.body.id, token);
      return r.body.id as string;
    };
    const states = async (id: string) => (await s.api(`/v1/notices/${id}`, { token: s.adminToken })).body.items.map((i: { state: string }) => i.state);
    const mailsTo = (to: string, subject: RegExp) => smtp.mails.filter((m) => m.envelopeTo.includes(to) && subject.test(m.parsed.subject ?? ''));

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url, clock: () => new Date(Date.now() + offset) });
      await s.loadZones(ZONES);
      reporter = await s.reporter('desk@rights.test');
      otherReporter = await s.reporter('other@rights.test');
      const b = await s.api('/v1/principals', { token: s.adminToken, body: { role: 'staff', email: 'second@desk.test', name: 'Second Reviewer' } });
      assert.equal(b.status, 201);
      staffB = b.body.token;
      staffBId = b.body.id;
      const c1 = await createPrincipal(s.store.db, { role: 'customer', email: 'one@hosted.test', accountId: 'h1', actor: 'system' });
      h1 = c1.token;
      h1Id = c1.principal.id;
      h2 = (await createPrincipal(s.store.db, { role: 'customer', email: 'two@hosted.test', accountId: 'h2', actor: 'system' })).token;
      h3 = (await createPrincipal(s.store.db, { role: 'customer', email: 'three@hosted.test', accountId: 'h3', actor: 'system' })).token;

      takedownNotice = await file(['https://hosted-one.example/a', 'https://hosted-one.example/b']);
      const dis = await s.api(`/v1/notices/${takedownNotice}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      assert.equal(dis.body.changed.length, 2);
      rejectedNotice = await file(['https://hosted-two.example/c']);
      const rej = await s.api(`/v1/notices/${rejectedNotice}/review`, {
        token: s.adminToken,
        body: { action: 'reject', reason: 'other', note: 'The film is in the public domain.', positions: [0] },
      });
      assert.equal(rej.body.changed.length, 1);
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('the customer complains against the takedown: filed with a receipt; filing again is the same complaint; bad bodies by field', async () => {
      const bad = await s.api(`/v1/notices/${takedownNotice}/complaints`, { token: h1, body: { text: '   ' } });
      assert.equal(bad.status, 422);
      assert.deepEqual(
        bad.body.errors.map((e: { field: string }) => e.field),
        ['text'],
      );
      const asStaff = await s.api(`/v1/notices/${takedownNotice}/complaints`, { token: s.adminToken, body: { text: 'x' } });
      assert.equal(asStaff.status, 403);
      const r = await s.api(`/v1/notices/${takedownNotice}/complaints`, { token: h1, body: { text: 'These are my own home videos, not the film.' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.party, 'customer');
      assert.equal(r.body.state, 'open');
      assert.equal(r.body.decision_kind, 'restriction');
      assert.deepEqual(r.body.positions, [0, 1]);
      assert.equal(r.body.decision_actor, undefined, 'the party does not see who decided');
      customerComplaint = r.body.id;
      const again = await s.api(`/v1/notices/${takedownNotice}/complaints`, { token: h1, body: { text: 'Sent twice by mistake.' } });
      assert.equal(again.status, 200);
      assert.equal(again.body.id, customerComplaint);
      assert.equal(again.body.text, 'These are my own home videos, not the film.');
      const receipt = await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('one@hosted.test') && /Your complaint/.test(x.parsed.subject ?? '')));
      assert.equal(receipt.filter((x) => x.envelopeTo.includes('one@hosted.test') && /Your complaint/.test(x.parsed.subject ?? '')).length, 1, 'one receipt');
      const events = await s.api(`/v1/notices/${takedownNotice}/events?scope=all&limit=5000`, { token: s.adminToken });
      const filed = events.body.events.filter((e: { type: string }) => e.type === 'complaint.filed');
      assert.equal(filed.length, 1);
      assert.equal(filed[0].data.party, 'customer');
    });

    test('no complaint or its text reaches another party: another customer, another reporter, the notifier get 404', async () => {
      for (const token of [h2, h3, otherReporter.token]) {
        const seen = await s.api(`/v1/complaints/${customerComplaint}`, { token });
        assert.equal(seen.status, 404);
        assert.doesNotMatch(JSON.stringify(seen.body), /home videos/);
      }
      // The notifier files its own complaints; the customer's is not its to read.
      assert.equal((await s.api(`/v1/complaints/${customerComplaint}`, { token: reporter.token })).status, 404);
      assert.equal((await s.api(`/v1/complaints/${customerComplaint}`, { token: h1 })).body.text, 'These are my own home videos, not the film.');
      const h3Files = await s.api(`/v1/notices/${takedownNotice}/complaints`, { token: h3, body: { text: 'Let me in.' } });
      assert.equal(h3Files.status, 404, 'a notice about other sites does not exist for this customer');
      const foreignReporter = await s.api(`/v1/notices/${takedownNotice}/complaints`, { token: otherReporter.token, body: { text: 'Me too.' } });
      assert.equal(foreignReporter.status, 404);
      // A body that is not a complaint at all says nothing either: the notice is checked first.
      for (const token of [h3, otherReporter.token]) {
        const junk = await s.api(`/v1/notices/${takedownNotice}/complaints`, { token, body: { text: 42 } });
        assert.equal(junk.status, 404, 'an invalid body on a notice that is not the caller’s is a 404, not a 422');
      }
      assert.equal((await s.api('/v1/complaints?state=open', { token: h1 })).status, 403, 'only staff list complaints');
    });

    test('the staff member who took the decision is refused (409); another reverses it: content restored, both parties told the reasons', async () => {
      const list = await s.api('/v1/complaints?state=open', { token: s.adminToken });
      assert.deepEqual(
        list.body.complaints.map((c: { id: string }) => c.id),
        [customerComplaint],
      );
      assert.match(list.body.complaints[0].decision_actor, /^principal:/);
      const noReason = await s.api(`/v1/complaints/${customerComplaint}/decision`, { token: staffB, body: { outcome: 'reversed' } });
      assert.equal(noReason.status, 422);
      assert.deepEqual(
        noReason.body.errors.map((e: { field: string }) => e.field),
        ['reason'],
      );
      const same = await s.api(`/v1/complaints/${customerComplaint}/decision`, { token: s.adminToken, body: { outcome: 'upheld', reason: 'I stand by it.' } });
      assert.equal(same.status, 409);
      assert.match(same.body.errors[0].message, /another staff member/);
      assert.equal((await s.api(`/v1/complaints/${customerComplaint}`, { token: s.adminToken })).body.state, 'open', 'nothing changed');

      const reason = 'The videos are the customer’s own recordings; the notice misidentified them.';
      const r = await s.api(`/v1/complaints/${customerComplaint}/decision`, { token: staffB, body: { outcome: 'reversed', reason } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.state, 'reversed');
      assert.deepEqual(r.body.reversed_positions, [0, 1]);
      assert.deepEqual(await states(takedownNotice), ['restored', 'restored']);
      const lc = await s.store.db.selectFrom('item_lifecycles').select(['kind', 'strike_status']).where('notice_id', '=', takedownNotice).execute();
      assert.deepEqual(
        lc.map((l) => [l.kind, l.strike_status]),
        [
          ['takedown_reversed', 'invalidated'],
          ['takedown_reversed', 'invalidated'],
        ],
      );
      const again = await s.api(`/v1/complaints/${customerComplaint}/decision`, { token: staffB, body: { outcome: 'reversed', reason } });
      assert.equal(again.status, 200, 'the same decision again is a retry');
      const other = await s.api(`/v1/complaints/${customerComplaint}/decision`, { token: staffB, body: { outcome: 'upheld', reason: 'Changed my mind.' } });
      assert.equal(other.status, 409);

      const mails = await smtp.waitFor(
        (m) => m.filter((x) => /Outcome of the complaint/.test(x.parsed.subject ?? '') && x.parsed.subject!.includes(takedownNotice)).length === 2,
      );
      const outcome = mails.filter((x) => /Outcome of the complaint/.test(x.parsed.subject ?? '') && x.parsed.subject!.includes(takedownNotice));
      assert.deepEqual(outcome.map((x) => x.envelopeTo[0]).sort(), ['jane@harborpictures.test', 'one@hosted.test']);
      for (const m of outcome) {
        assert.ok(m.parsed.text!.includes(reason), 'the reasons go to both');
        assert.match(m.parsed.text!, /access to the content is restored/);
        assert.match(m.parsed.text!, /Art\. 21/);
      }
      const events = await s.api(`/v1/notices/${takedownNotice}/events?scope=all&limit=5000`, { token: s.adminToken });
      const types = events.body.events.map((e: { type: string }) => e.type);
      assert.ok(types.includes('complaint.decided') && types.includes('notice.complaint_decided'), types.join(','));
      const blocked = await s.api('/v1/edge/blocklist', { token: s.adminToken });
      assert.equal(blocked.status, 200);
      assert.doesNotMatch(String(blocked.body), /hosted-one\.example\/a/, 'off the edge blocklist');
    });

    test('the notifier complains against a rejection; reversed: the content is disabled and the customer told', async () => {
      const r = await s.api(`/v1/notices/${rejectedNotice}/complaints`, {
        token: reporter.token,
        body: { text: 'The film is not in the public domain: see the registration.' },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.party, 'notifier');
      assert.equal(r.body.decision_kind, 'rejection');
      assert.equal((await s.api(`/v1/complaints/${r.body.id}`, { token: h2 })).status, 404, 'the customer does not read the notifier’s complaint');
      const d = await s.api(`/v1/complaints/${r.body.id}/decision`, {
        token: staffB,
        body: { outcome: 'reversed', reason: 'Registration PA 2-345-678 shows the film is protected.' },
      });
      assert.equal(d.status, 200, JSON.stringify(d.body));
      assert.deepEqual(await states(rejectedNotice), ['content_disabled']);
      const mails = await smtp.waitFor(
        (m) => m.filter((x) => (x.parsed.subject ?? '').includes(rejectedNotice) && /Outcome|Content disabled/.test(x.parsed.subject ?? '')).length >= 3,
      );
      const outcome = mails.filter((x) => (x.parsed.subject ?? '').includes(rejectedNotice) && /Outcome/.test(x.parsed.subject ?? ''));
      assert.deepEqual(outcome.map((x) => x.envelopeTo[0]).sort(), ['jane@harborpictures.test', 'two@hosted.test']);
      const toCustomer = outcome.find((x) => x.envelopeTo[0] === 'two@hosted.test')!;
      assert.match(toCustomer.parsed.text!, /a complaint by the reporter/);
      assert.match(toCustomer.parsed.text!, /Registration PA 2-345-678/);
      assert.equal(mailsTo('two@hosted.test', /Content disabled/).length, 1, 'the takedown notice, with how to answer it');
    });

    test('a restriction by policy at receipt (CSAM) can be complained against; the customer never learns who reported', async () => {
      const csam = await s.api('/v1/notices', {
        token: reporter.token,
        body: {
          kind: 'csam',
          urls: ['https://hosted-three.example/img'],
          claimant: { name: 'Hotline Analyst', email: 'analyst@hotline.test' },
          explanation: 'Images of the sexual abuse of a child.',
          notify: { hotline: 'send-anon' },
        },
      });
      assert.equal(csam.status, 201, JSON.stringify(csam.body));
      await processed(csam.body.id, reporter.token);
      assert.deepEqual(await states(csam.body.id), ['content_disabled']);
      const c = await s.api(`/v1/notices/${csam.body.id}/complaints`, { token: h3, body: { text: 'This is a medical illustration.' } });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      assert.equal(c.body.decision_id, `receipt:${csam.body.id}`);
      // The policy decided: any staff member may decide the complaint.
      const d = await s.api(`/v1/complaints/${c.body.id}/decision`, {
        token: s.adminToken,
        body: { outcome: 'upheld', reason: 'The material is what the report says it is.' },
      });
      assert.equal(d.status, 200, JSON.stringify(d.body));
      assert.deepEqual(await states(csam.body.id), ['content_disabled'], 'upheld: the decision stands');
      const mails = await smtp.waitFor(
        (m) => m.filter((x) => (x.parsed.subject ?? '').includes(csam.body.id) && /Outcome/.test(x.parsed.subject ?? '')).length === 2,
      );
      const toCustomer = mails.find(
        (x) => x.envelopeTo[0] === 'three@hosted.test' && /Outcome/.test(x.parsed.subject ?? '') && x.parsed.subject!.includes(csam.body.id),
      )!;
      assert.match(toCustomer.parsed.text!, /The decision stands/);
      assert.ok(!toCustomer.parsed.text!.includes('analyst@hotline.test') && !toCustomer.parsed.text!.includes('Hotline Analyst'), 'the reporter is not named');
    });

    test('on the web: the customer complains from the portal, the reporter from its private status page, staff decide on the console (CSRF-protected)', async () => {
      const id = await file(['https://hosted-one.example/web']);
      await s.api(`/v1/notices/${id}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      const customer = await webSession(s, h1Id, `/portal/notices/${id}`);
      const page = await (await customer.get(`/portal/notices/${id}`)).text();
      assert.match(page, /Send the complaint/);
      assert.equal((await customer.post(`/portal/notices/${id}/complaint`, { text: 'Mine.' }, { csrf: false })).status, 403, 'no CSRF token, no complaint');
      const sent = await customer.post(`/portal/notices/${id}/complaint`, { text: 'This is my own film review with a short clip.' });
      assert.equal(sent.status, 303);
      assert.equal(sent.headers.get('location'), `/portal/notices/${id}?complained=1`);
      const after = await (await customer.get(`/portal/notices/${id}?complained=1`)).text();
      assert.match(after, /Your complaint was received/);
      assert.match(after, /my own film review/);

      // The reporter's private status link, from its acknowledgement.
      const ack = await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes('jane@harborpictures.test') && (x.parsed.text ?? '').includes(`/status/${id}.`)),
      );
      const key = new RegExp(`/status/(${id}\\.[A-Za-z0-9_-]+)`).exec(ack.find((x) => (x.parsed.text ?? '').includes(`/status/${id}.`))!.parsed.text!)![1]!;
      const status = await fetch(`${s.url}/status/${key}`);
      const statusHtml = await status.text();
      assert.doesNotMatch(statusHtml, /my own film review/, 'the customer’s complaint is not on the reporter’s page');
      const token = /name="_csrf" value="([^"]+)"/.exec(statusHtml)![1]!;
      const cookie = status.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const post = (k: string) =>
        fetch(`${s.url}/status/${k}/complaint`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: token, text: 'Every URL should have been disabled, not only these.' }).toString(),
          redirect: 'manual',
        });
      assert.equal((await post(`${id}.forged`)).status, 404, 'a forged link files nothing');
      const filed = await post(key);
      assert.equal(filed.status, 303);
      const list = await s.api('/v1/complaints?state=open', { token: s.adminToken });
      const mine = list.body.complaints.filter((c: { notice_id: string }) => c.notice_id === id);
      assert.deepEqual(mine.map((c: { party: string; channel: string }) => `${c.party}:${c.channel}`).sort(), ['customer:portal', 'notifier:status_page']);

      const staff = await webSession(s, staffBId, '/staff/complaints');
      const consolePage = await (await staff.get('/staff/complaints')).text();
      assert.match(consolePage, /my own film review/);
      const customerComplaintId = mine.find((c: { party: string }) => c.party === 'customer').id;
      const noReason = await staff.post(`/staff/complaints/${customerComplaintId}/decision`, { outcome: 'upheld', reason: '' });
      assert.equal(noReason.status, 422);
      assert.match(await noReason.text(), /give the reasons/);
      const decided = await staff.post(`/staff/complaints/${customerComplaintId}/decision`, {
        outcome: 'reversed',
        reason: 'A short clip in a review is fair use.',
      });
      assert.equal(decided.status, 303);
      assert.deepEqual(await states(id), ['restored']);
      const adminConsole = await webSession(s, (await s.api('/v1/me', { token: s.adminToken })).body.id, '/staff/complaints');
      assert.match(await (await adminConsole.get('/staff/complaints')).text(), /You took the decision this complaint is against/);
    });

    test('six months after the decision, a complaint is refused with the date it could be made until', async () => {
      offset = 190 * DAY;
      try {
        const late = await s.api(`/v1/notices/${rejectedNotice}/complaints`, { token: h2, body: { text: 'Late, but still wrong.' } });
        assert.equal(late.status, 409, JSON.stringify(late.body));
        assert.match(late.body.errors[0].message, /could be made until \d{4}-\d{2}-\d{2}, six months after/);
      } finally {
        offset = 0;
      }
      const inTime = await s.api(`/v1/notices/${rejectedNotice}/complaints`, { token: h2, body: { text: 'In time after all.' } });
      assert.equal(inTime.status, 201, 'within the window, the same customer may complain');
    });
  });
}
