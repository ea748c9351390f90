// Two stateless server processes on one PostgreSQL database: what one writes, the other sees;
// a notice is processed once, whichever process picks it up.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dmcaNotice, waitUntil } from '../support/server.ts';
import type { Store } from '../../src/storage/store.ts';
import type { RunningServer } from '../../src/server.ts';
import { configFromEnv } from '../../src/config.ts';
import { revokeToken } from '../../src/services/principals.ts';
import { serverCaller, serversOnOneDatabase, type SharedDatabaseServers } from '../support/server-call.ts';

describe('two servers on one PostgreSQL database', () => {
  let shared: SharedDatabaseServers | undefined;
  let servers: RunningServer[] = [];
  let stores: Store[] = [];
  const admin = 'sh_admin_scaleout';
  const call = serverCaller(admin);

  before(async () => {
    shared = await serversOnOneDatabase(2, { inlineProcessingLimit: 10 }, admin);
    ({ servers, stores } = shared);
  });
  after(async () => {
    await shared?.close();
  });

  test('zones imported through one are used by the other; a big notice is processed exactly once', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const imp = await call(a, '/v1/zones/import', {
      csv: 'account_id,account_name,account_email,zone,mode,origin\nx1,X,x@x.test,shared.example,proxied,1.1.1.1\n',
    });
    assert.equal(imp.status, 200, JSON.stringify(imp.body));
    assert.equal(imp.body.zonesCreated, 1);
    const rep = await call(a, '/v1/principals', { body: { email: 'r@rights.test' } });
    const urls = Array.from({ length: 3000 }, (_, i) => `https://shared.example/${i}`);
    const filed = await call(b, '/v1/notices', { token: rep.body.token, body: dmcaNotice(urls) });
    assert.equal(filed.status, 201);
    const done = await waitUntil(
      () => call(a, `/v1/notices/${filed.body.id}?items_limit=1`, { token: rep.body.token }),
      (r) => r.body.status === 'processed',
      60_000,
      'processing',
    );
    assert.deepEqual(done.body.counts, { forwarded: 3000 });
    const events = await stores[0]!.db.selectFrom('events').select(['type']).where('notice_id', '=', filed.body.id).execute();
    assert.equal(events.filter((e) => e.type === 'item.resolved').length, 3000, 'each item resolved once');
    assert.equal(events.filter((e) => e.type === 'notice.status_changed').length, 2, 'received → processing → processed, once');
    const queued = await stores[1]!.db.selectFrom('outbox').select(['recipient_role']).where('notice_id', '=', filed.body.id).execute();
    assert.deepEqual(queued.map((q) => q.recipient_role).sort(), ['owner', 'reporter']);
  });

  test('a token revoked through one is refused there at once and by the other as soon as the change is announced', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const rep = await call(a, '/v1/principals', { body: { email: 'revoked@rights.test' } });
    assert.equal(rep.status, 201);
    // Both processes now hold the principal in their caches.
    assert.equal((await call(a, '/v1/notices', { token: rep.body.token })).status, 200);
    assert.equal((await call(b, '/v1/notices', { token: rep.body.token })).status, 200);
    const t = Date.now();
    await revokeToken(stores[0]!.db, rep.body.token, 'system');
    assert.equal((await call(a, '/v1/notices', { token: rep.body.token })).status, 401, 'the revoking process, at once');
    await waitUntil(
      () => call(b, '/v1/notices', { token: rep.body.token }),
      (r) => r.status === 401,
      configFromEnv({}).authCacheMs,
      'the other process to refuse the revoked token',
    );
    // The notification, not the max age, ended it.
    assert.ok(Date.now() - t < configFromEnv({}).authCacheMs, `refused after ${Date.now() - t} ms`);
  });
});
