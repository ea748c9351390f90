import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrationFiles } from '../../src/storage/migrate.ts';

test('migrations are numbered once each, in order, with names the runner accepts', () => {
  const files = migrationFiles();
  assert.ok(files.length >= 15);
  files.forEach((f, i) => {
    assert.match(f, /^[0-9]{3}_[a-z0-9_]+\.sql$/);
    assert.equal(Number(f.slice(0, 3)), i + 1, `${f} is migration number ${i + 1}`);
  });
});
