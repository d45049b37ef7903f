#!/usr/bin/env bash
# Kill test for the run folder (issue 19): starts a tiny U2PL run (3 epochs of 2 steps on a 32x32
# FashionScenes build, memory bank on) KILLS times (default 50) and SIGKILLs it at a random moment of
# its training (drawn over the reference run's training time, counted from the trainer's first write);
# every other run pauses SEMISEG_TEST_WRITE_PAUSE_MS inside each atomic write (after the temporary
# file is written, before the rename), so kills also land inside checkpoint, best-checkpoint,
# metrics and summary writes. After each kill `semiseg check-run` must find ckpt.pth, ckpt_best.pth,
# metrics.jsonl and summary.json in agreement (or only one committed epoch's followers pending),
# and `train --resume` (or a fresh `train` when no checkpoint was committed yet) must end with every
# epoch's mIoU equal (6 decimals) to an uninterrupted run's, leave no temporary files and pass
# check-run. SIGTERMS runs (default 5) get SIGTERM instead: they must exit with code 3 and resume the
# same way. FAILS runs inject a full disk (SEMISEG_TEST_WRITE_FAIL) at each of the four writes.
# Prints one line per run and a summary; with RECORD=1 appends a dated kill-test section to bench/RESULTS.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [[ "${SKIP_SETUP:-0}" != 1 ]]; then source tools/setup.sh; semiseg_setup; fi
CLI=(dotnet "${SEMISEG_CLI_DLL:-$ROOT/src/SemiSeg.Cli/bin/Release/net10.0/SemiSeg.Cli.dll}")
KILLS=${KILLS:-50}
SIGTERMS=${SIGTERMS:-5}
FAILS=${FAILS:-1}
WORK=${WORK:-$(mktemp -d /tmp/semiseg-kill.XXXXXX)}
mkdir -p "$WORK"
"${CLI[@]}" data fashion-scenes --out "$WORK/data" --seed 1 --size 32 --train 40 --val 8 --min-scale 0.5 --max-scale 1.0 --if-changed >/dev/null
source "$ROOT/bench/tiny_u2pl.sh"
tiny_u2pl_config "$WORK/u2pl.yaml" "$WORK/data" "$WORK/data/splits/5/labeled.txt" 3 2 64 128
train() { "${CLI[@]}" train --config "$WORK/u2pl.yaml" --out "$@" </dev/null >>"$WORK/log.txt" 2>&1; }
mious() { grep -o '"miou":[^,]*' "$1/metrics.jsonl" | cut -d: -f2 | while read -r v; do printf '%.6f ' "$v"; done; }

start=$(date +%s.%N)
train "$WORK/reference"
seconds=$(echo "$(date +%s.%N) - $start" | bc)
expected=$(mious "$WORK/reference")
# The training part of the reference run (from config.yaml's write to the end): kill times are drawn over
# it, so that kills land in training and its writes rather than in dotnet's start-up.
training=$(grep -o '"train_seconds": *[0-9.]*' "$WORK/reference/summary.json" | grep -o '[0-9.]*$')
echo "reference run: ${seconds}s (training ${training}s), mIoU per epoch: $expected"

# Returns once the trainer has written config.yaml (the run folder's first file after its checks: the clock of
# the kill times starts there), the process has ended, or 60 s have passed.
training_started() {  # run-folder pid
  for _ in $(seq 1 1200); do { [[ -f "$1/config.yaml" ]] || ! kill -0 "$2" 2>/dev/null; } && break; sleep 0.05; done
}

failures=0; pending=0; before_commit=0
check_and_resume() {   # $1 run folder, $2 label
  local run=$1 label=$2 state
  if ! state=$("${CLI[@]}" check-run "$run" 2>&1); then
    if [[ -f "$run/ckpt.pth" ]]; then echo "$label: INCONSISTENT after the kill: $state"; failures=$((failures + 1)); return; fi
  fi
  [[ "$state" == *pending* ]] && pending=$((pending + 1))
  if [[ -f "$run/ckpt.pth" ]]; then train "$run" --resume; else before_commit=$((before_commit + 1)); train "$run"; fi
  local got leftovers
  got=$(mious "$run")
  leftovers=$(find "$run" -maxdepth 1 -name '.*.tmp' | wc -l)
  if [[ "$got" != "$expected" ]] || (( leftovers > 0 )) || ! "${CLI[@]}" check-run "$run" >/dev/null 2>&1; then
    echo "$label: FAILED (mIoU $got, $leftovers temporary files)"; failures=$((failures + 1))
  else
    echo "$label: ok (${state%%$'\n'*})"
  fi
}

for i in $(seq 1 "$KILLS"); do
  run="$WORK/kill-$i"
  pause=$(( i % 2 == 0 ? 400 : 0 ))
  # Each paused run spends about 4 writes per epoch x 3 epochs + config.yaml, $pause ms each, inside writes.
  delay=$(echo "scale=2; $RANDOM * ($training + 13 * $pause / 1000) / 32767" | bc)
  SEMISEG_TEST_WRITE_PAUSE_MS=$pause "${CLI[@]}" train --config "$WORK/u2pl.yaml" --out "$run" </dev/null >>"$WORK/log.txt" 2>&1 &
  pid=$!
  training_started "$run" "$pid"
  sleep "$delay"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  check_and_resume "$run" "kill $i at ${delay}s (write pause ${pause}ms)"
done

for i in $(seq 1 "$SIGTERMS"); do
  run="$WORK/term-$i"
  delay=$(echo "scale=2; $training * $i / ($SIGTERMS + 1)" | bc)
  "${CLI[@]}" train --config "$WORK/u2pl.yaml" --out "$run" </dev/null >>"$WORK/log.txt" 2>&1 &
  pid=$!
  training_started "$run" "$pid"
  sleep "$delay"; kill -TERM "$pid" 2>/dev/null || true
  code=0; wait "$pid" || code=$?
  if [[ $code != 3 && $code != 0 ]]; then echo "sigterm $i at ${delay}s: exit code $code, not 3"; failures=$((failures + 1)); continue; fi
  check_and_resume "$run" "sigterm $i at ${delay}s (exit $code)"
done

for i in $(seq 1 "$FAILS"); do
  for file in ckpt.pth ckpt_best.pth metrics.jsonl summary.json; do
    run="$WORK/full-$i-$file"
    code=0; SEMISEG_TEST_WRITE_FAIL=$file train "$run" || code=$?
    if [[ $code != 1 ]] || ! tail -1 "$WORK/log.txt" | grep -q "$file.*No space left on device"; then
      echo "disk full at $file: exit $code, message: $(tail -1 "$WORK/log.txt")"; failures=$((failures + 1)); continue
    fi
    check_and_resume "$run" "disk full at $file"
  done
done

summary="$KILLS SIGKILLs ($before_commit before the first commit, $pending with followers pending), $SIGTERMS SIGTERMs, $((FAILS * 4)) injected full disks: $failures failures"
echo "$summary"
if [[ "${RECORD:-0}" == 1 ]]; then
  section="## Kill test (bench/kill_test.sh), $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git rev-parse --short HEAD)

$(date -u +%Y-%m-%d): $summary. Reference mIoU per epoch: $expected; every resumed run ended with the same values (6 decimals)."
  printf '\n%s\n' "$section" >> bench/RESULTS.md
fi
(( failures == 0 ))
