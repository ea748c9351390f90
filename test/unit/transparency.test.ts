// The transparency report's pure parts: periods and half-years, medians and shares, the report's
// shape from grouped rows, its CSV, and the SVG charts (bars proportional, labels, empty data).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { halfYear, halfYearOf, halfYearsBetween, monthsOf, parsePeriod, periodQuery } from '../../src/transparency/domain/period.ts';
import { buildReport, DSA_CATEGORIES, flattenReport, medianHours, reportCsv, sharePercent, type ReportRows } from '../../src/transparency/domain/report.ts';
import { BarChart, barLength, niceMax, StackedColumns, ticks } from '../../src/transparency/web/charts.tsx';

const NOW = new Date('2026-08-15T12:00:00Z');
const H = 3_600_000;

describe('periods', () => {
  test('half-years: H1 is January to June, H2 July to December, the end exclusive', () => {
    const h1 = halfYear(2026, 1);
    assert.deepEqual([h1.from, h1.to, h1.label, h1.half_year], ['2026-01-01', '2026-06-30', 'H1 2026', '2026-H1']);
    assert.equal(h1.end.toISOString(), '2026-07-01T00:00:00.000Z');
    const h2 = halfYear(2026, 2);
    assert.deepEqual([h2.from, h2.to], ['2026-07-01', '2026-12-31']);
    assert.equal(h2.end.toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(halfYearOf(new Date('2026-06-30T23:59:59.999Z')).half_year, '2026-H1');
    assert.equal(halfYearOf(new Date('2026-07-01T00:00:00Z')).half_year, '2026-H2');
  });

  test('the chooser lists half-years from the first notice to now, newest first', () => {
    assert.deepEqual(
      halfYearsBetween(new Date('2025-03-01T00:00:00Z'), NOW).map((p) => p.half_year),
      ['2026-H2', '2026-H1', '2025-H2', '2025-H1'],
    );
    assert.deepEqual(
      halfYearsBetween(NOW, NOW).map((p) => p.half_year),
      ['2026-H2'],
    );
    assert.equal(halfYearsBetween(new Date('1999-01-01T00:00:00Z'), NOW, 5).length, 5);
  });

  test('parsePeriod: a half-year, from and to (to included), or the current half-year', () => {
    const none = parsePeriod({}, NOW);
    assert.ok(none.ok && none.period.half_year === '2026-H2');
    const h = parsePeriod({ period: '2025-h1' }, NOW);
    assert.ok(h.ok && h.period.from === '2025-01-01' && h.period.to === '2025-06-30');
    const custom = parsePeriod({ from: '2026-02-01', to: '2026-03-31' }, NOW);
    assert.ok(custom.ok);
    assert.equal(custom.period.end.toISOString(), '2026-04-01T00:00:00.000Z');
    assert.equal(custom.period.label, '2026-02-01 to 2026-03-31');
    assert.equal(periodQuery(custom.period), 'from=2026-02-01&to=2026-03-31');
    assert.equal(periodQuery(halfYear(2026, 1)), 'period=2026-H1');
    const oneDay = parsePeriod({ from: '2026-02-01', to: '2026-02-01' }, NOW);
    assert.ok(oneDay.ok && oneDay.period.end.getTime() - oneDay.period.start.getTime() === 24 * H);
  });

  test('parsePeriod: every problem named by its field', () => {
    const fields = (q: Record<string, string>) => {
      const r = parsePeriod(q, NOW);
      return r.ok ? [] : r.errors.map((e) => `${e.field}: ${e.message}`);
    };
    assert.deepEqual(fields({ period: '2026-H3' }), ['period: period must be a half-year such as 2026-H1 or 2026-H2, got "2026-H3"']);
    assert.deepEqual(fields({ period: '2026-H1', from: '2026-01-01' }), ['period: choose a half-year or from and to dates, not both']);
    assert.deepEqual(fields({ from: '2026-02-30', to: 'soon' }), [
      'from: from must be a date such as 2026-01-01, got "2026-02-30"',
      'to: to must be a date such as 2026-06-30, got "soon"',
    ]);
    assert.deepEqual(fields({ from: '2026-01-01' }), ['to: to is required with from: the last day, such as 2026-06-30']);
    assert.deepEqual(fields({ to: '2026-01-01' }), ['from: from is required with to: the first day, such as 2026-01-01']);
    assert.deepEqual(fields({ from: '2026-03-01', to: '2026-02-01' }), ['to: to (2026-02-01) must not be before from (2026-03-01)']);
    assert.match(fields({ from: '2000-01-01', to: '2026-01-01' })[0]!, /^to: a period may be at most 3660 days/);
  });

  test('the months a period touches', () => {
    assert.deepEqual(monthsOf(halfYear(2026, 2)), ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    const p = parsePeriod({ from: '2025-12-15', to: '2026-01-01' }, NOW);
    assert.ok(p.ok);
    assert.deepEqual(monthsOf(p.period), ['2025-12', '2026-01']);
  });
});

const EMPTY: ReportRows = {
  notices: [],
  monthly: [],
  urls: [],
  reached: [],
  firstActions: [],
  grounds: [],
  serviceRestrictions: [],
  filings: [],
  strikes: { issued: 0, in_force: 0 },
  accountEvents: [],
  legal: [],
  disclosures: [],
  complaints: [],
  misuse: [],
};

describe('figures', () => {
  test('medians are interpolated, in hundredths of an hour; shares in percent with one decimal', () => {
    assert.equal(medianHours([]), null);
    assert.equal(medianHours([3 * H]), 3);
    assert.equal(medianHours([10 * H, 1 * H, 2 * H, 3 * H]), 2.5);
    assert.equal(medianHours([H / 3]), 0.33);
    assert.equal(sharePercent(1, 3), 33.3);
    assert.equal(sharePercent(0, 0), null);
  });

  test('a report of nothing: every figure zero, medians and shares undefined, every month and category present', () => {
    const r = buildReport(halfYear(2026, 1), EMPTY);
    assert.equal(r.notices.total, 0);
    assert.equal(r.urls.share_on_network_percent, null);
    assert.equal(r.actions.median_hours_to_first_action, null);
    assert.deepEqual(Object.keys(r.monthly), ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
    assert.deepEqual(Object.keys(r.dsa.categories), [...DSA_CATEGORIES]);
    assert.equal(DSA_CATEGORIES.length, 7, 'copyright and trademark share intellectual property');
  });

  test('grouped rows become the report: kinds, channels, categories, actions, complaints, legal requests', () => {
    const at = (iso: string) => new Date(iso);
    const rows: ReportRows = {
      ...EMPTY,
      notices: [
        { kind: 'copyright', channel: 'api', regime: 'dmca', trusted_flagger: false, notices: 3 },
        { kind: 'trademark', channel: 'web', regime: 'dsa', trusted_flagger: true, notices: 2 },
        { kind: 'phishing', channel: 'email', regime: 'terms', trusted_flagger: false, notices: 1 },
      ],
      monthly: [
        { month: '2026-02', kind: 'copyright', notices: 3 },
        { month: '2026-03', kind: 'trademark', notices: 2 },
        { month: '2027-01', kind: 'phishing', notices: 9 },
      ],
      urls: [
        { kind: 'copyright', on_network: 4, not_on_network: 2, invalid: 1, unresolved: 0 },
        { kind: 'trademark', on_network: 1, not_on_network: 0, invalid: 0, unresolved: 0 },
      ],
      reached: [
        { kind: 'copyright', state: 'content_disabled', urls: 2 },
        { kind: 'trademark', state: 'content_disabled', urls: 1 },
        { kind: 'copyright', state: 'restored', urls: 1 },
        { kind: 'copyright', state: 'forwarded', urls: 2 },
      ],
      firstActions: [
        { kind: 'copyright', trusted_flagger: false, received_at: at('2026-02-01T00:00:00Z'), first_action_at: at('2026-02-01T02:00:00Z') },
        { kind: 'copyright', trusted_flagger: false, received_at: at('2026-02-01T00:00:00Z'), first_action_at: at('2026-02-01T06:00:00Z') },
        { kind: 'trademark', trusted_flagger: true, received_at: at('2026-03-01T00:00:00Z'), first_action_at: at('2026-03-02T00:00:00Z') },
      ],
      grounds: [
        { kind: 'copyright', ground: 'DECISION_GROUND_ILLEGAL_CONTENT', statements: 2 },
        { kind: 'trademark', ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', statements: 1 },
      ],
      filings: [
        { kind: 'counter_notice', filings: 1 },
        { kind: 'retraction', filings: 2 },
      ],
      legal: [{ type: 'court_order', received: 2, complied: 1, objected: 0, withdrawn: 1, open: 0 }],
      complaints: [
        { party: 'customer', state: 'reversed', received_at: at('2026-03-01T00:00:00Z'), decided_at: at('2026-03-01T04:00:00Z') },
        { party: 'notifier', state: 'open', received_at: at('2026-03-02T00:00:00Z'), decided_at: null },
      ],
      misuse: [{ party_type: 'customer', measure: 'suspension', measures: 1 }],
    };
    const r = buildReport(halfYear(2026, 1), rows);
    assert.equal(r.notices.total, 6);
    assert.equal(r.notices.from_trusted_flaggers, 2);
    assert.deepEqual([r.notices.by_kind.copyright, r.notices.by_kind.trademark, r.notices.by_kind.phishing, r.notices.by_kind.csam], [3, 2, 1, 0]);
    assert.deepEqual(r.notices.by_channel, { api: 3, cloudflare_api: 0, web: 2, email: 1 });
    assert.deepEqual(r.notices.by_regime, { dmca: 3, dsa: 2, terms: 1 });
    assert.equal(r.monthly['2026-02']!.copyright, 3);
    assert.equal(r.monthly['2027-01'], undefined, 'a month outside the period is not invented');
    assert.deepEqual(r.urls, { reported: 8, on_network: 5, not_on_network: 2, invalid: 1, unresolved: 0, share_on_network_percent: 62.5 });
    assert.deepEqual(r.actions, {
      urls_forwarded: 2,
      urls_disabled: 3,
      urls_restored: 1,
      urls_rejected: 0,
      urls_retracted: 0,
      notices_acted_on: 3,
      median_hours_to_first_action: 6,
    });
    const ip = r.dsa.categories.STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS;
    assert.deepEqual(ip, { notices: 5, from_trusted_flaggers: 2, urls: 8, urls_disabled: 3, median_hours_to_action: 6, legal_basis: 2, terms_basis: 1 });
    assert.equal(r.dsa.categories.STATEMENT_CATEGORY_SCAMS_AND_FRAUD.notices, 1);
    assert.equal(r.dsa.categories.STATEMENT_CATEGORY_SCAMS_AND_FRAUD.median_hours_to_action, null);
    assert.deepEqual([r.counter_notices, r.retractions, r.court_actions], [1, 2, 0]);
    assert.deepEqual(r.legal_requests.court_order, { received: 2, complied: 1, objected: 0, withdrawn: 1, open: 0 });
    assert.deepEqual(r.legal_requests.subpoena, { received: 0, complied: 0, objected: 0, withdrawn: 0, open: 0 });
    assert.deepEqual(r.dsa.complaints, {
      received: 2,
      from_customers: 1,
      from_notifiers: 1,
      open: 1,
      upheld: 0,
      reversed: 1,
      partly_reversed: 0,
      median_hours_to_decide: 4,
    });
    assert.equal(r.dsa.misuse.customers_suspended, 1);
  });

  test('the CSV is the JSON, figure by figure', () => {
    const r = buildReport(halfYear(2026, 1), EMPTY);
    const csv = reportCsv(r);
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'figure,value');
    const flat = flattenReport(r);
    assert.equal(lines.length - 1, flat.length);
    assert.ok(lines.includes('notices.by_kind.copyright,0'));
    assert.ok(lines.includes('actions.median_hours_to_first_action,'), 'an undefined median is an empty value');
    assert.ok(lines.includes('period.label,H1 2026'));
  });
});

const count = (s: string, re: RegExp) => [...s.matchAll(re)].length;

describe('charts', () => {
  test('axis: round tops and whole-number ticks', () => {
    assert.deepEqual([niceMax(0), niceMax(1), niceMax(3), niceMax(7), niceMax(12), niceMax(480)], [1, 1, 5, 10, 20, 500]);
    assert.deepEqual(ticks(5), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(ticks(20), [0, 4, 8, 12, 16, 20]);
    assert.deepEqual(ticks(2), [0, 1, 2]);
    assert.equal(barLength(5, 10, 300), 150);
    assert.equal(barLength(0, 10, 300), 0);
  });

  test('bar chart: one bar per label, lengths proportional to the values, labels, title, description and a table', () => {
    const out = String(
      BarChart({
        id: 'k',
        title: 'Notices by kind',
        description: 'All notices',
        unit: 'Notices',
        labelHeader: 'Kind',
        bars: [
          { label: 'Copyright', value: 8 },
          { label: 'Phishing', value: 2 },
          { label: 'Threats', value: 0 },
        ],
      }),
    );
    const widths = [...out.matchAll(/<rect class="bar" data-label="([^"]+)" data-value="(\d+)"[^>]* width="([\d.]+)"/g)].map((m) => ({
      label: m[1],
      value: Number(m[2]),
      width: Number(m[3]),
    }));
    assert.equal(widths.length, 3);
    assert.equal(widths[0]!.width / widths[1]!.width, 4, 'eight is four times two');
    assert.equal(widths[2]!.width, 0);
    assert.match(out, /role="img"/);
    assert.match(out, /<title id="k-svg-title">Notices by kind<\/title>/);
    assert.match(out, /aria-labelledby="k-svg-title k-desc"/);
    assert.match(out, /<desc>Copyright: 8; Phishing: 2; Threats: 0<\/desc>/);
    assert.match(out, /class="axis-label">Notices</);
    assert.match(out, /<th scope="row">Phishing<\/th><td>2<\/td>/, 'the table fallback');
  });

  test('stacked columns: one column per month, one segment per non-zero value, stacked heights proportional, a legend per series shown', () => {
    const out = String(
      StackedColumns({
        id: 'm',
        title: 'Per month',
        description: 'd',
        columns: ['2026-01', '2026-02', '2026-03'],
        series: [
          { key: 'copyright', label: 'Copyright', values: [4, 0, 1] },
          { key: 'phishing', label: 'Phishing', values: [4, 2, 0] },
          { key: 'csam', label: 'CSAM', values: [0, 0, 0] },
        ],
        xLabel: 'Month',
        yLabel: 'Notices',
      }),
    );
    assert.equal(count(out, /<g class="column"/g), 3);
    const segs = [...out.matchAll(/<rect class="segment" data-series="(\w+)" data-value="(\d+)"[^>]* height="([\d.]+)"/g)].map((m) => ({
      series: m[1],
      value: Number(m[2]),
      height: Number(m[3]),
    }));
    assert.equal(segs.length, 4);
    for (const g of segs) assert.equal(g.height, (segs[0]!.height * g.value) / segs[0]!.value, 'heights proportional to values');
    assert.equal(count(out, /class="legend-item"/g), 2, 'a series without values has no legend entry');
    assert.match(out, /class="column-label">2026-02</);
    assert.match(out, /<th scope="row">2026-01<\/th><td>4<\/td><td>4<\/td><td>8<\/td>/);
  });

  test('empty data: no SVG, a sentence instead', () => {
    const bars = String(
      BarChart({ id: 'e', title: 'T', description: 'D', unit: 'Notices', labelHeader: 'Kind', bars: [{ label: 'A', value: 0 }], emptyText: 'None.' }),
    );
    assert.doesNotMatch(bars, /<svg/);
    assert.match(bars, /<p class="empty">None\.<\/p>/);
    const cols = String(StackedColumns({ id: 'e2', title: 'T', description: 'D', columns: [], series: [], xLabel: 'Month', yLabel: 'N' }));
    assert.doesNotMatch(cols, /<svg/);
    assert.match(cols, /data-chart="empty"/);
  });
});
