// SAFEHARBOR_AUTH_CACHE_MS: how long a process may answer for a token without reading it again.
// A change made through safeharbor is seen at once (test/integration/scale-out.test.ts has the
// other process); these change the token behind its back, as only the max age then bounds.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { configFromEnv } from '../../src/config.ts';
import { hashToken, revokeToken } from '../../src/services/principals.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const revokeUnannounced = (s: TestServer, token: string) =>
  sql`UPDATE api_tokens SET revoked_at = now() WHERE token_hash = ${hashToken(token)}`.execute(s.store.db);

describe('the authentication cache', () => {
  test('SAFEHARBOR_AUTH_CACHE_MS is read in milliseconds, 5 s by default', () => {
    assert.equal(configFromEnv({}).authCacheMs, 5000);
    assert.equal(configFromEnv({ SAFEHARBOR_AUTH_CACHE_MS: '250' }).authCacheMs, 250);
    assert.equal(configFromEnv({ SAFEHARBOR_AUTH_CACHE_MS: '0' }).authCacheMs, 0);
    assert.throws(() => configFromEnv({ SAFEHARBOR_AUTH_CACHE_MS: '-1' }), /SAFEHARBOR_AUTH_CACHE_MS/);
  });

  test('a token revoked through safeharbor is refused at once, whatever the max age', async () => {
    const s = await startTestServer('embedded', { config: { authCacheMs: 60_000 } });
    try {
      const r = await s.reporter();
      assert.equal((await s.api('/v1/notices', { token: r.token })).status, 200);
      await revokeToken(s.store.db, r.token, 'system');
      assert.equal((await s.api('/v1/notices', { token: r.token })).status, 401);
    } finally {
      await s.close();
    }
  });

  test('an unannounced change is seen after at most the max age', async () => {
    const s = await startTestServer('embedded', { config: { authCacheMs: 1500 } });
    try {
      const r = await s.reporter();
      assert.equal((await s.api('/v1/notices', { token: r.token })).status, 200);
      const t = Date.now();
      await revokeUnannounced(s, r.token);
      assert.equal((await s.api('/v1/notices', { token: r.token })).status, 200, 'still cached');
      await new Promise((ok) => setTimeout(ok, Math.max(0, 1500 - (Date.now() - t)) + 50));
      assert.equal((await s.api('/v1/notices', { token: r.token })).status, 401);
    } finally {
      await s.close();
    }
  });

  test('0 reads the token on every request', async () => {
    const s = await startTestServer('embedded', { config: { authCacheMs: 0 } });
    try {
      const r = await s.reporter();
      assert.equal((await s.api('/v1/notices', { token: r.token })).status, 200);
      await revokeUnannounced(s, r.token);
      assert.equal((await s.api('/v1/notices', { token: r.token })).status, 401);
    } finally {
      await s.close();
    }
  });
});
