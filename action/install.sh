#!/usr/bin/env bash
# Finds or installs netpol-intent of the wanted version and sets the step output `bin` to it:
# one already on PATH; else the release's binary, checksum verified; else, for the version of
# the action's own source, a cargo build of that source.
set -euo pipefail

cargo_field() { sed -n "s/^$1 = \"\\(.*\\)\"\$/\\1/p" "$GITHUB_ACTION_PATH/Cargo.toml" | head -n 1; }
source_version="$(cargo_field version)"
version="${NETPOL_INTENT_VERSION:-$source_version}"
version="${version#v}"

found="$(command -v netpol-intent || true)"
if [ -n "$found" ] && [ "$("$found" --version)" = "netpol-intent $version" ]; then
  echo "Using $found, version $version, from PATH"
  echo "bin=$found" >>"$GITHUB_OUTPUT"
  exit 0
fi

dest="$RUNNER_TEMP/netpol-intent-$version"
mkdir -p "$dest/bin"
target=x86_64-unknown-linux-gnu
asset="netpol-intent-$version-$target.tar.gz"
url="$(cargo_field repository)/releases/download/v$version/$asset"
if [ "${RUNNER_OS:-}-${RUNNER_ARCH:-}" = Linux-X64 ] && curl -fsSL -o "$dest/$asset" "$url"; then
  echo "Downloaded $url"
  curl -fsSL -o "$dest/$asset.sha256" "$url.sha256"
  (cd "$dest" && sha256sum --check --strict "$asset.sha256")
  tar -xzf "$dest/$asset" -C "$dest"
  mv "$dest/netpol-intent-$version-$target/netpol-intent" "$dest/bin/netpol-intent"
elif [ "$version" = "$source_version" ]; then
  echo "No release binary of $version for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}: building the action's source"
  cargo install --locked --path "$GITHUB_ACTION_PATH" --root "$dest"
else
  echo "::error title=netpol-intent::version $version has no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}, and the action's source is $source_version: use the action at v$version, or leave \`version\` empty"
  exit 1
fi

"$dest/bin/netpol-intent" --version
echo "bin=$dest/bin/netpol-intent" >>"$GITHUB_OUTPUT"
