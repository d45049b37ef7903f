# Sourced by ./semiseg and ./test.sh: installs what is missing, then builds what is out of date.
# Idempotent, and quick when nothing changed (no apt, cmake or dotnet call at all).

SEMISEG_ROOT=${SEMISEG_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SEMISEG_PACKAGES=(
  libtorch-dev            # the engine (CPU build of PyTorch's C++ library)
  libopenblas0-openmp     # fast BLAS for libtorch; the reference BLAS is ~15x slower
  cmake g++ make          # builds the native layer (make: a minimal Debian 13 has none)
  libgloo-dev             # Gloo's headers, for libtorch's c10d process groups (distributed training)
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev  # image files
  dataset-fashion-mnist   # garments for the FashionScenes benchmark
  fonts-dejavu-core       # the report's chart text (ScottPlot/SkiaSharp find no font without one)
)
SEMISEG_CLI_DLL="$SEMISEG_ROOT/src/SemiSeg.Cli/bin/Release/net10.0/SemiSeg.Cli.dll"
SEMISEG_NATIVE_LIB="$SEMISEG_ROOT/native/build/libsemiseg_native.so"

semiseg_log() { printf '[setup] %s\n' "$*" >&2; }

semiseg_install_packages() {
  local missing=()
  for p in "${SEMISEG_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  semiseg_log "installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { semiseg_log "need root (or sudo) to install: ${missing[*]}"; return 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# True when any file under the given paths (matching the find expression) is newer than $1.
semiseg_newer_than() {
  local target=$1; shift
  [ -e "$target" ] || return 0
  [ -n "$(find "$@" -newer "$target" -print -quit 2>/dev/null)" ]
}

semiseg_build_native() {
  local n=$SEMISEG_ROOT/native
  if semiseg_newer_than "$SEMISEG_NATIVE_LIB" "$n/src" "$n/include" "$n/CMakeLists.txt"; then
    semiseg_log "building the native layer (native/build)"
    # A failed step stops here: callers run this inside `&&`, where set -e does not apply, and touching
    # the library after a failed build would leave an empty one that looks up to date.
    [ -f "$n/build/Makefile" ] || cmake -S "$n" -B "$n/build" -DCMAKE_BUILD_TYPE=Release >&2 || return 1
    cmake --build "$n/build" -j"$(nproc)" >&2 || return 1
    touch "$SEMISEG_NATIVE_LIB"
  fi
}

semiseg_build_dotnet() {
  command -v dotnet >/dev/null || { semiseg_log "the .NET SDK (dotnet) is required: https://dot.net"; return 1; }
  if semiseg_newer_than "$SEMISEG_CLI_DLL" "$SEMISEG_ROOT/src" "$SEMISEG_NATIVE_LIB" \
       \( -name '*.cs' -o -name '*.csproj' -o -name '*.so' -o -name '*.yaml' -o -name '*.proto' \); then
    semiseg_log "building the C# solution"
    dotnet build "$SEMISEG_ROOT/src/SemiSeg.Cli/SemiSeg.Cli.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2 || return 1
    touch "$SEMISEG_CLI_DLL"
  fi
}

semiseg_setup() {
  semiseg_install_packages && semiseg_build_native && semiseg_build_dotnet
}
