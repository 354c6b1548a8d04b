#!/usr/bin/env bash
# Installs netpol-intent for the action and sets the step output `bin` to it, as INSTALL says:
#   release (the default)  the release's binary for this runner, downloaded with curl and
#                          checked against the release's SHA256SUMS; a mismatch fails the step
#   source                 a cargo build of the action's own source (its own version only)
#   path                   the netpol-intent on PATH, which must report the version asked for
# NETPOL_INTENT_VERSION is the version (`0.1.0` or `v0.1.0`), empty for the action's own; it is
# checked before it is used in any URL or path.
set -euo pipefail

cargo_field() { sed -n "s/^$1 = \"\\(.*\\)\"\$/\\1/p" "$GITHUB_ACTION_PATH/Cargo.toml" | head -n 1; }
fail() { echo "::error title=netpol-intent::$1"; exit 1; }

source_version="$(cargo_field version)"
version="${NETPOL_INTENT_VERSION:-$source_version}"
semver='^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$'
if [ "${#version}" -gt 64 ] || ! [[ "$version" =~ $semver ]]; then
  fail "input \`version\` must be a version number such as 0.1.0, or empty for the action's own"
fi
version="${version#v}"

case "${INSTALL:-release}" in
  release | source | path) ;;
  *) fail "input \`install\` must be release, source or path" ;;
esac

dest="$RUNNER_TEMP/netpol-intent-$version"
case "${INSTALL:-release}" in
  path)
    found="$(command -v netpol-intent)" || fail "install: path, but no netpol-intent is on PATH"
    [ "$("$found" --version)" = "netpol-intent $version" ] ||
      fail "install: path, but $found is $("$found" --version), not $version"
    bin="$found"
    ;;
  source)
    [ "$version" = "$source_version" ] ||
      fail "install: source builds the action's own source, $source_version, not $version: use the action at v$version"
    echo "Building netpol-intent $version from the action's source"
    cargo install --locked --path "$GITHUB_ACTION_PATH" --root "$dest"
    bin="$dest/bin/netpol-intent"
    ;;
  release)
    case "${RUNNER_OS:-}-${RUNNER_ARCH:-}" in
      Linux-X64) target=x86_64-unknown-linux-gnu ;;
      Linux-ARM64) target=aarch64-unknown-linux-gnu ;;
      macOS-X64) target=x86_64-apple-darwin ;;
      macOS-ARM64) target=aarch64-apple-darwin ;;
      *) fail "no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}: use install: source" ;;
    esac
    name="netpol-intent-$version-$target"
    base="$(cargo_field repository)/releases/download/v$version"
    mkdir -p "$dest/bin"
    for file in "$name.tar.gz" SHA256SUMS; do
      echo "Downloading $base/$file"
      curl -fsSL --proto-redir =https --retry 3 -o "$dest/$file" "$base/$file" ||
        fail "cannot download $base/$file: is there a release v$version?"
    done
    expected="$(awk -v f="$name.tar.gz" '$2 == f || $2 == "*" f { print $1 }' "$dest/SHA256SUMS")"
    if command -v sha256sum >/dev/null; then sum=(sha256sum); else sum=(shasum -a 256); fi
    actual="$("${sum[@]}" "$dest/$name.tar.gz" | cut -d ' ' -f 1)"
    [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "SHA256SUMS of v$version has no checksum of $name.tar.gz"
    [ "$actual" = "$expected" ] ||
      fail "checksum mismatch for $name.tar.gz: $actual, but SHA256SUMS says $expected; not installed"
    echo "$name.tar.gz: checksum OK ($actual)"
    tar -xzf "$dest/$name.tar.gz" -C "$dest" "$name/netpol-intent"
    mv "$dest/$name/netpol-intent" "$dest/bin/netpol-intent"
    bin="$dest/bin/netpol-intent"
    ;;
esac

"$bin" --version
echo "bin=$bin" >>"$GITHUB_OUTPUT"
