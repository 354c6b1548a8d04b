#!/usr/bin/env bash
# Builds the release binary of netpol-intent and prints its path:
#   dist/binary.sh [TARGET]        (TARGET defaults to x86_64-unknown-linux-gnu)
# Linux binaries link glibc statically (-C target-feature=+crt-static): one file that runs on
# any Linux and in a FROM-scratch image. Release builds are stripped (Cargo.toml). The release
# workflow runs this on each platform's own runner (aarch64 Linux, macOS): no cross toolchain.
set -euo pipefail
cd -P "$(dirname "$0")/.."
target="${1:-x86_64-unknown-linux-gnu}"
case "$target" in
  *-linux-gnu) export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C target-feature=+crt-static" ;;
  *-apple-darwin) ;;
  *) echo "dist/binary.sh: no release build for $target" >&2; exit 2 ;;
esac
# Output goes to standard error; standard output is the path alone.
cargo build --release --locked --target "$target" >&2
echo "${CARGO_TARGET_DIR:-target}/$target/release/netpol-intent"
