#!/usr/bin/env bash
# Installs what building the page needs, and with --browser what testing it in Chromium needs.
# Skips whatever is already there at the right version: on 2 cores each install takes minutes.
# Nothing here downloads prebuilt binaries: trunk runs --offline and finds these on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# trunk 0.22 needs a newer rustc than the machine's, so stay on 0.21.
if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  say "installing trunk ~0.21"
  cargo install trunk --version "~0.21" --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly. Not --locked: one of
# its locked dependencies is gone from the registry.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }')" != "$want" ]; then
  say "installing wasm-bindgen-cli $want"
  cargo install wasm-bindgen-cli --version "$want"
fi

# `make lint`'s unused-dependency check (builds on rustc 1.95; --locked for a known tree).
if ! cargo machete --version >/dev/null 2>&1; then
  say "installing cargo-machete"
  cargo install cargo-machete --locked
fi

# From npm, pinned in tools/package.json: wasm-opt from binaryen, which trunk runs (Debian's
# binaryen 108 emits a module that fails to load), and axe-core (the browser tests' audit).
# `npm ls` fails when any is missing or at another version.
if ! npm ls --prefix tools --depth=0 >/dev/null 2>&1; then
  say "installing binaryen (wasm-opt) and axe-core from npm"
  npm ci --prefix tools --no-audit --no-fund
fi

# trunk's post-build hook precompresses the page: brotli, and gzip variants by zopfli (smaller
# than gzip's).
missing=()
for tool in brotli zopfli; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian's ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi

if [ "${1:-}" = "--browser" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver
  fi
  # The second engine of the browser tests: Debian's Firefox ESR, driven by geckodriver built
  # from the crate registry (its release binaries are not fetched: no downloads but registries).
  if ! command -v firefox-esr >/dev/null; then
    say "installing Debian's firefox-esr"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq firefox-esr
  fi
  if ! geckodriver --version 2>/dev/null | grep -q '^geckodriver 0\.37\.1'; then
    say "installing geckodriver 0.37.1 (about 10 minutes on 2 cores)"
    cargo install geckodriver --version 0.37.1 --locked
  fi
fi
