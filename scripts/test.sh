#!/usr/bin/env bash
# The whole test suite, against both stores: the embedded PGlite and a real PostgreSQL server
# (a throwaway cluster, see with-postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
FILES=(test/unit/*.test.ts test/integration/*.test.ts)
if [ ${#FILES[@]} -eq 0 ]; then echo "npm test: no test files found" >&2; exit 1; fi
# An explicit file list: given a directory, Node 20's runner finds 0 tests and exits 0.
exec bash scripts/with-postgres.sh node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" "$@" "${FILES[@]}"
