#!/usr/bin/env bash
# Issue 21: SemiSeg.Inference as a NuGet package, the way a .NET team would take it.
#   tools/check-inference-package.sh [WORK_DIR]     (default: a new folder under /tmp, removed at the end)
# 1. `dotnet pack` the library; the package must hold the library and its XML documentation, depend on
#    Microsoft.ML.OnnxRuntime alone, and carry nothing of libtorch or of SemiSeg's training side.
# 2. A new console app, outside the repository, referencing the package (not the project) from a local
#    feed beside the usual NuGet sources, with the sample's Program.cs, is built and run.
# 3. Its labels for a FashionScenes image must equal `semiseg predict --onnx` on the same model: a network
#    trained 2 steps on a tiny FashionScenes and written by `semiseg export`.
# Not part of ./test.sh: it restores packages and trains; docs/deploy.md records the last run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export SEMISEG_ROOT="$root"
source "$root/tools/setup.sh"
semiseg_setup
cli() { dotnet "$SEMISEG_CLI_DLL" "$@"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
# The package and PNG checks below use Python's standard library only.
command -v python3 > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 > /dev/null; }

if [ $# -ge 1 ]; then work=$(mkdir -p "$1" && cd "$1" && pwd); else work=$(mktemp -d /tmp/semiseg-package-XXXXXX); trap 'rm -rf "$work"' EXIT; fi
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/src/SemiSeg.Inference/SemiSeg.Inference.csproj")

echo "== 1. dotnet pack (SemiSeg.Inference $version)"
dotnet pack "$root/src/SemiSeg.Inference/SemiSeg.Inference.csproj" -c Release -o "$work/feed" -nologo -v q
package="$work/feed/SemiSeg.Inference.$version.nupkg"
[ -f "$package" ] || fail "no $package"
python3 - "$package" <<'EOF' || fail "the package's contents"
import re, sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
nuspec = zipfile.ZipFile(sys.argv[1]).read(next(n for n in names if n.endswith(".nuspec"))).decode()
print("\n".join(f"  {n}" for n in names))
# Built for .NET 8 (LTS) and .NET 10, so teams on either take it as it is.
for framework in ("net8.0", "net10.0"):
    for needed in (f"lib/{framework}/SemiSeg.Inference.dll", f"lib/{framework}/SemiSeg.Inference.xml"):
        assert needed in names, f"{needed} missing"
assert not [n for n in names if re.search("torch|semiseg_native|opencv", n, re.I)], "libtorch side in the package"
dependencies = re.findall(r'<dependency id="([^"]+)" version="([^"]+)"', nuspec)
print(f"  dependencies: {dependencies}")
assert {d[0] for d in dependencies} == {"Microsoft.ML.OnnxRuntime"}, dependencies   # one group per framework
EOF

echo "== 2. a new app that takes the package from a local feed"
app="$work/app"
mkdir -p "$app"
cp "$root/samples/SemiSeg.Inference.Sample/Program.cs" "$app/"
cat > "$app/SegmentApp.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="SemiSeg.Inference" Version="$version" />
  </ItemGroup>
</Project>
EOF
# The local feed is added to the sources NuGet already uses (ONNX Runtime comes from those); the app's own
# package cache keeps an older SemiSeg.Inference of the same version from being taken instead.
cat > "$app/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="semiseg-local" value="$work/feed" />
  </packageSources>
  <config>
    <add key="globalPackagesFolder" value="$work/packages" />
  </config>
</configuration>
EOF
dotnet build "$app/SegmentApp.csproj" -c Release -nologo -v q -clp:ErrorsOnly
out="$app/bin/Release/net10.0"
[ -f "$work/packages/semiseg.inference/$version/lib/net10.0/SemiSeg.Inference.dll" ] || fail "the app did not restore the package from the local feed"
! ls "$out" | grep -qi 'torch\|semiseg_native' || fail "the app's output holds the libtorch side"

echo "== 3. its labels against semiseg predict --onnx"
cli data fashion-scenes --out "$work/data" --seed 1 --size 32 --train 40 --val 8 --labelled-pool 40 --min-scale 0.5 --max-scale 1.0 > /dev/null
cat > "$work/tiny.yaml" <<EOF
method: suponly
seed: 3
dataset:
  type: fashion_scenes
  train:
    data_root: $work/data
    data_list: $work/data/splits/5/labeled.txt
    crop:
      type: rand
      size: [32, 32]
  val:
    data_root: $work/data
    data_list: $work/data/splits/val.txt
    mode: full
    batch_size: 4
  batch_size: 2
trainer:
  epochs: 1
  max_steps_per_epoch: 2
  optimizer:
    kwargs:
      lr: 0.01
net:
  num_classes: 11
  encoder:
    type: resnet18
    kwargs:
      width: 8
  decoder:
    type: dec_deeplabv3_plus
    kwargs:
      inner_planes: 16
      head_planes: 16
      rep_planes: 16
      dilations: [1, 2, 3]
EOF
cli train --config "$work/tiny.yaml" --out "$work/run" --threads 1 > "$work/train.log"
cli export --checkpoint "$work/run/ckpt.pth" --onnx "$work/model.onnx"
image="$work/data/images/$(ls "$work/data/images" | grep '^val_' | head -1)"
dotnet "$out/SegmentApp.dll" "$work/model.onnx" "$image" "$work/app-labels.png"
cli predict --onnx "$work/model.onnx" --input "$image" --output "$work/predicted" > /dev/null
predicted=$(ls "$work/predicted"/*label*.png | head -1)
python3 - "$work/app-labels.png" "$predicted" <<'EOF' || fail "the app's labels differ from semiseg predict --onnx"
import sys, zlib
def pixels(path):  # an 8-bit single-channel PNG written by either side: the filtered scanlines, unfiltered
    data = open(path, "rb").read()
    pos, chunks, width = 8, b"", None
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big"); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR": width, height, depth, colour = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big"), body[8], body[9]
        if kind == b"IDAT": chunks += body
        pos += 12 + n
    assert depth == 8 and colour in (0, 3), (path, depth, colour)
    raw, rows, prev = zlib.decompress(chunks), [], bytearray(width)
    for y in range(height):
        f, line = raw[y * (width + 1)], bytearray(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
        for x in range(width):
            a = line[x - 1] if x else 0; b = prev[x]; c = prev[x - 1] if x else 0
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (0, a, b, (a + b) // 2, a if pa <= pb and pa <= pc else b if pb <= pc else c)[f]) & 255
        rows.append(bytes(line)); prev = line
    return width, height, b"".join(rows)
a, b = pixels(sys.argv[1]), pixels(sys.argv[2])
print(f"  app {a[0]}x{a[1]}, predict {b[0]}x{b[1]}, {sum(x == y for x, y in zip(a[2], b[2]))} of {len(a[2])} pixels equal")
assert a == b
EOF
echo "passed: the package restores from a feed, builds into a new app, and segments as semiseg predict --onnx"
