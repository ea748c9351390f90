// `npm run build`, run by `npm install` and `npm ci` (the prepare script): type-checks src/ and
// compiles it to dist/ (tsconfig.build.json), with every other file of src/ (migrations, web
// assets, schemas) copied beside the code that reads it relative to its own module. Built in a
// scratch directory and swapped in whole, so bin/safeharbor.js never finds half a build; the stamp
// it checks (bin/freshness.js) carries the time the build started, so a source edited while tsc
// ran leaves the build stale. Arguments go on to tsc (the start test passes --noCheck).
import { spawnSync } from 'node:child_process';
import { cpSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP } from '../bin/freshness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // An install without devDependencies (--omit=dev) still runs prepare; tsx, a dependency, runs the sources.
  console.error('safeharbor build: TypeScript is not installed, so there is no dist/: bin/safeharbor.js runs the sources through tsx');
  process.exit(0);
}

const started = new Date();
const scratch = join(root, `dist.building-${process.pid}`);
const dist = join(root, 'dist');
rmSync(scratch, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', scratch, ...process.argv.slice(2)], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(scratch, { recursive: true, force: true });
  console.error('safeharbor build: tsc failed; dist/ is unchanged (bin/safeharbor.js runs the sources through tsx while they are newer)');
  process.exit(r.status ?? 1);
}
cpSync(join(root, 'src'), scratch, { recursive: true, filter: (path) => !/\.tsx?$/.test(path) });
const stamp = join(scratch, STAMP);
writeFileSync(stamp, `built from src/ as of ${started.toISOString()}\n`);
utimesSync(stamp, started, started);
rmSync(dist, { recursive: true, force: true });
renameSync(scratch, dist);
console.error(`safeharbor build: dist/ in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);
