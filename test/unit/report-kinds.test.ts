import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KIND_RULES,
  LEGAL_REGIMES,
  REPORT_ELEMENTS,
  REPORT_KINDS,
  kindOfCloudflareAct,
  kindOfCloudflareType,
  requiredElements,
  type LegalRegime,
  type ReportKind,
} from '../../src/domain/report-kinds.ts';
import { parseReport, type ReportSubmission } from '../../src/domain/report-submission.ts';
import type { FieldError } from '../../src/domain/notice.ts';

const reporter = { name: 'Alex Reporter', email: 'alex@reporter.example', company: 'Reporter GmbH', address: '1 Main St, Berlin', country: 'DE' };

/** A complete report of each kind under each of its regimes. */
function valid(kind: ReportKind, regime: LegalRegime): Record<string, unknown> {
  const base: Record<string, unknown> = { kind, regime, urls: ['https://bad.example/page'], claimant: reporter };
  if (regime === 'dsa') {
    base.explanation = 'The page is illegal under the law of Germany because it offers counterfeit goods.';
    base.statements = { accurate_and_complete: true };
  }
  switch (kind) {
    case 'copyright':
      base.work = { description: 'The photo "Harbour at dawn"' };
      if (regime === 'dmca') {
        base.statements = { good_faith_belief: true, accuracy_and_authority: true };
        base.signature = reporter.name;
      }
      break;
    case 'trademark':
      base.explanation ??= 'The shop sells goods under our mark.';
      base.trademark = { number: 'EU 018123456', office: 'EUIPO', symbol: 'HARBOR' };
      break;
    case 'ncsei':
      base.subject_representation = true;
      break;
    case 'whois':
      base.whois_request = {
        legal_basis: 'Art. 6(1)(f) GDPR: the domain infringes our trademark and we need to serve the registrant.',
        request_type: 'disclosure',
        requested_data: ['registrant_name', 'registrant_email'],
        good_faith_affirmation: true,
        lawful_processing_agreement: true,
      };
      break;
    default:
      base.explanation ??= 'The page asks for bank logins while pretending to be Example Bank.';
  }
  return base;
}

function accepted(body: unknown): ReportSubmission {
  const r = parseReport(body);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return r.submission;
}
function refused(body: unknown): FieldError[] {
  const r = parseReport(body);
  assert.ok(!r.ok, 'expected a refusal');
  return r.errors;
}
const fieldsOf = (errors: FieldError[]) => errors.map((e) => e.field);

test('the table: every kind has its row, its regimes have element lists, its defaults are among its choices', () => {
  assert.deepEqual(Object.keys(KIND_RULES), [...REPORT_KINDS]);
  for (const kind of REPORT_KINDS) {
    const r = KIND_RULES[kind];
    assert.equal(r.kind, kind);
    for (const regime of r.regimes) {
      const elements = requiredElements(kind, regime);
      assert.ok(elements && elements.includes('urls'), `${kind}/${regime} requires urls`);
      for (const e of elements) assert.ok(REPORT_ELEMENTS.includes(e));
    }
    for (const regime of LEGAL_REGIMES) if (!r.regimes.includes(regime)) assert.equal(requiredElements(kind, regime), null, `${kind} has no ${regime} regime`);
    assert.ok(r.actions.length > 0);
  }
  assert.equal(new Set(REPORT_KINDS.map((k) => KIND_RULES[k].cloudflare.act)).size, 8, 'one Cloudflare act per kind');
  assert.equal(new Set(REPORT_KINDS.map((k) => KIND_RULES[k].cloudflare.type)).size, 8, 'one Cloudflare type per kind');
  for (const k of REPORT_KINDS) {
    assert.equal(kindOfCloudflareAct(KIND_RULES[k].cloudflare.act), k);
    assert.equal(kindOfCloudflareType(KIND_RULES[k].cloudflare.type), k);
  }
  assert.equal(kindOfCloudflareAct('abuse_spam'), null);
});

test('the rules the law and the table set: DMCA only for copyright, no DSA WHOIS requests, CSAM disabled at once and never forwarded, phishing ahead of copyright', () => {
  for (const k of REPORT_KINDS) assert.equal(KIND_RULES[k].regimes.includes('dmca'), k === 'copyright');
  assert.deepEqual(KIND_RULES.whois.regimes, ['terms']);
  assert.equal(KIND_RULES.csam.onReceipt, 'disable');
  assert.equal(KIND_RULES.csam.forwardsReport, false);
  assert.ok(KIND_RULES.csam.hotlineReport && KIND_RULES.csam.evidenceRetentionDays! >= 365);
  assert.ok(!KIND_RULES.csam.actions.includes('forward'));
  assert.ok(KIND_RULES.phishing.priority < KIND_RULES.copyright.priority);
  assert.ok(KIND_RULES.csam.priority <= KIND_RULES.phishing.priority);
  assert.ok(!requiredElements('csam', 'dsa')!.includes('reporter_name'), 'Art. 16(2)(c): no name needed for Directive 2011/93/EU offences');
  for (const k of REPORT_KINDS) {
    if (k !== 'csam' && k !== 'whois') assert.ok(requiredElements(k, KIND_RULES[k].regimes.includes('dsa') ? 'dsa' : 'terms')!.includes('reporter_email'));
  }
});

test('every kind under every regime it allows: a complete report is accepted with its defaults', () => {
  for (const kind of REPORT_KINDS) {
    for (const regime of KIND_RULES[kind].regimes) {
      const s = accepted(valid(kind, regime));
      assert.equal(s.kind, kind);
      assert.equal(s.regime, regime);
      assert.equal(s.notify.owner, KIND_RULES[kind].notify.owner[0]);
      assert.equal(s.notify.host, KIND_RULES[kind].notify.host[0]);
      assert.equal('urls' in s, false, 'the URLs become items, not part of the submission');
    }
  }
  const noRegime = valid('phishing', 'terms');
  delete noRegime.regime;
  assert.equal(accepted(noRegime).regime, 'terms', 'the first regime of the row is the default');
});

test('each required element, left out, is named with its field', () => {
  for (const kind of REPORT_KINDS) {
    for (const regime of KIND_RULES[kind].regimes) {
      for (const element of requiredElements(kind, regime)!) {
        const body = valid(kind, regime);
        const drop: Record<string, () => void> = {
          urls: () => delete body.urls,
          reporter_name: () => (body.claimant = { ...reporter, name: undefined }),
          reporter_email: () => (body.claimant = { ...reporter, email: undefined }),
          reporter_address: () => (body.claimant = { ...reporter, address: undefined }),
          reporter_country: () => (body.claimant = { ...reporter, country: undefined }),
          work: () => delete body.work,
          dmca_statements: () => (body.statements = { good_faith_belief: true }),
          signature: () => delete body.signature,
          explanation: () => delete body.explanation,
          trademark: () => delete body.trademark,
          dsa_statement: () => (body.statements = {}),
          ncsei_subject: () => delete body.subject_representation,
          whois_request: () => delete body.whois_request,
        };
        drop[element]!();
        const errors = refused(body);
        assert.equal(errors.length, 1, `${kind}/${regime} without ${element}: ${JSON.stringify(errors)}`);
        assert.match(errors[0]!.message, /required|affirm/, `${kind}/${regime} without ${element}`);
      }
    }
  }
});

test('what a kind does not allow is refused with the reason', () => {
  const anonDmca = refused({ ...valid('copyright', 'dmca'), notify: { owner: 'send-anon' } });
  assert.deepEqual(fieldsOf(anonDmca), ['notify.owner']);
  assert.match(anonDmca[0]!.message, /§512\(g\)/);
  const anonTm = refused({ ...valid('trademark', 'terms'), notify: { host: 'send-anon' } });
  assert.match(anonTm[0]!.message, /trademark reports cannot be anonymous/);
  const dsaWhois = refused({ ...valid('whois', 'terms'), regime: 'dsa' });
  assert.deepEqual(fieldsOf(dsaWhois), ['regime']);
  assert.match(dsaWhois[0]!.message, /"terms"/);
  assert.deepEqual(fieldsOf(refused({ ...valid('phishing', 'terms'), regime: 'dmca' })), ['regime']);
  assert.deepEqual(fieldsOf(refused({ ...valid('phishing', 'terms'), notify: { owner: 'none' } })), ['notify.owner']);
  assert.deepEqual(fieldsOf(refused({ ...valid('general', 'terms'), kind: 'spam' })), ['kind']);
  assert.deepEqual(
    fieldsOf(refused({ ...valid('phishing', 'terms'), work: { description: 'x' } })),
    ['work'],
    'a field of another kind means the wrong kind was chosen',
  );
});

test('a CSAM report may be anonymous; its hotline choice defaults to passing the reporter on', () => {
  const s = accepted({ kind: 'csam', urls: ['https://bad.example/x'], explanation: 'Images of the abuse of a child.' });
  assert.equal(s.kind, 'csam');
  assert.equal(s.claimant, undefined);
  assert.equal(s.kind === 'csam' && s.notify.hotline, 'send');
  assert.equal(s.notify.owner, 'none', 'the site owner is not told by default');
});

test('kind-specific fields are checked: network IPs, ports, WHOIS data elements, the NCSEI representation', () => {
  const ips = Array.from({ length: 31 }, (_, i) => `192.0.2.${i + 1}`);
  assert.deepEqual(fieldsOf(refused({ ...valid('general', 'terms'), network: { source_ips: ips } })), ['network.source_ips']);
  assert.deepEqual(fieldsOf(refused({ ...valid('general', 'terms'), network: { destination_ips: ['300.1.1.1'] } })), ['network.destination_ips[0]']);
  assert.deepEqual(fieldsOf(refused({ ...valid('general', 'terms'), network: { ports_protocols: ['http'] } })), ['network.ports_protocols[0]']);
  const ok = accepted({ ...valid('general', 'terms'), network: { source_ips: ['2001:db8::1', '192.0.2.7'], ports_protocols: ['80/TCP'] } });
  assert.deepEqual(ok.kind === 'general' && ok.network?.source_ips, ['2001:db8::1', '192.0.2.7']);
  const w = valid('whois', 'terms');
  w.whois_request = { ...(w.whois_request as object), requested_data: ['shoe_size'], good_faith_affirmation: false };
  assert.deepEqual(fieldsOf(refused(w)).sort(), ['whois_request.good_faith_affirmation', 'whois_request.requested_data[0]']);
  assert.deepEqual(fieldsOf(refused({ ...valid('ncsei', 'terms'), subject_representation: 'yes' })), ['subject_representation']);
});

test('every problem at once, in the order of the fields', () => {
  const errors = refused({ kind: 'trademark', urls: [], claimant: { email: 'nope' }, notify: { owner: 'send-anon' } });
  assert.deepEqual(fieldsOf(errors), ['urls', 'trademark', 'claimant.email', 'claimant.name', 'explanation', 'notify.owner']);
});
