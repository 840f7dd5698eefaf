#!/usr/bin/env bash
# `make bench`: every mitata benchmark in bench/ (JSON results under bench/results/).
set -euo pipefail
bun="$1"
mkdir -p bench/results
for file in bench/*.bench.ts; do
  [ -e "$file" ] || continue
  name=$(basename "$file" .bench.ts)
  echo "== $name"
  "$bun" "$file" --json "bench/results/$name.json"
done
