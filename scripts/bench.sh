#!/usr/bin/env bash
# `make bench`: every mitata benchmark in bench/ (JSON per bench), then a short end-to-end
# `outrider simulate --profile both` (JSON report and SVG plot), all under bench/results/ with the
# machine's description (machine.json); bench/results/SUMMARY.md (the one committed file there) is
# regenerated from them. A failing bench is reported and the others still run; exit 1 if any failed.
# BENCH_SIMULATE_DURATION_S (default 20) and BENCH_SIMULATE_ROUNDS (default 2) size the simulation.
set -uo pipefail
bun="$1"
out=bench/results
mkdir -p "$out"
"$bun" scripts/bench-summary.ts --machine > "$out/machine.json"
status=0
for file in bench/*.bench.ts; do
  [ -e "$file" ] || continue
  name=$(basename "$file" .bench.ts)
  echo "== $name"
  started=$(date +%s)
  if "$bun" "$file" --json "$out/$name.json"; then
    echo "{\"bench\": \"$name\", \"ok\": true, \"seconds\": $(( $(date +%s) - started ))}" > "$out/$name.status.json"
  else
    echo "FAILED: $name"
    echo "{\"bench\": \"$name\", \"ok\": false, \"seconds\": $(( $(date +%s) - started ))}" > "$out/$name.status.json"
    status=1
  fi
done
echo "== simulate (steady, baseline vs trading)"
if [ -x dist/outrider ]; then outrider=(dist/outrider); else outrider=("$bun" src/cli/main.ts); fi
started=$(date +%s)
if "${outrider[@]}" simulate --scenario steady --profile both \
    --duration-s "${BENCH_SIMULATE_DURATION_S:-20}" --rounds "${BENCH_SIMULATE_ROUNDS:-2}" \
    --json "$out/simulate-steady.json" --plot "$out/simulate-steady.svg" --quiet; then
  echo "{\"bench\": \"simulate-steady\", \"ok\": true, \"seconds\": $(( $(date +%s) - started ))}" > "$out/simulate-steady.status.json"
else
  echo "FAILED: simulate"
  echo "{\"bench\": \"simulate-steady\", \"ok\": false, \"seconds\": $(( $(date +%s) - started ))}" > "$out/simulate-steady.status.json"
  status=1
fi
"$bun" scripts/bench-summary.ts "$out" > "$out/SUMMARY.md"
echo "wrote $out/SUMMARY.md"
exit "$status"
