// Whether dist/ (scripts/build.js) may be run instead of the sources. The build stamps dist/ with
// the time it started; the build is fresh while no source, directory or tsconfig has changed
// since. Stat calls only, no reading or hashing: a few milliseconds for the whole of src/, so every
// command can afford the check and an edit to src/ is never shadowed by stale compiled code.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const STAMP = '.build-stamp';
const WATCHED_FILES = ['tsconfig.json', 'tsconfig.build.json'];

/** The first path under `dir` (the directory itself included) changed after `since`, or null. */
function changedAfter(dir, since) {
  // A directory's mtime moves when an entry is added, removed or renamed: that catches deleted sources.
  if (statSync(dir).mtimeMs > since) return dir;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const hit = entry.isDirectory() ? changedAfter(path, since) : statSync(path).mtimeMs > since ? path : null;
    if (hit) return hit;
  }
  return null;
}

/** `{ fresh, why }` for the checkout at `root`: `why` says which file decided, for SAFEHARBOR_DEBUG_START. */
export function buildFreshness(root) {
  let built;
  try {
    built = statSync(join(root, 'dist', STAMP)).mtimeMs;
  } catch {
    return { fresh: false, why: `no build (dist/${STAMP} is missing; npm run build makes it)` };
  }
  for (const file of WATCHED_FILES) {
    if (statSync(join(root, file), { throwIfNoEntry: false })?.mtimeMs > built) return { fresh: false, why: `${file} changed after the build` };
  }
  const hit = changedAfter(join(root, 'src'), built);
  if (hit) return { fresh: false, why: `${relative(root, hit)} changed after the build` };
  return { fresh: true, why: `dist/ is newer than every source` };
}
