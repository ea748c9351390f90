// A server that reads mail (its SMTP listener on an ephemeral port, for the intake addresses at
// desk.test), a real SMTP server that receives what it sends, and a client that delivers to it.
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { startSmtp, type TestSmtp } from './smtp.ts';
import { startTestServer, type TestServer } from './server.ts';
import type { StoreKind } from '../../src/storage/store.ts';

export interface MailDesk {
  smtp: TestSmtp;
  s: TestServer;
  /** Delivers a message to the desk's own SMTP listener. */
  send(m: SendMailOptions): Promise<{ response: string }>;
  close(): Promise<void>;
}

export async function startMailDesk(store: StoreKind, intakeAddresses: string[], zones: string): Promise<MailDesk> {
  const smtp = await startSmtp();
  const s = await startTestServer(store, { smtpUrl: smtp.url, smtpPort: 0, config: { mailDomain: 'desk.test', intakeAddresses } });
  await s.loadZones(zones);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.server.smtpPort!, secure: false, ignoreTLS: true });
  return {
    smtp,
    s,
    send: (m) => transport.sendMail(m) as Promise<{ response: string }>,
    close: async () => {
      await s.close();
      await smtp.close();
    },
  };
}
