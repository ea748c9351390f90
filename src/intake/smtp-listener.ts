// The SMTP listener: accepts mail for the desk's addresses (and their +token reply forms), and
// stores each message raw, in one INSERT, before answering 250. Reading it comes after, in the
// intake worker, so a crash or a reader bug never loses a notice.
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { appendEvents } from '../storage/events.ts';
import { wakeOnCommit } from '../storage/wake.ts';

export interface ListenerOptions {
  db: Kysely<Database>;
  port: number;
  host: string;
  mailDomain: string;
  /** Local parts accepted, lower-case (abuse, dmca…); `local+anything` is accepted too. */
  addresses: string[];
  maxBytes: number;
  log: (msg: string, err?: unknown) => void;
}

export interface RunningListener {
  port: number;
  close(): Promise<void>;
}

/** Is this recipient one of ours? Pure, so the rule is tested without a socket. */
export function acceptsRecipient(address: string, mailDomain: string, localParts: readonly string[]): boolean {
  const at = address.lastIndexOf('@');
  if (at < 1) return false;
  if (address.slice(at + 1).toLowerCase() !== mailDomain.toLowerCase()) return false;
  const local = address.slice(0, at).toLowerCase();
  const base = local.includes('+') ? local.slice(0, local.indexOf('+')) : local;
  return localParts.includes(base);
}

export async function startSmtpListener(o: ListenerOptions): Promise<RunningListener> {
  const server = new SMTPServer({
    name: o.mailDomain,
    banner: 'Safeharbor abuse desk',
    authOptional: true,
    // Mail between servers is often plain on port 25; TLS is offered by the MTA in front, if any.
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: o.maxBytes,
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (acceptsRecipient(address.address, o.mailDomain, o.addresses)) return callback();
      const err = Object.assign(new Error(`5.1.1 <${address.address}>: no such mailbox here; write to ${o.addresses[0]}@${o.mailDomain}`), {
        responseCode: 550,
      });
      return callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        // Past the limit the bytes are dropped; smtp-server marks the stream and we refuse it below.
        if (size <= o.maxBytes) chunks.push(c);
      });
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded || size > o.maxBytes) {
          return callback(
            Object.assign(new Error(`5.3.4 message is larger than the ${Math.floor(o.maxBytes / 1024 / 1024)} MB we accept`), { responseCode: 552 }),
          );
        }
        const raw = Buffer.concat(chunks);
        store(o.db, {
          raw,
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          remote: session.remoteAddress,
        }).then(
          (id) => callback(null, `2.0.0 stored as message ${id}`),
          // Only the store's failure: a second callback for one message would break the session.
          (err) => {
            o.log('storing an inbound message failed', err);
            // A temporary failure: the sender's server keeps the message and tries again.
            callback(Object.assign(new Error('4.3.0 could not store the message; try again later'), { responseCode: 451 }));
          },
        );
      });
    },
  });
  server.on('error', (err) => o.log('SMTP listener error', err));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function store(db: Kysely<Database>, m: { raw: Buffer; mailFrom: string | null; rcptTo: string[]; remote: string }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('inbound_messages')
      .values({
        mail_from: m.mailFrom,
        rcpt_to: m.rcptTo,
        remote_address: m.remote,
        size: m.raw.length,
        sha256: createHash('sha256').update(m.raw).digest('hex'),
        raw: m.raw,
        outcome: null,
        notice_id: null,
        message_id: null,
        subject: null,
        from_address: null,
        detail: null,
        lease_until: null,
        processed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        actor: 'system',
        type: 'mail.received',
        subjectType: 'inbound_message',
        subjectId: String(row.id),
        after: { status: 'received' },
        data: { size: m.raw.length, rcpt_to: m.rcptTo, mail_from: m.mailFrom },
      },
    ]);
    await wakeOnCommit(trx, 'inbound');
    return Number(row.id);
  });
}
