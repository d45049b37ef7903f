#!/usr/bin/env bash
# Seconds per training step of one process against two data-parallel workers (Gloo over loopback) at
# the same global batch, on a small FashionScenes U2PL config (warm-up epoch: supervised loss, so the
# steps compare like for like), and the share of the two-worker step that is not one worker's own
# compute: (t2 - t_half) / t2, where t_half is one process training on one worker's half of the batch.
# That share is communication (gradient all-reduce, SyncBatchNorm) plus the two workers sharing the
# machine's cores. On a 2-core machine two workers cannot be faster than one: this shows the overhead,
# not a speed-up. Writes bench/results/distributed-step.md and replaces its section in bench/RESULTS.md.
#
# Environment: BATCH (global labelled batch, default 8), STEPS (default 6)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source tools/setup.sh
semiseg_setup
BATCH=${BATCH:-8}
STEPS=${STEPS:-6}
OUT=bench/results/distributed-step.md
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/dist-step.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
log() { printf '[dist-step] %s\n' "$*" >&2; }

[ -d data/fashion-scenes ] || dotnet "$SEMISEG_CLI_DLL" data fashion-scenes --out data/fashion-scenes >&2
COMMON=(--config configs/fashion/u2pl.yaml --set trainer.epochs=1 --set trainer.sup_only_epoch=1
        --set trainer.max_steps_per_epoch=$STEPS --set trainer.eval_on=False --set net.sync_bn=True)

# Seconds per step of a finished run: the epoch's seconds over its steps.
per_step() { python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1])][-1]; print(r['seconds']/$STEPS)" "$1/metrics.jsonl"; }

log "one process, batch $BATCH"
dotnet "$SEMISEG_CLI_DLL" train "${COMMON[@]}" --set dataset.batch_size=$BATCH --threads 2 --out "$SCRATCH/one" >/dev/null
log "one process, batch $((BATCH / 2)) (one worker's half)"
dotnet "$SEMISEG_CLI_DLL" train "${COMMON[@]}" --set dataset.batch_size=$((BATCH / 2)) --threads 1 --out "$SCRATCH/half" >/dev/null
log "two workers, batch $((BATCH / 2)) each"
dotnet "$SEMISEG_CLI_DLL" train "${COMMON[@]}" --set dataset.batch_size=$((BATCH / 2)) --nproc-per-node 2 --out "$SCRATCH/two" >/dev/null

T1=$(per_step "$SCRATCH/one"); TH=$(per_step "$SCRATCH/half"); T2=$(per_step "$SCRATCH/two")
SHARE=$(python3 -c "print(f'{100 * ($T2 - $TH) / $T2:.0f}')")
{
  echo "## Distributed step (issue 16): $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD) (\`bench/distributed_step.sh\`)"
  echo
  echo "configs/fashion/u2pl.yaml warm-up steps (its 64x64 crops), global batch $BATCH, sync_bn, $STEPS steps; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| run | seconds per step |"
  echo "|---|---|"
  printf '| 1 process, batch %d, 2 threads | %.3f |\n' "$BATCH" "$T1"
  printf '| 2 workers (Gloo, loopback), batch %d each, 1 thread each | %.3f |\n' "$((BATCH / 2))" "$T2"
  printf '| 1 process, batch %d, 1 thread (one worker alone) | %.3f |\n' "$((BATCH / 2))" "$TH"
  echo
  echo "Share of the two-worker step beyond one worker's own compute (communication and core sharing): ${SHARE}%."
  echo "On this 2-core machine two workers cannot beat one process; the table shows the overhead, not a speed-up."
} > "$OUT"
python3 - "$OUT" <<'PY'
import re, sys
section = open(sys.argv[1]).read()
path = "bench/RESULTS.md"
text = open(path).read()
pattern = re.compile(r"## Distributed step \(issue 16\).*?(?=\n## |\Z)", re.S)
text = pattern.sub(lambda _: section.rstrip() + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
open(path, "w").write(text)
PY
cat "$OUT"
