#!/usr/bin/env node
// Runs the compiled build (dist/, made by `npm run build`, which `npm install` runs) while it is
// newer than every source, and the TypeScript sources through tsx otherwise: a checkout works
// without a build, and an edit to src/ takes effect at once rather than running stale code.
// SAFEHARBOR_DEBUG_START=1 says on stderr which was chosen and why.
import { fileURLToPath } from 'node:url';
import { buildFreshness } from './freshness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { fresh, why } = buildFreshness(root);
if (process.env.SAFEHARBOR_DEBUG_START) console.error(`safeharbor start: ${fresh ? 'dist' : 'tsx'} (${why})`);
if (fresh) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
