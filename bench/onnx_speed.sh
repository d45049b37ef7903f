#!/usr/bin/env bash
# Images per second of ONNX Runtime (CPU execution provider) against our libtorch eval forward, same
# network (random weights), input and threads (default 2), in one run; appends the table, with the
# machine, date and load, to bench/RESULTS.md. Takes a few minutes on 2 cores; run it in the background:
#   bench/onnx_speed.sh > bench/onnx_speed.log 2>&1 &
# Extra arguments go to the program (--threads N); with --quick nothing is recorded.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/tools/setup.sh"
semiseg_setup
dotnet build "$root/bench/SemiSeg.Bench/SemiSeg.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2
dll="$root/bench/SemiSeg.Bench/bin/Release/net10.0/SemiSeg.Bench.dll"
cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=$(dotnet "$dll" onnx-speed "$@")
if [[ " $* " == *" --quick "* ]]; then echo "$rows"; exit 0; fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "## ONNX Runtime vs libtorch inference (issue 21): $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" describe --always --dirty) (\`bench/onnx_speed.sh\`)"
  echo
  echo "Machine: $cpu, $(nproc) cores; libtorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo '?'), Microsoft.ML.OnnxRuntime 1.31.1;"
  echo "load average before/after: $load_before / $load_after (other jobs on the machine slow the numbers down). Median of the rounds."
  echo
  echo "$rows"
} | tee -a "$root/bench/RESULTS.md"
