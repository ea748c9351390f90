#!/usr/bin/env bash
# The whole test suite, against both stores: the embedded PGlite and a real PostgreSQL server
# (a throwaway cluster, see with-postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
FILES=(test/unit/*.test.ts test/integration/*.test.ts)
if [ ${#FILES[@]} -eq 0 ]; then echo "npm test: no test files found" >&2; exit 1; fi
# An explicit file list: given a directory, Node 20's runner finds 0 tests and exits 0.
# No test may hang the suite: each one fails after 10 minutes (the slowest takes about one).
exec bash scripts/with-postgres.sh node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout="${TEST_TIMEOUT_MS:-600000}" "$@" "${FILES[@]}"
