#!/usr/bin/env bash
# Prints a hash of the sources the page is built from: the path and content of every file git
# sees (tracked, or untracked and not ignored) under the paths below. trunk's pre_build hook
# (Trunk.toml) writes it into the build as dist/source-stamp (--write), followed by the build's
# profile (`release`, or `debug` from `trunk serve`); the browser tests (e2e/src/emulator.rs)
# run it again and refuse a dist/ whose stamp differs or that is not a release build, so they
# never drive a page built from other sources than the tree's.
# Usage: scripts/source-stamp.sh [--write]
set -euo pipefail
cd "$(dirname "$0")/.."
sources=(Cargo.toml Cargo.lock Trunk.toml index.html src style public core/Cargo.toml core/src
  tools/package-lock.json scripts/precompress.sh)
git rev-parse --is-inside-work-tree >/dev/null ||
  { echo "source-stamp: $(pwd) is not a git checkout" >&2; exit 1; }
# A file deleted from the tree but still in the index is no source any more: skipped.
stamp=$(
  git ls-files -z --cached --others --exclude-standard -- "${sources[@]}" |
    LC_ALL=C sort -z -u |
    while IFS= read -r -d '' file; do
      if [ -f "$file" ]; then printf '%s\0' "$file"; fi
    done |
    xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1
)
if [ "${1:-}" = --write ]; then
  printf '%s %s\n' "$stamp" "${TRUNK_PROFILE:?--write is for the pre_build hook of trunk}" \
    >"${TRUNK_STAGING_DIR:?--write is for the pre_build hook of trunk}/source-stamp"
else
  printf '%s\n' "$stamp"
fi
