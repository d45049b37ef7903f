#!/usr/bin/env bash
# Resident memory of a long tiny U2PL run (issue 19): `semiseg train` for STEPS steps (default 10,000) on a
# 32x32 FashionScenes build (enough training scenes for every epoch to have its PER_EPOCH steps) with the memory bank on, its resident set sampled every few seconds from
# /proc. Once the bank's queues are full (they fill in the first few hundred steps) nothing should grow:
# every step's tensors are disposed, each epoch's checkpoint replaces the last.
#   bench/run_memory.sh                # prints a Markdown table and a summary line
#   RECORD=1 bench/run_memory.sh       # also appends them, dated, to bench/RESULTS.md
#   PER_EPOCH=1000 bench/run_memory.sh # checkpoints every 1,000 steps instead of 100
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [[ "${SKIP_SETUP:-0}" != 1 ]]; then source tools/setup.sh; semiseg_setup; fi
CLI=(dotnet "${SEMISEG_CLI_DLL:-$ROOT/src/SemiSeg.Cli/bin/Release/net10.0/SemiSeg.Cli.dll}")
STEPS=${STEPS:-10000}
PER_EPOCH=${PER_EPOCH:-100}   # steps between checkpoints (an epoch)
SCENES=$(( 2 * PER_EPOCH * 2 + 100 ))   # enough unlabelled scenes for epochs of PER_EPOCH steps at batch 2
WORK=${WORK:-$(mktemp -d /tmp/semiseg-memory.XXXXXX)}
mkdir -p "$WORK"
"${CLI[@]}" data fashion-scenes --out "$WORK/data" --seed 1 --size 32 --train "$SCENES" --val 8 --min-scale 0.5 --max-scale 1.0 --if-changed >/dev/null
labelled=$(ls "$WORK/data/splits" | grep -E '^[0-9]+$' | sort -n | head -1)   # the smallest labelled split
source "$ROOT/bench/tiny_u2pl.sh"
tiny_u2pl_config "$WORK/u2pl.yaml" "$WORK/data" "$WORK/data/splits/$labelled/labeled.txt" $(( STEPS / PER_EPOCH )) "$PER_EPOCH" 2000 4000 \
  "  eval_every: 10
  log_every: 100
"
run="$WORK/run"
rm -rf "$run"
"${CLI[@]}" train --config "$WORK/u2pl.yaml" --out "$run" </dev/null >"$WORK/train.log" 2>&1 &
pid=$!
start=$(date +%s)
table="| seconds | step | resident MiB |"$'\n'"|---:|---:|---:|"
samples=()
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
  step=$( (tail -1 "$run/steps.jsonl" 2>/dev/null || true) | grep -o '"step": *[0-9]*' | grep -o '[0-9]*$' || true)
  if [[ -n "$rss" ]]; then
    samples+=("$(( $(date +%s) - start )) ${step:-0} $(( rss / 1024 ))")
  fi
  sleep 5
done
code=0; wait "$pid" || code=$?
(( code == 0 )) || { echo "the run failed (exit $code): $WORK/train.log" >&2; tail -5 "$WORK/train.log" >&2; exit 1; }
# Every 20th sample in the table, and the last.
for i in "${!samples[@]}"; do
  if (( i % 20 == 0 || i == ${#samples[@]} - 1 )); then read -r s st r <<<"${samples[$i]}"; table+=$'\n'"| $s | $st | $r |"; fi
done
stats=$(printf '%s\n' "${samples[@]}" | awk -v total="$STEPS" '
  { step[NR] = $2; rss[NR] = $3 }
  END {
    for (i = 1; i <= NR; i++) { if (step[i] >= total / 10 && !a) a = rss[i]; if (rss[i] > max) max = rss[i] }
    printf "resident %d MiB at step %d (first sample past 10%%), %d MiB at the end (step %d), largest %d MiB", a, total / 10, rss[NR], step[NR], max
  }')
summary="$STEPS steps of a tiny U2PL run (memory bank queues 2,000 / 4,000, checkpoint every $PER_EPOCH steps${MALLOC_MMAP_THRESHOLD_:+, MALLOC_MMAP_THRESHOLD_=$MALLOC_MMAP_THRESHOLD_}): $stats"
echo "$table"
echo "$summary"
if [[ "${RECORD:-0}" == 1 ]]; then
  printf '\n## Resident memory of a %s-step U2PL run (issue 19): %s UTC, commit %s (`bench/run_memory.sh`)\n\n%s.\n\n%s\n' \
    "$STEPS" "$(date -u '+%Y-%m-%d %H:%M')" "$(git rev-parse --short HEAD)" "$summary" "$table" >> bench/RESULTS.md
fi
