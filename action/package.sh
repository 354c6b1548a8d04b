#!/usr/bin/env bash
# Packs a release binary as the action downloads it:
#   action/package.sh VERSION TARGET BINARY OUTDIR
# writes OUTDIR/netpol-intent-VERSION-TARGET.tar.gz (holding the directory
# netpol-intent-VERSION-TARGET/ with netpol-intent, README.md and LICENSE when present) and
# OUTDIR/netpol-intent-VERSION-TARGET.tar.gz.sha256, to attach to the release tagged vVERSION
# (whose SHA256SUMS lists every archive: the action's installer checks against it).
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 VERSION TARGET BINARY OUTDIR" >&2; exit 2; }
version="${1#v}" target="$2" binary="$3" outdir="$4"
name="netpol-intent-$version-$target"
root="$(cd -P "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/$name" "$outdir"
cp "$binary" "$work/$name/netpol-intent"
chmod 755 "$work/$name/netpol-intent"
for doc in README.md LICENSE; do
  if [ -f "$root/$doc" ]; then cp "$root/$doc" "$work/$name/"; fi
done
tar -czf "$outdir/$name.tar.gz" -C "$work" "$name"
if command -v sha256sum >/dev/null; then sum=(sha256sum); else sum=(shasum -a 256); fi
(cd "$outdir" && "${sum[@]}" "$name.tar.gz" >"$name.tar.gz.sha256")
echo "$outdir/$name.tar.gz"
