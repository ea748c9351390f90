// The public report form over real HTTP, on both stores, for every kind and every regime its row of
// KIND_RULES allows: the second step renders that kind's fields (and not another kind's), a
// complete form is filed as a notice of that kind and regime, and a form missing one required
// field is refused with the error next to that very field and what was typed kept.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { KIND_RULES, REPORT_KINDS, type LegalRegime, type ReportKind } from '../../src/domain/report-kinds.ts';

const person = { claimant_name: 'Alex Reporter', claimant_email: 'alex@reporter.test' };

/** A complete form of each kind under each regime, by HTML field name; lists are several fields of one name. */
function formValues(kind: ReportKind, regime: LegalRegime): Record<string, string | string[]> {
  const v: Record<string, string | string[]> = { urls: `https://proxied.example/${kind}-${regime}\nhttps://elsewhere.example/${kind}`, ...person };
  if (regime === 'dsa') Object.assign(v, { explanation: `The ${kind} content is illegal under the law named.`, accurate_and_complete: 'yes' });
  switch (kind) {
    case 'copyright':
      v.work_description = 'The photo "Harbour at dawn"';
      if (regime === 'dmca') {
        Object.assign(v, { claimant_address: '1 Main St, Berlin', claimant_country: 'DE', good_faith_belief: 'yes', accuracy_and_authority: 'yes' });
        v.signature = person.claimant_name;
      }
      break;
    case 'trademark':
      Object.assign(v, { trademark_symbol: 'HARBOR (word mark)', trademark_number: 'EU 018123456', trademark_office: 'EUIPO' });
      v.explanation ??= 'The shop sells counterfeits under our mark.';
      break;
    case 'csam':
      // Anonymous: the kind needs neither name nor e-mail.
      delete v.claimant_name;
      delete v.claimant_email;
      v.explanation ??= 'Images of the sexual abuse of a child.';
      v.notify_hotline = 'send-anon';
      break;
    case 'ncsei':
      v.subject_representation = 'yes';
      break;
    case 'whois':
      Object.assign(v, {
        whois_request_type: 'disclosure',
        whois_legal_basis: 'Art. 6(1)(f) GDPR: the domain infringes our trademark.',
        whois_requested_data: ['registrant_name', 'registrant_email'],
        whois_good_faith_affirmation: 'yes',
        whois_lawful_processing_agreement: 'yes',
      });
      break;
    case 'phishing':
      v.impersonated = 'Example Bank';
      v.notify_owner = 'send-anon';
      v.explanation ??= 'The page asks for bank logins while pretending to be Example Bank.';
      break;
    default:
      v.explanation ??= `A ${kind} report: the page breaks the acceptable-use policy.`;
  }
  return v;
}

/** One required field per kind, left out: the error must be shown next to it. */
const MISSING: Record<ReportKind, string> = {
  copyright: 'work_description',
  trademark: 'trademark_number',
  phishing: 'explanation',
  csam: 'urls',
  threat: 'claimant_email',
  ncsei: 'subject_representation',
  whois: 'whois_legal_basis',
  general: 'claimant_name',
};

/** Fields that belong to one kind (or regime) only, and where they may appear. */
const OWN: Record<string, (k: ReportKind, r: LegalRegime) => boolean> = {
  work_description: (k) => k === 'copyright',
  signature: (_k, r) => r === 'dmca',
  good_faith_belief: (_k, r) => r === 'dmca',
  accurate_and_complete: (_k, r) => r === 'dsa',
  trademark_symbol: (k) => k === 'trademark',
  subject_representation: (k) => k === 'ncsei',
  whois_legal_basis: (k) => k === 'whois',
  notify_hotline: (k) => k === 'csam',
  network_source_ips: (k) => k === 'general',
};

const combos = REPORT_KINDS.flatMap((kind) => KIND_RULES[kind].regimes.map((regime) => ({ kind, regime })));

for (const store of storeKinds()) {
  describe(`the report form for every kind and regime (${store} store)`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(store);
    });
    after(async () => {
      await s?.close();
    });

    /** The second step as a browser gets it: its HTML, and the cookie and token to send it back. */
    const open = async (kind: ReportKind, regime: LegalRegime) => {
      const res = await fetch(`${s.url}/report?kind=${kind}&regime=${regime}`);
      assert.equal(res.status, 200, `${kind}/${regime}`);
      const html = await res.text();
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const token = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
      return { html, cookie, csrf: token('_csrf'), submissionId: token('submission_id') };
    };
    const send = async (form: Awaited<ReturnType<typeof open>>, kind: ReportKind, regime: LegalRegime, values: Record<string, string | string[]>) => {
      const body = new FormData();
      for (const [k, v] of Object.entries({ _csrf: form.csrf, submission_id: form.submissionId, kind, regime, ...values })) {
        for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      }
      return fetch(`${s.url}/report`, { method: 'POST', body, redirect: 'manual', headers: { cookie: form.cookie } });
    };

    test('the first step lists the eight kinds, then the laws a kind can be reported under', async () => {
      const chooser = await (await fetch(`${s.url}/report`)).text();
      for (const kind of REPORT_KINDS) {
        assert.match(chooser, new RegExp(`<input type="radio" id="kind-${kind}" name="kind" value="${kind}"`), kind);
        assert.ok(chooser.includes(KIND_RULES[kind].hint), `${kind}'s hint`);
      }
      for (const kind of REPORT_KINDS) {
        const res = await fetch(`${s.url}/report?kind=${kind}`);
        assert.equal(res.status, 200);
        const page = await res.text();
        const offered = [...page.matchAll(/name="regime" value="(\w+)"/g)].map((m) => m[1]);
        // A kind with one regime goes straight to its form (which carries the regime as a hidden field).
        assert.deepEqual(offered, KIND_RULES[kind].regimes.length > 1 ? [...KIND_RULES[kind].regimes] : [KIND_RULES[kind].regimes[0]], kind);
      }
      assert.equal((await fetch(`${s.url}/report?kind=whois&regime=dsa`)).status, 400);
      assert.equal((await fetch(`${s.url}/report?kind=spam`)).status, 400);
      const short = await fetch(`${s.url}/report/phishing`, { redirect: 'manual' });
      assert.equal(short.headers.get('location'), '/report?kind=phishing');
    });

    for (const { kind, regime } of combos) {
      test(`${kind} under ${regime}: its fields are shown, and the form is filed as a ${kind} notice under ${regime}`, async () => {
        const form = await open(kind, regime);
        const values = formValues(kind, regime);
        for (const name of Object.keys(values)) {
          assert.match(form.html, new RegExp(`<(input|textarea|select)[^>]* id="${name}"`), `${kind}/${regime} has the field ${name}`);
          assert.match(form.html, new RegExp(`<label for="${name}"|<legend>`), `${name} is labelled`);
        }
        for (const [name, belongs] of Object.entries(OWN)) {
          assert.equal(new RegExp(`name="${name}"`).test(form.html), belongs(kind, regime), `${kind}/${regime}: ${name}`);
        }
        const res = await send(form, kind, regime, values);
        assert.equal(res.status, 303, `${kind}/${regime}: ${res.status} ${res.status === 303 ? '' : await res.text()}`);
        const id = /^\/status\/([0-9a-f-]{36})\./.exec(res.headers.get('location')!)![1]!;
        const row = await s.store.db.selectFrom('notices').select(['kind', 'regime', 'channel', 'submission']).where('id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual([row.kind, row.regime, row.channel], [kind, regime, 'web']);
        const submission = (typeof row.submission === 'string' ? JSON.parse(row.submission) : row.submission) as Record<string, any>;
        if (kind === 'csam') {
          assert.equal(submission.claimant, undefined, 'an anonymous report stays anonymous');
          assert.equal(submission.notify.hotline, 'send-anon');
        } else assert.equal(submission.claimant.email, person.claimant_email);
        if (kind === 'whois') assert.deepEqual(submission.whois_request.requested_data, ['registrant_name', 'registrant_email']);
        if (kind === 'ncsei') assert.equal(submission.subject_representation, true);
        if (kind === 'phishing') assert.equal(submission.notify.owner, 'send-anon');
        if (kind === 'trademark') assert.deepEqual(submission.trademark, { symbol: 'HARBOR (word mark)', number: 'EU 018123456', office: 'EUIPO' });
      });
    }

    for (const kind of REPORT_KINDS) {
      const regime = KIND_RULES[kind].regimes[0];
      test(`${kind}: a form without ${MISSING[kind]} is refused with the error next to that field, and what was typed is kept`, async () => {
        const form = await open(kind, regime);
        const values = formValues(kind, regime);
        delete values[MISSING[kind]];
        const res = await send(form, kind, regime, values);
        assert.equal(res.status, 422);
        const html = await res.text();
        assert.match(html, new RegExp(`<div id="${MISSING[kind]}-error"><p class="field-error">`), `${kind}: error beside ${MISSING[kind]}`);
        assert.match(html, new RegExp(`aria-describedby="[^"]*${MISSING[kind]}-error`), `${kind}: the error is linked to its field`);
        assert.match(html, new RegExp(`<a href="#${MISSING[kind]}">`), `${kind}: the summary links to ${MISSING[kind]}`);
        const typed = kind === 'csam' ? String(values.explanation) : String(values.claimant_name ?? values.urls).split('\n')[0]!;
        assert.ok(html.includes(typed.replaceAll('"', '&quot;')), `${kind}: what was typed is kept`);
        const filed = await s.store.db.selectFrom('notices').select('id').where('kind', '=', kind).execute();
        assert.equal(filed.length, KIND_RULES[kind].regimes.length, `${kind}: nothing more filed`);
      });
    }
  });
}
