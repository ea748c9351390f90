// `safeharbor edge nginx` and `safeharbor edge json`: the enforcement feed for the edge, printed
// (or written atomically to a file, so nginx never reads half a map). Straight from the store,
// or — when a running server holds the embedded store — through its API with the local token.
import { Option, type Command } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

type Format = 'nginx' | 'json';
interface EdgeFlags {
  data: string;
  output?: string;
  publicUrl?: string;
}

const FALLBACK_PUBLIC_URL = 'http://127.0.0.1:8080';

async function blocklistText(format: Format, o: EdgeFlags): Promise<{ text: string; summary: string }> {
  const { openStoreFromFlags, runningServer } = await import('./store-options.ts');
  const server = runningServer(o);
  if (server) {
    if (o.publicUrl)
      throw new Error(`--public-url cannot be used while the server at ${server.url} holds the store: it links to its own public URL (SAFEHARBOR_PUBLIC_URL)`);
    const res = await fetch(`${server.url}/v1/edge/blocklist?format=${format}`, { headers: { authorization: `Bearer ${server.token}` } });
    const text = await res.text();
    if (!res.ok) throw new Error(`the server at ${server.url} answered ${res.status}: ${text.slice(0, 500)}`);
    return {
      text,
      summary: `blocklist version ${res.headers.get('x-safeharbor-blocklist-version')} from the running server at ${server.url} (pid ${server.pid})`,
    };
  }
  const [{ configFromEnv }, { loadBlocklist }, { renderNginxMap }] = await Promise.all([
    import('../config.ts'),
    import('../services/edge-blocklist.ts'),
    import('../domain/edge-blocklist.ts'),
  ]);
  const base = o.publicUrl ?? configFromEnv().publicUrl;
  if (!base) console.error(`safeharbor: no SAFEHARBOR_PUBLIC_URL or --public-url: Link headers point at ${FALLBACK_PUBLIC_URL}`);
  const store = await openStoreFromFlags(o);
  try {
    const { doc } = await loadBlocklist(store.db, base ?? FALLBACK_PUBLIC_URL);
    const where = `${store.kind} store ${store.location}`;
    if (format === 'json') return { text: JSON.stringify(doc), summary: `blocklist version ${doc.version} from the ${where}` };
    const r = renderNginxMap(doc);
    for (const s of r.skipped) console.error(`safeharbor: left out ${JSON.stringify(s.url)}: ${s.why}`);
    return {
      text: r.text,
      summary: `blocklist version ${doc.version} from the ${where}: ${r.counts.paths} paths, ${r.counts.queries} path+query entries, ${r.counts.hosts} whole sites, ${r.skipped.length} left out`,
    };
  } finally {
    await store.close();
  }
}

function output(text: string, file: string | undefined): void {
  if (!file) {
    process.stdout.write(text);
    return;
  }
  // Same directory, then rename: a reader sees the old file or the new one, never half of one.
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function registerEdgeCommand(program: Command): void {
  const edge = program.command('edge').description('the enforcement feed for the edge: disabled URLs, terminated zones, court-ordered domains');
  const common = (c: Command) =>
    c
      .addOption(new Option('--data <dir>', 'directory of the embedded store (ignored when DATABASE_URL is set)').default('data'))
      .option('-o, --output <file>', 'write to this file (atomically, by rename) instead of standard output')
      .option('--public-url <url>', "this desk's public URL, for the Link headers (default: SAFEHARBOR_PUBLIC_URL)");
  for (const [name, description] of [
    [
      'nginx',
      'print an nginx map file: include it in http { }; in a server { }: if ($safeharbor_block) { return 451; } add_header Link $safeharbor_blocked_by always;',
    ],
    ['json', 'print the blocklist document (what GET /v1/edge/blocklist returns)'],
  ] as const) {
    common(edge.command(name).description(description)).action(async (o: EdgeFlags) => {
      const { text, summary } = await blocklistText(name, o);
      output(text, o.output);
      console.error(`safeharbor: ${summary}`);
    });
  }
}
