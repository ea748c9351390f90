// `safeharbor` — the command line. Output meant for scripts is stable: `token create` prints the
// token on its last line; `read`-style commands print JSON lines.
//
// Only commander and the command definitions load up front: each action imports what it uses, so
// `--help`, a usage error or a light command costs milliseconds, not the server's whole module graph.
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { registerReadCommand } from './read-command.ts';
import { registerEdgeCommand } from './edge-command.ts';
import { registerSubmitCommand } from './submit-command.ts';
import { wholeNumber } from './options.ts';

const program = new Command();
program.name('safeharbor').description('Notice-and-action desk: DMCA notices in, resolved to customer and host, acted on, status out.');
const dataOption = () => new Option('--data <dir>', 'directory of the embedded store (ignored when DATABASE_URL is set)').default('data');

program
  .command('serve')
  .description('start the server (migrations run on start)')
  .option('--port <port>', 'TCP port (0: any free port)', wholeNumber('--port', 0, 65535), 8080)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--smtp-port <port>', 'SMTP port for notices by e-mail (0: any free port)', wholeNumber('--smtp-port', 0, 65535), 2525)
  .option('--no-smtp', 'do not listen for mail')
  .option('--no-worker', 'serve the API only (stateless); `safeharbor worker` processes on the same PostgreSQL do the background work')
  .addOption(dataOption())
  .action(async (o: { port: number; host: string; data: string; smtpPort: number; smtp: boolean; worker: boolean }) => {
    const [{ configFromEnv }, { openStoreFromFlags, writeHandoff }, { startServer }, { createLocalCliToken, revokeToken }] = await Promise.all([
      import('../config.ts'),
      import('./store-options.ts'),
      import('../server.ts'),
      import('../services/principals.ts'),
    ]);
    const config = configFromEnv();
    if (!o.worker && !process.env.DATABASE_URL) {
      throw new Error(
        '--no-worker needs DATABASE_URL: the embedded store can be opened by one process only, so no `safeharbor worker` could do the ' +
          'background work next to this server. Run `safeharbor serve` without --no-worker, or use PostgreSQL.',
      );
    }
    const store = await openStoreFromFlags(o);
    const server = await startServer({
      store,
      config,
      port: o.port,
      host: o.host,
      adminToken: process.env.SAFEHARBOR_ADMIN_TOKEN || undefined,
      logger: process.env.SAFEHARBOR_LOG !== 'off',
      smtpPort: o.smtp ? o.smtpPort : undefined,
      worker: o.worker,
    });
    if (server.createdAdminToken) {
      console.log(`Created the staff administrator. Its API token is shown only this once:\n\n  ${server.createdAdminToken}\n`);
    }
    let localToken: string | null = null;
    if (store.kind === 'embedded') {
      localToken = await createLocalCliToken(store.db);
      writeHandoff(o, { pid: process.pid, url: server.url, token: localToken });
    }
    if (!config.smtpUrl) console.log('No SMTP_URL set: outgoing mail waits in the outbox (see `safeharbor outbox`).');
    if (server.smtpPort !== null) {
      console.log(
        `Reading notices sent by e-mail to ${config.intakeAddresses.map((a) => `${a}@${config.mailDomain}`).join(', ')} on SMTP port ${server.smtpPort}`,
      );
    }
    if (!o.worker) console.log('API only (--no-worker): background work is done by `safeharbor worker` processes.');
    console.log(`Safeharbor (${store.kind} store: ${store.location}) listening on ${server.url}`);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await server.close();
      if (localToken) await revokeToken(store.db, localToken, 'system');
      await store.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('worker')
  .description('run the background work without HTTP: notice processing, outgoing mail, reading stored inbound mail, webhooks, timers')
  .option('--no-read-mail', 'do not read stored inbound mail (no `serve` of this deployment listens for mail: all run with --no-smtp)')
  .addOption(dataOption())
  .addHelpText(
    'after',
    `
With DATABASE_URL, run as many workers as you like next to any number of \`safeharbor serve --no-worker\`
API processes: each notice and each message is claimed by one worker (FOR UPDATE SKIP LOCKED) with a
lease it renews while it works. On SIGTERM or SIGINT a worker finishes the batch in hand, gives the
rest of its work back for another worker to go on with at once, and exits. A worker that dies
(kill -9, a lost machine) leaves its lease to run out (SAFEHARBOR_WORKER_LEASE_SECONDS, default 120),
then another takes the work over where it stopped.

The embedded store (--data) can be opened by one process only: there \`safeharbor serve\` runs the
background work itself, and a worker refuses to start while a server has the store open.
Set SAFEHARBOR_PUBLIC_URL: links in the mail a worker sends point there.`,
  )
  .action(async (o: { data: string; readMail: boolean }) => {
    const [{ configFromEnv }, { openStoreFromFlags }, { startWorker }] = await Promise.all([
      import('../config.ts'),
      import('./store-options.ts'),
      import('../worker.ts'),
    ]);
    const config = configFromEnv();
    const store = await openStoreFromFlags(o);
    const worker = await startWorker({
      store,
      config,
      readMail: o.readMail,
      log: (msg, err) => console.error(`safeharbor worker: ${msg}${err ? `: ${err instanceof Error ? err.message : String(err)}` : ''}`),
    });
    if (!config.smtpUrl) console.log('No SMTP_URL set: outgoing mail waits in the outbox (see `safeharbor outbox`).');
    if (!config.publicUrl) console.log('No SAFEHARBOR_PUBLIC_URL set: links in outgoing mail point at http://127.0.0.1.');
    console.log(`Safeharbor worker (${store.kind} store: ${store.location}) running, pid ${process.pid}`);
    let stopping = false;
    const stop = async () => {
      if (stopping) {
        console.error('safeharbor worker: stopping at once; claimed work is taken over when its lease runs out');
        process.exit(1);
      }
      stopping = true;
      console.log('Stopping: finishing the batch in hand and giving the rest of the work back');
      await worker.close();
      await store.close();
      console.log('Safeharbor worker stopped');
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

/** A file the import refused whole, named by file and line as the rejected lines are. */
async function refusedFile(file: string, err: unknown): Promise<unknown> {
  const { CsvFileError } = await import('../domain/csv-file.ts');
  return err instanceof CsvFileError ? new Error(`${file}:${err.line}: ${err.message}`) : err;
}

const imp = program.command('import').description("bulk-load the provider's world");

imp
  .command('zones <file>')
  .description('load or refresh zones from CSV: account_id,account_name,account_email,zone,mode,origin')
  .addOption(dataOption())
  .action(async (file: string, o: { data: string }) => {
    if (!existsSync(file)) throw new Error(`no such file: ${file}`);
    const [{ openAdmin }, { default: cliProgress }] = await Promise.all([import('./store-options.ts'), import('cli-progress')]);
    const admin = await openAdmin(o);
    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { format: 'zones {bar} {percentage}% | {value}/{total} {unit} | {phase}', stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(1, 0, { phase: 'loading', unit: '' });
    const started = Date.now();
    try {
      const r = await admin.importZones(file, (done, total, unit, phase) => {
        bar?.setTotal(Math.max(total, 1));
        bar?.update(done, { phase, unit });
      });
      bar?.stop();
      for (const e of r.errors) console.error(`${file}:${e.line}: ${e.message}`);
      const secs = (Date.now() - started) / 1000;
      console.log(
        `${r.rowsLoaded} of ${r.rowsRead} rows loaded into ${admin.where} in ${secs.toFixed(1)} s (${Math.round(r.rowsRead / Math.max(secs, 0.001))} rows/s): ` +
          `${r.zonesCreated} zones created, ${r.zonesUpdated} updated, ${r.originChanges} origin changes, ${r.accountsUpserted} accounts created or updated; ` +
          `${r.rowsRead - r.rowsLoaded} rows rejected`,
      );
      if (r.rowsRead > r.rowsLoaded) process.exitCode = 1;
    } catch (err) {
      bar?.stop();
      throw await refusedFile(file, err);
    } finally {
      await admin.close();
    }
  });

imp
  .command('networks <file>')
  .description('load hosting-provider overrides from CSV: cidr,asn,name,abuse_email')
  .addOption(dataOption())
  .action(async (file: string, o: { data: string }) => {
    if (!existsSync(file)) throw new Error(`no such file: ${file}`);
    const { openAdmin } = await import('./store-options.ts');
    const admin = await openAdmin(o);
    try {
      const r = await admin.importNetworks(file);
      for (const e of r.errors) console.error(`${file}:${e.line}: ${e.message}`);
      console.log(`${r.loaded} networks loaded into ${admin.where}; ${r.errors.length} lines rejected`);
      if (r.errors.length) process.exitCode = 1;
    } catch (err) {
      throw await refusedFile(file, err);
    } finally {
      await admin.close();
    }
  });

imp
  .command('netblocks <file>')
  .description('load address-block assignments with history from CSV: cidr,account_id,assigned_from,assigned_to (assigned_to empty = still assigned)')
  .addOption(dataOption())
  .action(async (file: string, o: { data: string }) => {
    if (!existsSync(file)) throw new Error(`no such file: ${file}`);
    const { openAdmin } = await import('./store-options.ts');
    const admin = await openAdmin(o);
    try {
      const r = await admin.importNetblocks(file);
      for (const e of r.errors) console.error(`${file}:${e.line}: ${e.message}`);
      console.log(
        `${r.loaded} netblock assignments in ${admin.where} (${r.added} added, ${r.changed} changed, ${r.unchanged} unchanged); ${r.errors.length} lines rejected`,
      );
      if (r.errors.length) process.exitCode = 1;
    } catch (err) {
      throw await refusedFile(file, err);
    } finally {
      await admin.close();
    }
  });

const token = program.command('token').description('API tokens');
token
  .command('create')
  .description('create a principal and print its API token on the last line')
  .addOption(new Option('--role <role>', 'role of the new principal').choices(['reporter', 'staff']).makeOptionMandatory())
  .requiredOption('--email <email>', 'contact e-mail')
  .option('--name <name>', 'display name')
  .addOption(dataOption())
  .action(async (o: { role: 'reporter' | 'staff'; email: string; name?: string; data: string }) => {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(o.email)) throw new Error(`--email "${o.email}" is not a valid e-mail address`);
    const { openAdmin } = await import('./store-options.ts');
    const admin = await openAdmin(o);
    try {
      const p = await admin.createPrincipal(o.role, o.email, o.name ?? null);
      console.log(`Created ${p.role} ${p.email} (id ${p.id}, account id ${p.accountId}). API token:`);
      console.log(p.token);
    } finally {
      await admin.close();
    }
  });

program
  .command('outbox')
  .description('list outgoing messages (pending ones wait for SMTP_URL)')
  .addOption(new Option('--status <status>', 'only messages in this state').choices(['pending', 'sent', 'failed']))
  .option('--limit <n>', 'at most this many, newest first', wholeNumber('--limit', 1, 10000), 50)
  .option('--json', 'one JSON object per line')
  .addOption(dataOption())
  .action(async (o: { status?: 'pending' | 'sent' | 'failed'; limit: number; json?: boolean; data: string }) => {
    const { openAdmin } = await import('./store-options.ts');
    const admin = await openAdmin(o);
    try {
      const rows = await admin.listOutbox({ status: o.status, limit: o.limit });
      if (o.json) for (const r of rows) console.log(JSON.stringify(r));
      else {
        if (!rows.length) console.log('The outbox is empty.');
        for (const r of rows)
          console.log(
            `#${r.id}  ${r.status.padEnd(7)}  ${r.created_at}  ${r.recipient_role.padEnd(8)}  ${r.to}  ${r.subject}${r.last_error ? `  (last error: ${r.last_error})` : ''}`,
          );
      }
    } finally {
      await admin.close();
    }
  });

program
  .command('migrate')
  .description('apply database migrations and exit')
  .addOption(dataOption())
  .action(async (o: { data: string }) => {
    const { openStoreFromFlags } = await import('./store-options.ts');
    const store = await openStoreFromFlags(o);
    console.log(`${store.kind} store ${store.location} is up to date`);
    await store.close();
  });

registerEdgeCommand(program);

registerReadCommand(program);

registerSubmitCommand(program);

program.parseAsync().catch((err: Error) => {
  console.error(`safeharbor: ${err.message}`);
  process.exit(1);
});
