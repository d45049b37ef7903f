#!/usr/bin/env bash
# Benchmarks the U2PL network (forward, forward+backward, GFLOP/s) and appends the results, with the
# machine and date, to bench/RESULTS.md. Takes minutes on a small CPU; run it in the background:
#   bench/models.sh > bench/models.log 2>&1 &
# Extra arguments go to the program; with --quick (fewer repetitions, a smoke run) nothing is recorded.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/tools/setup.sh"
semiseg_setup
dotnet build "$root/bench/SemiSeg.Bench/SemiSeg.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2
dll="$root/bench/SemiSeg.Bench/bin/Release/net10.0/SemiSeg.Bench.dll"
cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=$(dotnet "$dll" models "$@")
if [[ " $* " == *" --quick "* ]]; then echo "$rows"; exit 0; fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "## models: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" describe --always --dirty)"
  echo
  echo "Machine: $cpu, $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM; libtorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo '?');"
  echo "load average before/after: $load_before / $load_after (other jobs on the machine slow the numbers down)."
  echo
  echo "$rows"
} | tee -a "$root/bench/RESULTS.md"
