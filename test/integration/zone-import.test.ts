// The zone import merged batch by batch (on PostgreSQL while the next batch is parsed) gives the
// same world as one merge of the whole file: last line wins across batches, origin history and
// events as for a single batch, bad lines reported by number. Tiny batches force many merges.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { importZones, type ZoneImportResult } from '../../src/services/zone-import.ts';
import type { Store } from '../../src/storage/store.ts';
import { freshStore, storeKinds } from '../support/stores.ts';
import { ZoneDirectory } from '../../src/services/zone-directory.ts';
import { NetworkDirectory } from '../../src/services/network-directory.ts';
import { refreshDirectories, resolveHosts } from '../../src/services/resolver.ts';

const FIRST = `account_id,account_name,account_email,zone,mode,origin
a1,Alpha,ops@alpha.test,alpha.example,proxied,192.0.2.1
a1,Alpha,ops@alpha.test,alpha-two.example,hosted,192.0.2.2
b1,Beta,ops@beta.test,beta.example,proxied,origin.beta.test
b1,Beta,ops@beta.test,not a zone,proxied,192.0.2.3
c1,Gamma,ops@gamma.test,gamma.example,proxied,2001:db8::1
a1,Alpha Renamed,new@alpha.test,alpha.example,proxied,192.0.2.9
`;

// Re-import: beta moves origin, gamma changes account, delta is new, alpha stays as it is.
const SECOND = `account_id,account_name,account_email,zone,mode,origin
a1,Alpha Renamed,new@alpha.test,alpha.example,proxied,192.0.2.9
b1,Beta,ops@beta.test,beta.example,proxied,198.51.100.7
a1,Alpha Renamed,new@alpha.test,gamma.example,proxied,2001:db8::1
d1,Delta,ops@delta.test,delta.example,hosted,192.0.2.4
`;

interface World {
  zones: { name: string; account_id: string; mode: string; origin: string }[];
  accounts: { id: string; name: string; email: string }[];
  currentOrigins: { name: string; origin: string }[];
  closedPeriods: number;
}

async function world(store: Store): Promise<World> {
  const db = store.db;
  const zones = await db.selectFrom('zones').select(['name', 'account_id', 'mode', 'origin']).orderBy('name').execute();
  const accounts = await db.selectFrom('accounts').select(['id', 'name', 'email']).orderBy('id').execute();
  const currentOrigins = await db
    .selectFrom('zone_origins as o')
    .innerJoin('zones as z', 'z.id', 'o.zone_id')
    .select(['z.name', 'o.origin'])
    .where('o.valid_to', 'is', null)
    .orderBy('z.name')
    .execute();
  const closed = await db
    .selectFrom('zone_origins')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('valid_to', 'is not', null)
    .executeTakeFirstOrThrow();
  return { zones, accounts, currentOrigins, closedPeriods: Number(closed.n) };
}

const counts = (r: ZoneImportResult) => ({
  rowsRead: r.rowsRead,
  rowsLoaded: r.rowsLoaded,
  errors: r.errors.map((e) => e.line),
  zonesCreated: r.zonesCreated,
  zonesUpdated: r.zonesUpdated,
  originChanges: r.originChanges,
});

for (const kind of storeKinds()) {
  describe(`zone import in batches (${kind} store)`, () => {
    const stores: Store[] = [];
    after(async () => {
      for (const s of stores) await s.close();
    });

    test('batches of one or two lines give the same world and re-import counts as one batch', async () => {
      const results: { batchRows: number; first: ZoneImportResult; second: ZoneImportResult; world: World; events: string[] }[] = [];
      for (const batchRows of [1, 2, 50_000]) {
        const store = await freshStore(kind);
        stores.push(store);
        const first = await importZones(store, FIRST, { actor: 'system', batchRows });
        const second = await importZones(store, SECOND, { actor: 'system', batchRows });
        const events = (
          await store.db.selectFrom('events').select(['type', 'subject_id']).where('subject_type', '=', 'zone').orderBy('subject_id').orderBy('type').execute()
        ).map((e) => `${e.type} ${e.subject_id}`);
        results.push({ batchRows, first, second, world: await world(store), events });
      }

      const one = results.find((r) => r.batchRows === 50_000)!;
      // The whole-file merge, checked on its own terms first.
      assert.deepEqual(counts(one.first), { rowsRead: 6, rowsLoaded: 5, errors: [5], zonesCreated: 4, zonesUpdated: 0, originChanges: 0 });
      assert.match(one.first.errors[0]!.message, /zone "not a zone" is not a valid domain name/);
      assert.deepEqual(counts(one.second), { rowsRead: 4, rowsLoaded: 4, errors: [], zonesCreated: 1, zonesUpdated: 2, originChanges: 1 });
      assert.deepEqual(one.world.zones, [
        { name: 'alpha-two.example', account_id: 'a1', mode: 'hosted', origin: '192.0.2.2' },
        { name: 'alpha.example', account_id: 'a1', mode: 'proxied', origin: '192.0.2.9' },
        { name: 'beta.example', account_id: 'b1', mode: 'proxied', origin: '198.51.100.7' },
        { name: 'delta.example', account_id: 'd1', mode: 'hosted', origin: '192.0.2.4' },
        { name: 'gamma.example', account_id: 'a1', mode: 'proxied', origin: '2001:db8::1' },
      ]);
      assert.deepEqual(
        one.world.accounts.find((a) => a.id === 'a1'),
        { id: 'a1', name: 'Alpha Renamed', email: 'new@alpha.test' },
        'the last line naming an account wins',
      );
      assert.deepEqual(
        one.world.currentOrigins.map((o) => o.origin),
        one.world.zones.map((z) => z.origin),
        "one current origin period per zone, the zone's origin",
      );
      assert.equal(one.world.closedPeriods, 1, "beta's first origin period closed");
      assert.deepEqual(one.events, ['zone.origin_changed beta.example', 'zone.updated gamma.example']);

      // Merged line by line and two by two: the same final world. (Within one file a zone named
      // twice in different batches is merged twice, so only the first import's counts and history
      // may differ; the file above names alpha.example twice in lines 2 and 7.)
      for (const r of results) {
        assert.deepEqual(r.world.zones, one.world.zones, `zones with batches of ${r.batchRows}`);
        assert.deepEqual(r.world.accounts, one.world.accounts, `accounts with batches of ${r.batchRows}`);
        assert.deepEqual(r.world.currentOrigins, one.world.currentOrigins, `current origins with batches of ${r.batchRows}`);
        assert.deepEqual(counts(r.second), counts(one.second), `re-import counts with batches of ${r.batchRows}`);
        assert.deepEqual(r.first.errors, one.first.errors, `errors with batches of ${r.batchRows}`);
        assert.equal(r.first.rowsLoaded, 5);
      }
    });

    // The foreign keys on the import path were replaced by the import's own checks (migration 015);
    // what they also guaranteed, that nothing a zone or an origin period refers to disappears, holds
    // because accounts and zones are never deleted.
    test('accounts and zones are never deleted, so nothing refers to a missing row', async () => {
      const store = await freshStore(kind);
      stores.push(store);
      await importZones(store, FIRST, { actor: 'system' });
      await assert.rejects(store.db.deleteFrom('zones').where('name', '=', 'beta.example').execute(), /zones rows are never deleted/);
      await assert.rejects(store.db.deleteFrom('accounts').where('id', '=', 'c1').execute(), /accounts rows are never deleted/);
      // Nor truncated, even with CASCADE past the foreign keys that still point at them (migration 028).
      await assert.rejects(sql`TRUNCATE zones CASCADE`.execute(store.db), /zones rows are never deleted/);
      await assert.rejects(sql`TRUNCATE accounts CASCADE`.execute(store.db), /accounts rows are never deleted/);
      const orphans = await store.db
        .selectFrom('zones as z')
        .leftJoin('accounts as a', 'a.id', 'z.account_id')
        .select('z.name')
        .where('a.id', 'is', null)
        .execute();
      assert.deepEqual(orphans, []);
      const zonesWithoutOrigin = await store.db
        .selectFrom('zones as z')
        .select('z.name')
        .where((eb) => eb.not(eb.exists(eb.selectFrom('zone_origins as o').select('o.id').whereRef('o.zone_id', '=', 'z.id').where('o.valid_to', 'is', null))))
        .execute();
      assert.deepEqual(zonesWithoutOrigin, []);
      assert.equal((await store.db.selectFrom('zones').select('name').execute()).length, 4);
    });

    // A notice is resolved against the origin in force when it was filed, also when its items are
    // resolved after an import moved the zone: the zone row's origin_since tells the resolver when
    // it must look into the history (migration 033), and a zone loaded without it is looked up.
    test('the origin at filing time is resolved across an origin change, with and without origin_since', async () => {
      const store = await freshStore(kind);
      stores.push(store);
      const deps = {
        db: store.db,
        zones: new ZoneDirectory(store.db),
        networks: new NetworkDirectory(store.db),
        dns: { resolve: async () => ({ ok: false as const, error: 'off' }) },
      };
      const originAt = async (at: Date) => {
        await refreshDirectories(deps);
        const [r] = await resolveHosts(deps, ['www.beta.example'], at);
        assert.ok(r?.onNetwork);
        return r.zone.origin;
      };
      const beforeAny = new Date(Date.now() - 60_000);
      await importZones(store, FIRST, { actor: 'system' });
      const since = (await store.db.selectFrom('zones').select('origin_since').where('name', '=', 'beta.example').executeTakeFirstOrThrow()).origin_since;
      assert.ok(since instanceof Date, 'a new zone gets the start of its first origin period');
      await new Promise((r) => setTimeout(r, 20));
      const between = new Date();
      await new Promise((r) => setTimeout(r, 20));
      await importZones(store, SECOND, { actor: 'system' });
      const moved = (await store.db.selectFrom('zones').select('origin_since').where('name', '=', 'beta.example').executeTakeFirstOrThrow()).origin_since!;
      assert.ok(moved > between, 'a moved origin starts a new period');
      const unmoved = await store.db.selectFrom('zones').select('origin_since').where('name', '=', 'alpha.example').executeTakeFirstOrThrow();
      assert.ok(unmoved.origin_since! < between, 'a zone whose origin stayed keeps its start');
      const after = new Date(moved.getTime() + 1000);
      assert.equal(await originAt(between), 'origin.beta.test');
      assert.equal(await originAt(after), '198.51.100.7');
      assert.equal(await originAt(beforeAny), '198.51.100.7', 'before the zone existed: its origin now');
      // A zone from before migration 033: the history answers.
      await sql`UPDATE zones SET origin_since = NULL`.execute(store.db);
      assert.equal(await originAt(between), 'origin.beta.test');
      assert.equal(await originAt(after), '198.51.100.7');
    });
  });
}
