#!/usr/bin/env bash
# Engine benchmark: binding overhead vs native C++ on a small op, conv2d and matmul throughput,
# and resident memory over 2,000 training steps. Writes bench/results/engine.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
semiseg_setup
cmake -S bench/native -B bench/native/build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build bench/native/build -j"$(nproc)" >/dev/null
dotnet build bench/SemiSeg.Bench/SemiSeg.Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
bench_dll=bench/SemiSeg.Bench/bin/Release/net10.0/SemiSeg.Bench.dll
native=$(bench/native/build/op_bench 200000)
direct=$(echo "$native" | awk '/direct_us/ {print $2}')
boxed=$(echo "$native" | awk '/boxed_us/ {print $2}')
out=bench/results/engine.md
{
  echo "## Engine (issue 2): $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
  echo
  echo "Machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores, libtorch $(dpkg-query -W -f='${Version}' libtorch-dev), BLAS $(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu)."
  echo
  dotnet "$bench_dll" engine "$direct" "$boxed"
  echo
  echo "Resident memory over 8,000 steps of a small conv-net training step (3 conv + 2 BN, batch 8x3x32x32, SGD momentum); the managed column is garbage not yet collected, freed by the first gen-0 GC:"
  echo
  dotnet "$bench_dll" memory 8000
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
