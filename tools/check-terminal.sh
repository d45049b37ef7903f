#!/usr/bin/env bash
# Issue 18 item 6: the training display in an 80-column terminal and in a redirected log.
#   tools/check-terminal.sh [SemiSeg.Cli.dll]    (default: this checkout's Release build)
# Trains U2PL on FashionScenes for 6 steps (configs/fashion/u2pl.yaml, data/fashion-scenes built by
# `./semiseg data fashion-scenes`) twice: inside a detached tmux session of 80 x 24, capturing the
# pane, and with stdout redirected to a file. Checks that at 80 columns the bar, the percentage
# and the ETA share one line and no line holds a wrapped piece of the ETA, that the log has no ANSI
# escape codes, and that the final table names the best epoch 1-based. Prints what it saw; exits 1
# on a failed check. Needs tmux (apt-get install tmux). About a minute on 2 idle cores.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dll=${1:-$root/src/SemiSeg.Cli/bin/Release/net10.0/SemiSeg.Cli.dll}
command -v tmux >/dev/null || { echo "tmux is not installed (apt-get install tmux)"; exit 2; }
[ -f "$dll" ] || { echo "$dll: not built (./semiseg --help builds it)"; exit 2; }
[ -f "$root/data/fashion-scenes/backbone.pth" ] || { echo "$root/data/fashion-scenes: not built (./semiseg data fashion-scenes; ./semiseg data fashion-backbone)"; exit 2; }
work=$(mktemp -d)
trap 'tmux kill-session -t semiseg-check-$$ 2>/dev/null; rm -rf "$work"' EXIT
# One epoch of 6 steps of 2 images, evaluated on 16 validation scenes: the display, not the model, is under test.
head -n 16 "$root/data/fashion-scenes/splits/val.txt" > "$work/val16.txt"
train=(dotnet "$dll" train --config "$root/configs/fashion/u2pl.yaml" --set trainer.epochs=1 --set trainer.max_steps_per_epoch=6
       --set dataset.batch_size=2 --set dataset.val.data_list="$work/val16.txt" --threads 2)
failed=0
check() { if eval "$2"; then echo "ok:   $1"; else echo "FAIL: $1"; failed=1; fi; }

# 1. Live display in an 80 x 24 tmux pane; the pane's final state after the run.
tmux new-session -d -s "semiseg-check-$$" -x 80 -y 24 \
  "cd '$root' && $(printf '%q ' "${train[@]}") --out '$work/live'; echo EXIT=\$? > '$work/live.rc'; sleep 600"
for _ in $(seq 3000); do [ -f "$work/live.rc" ] && break; sleep 1; done
tmux capture-pane -p -t "semiseg-check-$$" -S -200 > "$work/pane.txt"
echo "--- the tmux pane at 80 columns (last 24 lines) ---"; tail -n 24 "$work/pane.txt"; echo "---"
task=$(grep '━' "$work/pane.txt" | tail -n 1)
check "run finished" "grep -q EXIT=0 '$work/live.rc'"
check "the last progress line has the bar, a percentage and an ETA (hh:mm:ss)" \
  "printf '%s' \"\$task\" | grep -Eq '━.*[0-9]+% +([0-9]{2}|\*\*):([0-9]{2}|\*\*):([0-9]{2}|\*\*) *$'"
check "no line is a wrapped piece of the ETA" "! grep -Eq '^ *[0-9:*]{1,2} *$' '$work/pane.txt'"
check "no line is longer than 80 columns" "[ \$(LC_ALL=C.UTF-8 wc -L < '$work/pane.txt') -le 80 ]"

# 2. Redirected: plain lines, no escape codes, the best epoch 1-based in the table.
(cd "$root" && "${train[@]}" --out "$work/log" > "$work/log.txt" 2>&1)
echo "--- redirected output (last 12 lines) ---"; tail -n 12 "$work/log.txt"; echo "---"
check "no ANSI escape codes in the redirected output" "! grep -q $'\x1b' '$work/log.txt'"
best=$(sed -n 's/.*"best_epoch": *\([0-9-]*\).*/\1/p' "$work/log/summary.json")
check "the table names best_epoch $best as epoch $((best + 1))" "grep -q '(epoch $((best + 1)))' '$work/log.txt'"
exit $failed
