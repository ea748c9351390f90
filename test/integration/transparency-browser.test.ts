// The transparency page in Chromium: the server-rendered SVG charts draw one column per month and
// one segment per kind and month with notices, one bar per kind and per channel, a legend entry
// per kind shown; the period chooser's errors are announced beside their fields; no serious
// accessibility problem; and a full-page screenshot is a real picture.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { launchBrowser, seriousAxeViolations } from '../support/browser.ts';
import { halfYearOf, monthsOf } from '../../src/transparency/domain/period.ts';
import { REPORT_KINDS } from '../../src/domain/report-kinds.ts';
import { CHANNELS } from '../../src/domain/notice.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
p1,Proxied Films,owner@proxied.test,proxied.example,proxied,203.0.113.7
`;
const claimant = { name: 'Alex Reporter', email: 'alex@reporter.test' };
const DAY = 86_400_000;

describe('transparency page in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let page: Page;
  let dir: string;
  const earlier = halfYearOf(new Date(halfYearOf(new Date()).start.getTime() - DAY));
  // Month index in the half-year → the kinds of the notices received then.
  const plan: [number, 'copyright' | 'phishing' | 'threat'][] = [
    [0, 'copyright'],
    [0, 'copyright'],
    [0, 'phishing'],
    [1, 'copyright'],
    [2, 'threat'],
    [2, 'phishing'],
    [4, 'copyright'],
    [5, 'phishing'],
    [5, 'phishing'],
    [5, 'threat'],
  ];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'transparency-'));
    s = await startTestServer('embedded');
    await s.loadZones(ZONES);
    const r = await s.reporter('desk@rights.test');
    for (const [i, [month, kind]] of plan.entries()) {
      const body =
        kind === 'copyright'
          ? dmcaNotice([`https://proxied.example/film-${i}.mp4`])
          : { kind, urls: [`https://proxied.example/page-${i}`], claimant, explanation: `Report ${i}: the page is abusive.` };
      const f = await s.api('/v1/notices', { token: r.token, body });
      assert.equal(f.status, 201, JSON.stringify(f.body));
      await waitUntil(
        () => s.api(`/v1/notices/${f.body.id}`, { token: r.token }),
        (x) => x.body.status === 'processed',
        20_000,
      );
      const start = new Date(earlier.start);
      const at = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + month, 3 + i, 9));
      await sql`UPDATE notices SET created_at = ${at} WHERE id = ${f.body.id}::uuid`.execute(s.store.db);
    }
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the charts render: a column per month, a segment per kind and month with notices, bars per kind and channel, legends, titles', async () => {
    await page.goto(`${s.url}/`);
    await page.getByRole('link', { name: 'Transparency' }).click();
    await page.waitForURL((u) => u.pathname === '/transparency');
    await page.getByLabel('Half-year', { exact: true }).selectOption(earlier.half_year!);
    await page.getByRole('button', { name: 'Show' }).first().click();
    await page.waitForURL((u) => u.searchParams.get('period') === earlier.half_year);
    assert.equal(await page.getByRole('heading', { level: 2, name: new RegExp(earlier.label) }).count(), 1);

    const monthly = page.locator('#chart-monthly svg[role="img"]');
    assert.equal(await monthly.count(), 1);
    assert.equal(await monthly.locator('g.column').count(), monthsOf(earlier).length);
    const cells = new Set(plan.map(([m, k]) => `${m}:${k}`));
    assert.equal(await monthly.locator('rect.segment').count(), cells.size);
    const kindsShown = new Set(plan.map(([, k]) => k));
    assert.equal(await monthly.locator('g.legend-item').count(), kindsShown.size);
    assert.equal(await monthly.locator('title').first().textContent(), 'Notices received per month, by kind');
    // The tallest column is the one with most notices, drawn to its value.
    const totals = await monthly.locator('g.column').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-total'))));
    const perMonth = monthsOf(earlier).map((_, m) => plan.filter(([pm]) => pm === m).length);
    assert.deepEqual(totals, perMonth);
    const heights = await monthly
      .locator('g.column')
      .evaluateAll((gs) => gs.map((g) => [...g.querySelectorAll('rect.segment')].reduce((h, r) => h + (r as SVGGraphicsElement).getBBox().height, 0)));
    const tallest = perMonth.indexOf(Math.max(...perMonth));
    assert.equal(heights.indexOf(Math.max(...heights)), tallest);
    assert.ok(Math.abs(heights[1]! / heights[tallest]! - perMonth[1]! / perMonth[tallest]!) < 0.01, 'heights proportional to counts');

    assert.equal(await page.locator('#chart-kinds rect.bar').count(), REPORT_KINDS.length);
    assert.equal(await page.locator('#chart-channels rect.bar').count(), CHANNELS.length);
    const copyright = await page.locator('#chart-kinds rect.bar[data-label="Copyright infringement"]').getAttribute('data-value');
    assert.equal(Number(copyright), plan.filter(([, k]) => k === 'copyright').length);
    // The table fallback opens and holds the same numbers.
    await page.locator('#chart-kinds summary').click();
    assert.match(await page.locator('#chart-kinds table').innerText(), new RegExp(`Copyright infringement\\s+${copyright}`));
    assert.deepEqual(await seriousAxeViolations(page), []);

    const file = join(dir, 'transparency.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.ok(png.length > 30_000, `a picture with something in it (${png.length} bytes)`);
    if (process.env.TRANSPARENCY_SCREENSHOT) await page.screenshot({ path: process.env.TRANSPARENCY_SCREENSHOT, fullPage: true });
  });

  test('custom dates that are not a period: the errors beside the fields, no charts', async () => {
    await page.goto(`${s.url}/transparency`);
    await page.getByLabel('From', { exact: true }).fill('2026-05-01');
    await page.getByLabel('To', { exact: true }).fill('2026-04-01');
    await page.getByRole('button', { name: 'Show' }).nth(1).click();
    await page.waitForURL((u) => u.searchParams.get('from') === '2026-05-01');
    assert.match(await page.getByRole('alert').innerText(), /To: to \(2026-04-01\) must not be before from \(2026-05-01\)/);
    assert.equal(await page.locator('#to-error').count(), 1);
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), '2026-05-01', 'what was typed is kept');
    assert.equal(await page.locator('figure.chart').count(), 0);
    assert.deepEqual(await seriousAxeViolations(page), []);
  });
});
