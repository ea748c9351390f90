// `safeharbor submit`: a bulk-reporting client. Reads a URL list of any size as a stream, groups
// it into notices by zone (submit/grouping.ts says how and why), and files them with
// POST /v1/notices over HTTP with bounded concurrency, each with an Idempotency-Key derived from
// its body, retrying what can be retried. A state file next to the input records every notice the
// server acknowledged, so an interrupted run picks up where it stopped; and should the state file
// be lost, the keys still make the server answer with the notices it already has.
import { Option, type Command } from 'commander';
import { LEGAL_REGIMES, REPORT_KINDS } from '../domain/report-kinds.ts';
import { wholeNumber } from './options.ts';
import type { TemplateFlags } from './submit/template.ts';

export interface SubmitFlags extends TemplateFlags {
  server?: string;
  token?: string;
  notice?: string;
  maxUrlsPerNotice: number;
  concurrency: number;
  state?: string;
  dryRun?: boolean;
  wait?: boolean;
  json?: boolean;
}

/** The largest notice the client files unless told otherwise; bigger zones are split. */
export const DEFAULT_MAX_URLS_PER_NOTICE = 10_000;

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('file a list of URLs (one per line) as notices, grouped by zone, over the API; resumable')
    .argument('<file>', 'the URL list: one URL per line, blank lines and # comments skipped; - reads standard input')
    .option('--server <url>', 'the Safeharbor server, e.g. http://127.0.0.1:8080')
    .addOption(new Option('--token <token>', 'a reporter API token').env('SAFEHARBOR_TOKEN'))
    .option('--notice <file.json>', 'the rest of every notice: a report body without urls (claimant, statements, signature, work, kind, regime, …)')
    .addOption(new Option('--kind <kind>', 'the kind of report (default copyright)').choices(REPORT_KINDS))
    .addOption(new Option('--regime <regime>', "the regime (default: the kind's first)").choices(LEGAL_REGIMES))
    .option('--work <description>', 'work.description: the copyrighted work')
    .option('--name <name>', 'claimant.name')
    .option('--email <email>', 'claimant.email')
    .option('--company <company>', 'claimant.company')
    .option('--address <address>', 'claimant.address')
    .option('--country <code>', 'claimant.country (ISO 3166-1, e.g. US)')
    .option('--signature <name>', 'signature: your full name')
    .option('--explanation <text>', 'explanation: why the content is illegal or breaks the rules')
    .option('--affirm', "affirm the regime's sworn statements (DMCA: good faith and accuracy under penalty of perjury; DSA: accurate and complete)")
    .option(
      '--max-urls-per-notice <n>',
      'largest notice; bigger zones are split',
      wholeNumber('--max-urls-per-notice', 1, 1_000_000),
      DEFAULT_MAX_URLS_PER_NOTICE,
    )
    .option('--concurrency <n>', 'notices in flight at once', wholeNumber('--concurrency', 1, 64), 4)
    .option('--state <file>', 'resume state (default: FILE.submit-state.json; none for standard input unless given)')
    .option('--dry-run', 'check the notice and group the file, print the notices it would send, send nothing')
    .option('--wait', 'after sending, wait until the server has processed every notice')
    .option('--json', 'print the summary as one JSON object')
    .action(async (file: string, o: SubmitFlags) => {
      // The client itself (grouping, the Public Suffix List, progress bars) loads only to run.
      const { submit } = await import('./submit/run.ts');
      const code = await submit(file, o);
      process.exitCode = code;
    });
}
