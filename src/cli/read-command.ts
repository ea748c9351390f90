// `safeharbor read [--json] FILE...`: the notice reader on the command line. One JSON object per
// file, one per line: {"file","kind","infringing_urls","original_urls","claimant","elements","missing"}
// (plus "warnings" when the reader refused something, e.g. XML with a DTD). Touches no store.
import type { Command } from 'commander';

export function registerReadCommand(program: Command): void {
  program
    .command('read')
    .description('read notices (.txt, .md, .eml, .xml, .json): kind, infringing and original URLs, claimant, legal elements present and missing')
    .argument('<files...>', 'notice files')
    .option('--json', 'one JSON object per line (the default output; accepted for scripts)')
    .option('--full', 'also print the work, other URLs and ACNS or X-ARF/XARF facts')
    .action(async (files: string[], o: { json?: boolean; full?: boolean }) => {
      const { readNoticeFile } = await import('../reader/file.ts');
      for (const file of files) {
        try {
          const r = await readNoticeFile(file);
          const row: Record<string, unknown> = {
            file,
            kind: r.kind,
            infringing_urls: r.infringing_urls,
            original_urls: r.original_urls,
            claimant: r.claimant,
            elements: r.elements,
            missing: r.missing,
          };
          if (o.full) Object.assign(row, { work: r.work, other_urls: r.other_urls, acns: r.acns, xarf: r.xarf });
          if (r.warnings.length) row.warnings = r.warnings;
          process.stdout.write(`${JSON.stringify(row)}\n`);
        } catch (err) {
          process.stdout.write(`${JSON.stringify({ file, error: (err as Error).message })}\n`);
          process.exitCode = 1;
        }
      }
    });
}
