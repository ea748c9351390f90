// GET /api: the readable API reference, made from the running server's OpenAPI document. Every
// operation the document has is on the page, every link to a schema leads to one, and the page
// passes the accessibility check in a real browser.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser, screenshot, seriousAxeViolations } from '../support/browser.ts';
import { anchorFor } from '../../src/web/api-reference.ts';
import { REPORT_KINDS } from '../../src/domain/report-kinds.ts';

for (const kind of storeKinds()) {
  describe(`the API reference page (${kind} store)`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
    });
    after(async () => s?.close());

    test('shows every operation of /openapi.json once, with its summary, and no link leads nowhere', async () => {
      const doc = (await s.api('/openapi.json')).body as { paths: Record<string, Record<string, { summary: string }>> };
      const res = await fetch(`${s.url}/api`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      const page = await res.text();
      let operations = 0;
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          operations++;
          const id = `op-${method}-${anchorFor(path)}`;
          assert.equal(page.split(`id="${id}"`).length - 1, 1, `${method} ${path} is on the page once`);
          const block = page.slice(page.indexOf(`id="${id}"`), page.indexOf('</section>', page.indexOf(`id="${id}"`)));
          assert.ok(
            block.includes(op.summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')),
            `${method} ${path} shows its summary`,
          );
        }
      }
      assert.ok(operations >= 60, `${operations} operations`);
      assert.ok(page.includes(`${operations} operations`));
      const ids = new Set([...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
      const links = [...page.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(
        links.some((l) => l === 'schema-reportinput'),
        'POST /v1/notices links its body schema',
      );
      for (const l of links) assert.ok(ids.has(l), `#${l} leads to an element`);
      // A report of each kind is documented shape by shape.
      for (const k of REPORT_KINDS) assert.ok(page.includes(`kind: ${k}`), `the ${k} report shape`);
    });
  });
}

describe('the API reference page in a browser', () => {
  test('has no serious accessibility problems, and its contents lead to its sections', async () => {
    const s = await startTestServer('embedded');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${s.url}/api`);
      assert.equal(await page.locator('h1').textContent(), 'Safeharbor API');
      assert.deepEqual(await seriousAxeViolations(page), []);
      await page.getByRole('link', { name: 'Statements of reasons (DSA Art. 17)' }).click();
      assert.match(page.url(), /#section-statements-of-reasons-dsa-art-17$/);
      assert.ok((await page.locator('#section-statements-of-reasons-dsa-art-17 .api-op').count()) >= 3);
      await screenshot(page, 'api-reference');
    } finally {
      await browser.close();
      await s.close();
    }
  });
});
