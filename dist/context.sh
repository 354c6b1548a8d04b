#!/usr/bin/env bash
# Assembles the build context of the netpol-intent image (see Containerfile):
#   dist/context.sh DIR ARCH=BINARY...     e.g. dist/context.sh ctx amd64=target/.../netpol-intent
# DIR gets ARCH/netpol-intent for each static Linux binary given, nobody's passwd and group,
# and the Argo CD plugin's configuration; nothing else. Used by dist/image.sh and the release
# workflow, which builds both architectures into one image.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR ARCH=BINARY..." >&2; exit 2; }
root="$(cd -P "$(dirname "$0")/.." && pwd)"
dir="$1"
shift
mkdir -p "$dir"
for pair in "$@"; do
  arch="${pair%%=*}" binary="${pair#*=}"
  case "$arch" in
    amd64 | arm64) ;;
    *) echo "dist/context.sh: unknown architecture $arch" >&2; exit 2 ;;
  esac
  mkdir -p "$dir/$arch"
  cp "$binary" "$dir/$arch/netpol-intent"
  chmod 755 "$dir/$arch/netpol-intent"
done
cp "$root/dist/passwd" "$root/dist/group" "$root/examples/argocd/cmp/plugin.yaml" "$dir/"
