#!/usr/bin/env bash
# Data benchmark: how fast FashionScenes is built, and how many samples per second the loader
# delivers (decode + U2PL augmentation + batching, and tensors on the consuming thread) with
# 1 and 2 worker threads; then the data wait per step when each step keeps the training thread
# busy for 40 ms. Records the load average (other jobs skew it). Writes bench/RESULTS-data.md. Usage: bench/data.sh [scratch folder]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/tools/setup.sh"
semiseg_setup
SCRATCH=${1:-${TMPDIR:-/tmp}/semiseg-bench-data}
OUT="$SCRATCH/fashion-scenes"
RESULTS="$ROOT/bench/results/data.md"
semiseg() { dotnet "$SEMISEG_CLI_DLL" "$@"; }

rm -rf "$OUT"
build=$(semiseg data fashion-scenes --out "$OUT" --seed 0 | tail -1)
runs=()
for args in "--workers 1" "--workers 2" "--workers 2 --strong" "--workers 1 --step-ms 40" "--workers 2 --step-ms 40"; do
  # shellcheck disable=SC2086
  runs+=("$(semiseg data bench --root "$OUT" --batch 16 --crop 96 --batches 150 $args)")
done

{
  echo "# Data benchmark"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs). Run with \`bench/data.sh\` on $(date -u +%Y-%m-%d);"
  echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (other jobs on the machine slow every number)."
  echo
  echo "## FashionScenes build (4,000 train + 500 val scenes, 96x96, seed 0, PNG files written)"
  echo
  echo "    $build"
  echo
  echo "## Loader (FashionScenes train split, batch 16, U2PL augmentation: rescale [0.5, 2], flip, random crop 96)"
  echo
  echo "samples/s counts decoding, augmentation, batching and the batch's tensors on the consuming thread;"
  echo "--strong adds iMAS's two intensity ops per unlabelled image; --step-ms keeps the consuming"
  echo "thread busy per step (a stand-in for forward and backward) to show the data wait a training step sees."
  echo
  for r in "${runs[@]}"; do echo "    $r"; done
} > "$RESULTS"
cat "$RESULTS"
