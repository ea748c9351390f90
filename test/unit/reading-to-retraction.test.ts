import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retractionFromReading } from '../../src/intake/reading-to-retraction.ts';
import { readNotice } from '../../src/reader/index.ts';

const read = (content: string) => readNotice({ name: 'reply.txt', content });

const NOTICE_URLS = ['https://site.example/a', 'https://site.example/b'];

test('a retraction letter naming some of the notice URLs withdraws those, signed by the name it is signed with', () => {
  const r = read(`Please consider our notice withdrawn for https://SITE.example/a only; it was sent in error.\n\nRegards,\nJane Doe`);
  assert.deepEqual(retractionFromReading(r, NOTICE_URLS, 7), {
    urls: ['https://site.example/a'],
    reason: 'retracted by e-mail (inbound message 7)',
    signature: 'Jane Doe',
  });
});

test('a letter naming no URL withdraws the whole notice; one naming only other URLs passes them on for validation to refuse', () => {
  const all = retractionFromReading(read(`We hereby withdraw our DMCA notice; the matter has been resolved.\n\nJane Doe`), NOTICE_URLS, 1);
  assert.equal('urls' in all, false);
  const other = retractionFromReading(read(`We retract our takedown notice for https://other.example/x; it was sent in error.\n\nJane Doe`), NOTICE_URLS, 1);
  assert.deepEqual(other.urls, ['https://other.example/x']);
});
