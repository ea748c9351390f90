// The takedown / counter-notice lifecycle end to end over HTTP, on both stores, with a real SMTP
// server and a clock the test moves: disable → customer told how to counter-notify → counter
// notice → complainant gets its copy and the restore date → 10 business days → restored, both
// told. A court action stops the restore; a retraction restores and voids the strike.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { startSession } from '../../src/services/sessions.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted One,one@hosted.test,hosted-one.example,hosted,198.51.100.1
h2,Hosted Two,two@hosted.test,hosted-two.example,hosted,198.51.100.2
`;

export function counterNotice(urls: string[], over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    material: { urls, description: 'My own holiday video' },
    statements: { good_faith_mistake: true, consent_to_jurisdiction: true, accept_service_of_process: true },
    subscriber: { name: 'Olive Owner', address: '9 Elm Street, Springfield, IL 62701', country: 'US', phone: '+1 217 555 0199', email: 'olive@hosted.test' },
    reason: 'owner',
    signature: 'Olive Owner',
    ...over,
  };
}

const courtAction = {
  court: 'U.S. District Court for the Central District of California',
  case_number: '2:26-cv-01234',
  filed_on: '2026-01-05',
  statement: true,
  signer_name: 'Jane Doe',
  signature: 'Jane Doe',
};

for (const kind of storeKinds()) {
  describe(`takedown lifecycle (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let now = new Date();
    let reporter: { token: string; id: string };
    let h1: string;
    let h1Id: string;
    let _h2: string;
    let noticeId: string;
    const item = async (position: number) =>
      (await s.api(`/v1/notices/${noticeId}`, { token: reporter.token })).body.items.find((i: { position: number }) => i.position === position) as {
        state: string;
        url: string;
      };
    const lifecycle = async (position: number) =>
      s.store.db
        .selectFrom('item_lifecycles as l')
        .innerJoin('notice_items as i', 'i.id', 'l.item_id')
        .select(['l.kind', 'l.strike_status', 'l.next_wake_at', 'i.state'])
        .where('i.notice_id', '=', noticeId)
        .where('i.position', '=', position)
        .executeTakeFirstOrThrow();
    const mailsTo = (to: string, subject: RegExp) => smtp.mails.filter((m) => m.envelopeTo.includes(to) && subject.test(m.parsed.subject ?? ''));

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url, clock: () => now });
      await s.loadZones(ZONES);
      reporter = await s.reporter('desk@rights.test');
      const c1 = await createPrincipal(s.store.db, { role: 'customer', email: 'one@hosted.test', accountId: 'h1', actor: 'system' });
      h1 = c1.token;
      h1Id = c1.principal.id;
      _h2 = (await createPrincipal(s.store.db, { role: 'customer', email: 'two@hosted.test', accountId: 'h2', actor: 'system' })).token;
      const r = await s.api('/v1/notices', {
        token: reporter.token,
        body: dmcaNotice(['https://hosted-one.example/a', 'https://hosted-one.example/b', 'https://hosted-two.example/c']),
      });
      assert.equal(r.status, 201);
      noticeId = r.body.id;
      await waitUntil(
        () => s.api(`/v1/notices/${noticeId}`, { token: reporter.token }),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
      const dis = await s.api(`/v1/notices/${noticeId}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      assert.equal(dis.status, 200);
      assert.equal(dis.body.changed.length, 3);
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('disabling starts the lifecycle and tells the customer what, why and how to counter-notify', async () => {
      const l = await lifecycle(0);
      assert.equal(l.kind, 'customer_notified');
      assert.equal(l.strike_status, 'active');
      assert.equal(l.state, 'content_disabled');
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('one@hosted.test') && /Content disabled/.test(x.parsed.subject ?? '')));
      const mail = mailsTo('one@hosted.test', /Content disabled/)[0]!;
      const text = mail.parsed.text!;
      assert.match(text, /https:\/\/hosted-one\.example\/a/);
      assert.match(text, /Sunrise Over Harbor/, 'why: the work claimed');
      assert.ok(text.includes(`https://safeharbor.test/portal/notices/${noticeId}`), 'the portal link');
      assert.match(text, /counter notice/i);
      assert.equal(mailsTo('one@hosted.test', /Content disabled/).length, 1, 'one mail per account, not per URL');
    });

    test('counter notice: customers only, own notices only (404), every field error at once (422)', async () => {
      assert.equal(
        (await s.api(`/v1/notices/${noticeId}/counter-notice`, { token: reporter.token, body: counterNotice(['https://hosted-one.example/a']) })).status,
        403,
      );
      const other = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice(['https://hosted-two.example/only-two']) });
      await waitUntil(
        () => s.api(`/v1/notices/${other.body.id}`, { token: reporter.token }),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
      const foreign = await s.api(`/v1/notices/${other.body.id}/counter-notice`, { token: h1, body: counterNotice(['https://hosted-two.example/only-two']) });
      assert.equal(foreign.status, 404, "another customer's notice does not exist for h1");
      assert.equal(
        (await s.api(`/v1/notices/00000000-0000-4000-8000-000000000000/counter-notice`, { token: h1, body: counterNotice(['https://hosted-one.example/a']) }))
          .status,
        404,
      );
      const empty = await s.api(`/v1/notices/${noticeId}/counter-notice`, { token: h1, body: {} });
      assert.equal(empty.status, 422);
      assert.deepEqual([...new Set(empty.body.errors.map((e: { field: string }) => e.field))].sort(), ['material', 'signature', 'statements', 'subscriber']);
      const bad = await s.api(`/v1/notices/${noticeId}/counter-notice`, {
        token: h1,
        body: counterNotice(['https://hosted-two.example/c'], {
          statements: { good_faith_mistake: false, consent_to_jurisdiction: true, accept_service_of_process: true },
          signature: 'Someone Else',
        }),
      });
      assert.equal(bad.status, 422);
      const fields = bad.body.errors.map((e: { field: string }) => e.field).sort();
      assert.deepEqual(fields, ['material.urls[0]', 'signature', 'statements.good_faith_mistake'], "h2's URL is not h1's to counter");
    });

    test('counter notice → complainant copy with the restore date → restored after 10 business days, both told', async () => {
      const r = await s.api(`/v1/notices/${noticeId}/counter-notice`, { token: h1, body: counterNotice(['https://hosted-one.example/a']) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(
        r.body.changed.map((c: { position: number; lifecycle: string }) => [c.position, c.lifecycle]),
        [[0, 'counter_notice_forwarded']],
      );
      const again = await s.api(`/v1/notices/${noticeId}/counter-notice`, { token: h1, body: counterNotice(['https://hosted-one.example/a']) });
      assert.equal(again.status, 200, 'the same counter notice twice is one');
      assert.equal(again.body.id, r.body.id);
      assert.equal(again.body.changed.length, 0);
      const seen = await s.api(`/v1/notices/${noticeId}/events?scope=notice`, { token: reporter.token });
      const received = seen.body.events.find((e: { type: string }) => e.type === 'notice.counter_notice_received');
      assert.ok(received, 'the complainant sees the step on its timeline');
      assert.equal(received.data.account_id, undefined, "but not the provider's account id");

      const l = await lifecycle(0);
      assert.equal(l.kind, 'counter_notice_forwarded');
      assert.equal(l.state, 'content_disabled', 'still down while the window runs');
      assert.equal(l.strike_status, 'disputed');
      const wake = new Date(l.next_wake_at!);
      const days = (wake.getTime() - now.getTime()) / 86_400_000;
      assert.ok(days >= 13 && days <= 22, `10 business days are 2-3 calendar weeks (${days})`);

      await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes('jane@harborpictures.test') && /Counter notice to your copyright notice/.test(x.parsed.subject ?? '')),
      );
      const copy = mailsTo('jane@harborpictures.test', /Counter notice to your copyright notice/)[0]!.parsed.text!;
      for (const want of [
        'Olive Owner',
        '9 Elm Street, Springfield, IL 62701',
        '+1 217 555 0199',
        'https://hosted-one.example/a',
        'penalty of perjury',
        'court-action',
      ])
        assert.ok(copy.includes(want), want);
      assert.match(copy, /We will restore access on \d{4}-\d{2}-\d{2}/);
      await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes('one@hosted.test') && /Counter notice forwarded: content due back on/.test(x.parsed.subject ?? '')),
      );

      // Just before the scheduled time: nothing happens.
      now = new Date(wake.getTime() - 60_000);
      s.server.daemon.lifecycle.kick();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await item(0)).state, 'content_disabled');
      // The window has passed: restored, closed, both parties told, off the edge blocklist.
      now = new Date(wake.getTime() + 60_000);
      s.server.daemon.lifecycle.kick();
      await waitUntil(
        () => item(0),
        (i) => i.state === 'restored',
        10_000,
        'restored',
      );
      const after = await lifecycle(0);
      assert.equal(after.kind, 'closed');
      assert.equal(after.strike_status, 'countered');
      assert.equal(after.next_wake_at, null);
      await smtp.waitFor((m) =>
        ['one@hosted.test', 'jane@harborpictures.test'].every((to) =>
          m.some((x) => x.envelopeTo.includes(to) && /Content restored/.test(x.parsed.subject ?? '')),
        ),
      );
      const feed = await s.api('/v1/edge/blocklist', { token: s.adminToken });
      const blocked = JSON.stringify(feed.body);
      assert.ok(!blocked.includes('hosted-one.example/a'), 'restored URL no longer blocked');
      assert.ok(blocked.includes('hosted-one.example/b'), 'the other URL still is');
      const events = await s.api(`/v1/notices/${noticeId}/events?scope=all&limit=5000`, { token: s.adminToken });
      const steps = events.body.events
        .filter((e: { type: string }) => e.type === 'item.lifecycle')
        .map((e: { after: { lifecycle: string } }) => e.after.lifecycle);
      assert.deepEqual(
        steps.filter((k: string) => k !== 'customer_notified'),
        ['counter_notice_forwarded', 'closed'],
      );
    });

    test('the portal form: every field labelled, CSRF, 422 with every error at once, then the counter notice is filed', async () => {
      const session = await startSession(s.store.db, h1Id, 'email_link');
      let cookies = `sh_session=${session.cookie}`;
      const page = await fetch(`${s.url}/portal/notices/${noticeId}`, { headers: { cookie: cookies } });
      assert.equal(page.status, 200);
      const setCookies = page.headers.getSetCookie().map((c) => c.split(';')[0]);
      cookies = [cookies, ...setCookies].join('; ');
      const html = await page.text();
      assert.ok(!/coming in the next release/.test(html), 'the placeholder is gone');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(html.slice(html.indexOf('counter-notice')))![1]!;
      // Every input, select and textarea of the form has a visible label.
      const form = html.slice(html.indexOf('action="/portal/notices/'), html.indexOf('</form>', html.indexOf('action="/portal/notices/')));
      for (const m of form.matchAll(/<(input|select|textarea)\b[^>]*>/g)) {
        if (/type="hidden"/.test(m[0])) continue;
        const id = /id="([^"]+)"/.exec(m[0])?.[1];
        const wrapped = /<label class="checkbox">\s*$/.test(form.slice(0, m.index));
        assert.ok(wrapped || (id && form.includes(`for="${id}"`)), `labelled: ${m[0]}`);
      }
      const post = (fields: [string, string][], withCsrf = true) =>
        fetch(`${s.url}/portal/notices/${noticeId}/counter-notice`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams([...(withCsrf ? [['_csrf', csrf] as [string, string]] : []), ...fields]).toString(),
        });
      assert.equal((await post([['urls', 'https://hosted-one.example/b']], false)).status, 403, 'no CSRF token, no post');
      const bad = await post([
        ['urls', 'https://hosted-one.example/b'],
        ['name', 'Olive Owner'],
        ['signature', 'Olive Owner'],
      ]);
      assert.equal(bad.status, 422);
      const badHtml = await bad.text();
      for (const want of ['Postal address', 'Country', 'Telephone', 'Good-faith statement', 'Consent to jurisdiction', 'Service of process'])
        assert.ok(badHtml.includes(want), want);
      assert.match(badHtml, /There are \d+ problems/);
      assert.ok(badHtml.includes('value="Olive Owner"'), 'what was typed is kept');
      const good = await post([
        ['urls', 'https://hosted-one.example/b'],
        ['name', 'Olive Owner'],
        ['address', '9 Elm Street, Springfield, IL 62701'],
        ['country', 'us'],
        ['phone', '+1 217 555 0199'],
        ['good_faith_mistake', 'yes'],
        ['consent_to_jurisdiction', 'yes'],
        ['accept_service_of_process', 'yes'],
        ['reason', 'owner'],
        ['signature', 'Olive Owner'],
      ]);
      assert.equal(good.status, 303, await good.text());
      assert.equal(good.headers.get('location'), `/portal/notices/${noticeId}?countered=1`);
      assert.equal((await lifecycle(1)).kind, 'counter_notice_forwarded');
      const filing = await s.store.db
        .selectFrom('legal_filings')
        .select(['channel', 'principal_id'])
        .where('kind', '=', 'counter_notice')
        .where('channel', '=', 'portal')
        .executeTakeFirstOrThrow();
      assert.equal(filing.principal_id, h1Id);
    });

    test('a notice of court action stops the restore', async () => {
      const stranger = await s.reporter('stranger@rights.test');
      assert.equal(
        (await s.api(`/v1/notices/${noticeId}/court-action`, { token: stranger.token, body: courtAction })).status,
        404,
        "another reporter's notice",
      );
      const missing = await s.api(`/v1/notices/${noticeId}/court-action`, { token: reporter.token, body: { statement: false } });
      assert.equal(missing.status, 422);
      assert.deepEqual(missing.body.errors.map((e: { field: string }) => e.field).sort(), [
        'case_number',
        'court',
        'filed_on',
        'signature',
        'signer_name',
        'statement',
      ]);
      const ca = await s.api(`/v1/notices/${noticeId}/court-action`, {
        token: reporter.token,
        body: { ...courtAction, urls: ['https://hosted-one.example/b'] },
      });
      assert.equal(ca.status, 201, JSON.stringify(ca.body));
      const l = await lifecycle(1);
      assert.equal(l.kind, 'court_action_filed');
      assert.equal(l.strike_status, 'active', 'a court action reinstates the strike');
      assert.equal(l.next_wake_at, null);
      now = new Date(now.getTime() + 60 * 86_400_000);
      s.server.daemon.lifecycle.kick();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await item(1)).state, 'content_disabled', 'stays down');
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('one@hosted.test') && /Court action filed/.test(x.parsed.subject ?? '')));
      // Too late for a court action once the content is back.
      const late = await s.api(`/v1/notices/${noticeId}/court-action`, {
        token: reporter.token,
        body: { ...courtAction, urls: ['https://hosted-one.example/a'] },
      });
      assert.equal(late.status, 409);
      assert.match(late.body.errors[0].message, /restored/);
    });

    test('the OpenAPI document describes the filings and the repeat-infringer routes', async () => {
      const doc = (await s.api('/openapi.json')).body;
      for (const p of [
        '/v1/notices/{id}/counter-notice',
        '/v1/notices/{id}/court-action',
        '/v1/notices/{id}/retraction',
        '/v1/accounts/review-queue',
        '/v1/accounts/{id}/terminate',
      ])
        assert.ok(doc.paths[p], p);
      assert.ok(
        doc.paths['/v1/notices/{id}']?.get?.parameters.some(
          (x: { name: string; schema: { enum?: string[] } }) => x.name === 'items_state' && x.schema.enum?.includes('restored'),
        ),
        'item states include restored',
      );
    });

    test('retraction restores the content and voids the strike', async () => {
      const bad = await s.api(`/v1/notices/${noticeId}/retraction`, {
        token: reporter.token,
        body: { urls: ['https://hosted-two.example/c'], signature: 'Not Jane' },
      });
      assert.equal(bad.status, 422);
      assert.deepEqual(
        bad.body.errors.map((e: { field: string }) => e.field),
        ['signature'],
      );
      const r = await s.api(`/v1/notices/${noticeId}/retraction`, {
        token: reporter.token,
        body: { urls: ['https://hosted-two.example/c'], reason: 'Licensed after all', signature: 'Jane Doe' },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal((await item(2)).state, 'retracted');
      const l = await lifecycle(2);
      assert.equal(l.strike_status, 'retracted');
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('two@hosted.test') && /Content restored/.test(x.parsed.subject ?? '')));
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('jane@harborpictures.test') && /Retraction recorded/.test(x.parsed.subject ?? '')));
      const view = await s.api(`/v1/notices/${noticeId}`, { token: reporter.token });
      assert.deepEqual(
        view.body.items.map((i: { state: string }) => i.state),
        ['restored', 'content_disabled', 'retracted'],
      );
    });
  });
}
