#!/usr/bin/env bash
# Seconds per U2PL training step and where they go (data wait, teacher passes, student forward and
# backward, contrastive loss, memory bank, optimizer and EMA), for (a) the FashionScenes preset
# (configs/fashion/u2pl.yaml, its data loader) and (b) the reference setting (bench/u2pl-step-reference.yaml:
# ResNet-50 DeepLabv3+ with U2PL's VOC network settings, 2 + 2 random 97x97 images, warm memory bank);
# the step's GFLOP/s against conv2d measured in the same run; and the official PyTorch step on the
# reference setting (tools/official_u2pl_step.py) with the ratio; ours on the reference setting in fp32 and
# in bf16 (trainer.amp: bf16), whose ratios to the official fp32 step are the script's last line:
# `official/ours fp32 = X.XX, official/ours bf16 = Y.YY` (medians over the rounds). Writes
# bench/results/u2pl-step.md and replaces its section in bench/RESULTS.md. Takes about 20 minutes on 2
# cores (more while it waits for a quiet machine).
#
# Environment: U2PL_OFFICIAL   a checkout of Haochen-Wang409/U2PL (default: extracted from the local
#                              mirror /work/.mirror/Haochen-Wang409+U2PL/repo when present; else skipped)
#              STEP_THREADS    threads for both implementations (default 2)
#              STEPS, WARMUP   timed and warm-up steps (default 20 and 3)
#              ROUNDS          alternating official/ours runs of the reference setting (default 3)
#              MAX_LOAD, LOAD_WAIT   wait up to LOAD_WAIT seconds (default 1200) for a 1-minute load
#                              average below MAX_LOAD (default 1.5) before measuring
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source tools/setup.sh
semiseg_setup
dotnet build bench/SemiSeg.Bench/SemiSeg.Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
BENCH=bench/SemiSeg.Bench/bin/Release/net10.0/SemiSeg.Bench.dll
THREADS=${STEP_THREADS:-2}
STEPS=${STEPS:-20}
WARMUP=${WARMUP:-3}
ROUNDS=${ROUNDS:-3}
MAX_LOAD=${MAX_LOAD:-1.5}
LOAD_WAIT=${LOAD_WAIT:-1200}
OUT=bench/results/u2pl-step.md
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/u2pl-step.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
log() { printf '[u2pl-step] %s\n' "$*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }

[ -d data/fashion-scenes ] || dotnet "$SEMISEG_CLI_DLL" data fashion-scenes --out data/fashion-scenes >&2

official=${U2PL_OFFICIAL:-}
mirror=/work/.mirror/Haochen-Wang409+U2PL/repo
if [ -z "$official" ] && [ -d "$mirror" ]; then
  official=$SCRATCH/u2pl-official
  mkdir -p "$official"
  git -C "$mirror" archive HEAD | tar -x -C "$official"
  official_commit=$(git -C "$mirror" rev-parse --short HEAD)
fi
official_commit=${official_commit:-$( [ -n "$official" ] && git -C "$official" rev-parse --short HEAD 2>/dev/null || echo "?")}
if [ -n "$official" ] && ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  log "no /usr/bin/python3 with torch: the official step is skipped"; official=""
fi

waited=0
# Waits (within a total budget of LOAD_WAIT seconds) until the 1-minute load average is below MAX_LOAD.
wait_for_quiet() {
  while awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN { exit !(l >= m) }' && [ "$waited" -lt "$LOAD_WAIT" ]; do
    log "1-minute load average $(load1) >= $MAX_LOAD; waiting ($waited s of $LOAD_WAIT s)"
    sleep 30; waited=$((waited + 30))
  done
  log "measuring at load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
wait_for_quiet
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')

official_args=()
official_json=bench/results/u2pl-step-official.json
if [ -n "$official" ]; then
  log "official step (PyTorch), $STEPS steps"
  # Same libgomp spinning as ours (the binding sets GOMP_SPINCOUNT=10000 before libtorch loads).
  GOMP_SPINCOUNT=10000 /usr/bin/python3 tools/official_u2pl_step.py --official "$official" --threads "$THREADS" \
    --steps "$STEPS" --warmup "$WARMUP" > "$SCRATCH/official.json"
  cp "$SCRATCH/official.json" "$official_json"
  official_args=(--official "$official_json")
fi

wait_for_quiet
log "ours: FashionScenes preset and reference setting"
ours=$(dotnet "$BENCH" u2pl-step --fashion configs/fashion/u2pl.yaml --reference bench/u2pl-step-reference.yaml \
  --threads "$THREADS" --steps "$STEPS" --warmup "$WARMUP" "${official_args[@]}")
wait_for_quiet
log "ours: reference setting with the official code's negative mask"
variant=$(dotnet "$BENCH" u2pl-step --reference bench/u2pl-step-reference.yaml --threads "$THREADS" --steps "$STEPS" \
  --warmup "$WARMUP" --set trainer.contrastive.negative_rule=official --label "(b') Reference setting, negative_rule: official" \
  | sed '/^### conv2d throughput/,$d')
wait_for_quiet
log "ours: reference setting in bf16 (trainer.amp: bf16)"
bf16=$(dotnet "$BENCH" u2pl-step --reference bench/u2pl-step-reference.yaml --threads "$THREADS" --steps "$STEPS" \
  --warmup "$WARMUP" --set trainer.amp=bf16 --label "(b'') Reference setting, trainer.amp: bf16" \
  | sed '/^### conv2d throughput/,$d')
bf16_first=$(echo "$bf16" | sed -n 's/^\*\*\([0-9.]*\) s per step\*\* (mean; median \([0-9.]*\).*/\1 \2/p' | head -1)

# Repeated, alternating measurements of the reference setting (both with GOMP_SPINCOUNT=10000): one
# pair of runs is at the mercy of whatever else the machine does in that minute.
rounds_table=""
policy_table=""
last_line="official/ours fp32 = n/a, official/ours bf16 = n/a (no official step: no U2PL checkout or no /usr/bin/python3 with torch)"
if [ -n "$official" ]; then
  official_mean() { /usr/bin/python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print("{:.3f} {:.3f} {:.2f}".format(r["mean_seconds"], r["median_seconds"], r["load_before"][0]))' "$1"; }
  ours_first=$(echo "$ours" | sed -n '/^### (b) /,/^### /p' | sed -n 's/^\*\*\([0-9.]*\) s per step\*\* (mean; median \([0-9.]*\).*/\1 \2/p' | head -1)
  rows="1 $(official_mean "$SCRATCH/official.json" | cut -d' ' -f1) $(echo "$ours_first" | cut -d' ' -f1) $(echo "$bf16_first" | cut -d' ' -f1)"
  for round in $(seq 2 "$ROUNDS"); do
    wait_for_quiet
    log "round $round of $ROUNDS: official step"
    GOMP_SPINCOUNT=10000 /usr/bin/python3 tools/official_u2pl_step.py --official "$official" --threads "$THREADS" \
      --steps "$STEPS" --warmup "$WARMUP" > "$SCRATCH/official-$round.json"
    wait_for_quiet
    log "round $round of $ROUNDS: ours"
    ours_round=$(dotnet "$BENCH" u2pl-step --reference bench/u2pl-step-reference.yaml --threads "$THREADS" --steps "$STEPS" \
      --warmup "$WARMUP" --brief | cut -d' ' -f1)
    wait_for_quiet
    log "round $round of $ROUNDS: ours in bf16"
    bf16_round=$(dotnet "$BENCH" u2pl-step --reference bench/u2pl-step-reference.yaml --threads "$THREADS" --steps "$STEPS" \
      --warmup "$WARMUP" --set trainer.amp=bf16 --brief | cut -d' ' -f1)
    rows="$rows
$round $(official_mean "$SCRATCH/official-$round.json" | cut -d' ' -f1) $ours_round $bf16_round"
  done
  median() { sort -g | awk '{ a[NR] = $1 } END { printf "%.3f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
  ratio_median=$(echo "$rows" | awk '{ print $2 / $3 }' | median)
  bf16_ratio_median=$(echo "$rows" | awk '{ print $2 / $4 }' | median)
  last_line=$(printf 'official/ours fp32 = %.2f, official/ours bf16 = %.2f' "$ratio_median" "$bf16_ratio_median")
  rounds_table=$(
    echo "### Repeated comparison, reference setting (GOMP_SPINCOUNT=10000 for both, runs alternating)"
    echo
    echo "| round | official s/step (fp32) | ours s/step (fp32) | ours s/step (bf16) | official / ours fp32 | official / ours bf16 |"
    echo "|---|---|---|---|---|---|"
    echo "$rows" | awk '{ printf "| %d | %.3f | %.3f | %.3f | %.2f | %.2f |\n", $1, $2, $3, $4, $2 / $3, $2 / $4 }'
    echo "| median | $(echo "$rows" | awk '{ print $2 }' | median) | $(echo "$rows" | awk '{ print $3 }' | median) | $(echo "$rows" | awk '{ print $4 }' | median) | $(printf '%.2f' "$ratio_median") | $(printf '%.2f' "$bf16_ratio_median") |"
    echo
    echo "$ratio_median" | awk -v n="$ROUNDS" '{ if ($1 >= 1) printf "Over %d rounds ours is **%.2fx faster** than the official step (median of the per-round ratios).\n", n, $1;
                                                 else printf "Over %d rounds ours is **%.2fx slower** than the official step (median of the per-round ratios).\n", n, 1 / $1 }')

  # The libgomp wait policy moves both implementations on a shared 2-core machine: both under ACTIVE (spinning)
  # too, and the official step as it runs by default (policy unset; our binding then sets GOMP_SPINCOUNT=10000).
  wait_for_quiet
  log "official step, OMP_WAIT_POLICY=ACTIVE"
  OMP_WAIT_POLICY=ACTIVE /usr/bin/python3 tools/official_u2pl_step.py --official "$official" --threads "$THREADS" \
    --steps "$STEPS" --warmup "$WARMUP" > "$SCRATCH/official-active.json"
  wait_for_quiet
  log "ours, OMP_WAIT_POLICY=ACTIVE"
  ours_active=$(OMP_WAIT_POLICY=ACTIVE dotnet "$BENCH" u2pl-step --reference bench/u2pl-step-reference.yaml --threads "$THREADS" \
    --steps "$STEPS" --warmup "$WARMUP" --brief)
  wait_for_quiet
  log "official step, OMP_WAIT_POLICY unset"
  env -u OMP_WAIT_POLICY /usr/bin/python3 tools/official_u2pl_step.py --official "$official" --threads "$THREADS" \
    --steps "$STEPS" --warmup "$WARMUP" > "$SCRATCH/official-unset.json"
  fmt() { awk '{ printf "%s (median %s; 1-min load %s before)", $1, $2, $3 }'; }
  policy_table=$(cat <<TABLE
### libgomp wait policy, reference setting (seconds per step, mean)

| OMP_WAIT_POLICY | ours | official |
|---|---|---|
| unset, GOMP_SPINCOUNT=10000 (what our binding sets; round 1 above) | $(echo "$ours_first" | awk '{ printf "%s (median %s)", $1, $2 }') | $(official_mean "$SCRATCH/official.json" | fmt) |
| ACTIVE (threads spin between parallel regions) | $(echo "$ours_active" | fmt) | $(official_mean "$SCRATCH/official-active.json" | fmt) |
| unset (libgomp's default: spin 300,000 rounds, then sleep) | sets GOMP_SPINCOUNT=10000 | $(official_mean "$SCRATCH/official-unset.json" | fmt) |
TABLE
)
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "## U2PL training step (issue 5, Speed): $started, commit $(git describe --always --dirty)"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM;" \
       "libtorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo '?'), $THREADS threads for both implementations." \
       "Official code: Haochen-Wang409/U2PL at $official_commit. Run with \`bench/u2pl_step.sh\`."
  echo "Load average (1/5/15 min) before/after the whole run: $load_before / $load_after" \
       "(each measurement waited for a 1-minute load below $MAX_LOAD, $waited s in all, up to $LOAD_WAIT s; other jobs on the machine slow every number)."
  echo
  echo "$ours"
  if [ -n "$rounds_table" ]; then echo "$rounds_table"; echo; fi
  if [ -n "$policy_table" ]; then echo "$policy_table"; echo; fi
  echo "$variant"
  echo
  echo "$bf16"
  echo
  echo "$last_line"
} > "$OUT"

# Replace this benchmark's section of bench/RESULTS.md (or append it).
results=bench/RESULTS.md
touch "$results"
awk -v file="$OUT" '
  /^<!-- u2pl-step:begin -->$/ { skip = 1; while ((getline line < file) > 0) body = body line "\n"; printf "<!-- u2pl-step:begin -->\n%s<!-- u2pl-step:end -->\n", body; done = 1; next }
  /^<!-- u2pl-step:end -->$/ { skip = 0; next }
  !skip { print }
  END { if (!done) { printf "\n<!-- u2pl-step:begin -->\n"; while ((getline line < file) > 0) print line; print "<!-- u2pl-step:end -->" } }
' "$results" > "$SCRATCH/RESULTS.md"
mv "$SCRATCH/RESULTS.md" "$results"
cat "$OUT"
