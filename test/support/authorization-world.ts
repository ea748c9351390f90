// A small world for the authorization matrix: one notice by reporter A about customer A's zone,
// and every kind of caller — anonymous, the reporter, another reporter, an active and a revoked
// trusted reporter, the customer, another customer, staff — with what each should be told.
import assert from 'node:assert/strict';
import { createPrincipal } from '../../src/services/principals.ts';
import { TRUSTED_REPORTER_TERMS } from '../../src/domain/trusted-reporter.ts';
import { dmcaNotice, waitUntil, type TestServer } from './server.ts';

export const CALLERS = ['anonymous', 'reporter', 'other_reporter', 'trusted', 'revoked_trusted', 'customer', 'other_customer', 'staff'] as const;
export type Caller = (typeof CALLERS)[number];

export interface AuthorizationWorld {
  tokens: Record<Caller, string | null>;
  /** Reporter A's notice, about customer A's zone. */
  noticeId: string;
  reporterEmail: string;
  customerAccount: string;
  otherAccount: string;
  /** Strings only reporter A, customer A and staff may ever see. */
  secrets: string[];
}

export async function buildAuthorizationWorld(s: TestServer): Promise<AuthorizationWorld> {
  await s.loadZones(
    [
      'account_id,account_name,account_email,zone,mode,origin',
      'acct-a,Shop A,ops@shop-a.test,shop-a.example,proxied,203.0.113.10',
      'acct-b,Shop B,ops@shop-b.test,shop-b.example,proxied,203.0.113.20',
    ].join('\n') + '\n',
  );
  const reporterEmail = 'only-reporter-a@rights.test';
  const reporter = await s.reporter(reporterEmail);
  const other = await s.reporter('reporter-b@rights.test');
  const trusted = await s.reporter('trusted@agency.test');
  const revoked = await s.reporter('revoked@agency.test');
  for (const [who, revoke] of [
    [trusted, false],
    [revoked, true],
  ] as const) {
    const applied = await s.api('/v1/trusted-reporter/application', {
      token: who.token,
      body: { organisation: 'Agency', purpose: 'Takedowns', contact: 'legal@agency.test', accept_terms: true, terms_version: TRUSTED_REPORTER_TERMS.version },
    });
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    const id = applied.body.application?.id ?? applied.body.id;
    assert.equal((await s.api(`/v1/trusted-reporters/${id}/approve`, { token: s.adminToken, body: { scopes: ['origin:read'] } })).status, 200);
    if (revoke)
      assert.equal((await s.api(`/v1/trusted-reporters/${id}/revoke`, { token: s.adminToken, body: { reason: 'Misuse of disclosed addresses' } })).status, 200);
  }
  const customer = await createPrincipal(s.store.db, { role: 'customer', email: 'ops@shop-a.test', accountId: 'acct-a', actor: 'system' });
  const otherCustomer = await createPrincipal(s.store.db, { role: 'customer', email: 'ops@shop-b.test', accountId: 'acct-b', actor: 'system' });
  const filed = await s.api('/v1/notices', {
    token: reporter.token,
    body: dmcaNotice(['https://shop-a.example/pirated-film.mp4'], {
      claimant: {
        name: 'Secret Claimant Person',
        company: 'Harbor Pictures LLC',
        email: reporterEmail,
        address: '1 Hidden Lane',
        phone: '+1 555 0199',
        country: 'US',
      },
      signature: 'Secret Claimant Person',
    }),
  });
  assert.equal(filed.status, 201, JSON.stringify(filed.body));
  await waitUntil(
    () => s.api(`/v1/notices/${filed.body.id}`, { token: reporter.token }),
    (r) => r.body.status === 'processed',
    20_000,
    'the notice processed',
  );
  return {
    tokens: {
      anonymous: null,
      reporter: reporter.token,
      other_reporter: other.token,
      trusted: trusted.token,
      revoked_trusted: revoked.token,
      customer: customer.token!,
      other_customer: otherCustomer.token!,
      staff: s.adminToken,
    },
    noticeId: filed.body.id,
    reporterEmail,
    customerAccount: 'acct-a',
    otherAccount: 'acct-b',
    secrets: [reporterEmail, 'Secret Claimant Person', '1 Hidden Lane', '203.0.113.10'],
  };
}
