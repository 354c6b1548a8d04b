#!/usr/bin/env bash
# Builds the netpol-intent image from the static binary, offline:
#   dist/image.sh [TAG]            (TAG defaults to localhost/netpol-intent:dev)
# with podman, or docker where podman is absent (CONTAINER_ENGINE overrides). The image is
# FROM scratch: the binary as /netpol-intent (the entrypoint), /etc/passwd and /etc/group with
# nobody, and the Argo CD plugin's configuration; nothing is downloaded. The build context is a
# scratch directory holding only those files, never the repository. Prints the image's ID.
set -euo pipefail
root="$(cd -P "$(dirname "$0")/.." && pwd)"
tag="${1:-localhost/netpol-intent:dev}"
engine="${CONTAINER_ENGINE:-$(command -v podman || command -v docker || true)}"
[ -n "$engine" ] || { echo "dist/image.sh: needs podman or docker" >&2; exit 2; }

binary="$("$root/dist/binary.sh" x86_64-unknown-linux-gnu)"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)"
revision="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
# The image's dates are the commit's, so that the same source builds the same image (podman;
# docker honours SOURCE_DATE_EPOCH with BuildKit). No cache: a cached layer would hide a build
# that is not reproducible, and the build takes a second.
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}"
reproducible=()
case "$(basename "$engine")" in
  podman) reproducible=(--timestamp "$epoch") ;;
  *) export SOURCE_DATE_EPOCH="$epoch" ;;
esac

context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
case "$binary" in /*) ;; *) binary="$root/$binary" ;; esac
"$root/dist/context.sh" "$context" amd64="$binary"

"$engine" build --network=none --no-cache --platform linux/amd64 "${reproducible[@]}" \
  --build-arg VERSION="$version" --build-arg REVISION="$revision" \
  -f "$root/dist/Containerfile" -t "$tag" "$context" >&2
"$engine" image inspect --format '{{.Id}}' "$tag"
