// The status page's URL table is one template rather than JSX (pages/status.tsx itemRows): what
// a reporter or a hostile submitter put in a URL, or a provider's name, must come out escaped
// as JSX escaped it, in the same cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusPage } from '../../src/web/pages/status.tsx';
import type { ItemView, NoticeView } from '../../src/services/notice-views.ts';

const item = (position: number, over: Partial<ItemView>): ItemView => ({
  position,
  submitted_url: `https://example.com/${position}`,
  url: null,
  state: 'not_on_network',
  reason: null,
  zone: null,
  hosting_provider: null,
  updated_at: '2026-12-07T10:00:00.000Z',
  ...over,
});

function page(items: ItemView[]): string {
  const notice: NoticeView = {
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'copyright',
    channel: 'web',
    status: 'processed',
    created_at: '2026-12-07T10:00:00.000Z',
    processed_at: '2026-12-07T10:00:01.000Z',
    progress: { items_total: items.length, items_resolved: items.length },
    counts: { forwarded: 1, not_on_network: 1 },
    regime: 'dmca',
    report: {} as NoticeView['report'],
    claimant: null,
    notify: { owner: 'send', host: 'send' },
    comments: null,
    items,
    items_page: { limit: 1000, next_after: null, state: null },
  };
  return String(StatusPage({ provider: 'P', statusKey: 'k', notice, state: null, perPage: 1000, after: null, events: [], justFiled: false, statusUrl: 'u' }));
}

test('status page rows: every value escaped, in its cell, with the state label, hint, zone and hosting provider', () => {
  const out = page([
    item(0, {
      submitted_url: `https://evil.example/"><script>alert('x')</script>&a=1`,
      state: 'forwarded',
      reason: 'sent to the owner',
      zone: 'evil.example',
      hosting_provider: { name: 'Host <b>Co</b>', asn: 64500, abuse_email: 'abuse@host.example' },
    }),
    item(1, { state: 'invalid', reason: 'not a <URL>' }),
  ]);
  const rows = [...out.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => m[1]!).slice(1);
  assert.equal(rows.length, 2);
  assert.equal(
    rows[0],
    '<td data-label="#">1</td>' +
      '<td class="url" data-label="URL">https://evil.example/&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;a=1</td>' +
      '<td data-label="State"><span class="badge forwarded">Forwarded to site owner</span></td>' +
      '<td data-label="Site">evil.example</td>' +
      '<td data-label="Hosting provider">Host &lt;b&gt;Co&lt;/b&gt; (AS64500)<div class="hint">Abuse contact: abuse@host.example</div></td>',
  );
  assert.equal(
    rows[1],
    '<td data-label="#">2</td>' +
      '<td class="url" data-label="URL">https://example.com/1</td>' +
      '<td data-label="State"><span class="badge invalid">Not a valid URL</span><div class="hint">not a &lt;URL&gt;</div></td>' +
      '<td data-label="Site">—</td>' +
      '<td data-label="Hosting provider">—</td>',
  );
  assert.ok(!out.includes('<script>'));
});
