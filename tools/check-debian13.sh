#!/usr/bin/env bash
# Builds and tests SemiSeg on Debian 13 "trixie" (libtorch 2.6 from apt) without leaving this machine:
# makes a trixie root with debootstrap in a folder, bind-mounts this repository (read-only) and the
# host's .NET SDK (Debian packages none), copies the repository's files into the root, installs the
# packages tools/setup.sh lists, and runs ./test.sh there. Needs root, and Debian's mirror.
# Not run by CI: it takes about an hour on 2 busy cores (docs/platforms.md has the last run).
#
# Usage: tools/check-debian13.sh [ROOTDIR]    (default /var/tmp/semiseg-debian13; kept for the next run)
# Environment: DEBIAN_MIRROR   mirror URL (default: the first deb.debian.org-style URI in /etc/apt/sources.list*)
#              TEST_ARGS       extra arguments for ./test.sh inside (for example --filter FullyQualifiedName~Torch)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOTDIR=${1:-/var/tmp/semiseg-debian13}
SUITE=trixie
log() { printf '[debian13] %s\n' "$*" >&2; }
[ "$(id -u)" -eq 0 ] || { log "needs root (debootstrap, chroot and bind mounts)"; exit 1; }

mirror=${DEBIAN_MIRROR:-$(grep -h -o -E 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
  | grep -v security | head -1 | tr -d ' ' || true)}
mirror=${mirror:-http://deb.debian.org/debian}
dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
[ -x "$dotnet_dir/dotnet" ] || { log "no .NET SDK found on this machine (dotnet)"; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }

started=$(date +%s)
if [ ! -x "$ROOTDIR/usr/bin/apt-get" ]; then
  log "debootstrap $SUITE from $mirror into $ROOTDIR"
  rm -rf "$ROOTDIR"
  debootstrap --variant=minbase --include=ca-certificates,libicu76,git "$SUITE" "$ROOTDIR" "$mirror" >&2
fi

mounts=()
unmount_all() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
}
trap unmount_all EXIT
bind() { # bind SOURCE TARGET [ro]
  mkdir -p "$2"
  mount --bind "$1" "$2"; mounts+=("$2")
  [ "${3:-}" = ro ] && mount -o remount,bind,ro "$2"
  return 0
}
bind /proc "$ROOTDIR/proc"
bind /sys "$ROOTDIR/sys"
bind /dev "$ROOTDIR/dev"
bind "$REPO" "$ROOTDIR/mnt/repo" ro
bind "$dotnet_dir" "$ROOTDIR/opt/dotnet" ro
# The NuGet package cache saves downloading the same packages again (restore writes only new ones).
[ -d "$HOME/.nuget/packages" ] && bind "$HOME/.nuget/packages" "$ROOTDIR/root/.nuget/packages"
cp /etc/resolv.conf "$ROOTDIR/etc/resolv.conf"
# The files to copy, listed here: a worktree's .git points outside the repository, out of the root's sight.
git -C "$REPO" ls-files -z --cached --others --exclude-standard > "$ROOTDIR/tmp/semiseg-files"

log "installing tools/setup.sh's packages, copying the repository, running ./test.sh ${TEST_ARGS:-}"
chroot "$ROOTDIR" /usr/bin/env -i HOME=/root PATH=/opt/dotnet:/usr/sbin:/usr/bin:/sbin:/bin DOTNET_ROOT=/opt/dotnet \
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 TEST_ARGS="${TEST_ARGS:-}" /bin/bash -euo pipefail -c '
    echo "deb '"$mirror"' trixie main" > /etc/apt/sources.list
    # A fresh copy of the tracked and untracked (not ignored) files: the host keeps its own build outputs.
    rm -rf /semiseg && mkdir /semiseg
    (cd /mnt/repo && tar --null --ignore-failed-read -T /tmp/semiseg-files -cf - 2>/dev/null) | tar -xf - -C /semiseg
    cd /semiseg
    echo "[debian13] $(cat /etc/debian_version), $(uname -m)"
    ./test.sh $TEST_ARGS
    echo "[debian13] libtorch-dev $(dpkg-query -W -f="\${Version}" libtorch-dev), g++ $(g++ -dumpfullversion), cmake $(cmake --version | head -1 | cut -d" " -f3)"
  '
log "passed in $(( ($(date +%s) - started) / 60 )) min"
