// Webhook delivery over real sockets (no store needed): the target's host is resolved once, the
// answers are checked, and the connection goes only to those checked addresses. A "rebinding"
// resolver — one answer when checked, another when the connection is made — must never get a
// connection to the inward address; TLS still checks the certificate and SNI against the host
// name although the socket goes to a pinned address. Certificates are made with openssl.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { postWebhook } from '../../src/services/webhooks.ts';
import { verifyWebhookSignature, webhookSignature } from '../../src/domain/trusted-reporter.ts';

interface Listener {
  server: Server;
  port: number;
  connections: number;
  requests: { headers: IncomingMessage['headers']; body: string; servername: string | null }[];
  close(): Promise<void>;
}

/** A server on one address that counts every TCP connection, whatever comes over it. */
async function listen(
  host: string,
  port: number,
  answer: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => r.end('ok'),
  tls?: { key: string; cert: string },
): Promise<Listener> {
  const l = { connections: 0, requests: [] } as unknown as Listener;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      l.requests.push({ headers: req.headers, body, servername: ((req.socket as TLSSocket).servername as string | false | undefined) || null });
      answer(req, res);
    });
  };
  const server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  // Every TCP connection, a TLS handshake that then fails included.
  server.on('connection', () => l.connections++);
  await new Promise<void>((r) => server.listen(port, host, r));
  l.server = server;
  l.port = (server.address() as AddressInfo).port;
  l.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    });
  return l;
}
const tcp = (l: Listener) => l.connections;

/** A resolver that answers differently from its second question on, and counts the questions. */
function rebinding(first: string[], later: string[]) {
  const r = Object.assign(async (_host: string) => (r.calls++ === 0 ? first : later), { calls: 0 });
  return r;
}

const BODY = JSON.stringify({ type: 'origin.changed', id: 'evt_1' });
const SECRET = 'whsec_test';
const headers = () => {
  const ts = Math.floor(Date.now() / 1000);
  return { 'content-type': 'application/json', 'safeharbor-timestamp': String(ts), 'safeharbor-signature': webhookSignature(SECRET, ts, BODY) };
};

describe('webhook delivery: resolved once, checked, connected only to what was checked', () => {
  test('loopback allowed (local testing): a resolver pinned to the loopback listener delivers; its later answer is never used', async () => {
    const good = await listen('127.0.0.1', 0);
    // Same port on another loopback address: where a second lookup would send the request.
    const trap = await listen('127.0.0.2', good.port);
    try {
      const resolve = rebinding(['127.0.0.1'], ['127.0.0.2']);
      const r = await postWebhook({ allowLoopback: true, resolve }, `http://localhost:${good.port}/hook?x=1`, BODY, headers());
      assert.deepEqual(r, { statusCode: 200, error: null });
      assert.equal(resolve.calls, 1, 'the host is resolved once per attempt');
      assert.equal(tcp(trap), 0, 'nothing reached the address of the second answer');
      assert.equal(good.requests.length, 1);
      const got = good.requests[0]!;
      assert.equal(got.body, BODY);
      assert.equal(got.headers.host, `localhost:${good.port}`, 'the Host header is the URL host, not the pinned address');
      assert.equal(got.headers['content-type'], 'application/json');
      assert.ok(verifyWebhookSignature(SECRET, String(got.headers['safeharbor-timestamp']), got.body, String(got.headers['safeharbor-signature']), new Date()));
    } finally {
      await good.close();
      await trap.close();
    }
  });

  test('public first, loopback after: the loopback listener never gets a connection', async () => {
    const trap = await listen('127.0.0.1', 0);
    try {
      // What a rebinding DNS server does: a public answer for the check, 127.0.0.1 for the connection.
      const resolve = rebinding(['8.8.8.8'], ['127.0.0.1']);
      const r = await postWebhook({ allowLoopback: false, resolve, timeoutMs: 2000 }, `https://hooks.example:${trap.port}/hook`, BODY, headers());
      // Whatever happened on the way to the public address (refused, unreachable, timed out, TLS
      // failure), it was not a delivery, and it was not to loopback.
      assert.notEqual(r.error, null);
      assert.equal(resolve.calls, 1, 'no second lookup');
      assert.equal(tcp(trap), 0, 'no connection to loopback');
      assert.equal(trap.requests.length, 0);
    } finally {
      await trap.close();
    }
  });

  test('an inward answer, alone or beside a public one, refuses the attempt before any connection', async () => {
    const trap = await listen('127.0.0.1', 0);
    try {
      for (const answer of [['127.0.0.1'], ['8.8.8.8', '127.0.0.1'], ['::ffff:127.0.0.1'], ['10.0.0.7']]) {
        const resolve = rebinding(answer, answer);
        const r = await postWebhook({ allowLoopback: false, resolve }, `https://hooks.example:${trap.port}/hook`, BODY, headers());
        assert.deepEqual(r, { statusCode: null, error: 'the host hooks.example resolves to a non-public address' }, answer.join(','));
        assert.equal(resolve.calls, 1);
      }
      const none = await postWebhook({ allowLoopback: false, resolve: async () => [] }, `https://hooks.example:${trap.port}/hook`, BODY, headers());
      assert.deepEqual(none, { statusCode: null, error: 'the host hooks.example does not resolve' });
      const failing = await postWebhook(
        { allowLoopback: false, resolve: async () => Promise.reject(new Error('SERVFAIL')) },
        `https://hooks.example:${trap.port}/hook`,
        BODY,
        headers(),
      );
      assert.deepEqual(failing, { statusCode: null, error: 'the host hooks.example does not resolve' });
      // A literal inward address or plain http is refused by the URL rules, without resolving.
      const literal = await postWebhook(
        { allowLoopback: false, resolve: rebinding(['8.8.8.8'], ['8.8.8.8']) },
        `https://127.0.0.1:${trap.port}/hook`,
        BODY,
        headers(),
      );
      assert.match(literal.error!, /private, loopback or reserved/);
      assert.equal(tcp(trap), 0, 'no connection to loopback at all');
    } finally {
      await trap.close();
    }
  });

  test('a redirect is not followed, and a target that does not answer times out', async () => {
    const elsewhere = await listen('127.0.0.1', 0);
    const redirecting = await listen('127.0.0.1', 0, (_q, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${elsewhere.port}/inside` });
      res.end();
    });
    const silent = await listen('127.0.0.1', 0, () => {});
    try {
      const r = await postWebhook({ allowLoopback: true }, `http://127.0.0.1:${redirecting.port}/hook`, BODY, headers());
      assert.deepEqual(r, { statusCode: 307, error: 'HTTP 307' });
      assert.equal(tcp(elsewhere), 0, 'the redirect target was not called');
      const failing = await listen('127.0.0.1', 0, (_q, res) => {
        res.statusCode = 503;
        res.end();
      });
      assert.deepEqual(await postWebhook({ allowLoopback: true }, `http://127.0.0.1:${failing.port}/hook`, BODY, headers()), {
        statusCode: 503,
        error: 'HTTP 503',
      });
      await failing.close();
      const started = Date.now();
      const t = await postWebhook({ allowLoopback: true, timeoutMs: 300 }, `http://127.0.0.1:${silent.port}/hook`, BODY, headers());
      assert.deepEqual(t, { statusCode: null, error: 'no answer within 0.3 s' });
      assert.ok(Date.now() - started < 5000);
      assert.equal(silent.requests.length, 1, 'the request did arrive');
      const hanging = await postWebhook(
        { allowLoopback: false, timeoutMs: 300, resolve: () => new Promise(() => {}) },
        'https://hooks.example/hook',
        BODY,
        headers(),
      );
      assert.deepEqual(hanging, { statusCode: null, error: 'no answer within 0.3 s' }, 'a resolver that never answers is bounded too');
    } finally {
      await elsewhere.close();
      await redirecting.close();
      await silent.close();
    }
  });

  describe('https to a pinned address', () => {
    let dir: string;
    let ca: string;
    let tls: { key: string; cert: string };
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'sh-webhook-tls-'));
      const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
      ssl(
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '2',
        '-subj',
        '/CN=Safeharbor test CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign',
      );
      ssl('req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=hooks.example');
      writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:hooks.example\nextendedKeyUsage=serverAuth\n');
      ssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext');
      ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
      tls = { key: readFileSync(join(dir, 'leaf.key'), 'utf8'), cert: readFileSync(join(dir, 'leaf.pem'), 'utf8') };
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('the certificate and SNI are checked against the host name, not the address connected to', async () => {
      const server = await listen('127.0.0.1', 0, (_q, r) => r.end('ok'), tls);
      try {
        const pinned = rebinding(['127.0.0.1'], ['127.0.0.2']);
        const ok = await postWebhook({ allowLoopback: true, resolve: pinned, ca }, `https://hooks.example:${server.port}/hook`, BODY, headers());
        assert.deepEqual(ok, { statusCode: 200, error: null });
        assert.equal(pinned.calls, 1);
        assert.equal(server.requests[0]!.servername, 'hooks.example', 'SNI names the host');
        assert.equal(server.requests[0]!.headers.host, `hooks.example:${server.port}`);
        // Another name pinned to the same server: its certificate does not cover it.
        const wrongName = await postWebhook(
          { allowLoopback: true, resolve: async () => ['127.0.0.1'], ca },
          `https://other.example:${server.port}/hook`,
          BODY,
          headers(),
        );
        assert.equal(wrongName.statusCode, null);
        assert.match(wrongName.error!, /other\.example|altnames|does not match/i);
        // A certificate from an authority nobody trusts is refused.
        const untrusted = await postWebhook(
          { allowLoopback: true, resolve: async () => ['127.0.0.1'] },
          `https://hooks.example:${server.port}/hook`,
          BODY,
          headers(),
        );
        assert.equal(untrusted.statusCode, null);
        assert.match(untrusted.error!, /certificate|issuer/i);
        assert.equal(server.requests.length, 1, 'nothing was sent over the refused connections');
      } finally {
        await server.close();
      }
    });
  });
});
