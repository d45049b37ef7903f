#!/usr/bin/env bash
# Proves the CUDA path on a machine with a GPU and PyTorch but no .NET and no internet, in one call.
#
#   bench/gpu-check.sh --pack DIR [--official U2PL_CHECKOUT]     here: make the package (at most 60 MiB)
#   DIR/gpu-check.sh [--out FOLDER] [--skip-official]           there: run it; the report goes to
#                                                                FOLDER/gpu-check.md (default $OUT, else DIR/results)
#
# --pack publishes bench/SemiSeg.GpuCheck (the CLI, the step benchmark and the test assemblies) with this
# machine's .NET runtime beside it (SELF_CONTAINED=1: `dotnet publish -r linux-x64 --self-contained`, the same
# files after a rebuild for the runtime identifier), and copies the native layer's sources, this script, the
# benchmark's config, tools/official_u2pl_step.py and, from a U2PL checkout (--official, else $U2PL_OFFICIAL,
# else /work/u2pl-official when present), the files of the official step (never committed here).
#
# The run: nvidia-smi; libtorch from the installed PyTorch (torch.utils.cmake_prefix_path, or
# CMAKE_PREFIX_PATH when set), the native layer built against it with CMake (+ ninja), without OpenCV
# when its headers are missing; the test suite's CUDA-marked tests; the U2PL step benchmark on cuda:0
# (ResNet-101 DeepLabv3+, U2PL's VOC settings, 513x513, 4 + 4 images; bench/u2pl-step-gpu.yaml) in fp32
# and in bf16 autocast, against the official PyTorch step in the same run; nvidia-smi again. Every stage
# has a time limit; the whole run is planned for under 8 minutes (docs/gpu.md). Exit code: 0 when every
# stage passed, 1 otherwise (the report says which).
#
# Environment: STEPS, WARMUP   timed and warm-up steps of each step benchmark (default 10 and 3)
#              SEMISEG_NATIVE_LIB  use this libsemiseg_native.so instead of building one (the CPU check here)
#              SEMISEG_OPENCV      OFF builds the native layer without OpenCV even where its headers are
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

pack() {
  local dir=$1 official=$2
  local root; root=$(cd "$HERE/.." && pwd)
  set -e
  [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ] && { echo "gpu-check: $dir exists and is not empty" >&2; exit 1; }
  mkdir -p "$dir/app" "$dir/native" "$dir/tools"
  local project=$root/bench/SemiSeg.GpuCheck/SemiSeg.GpuCheck.csproj
  if [ "${SELF_CONTAINED:-0}" = 1 ]; then
    echo "[gpu-check] publishing bench/SemiSeg.GpuCheck self-contained for linux-x64" >&2
    dotnet publish "$project" -c Release -r linux-x64 --self-contained -p:PublishTrimmed=false -p:DebugType=none \
      -o "$dir/app" -nologo -v q -clp:ErrorsOnly >&2
  else
    # The same files without a rebuild for the runtime identifier: the framework-dependent publish (it
    # reuses the Release build) plus this machine's .NET runtime beside it, which the program's launcher
    # finds through DOTNET_ROOT (the run sets it).
    echo "[gpu-check] publishing bench/SemiSeg.GpuCheck with a private copy of this machine's .NET runtime" >&2
    dotnet publish "$project" -c Release --no-self-contained -p:DebugType=none -o "$dir/app" -nologo -v q -clp:ErrorsOnly >&2
    # Without a runtime identifier the publish carries every platform's native libraries (ONNX Runtime and
    # SkiaSharp for Windows, macOS, Android, iOS, ...: 220 MiB); the GPU machine is linux-x64.
    find "$dir/app/runtimes" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
    local dotnet_root version
    dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
    version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')
    mkdir -p "$dir/app/dotnet/shared/Microsoft.NETCore.App" "$dir/app/dotnet/host/fxr"
    cp "$dotnet_root/dotnet" "$dir/app/dotnet/"
    cp -r "$dotnet_root/host/fxr/$version" "$dir/app/dotnet/host/fxr/" 2>/dev/null \
      || cp -r "$(ls -d "$dotnet_root"/host/fxr/* | sort -V | tail -1)" "$dir/app/dotnet/host/fxr/"
    cp -r "$dotnet_root/shared/Microsoft.NETCore.App/$version" "$dir/app/dotnet/shared/Microsoft.NETCore.App/"
  fi
  # The CPU build of the native layer must not shadow the one built there (it is looked for beside the program first).
  rm -f "$dir/app/libsemiseg_native.so"
  # Fixtures of the CPU tests (the CUDA tests need none) and the test SDK's host are left behind.
  rm -rf "$dir/app/Fixtures" "$dir/app/testhost"* "$dir/app/"*.pdb
  # shim/: headers some libtorch builds leave out (Debian's lacks distributed/autograd), used by CMakeLists.txt when missing.
  cp -r "$root/native/CMakeLists.txt" "$root/native/include" "$root/native/src" "$root/native/shim" "$dir/native/"
  cp "$root/bench/gpu-check.sh" "$root/bench/u2pl-step-gpu.yaml" "$dir/"
  cp "$root/tools/official_u2pl_step.py" "$dir/tools/"
  if [ -n "$official" ]; then
    [ -f "$official/train_semi.py" ] || { echo "gpu-check: $official is not a U2PL checkout (no train_semi.py)" >&2; exit 1; }
    mkdir -p "$dir/u2pl-official/experiments/pascal/1464/ours"
    cp -r "$official/train_semi.py" "$official/u2pl" "$dir/u2pl-official/"
    cp "$official/experiments/pascal/1464/ours/config.yaml" "$dir/u2pl-official/experiments/pascal/1464/ours/"
    find "$dir/u2pl-official" -name __pycache__ -prune -exec rm -rf {} +
    (git -C "$official" rev-parse --short HEAD 2>/dev/null || echo "?") > "$dir/u2pl-official/COMMIT"
  fi
  # The app folder travels as one compressed file: the device tool carries at most 64 MiB.
  tar -C "$dir" -czf "$dir/app.tar.gz" app && rm -rf "$dir/app"
  { echo "commit $(git -C "$root" describe --always --dirty)"; echo "packed $(date -u '+%Y-%m-%d %H:%M UTC')"; } > "$dir/PACK.txt"
  local size; size=$(du -sm "$dir" | cut -f1)
  echo "[gpu-check] $dir: ${size} MiB" >&2
  [ "$size" -le 60 ] || { echo "gpu-check: the package is ${size} MiB, over 60 MiB" >&2; exit 1; }
}

# ---- the run (on the GPU machine, from the package)
OUTDIR=""; SKIP_OFFICIAL=0; PACK_DIR=""; OFFICIAL=${U2PL_OFFICIAL:-}
while [ $# -gt 0 ]; do
  case $1 in
    --pack) PACK_DIR=$2; shift 2 ;;
    --official) OFFICIAL=$2; shift 2 ;;
    --out) OUTDIR=$2; shift 2 ;;
    --skip-official) SKIP_OFFICIAL=1; shift ;;
    *) echo "usage: gpu-check.sh --pack DIR [--official U2PL] | [--out FOLDER] [--skip-official]" >&2; exit 2 ;;
  esac
done
if [ -n "$PACK_DIR" ]; then
  [ -z "$OFFICIAL" ] && [ -d /work/u2pl-official ] && OFFICIAL=/work/u2pl-official
  pack "$PACK_DIR" "$OFFICIAL"
  exit 0
fi

[ -f "$HERE/app.tar.gz" ] || { echo "gpu-check: run this from a package made with --pack (no app.tar.gz beside it)" >&2; exit 2; }
OUTDIR=${OUTDIR:-${OUT:-$HERE/results}}
mkdir -p "$OUTDIR" && OUTDIR=$(cd "$OUTDIR" && pwd)
REPORT=$OUTDIR/gpu-check.md
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")
STEPS=${STEPS:-10}
WARMUP=${WARMUP:-3}
BUDGET=${BUDGET:-540}
status=0
started=$(date +%s)
log() { printf '[gpu-check %3ds] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }
md() { printf '%s\n' "$*" >> "$REPORT"; }
# stage NAME LIMIT_SECONDS COMMAND...: runs a command or an exported function with a time limit, within
# the whole run's budget (BUDGET seconds, default 540: the device tool stops a command at 600), output to
# $WORK/NAME.log; records the outcome in the report's table.
stage() {
  local name=$1 limit=$2; shift 2
  local t0; t0=$(date +%s)
  local left=$(( started + BUDGET - t0 ))
  [ "$limit" -gt "$left" ] && limit=$left
  if [ "$limit" -lt 10 ]; then
    log "$name: skipped, the run's ${BUDGET}s budget is spent"; status=1
    printf '| %s | **skipped: out of time** | 0 |\n' "$name" >> "$WORK/stages.md"; echo "skipped: out of time" > "$WORK/$name.log"
    return 1
  fi
  log "$name (limit ${limit}s)"
  timeout --kill-after=10 "$limit" bash -c '"$@"' "$name" "$@" > "$WORK/$name.log" 2>&1
  local rc=$?
  local took=$(( $(date +%s) - t0 ))
  if [ $rc -eq 0 ]; then log "$name: ok in ${took}s"; else log "$name: FAILED (exit $rc) after ${took}s"; status=1; fi
  printf '| %s | %s | %d |\n' "$name" "$([ $rc -eq 0 ] && echo ok || echo "**exit $rc**")" "$took" >> "$WORK/stages.md"
  return $rc
}
section_log() { # section_log TITLE NAME: the log of a stage as a code block (its last 150 lines)
  md ""; md "### $1"; md ""; md '```'; tail -n 150 "$WORK/$2.log" >> "$REPORT"; md '```'
}

: > "$REPORT"; : > "$WORK/stages.md"
md "# GPU check: $(date -u '+%Y-%m-%d %H:%M UTC')"
md ""
md "Package: $(tr '\n' ';' < "$HERE/PACK.txt") Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -srm)."

stage nvidia-smi-before 20 nvidia-smi
log "unpacking the program"
tar -C "$WORK" -xzf "$HERE/app.tar.gz"
APP=$WORK/app/semiseg-gpu-check
# A package with a private runtime (the default --pack) runs on it; a self-contained one carries its own.
[ -d "$WORK/app/dotnet" ] && export DOTNET_ROOT=$WORK/app/dotnet

# libtorch: PyTorch's own (the CUDA build) unless CMAKE_PREFIX_PATH names one.
TORCH_PREFIX=${CMAKE_PREFIX_PATH:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)}
torch_version=$(python3 -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda)' 2>/dev/null || echo "no python3 torch")
build_native() {
  local opencv=${SEMISEG_OPENCV:-ON}
  [ -f /usr/include/opencv4/opencv2/imgcodecs.hpp ] || opencv=OFF
  local generator=(); command -v ninja > /dev/null && generator=(-G Ninja)
  cmake -S "$HERE/native" -B "$WORK/native-build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" -DSEMISEG_OPENCV=$opencv \
    && cmake --build "$WORK/native-build" -j"$(nproc)" \
    && cp "$WORK/native-build/libsemiseg_native.so" "$WORK/app/"
}
export HERE WORK APP TORCH_PREFIX STEPS WARMUP
export -f build_native
if [ -n "${SEMISEG_NATIVE_LIB:-}" ]; then
  cp "$SEMISEG_NATIVE_LIB" "$WORK/app/"; echo "given: $SEMISEG_NATIVE_LIB" > "$WORK/native-build.log"
else
  stage native-build 200 build_native
fi

stage cuda-tests 150 "$APP" tests

u2pl=$HERE/u2pl-official
official_step() { # official_step NAME AMP
  GOMP_SPINCOUNT=10000 python3 "$HERE/tools/official_u2pl_step.py" --official "$u2pl" --device cuda --amp "$2" \
    --encoder u2pl.models.resnet.resnet101 --crop 513 --batch 4 --threads "$(nproc)" --steps "$STEPS" --warmup "$WARMUP" \
    > "$WORK/$1.json" 2> "$WORK/$1.err" \
  || { cat "$WORK/$1.err"; echo "retrying with gloo and without DistributedDataParallel"; \
       GOMP_SPINCOUNT=10000 python3 "$HERE/tools/official_u2pl_step.py" --official "$u2pl" --device cuda --amp "$2" --no-ddp --backend gloo \
         --encoder u2pl.models.resnet.resnet101 --crop 513 --batch 4 --threads "$(nproc)" --steps "$STEPS" --warmup "$WARMUP" \
         > "$WORK/$1.json"; }
  cat "$WORK/$1.json"
}
export u2pl
export -f official_step
official_args=(); official_bf16_args=()
if [ $SKIP_OFFICIAL -eq 1 ] || [ ! -f "$u2pl/train_semi.py" ]; then
  why=$([ $SKIP_OFFICIAL -eq 1 ] && echo "--skip-official" || echo "no U2PL files in the package (--pack --official)")
  printf '| official step | **not run: %s** | 0 |\n' "$why" >> "$WORK/stages.md"
else
  stage official-fp32 75 official_step official-fp32 none && official_args=(--official "$WORK/official-fp32.json")
  stage official-bf16 75 official_step official-bf16 bf16 && official_bf16_args=(--official "$WORK/official-bf16.json")
fi
ours_step() { # ours_step AMP EXTRA...
  "$APP" bench u2pl-step --reference "$HERE/u2pl-step-gpu.yaml" --steps "$STEPS" --warmup "$WARMUP" --set "trainer.amp=$1" "${@:2}"
}
export -f ours_step
stage ours-fp32 100 ours_step off --label "Ours on cuda:0, fp32 (TF32 convolutions, libtorch's default)" "${official_args[@]}"
stage ours-bf16 100 ours_step bf16 --label "Ours on cuda:0, trainer.amp: bf16" "${official_bf16_args[@]}"
BUDGET=$(( BUDGET + 20 )) stage nvidia-smi-after 20 nvidia-smi

md ""
md "PyTorch: $torch_version; libtorch prefix: \`$TORCH_PREFIX\`. Steps: $WARMUP warm-up + $STEPS timed per benchmark."
md ""
md "| stage | outcome | seconds |"
md "|---|---|---|"
cat "$WORK/stages.md" >> "$REPORT"
md ""
md "Total: $(( $(date +%s) - started )) s."
md ""
md "## CUDA-marked tests"
md ""
cat "$WORK/cuda-tests.log" >> "$REPORT"
md ""
md "## U2PL step on cuda:0 (ResNet-101 DeepLabv3+, 513x513, 4 + 4 images)"
for name in ours-fp32 ours-bf16; do [ -f "$WORK/$name.log" ] && { md ""; cat "$WORK/$name.log" >> "$REPORT"; }; done
for name in official-fp32 official-bf16; do [ -f "$WORK/$name.log" ] && section_log "Official step ($name, tools/official_u2pl_step.py)" "$name"; done
section_log "nvidia-smi before" nvidia-smi-before
section_log "nvidia-smi after" nvidia-smi-after
[ -f "$WORK/native-build.log" ] && section_log "Native build" native-build
# The raw logs too (the device tool brings back at most 8 files).
(cd "$WORK" && tar -czf "$OUTDIR/gpu-check-logs.tar.gz" ./*.log ./*.json ./*.err 2>/dev/null)
log "report: $REPORT ($([ $status -eq 0 ] && echo "every stage passed" || echo "a stage FAILED"))"
rm -rf "$WORK"
exit $status
