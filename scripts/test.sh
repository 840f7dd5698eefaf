#!/usr/bin/env bash
# Runs every check of `make test` and ends with one line `N passed, N failed`
# (CI reads that line). Lint and typecheck count as one test each; bun test's
# cases are counted from its JUnit report. Exits non-zero on any failure.
set -uo pipefail
bun="$1"; timeout_ms="$2"; shift 2
mkdir -p build
passed=0; failed=0

check() { # name, command...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); else echo "FAILED: $name"; failed=$((failed + 1)); fi
}
check "biome lint/format" node_modules/.bin/biome check .
check "typescript strict" node_modules/.bin/tsc -p tsconfig.json

rm -f build/junit.xml
"$bun" test --timeout "$timeout_ms" --reporter=junit --reporter-outfile=build/junit.xml "$@"
bun_status=$?
if [ -f build/junit.xml ]; then
  header=$(grep -m1 '<testsuites' build/junit.xml)
  tests=$(sed -E 's/.* tests="([0-9]+)".*/\1/' <<<"$header")
  failures=$(sed -E 's/.* failures="([0-9]+)".*/\1/' <<<"$header")
  skipped=$(sed -E 's/.* skipped="([0-9]+)".*/\1/' <<<"$header")
  passed=$((passed + tests - failures - skipped)); failed=$((failed + failures))
  if [ "$bun_status" -ne 0 ] && [ "$failures" -eq 0 ]; then
    echo "FAILED: bun test exited $bun_status with no failing case (load error or unhandled error)"
    failed=$((failed + 1))
  fi
else
  echo "FAILED: bun test wrote no report (exit $bun_status)"; failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
