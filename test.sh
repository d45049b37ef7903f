#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test. Extra arguments go to `dotnet test`
# (for example: ./test.sh --filter FullyQualifiedName~Torch).
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/tools/setup.sh"
semiseg_setup
exec dotnet test "$SEMISEG_ROOT/tests/SemiSeg.Tests/SemiSeg.Tests.csproj" -c Release -nologo "$@"
