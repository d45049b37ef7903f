#!/usr/bin/env bash
# Encoder probe for issue 15's "can the benchmark show a gain" (docs/RESULTS.md): the preset's encoder
# pre-trained 9,000 steps (three times backbone.pth's 3,000), then SupOnly at 1/16 and on the whole
# 1,000-scene pool with it, under the 1,200-step protocol whose SupOnly records with backbone.pth are
# bench/runs-v2/suponly-1of16-s0 (35.21) and suponly-full-s0 (42.84), so the two encoders compare run
# for run. Resumable: the pre-training continues from its 50-step save, a finished run is skipped.
# The rule that decides the table's preset from these two numbers is in docs/RESULTS.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export SEMISEG_ROOT="$root"
source tools/setup.sh
semiseg_setup
cli() { dotnet "$SEMISEG_CLI_DLL" "$@"; }
encoder=data/fashion-scenes/backbone-9k.pth
cli data fashion-scenes --out data/fashion-scenes --if-changed
[ -f "$encoder" ] || cli data fashion-backbone --config configs/fashion/u2pl.yaml --out "$encoder" --steps 9000
probe() {  # name labelled-count epochs eval_every: the 1,200-step protocol's SupOnly settings (git show 1a49470:bench/reproduce)
  local dir=bench/preset-probes/$1
  [ -f "$dir/summary.json" ] && { echo "skip $1 (finished)"; return 0; }
  rm -rf "$dir"
  cli train --config configs/fashion/suponly.yaml --out "$dir" --set "dataset.train.data_list=../../data/fashion-scenes/splits/$2/labeled.txt" \
    --set seed=0 --set "trainer.epochs=$3" --set "trainer.eval_every=$4" --set "saver.backbone=../../$encoder" > "$dir.log" 2>&1
  mv "$dir.log" "$dir/train.log"
  echo "$1: best mIoU $(grep -o '"best_miou": *[0-9.]*' "$dir/summary.json" | grep -o '[0-9.]*$')"
}
probe e6-enc9k-63 63 172 11
probe e7-enc9k-full 1000 10 1
