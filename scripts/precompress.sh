#!/usr/bin/env bash
# trunk's post-build hook (Trunk.toml): writes a brotli (`x.br`) and a gzip (`x.gz`) variant
# beside every file of a release build in $TRUNK_STAGING_DIR, so the emulator sends them as they
# are (ServeDir's precompressed variants) instead of compressing on every request or sending the
# page raw. Debug builds (`trunk serve`) are left as they are: trunk serves them itself.
#
# The gzip variant comes from zopfli when it is installed: the same gzip format, ~4.5 % smaller
# than `gzip --best` (9 KB on the wasm), for ~1 s more per build. Without it, `gzip --best`.
set -euo pipefail
dir=${TRUNK_STAGING_DIR:?run by trunk as a post_build hook (Trunk.toml)}
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
if command -v zopfli >/dev/null; then
  # zopfli writes no name or time stamp, so the same build gives the same bytes.
  gzip_best() { zopfli -c "$1" >"$1.gz"; }
else
  echo "precompress: zopfli not found, using gzip --best (a larger .gz)" >&2
  # -n: no name or time stamp inside, so the same build gives the same bytes.
  gzip_best() { gzip --force --keep --best -n "$1"; }
fi
# Not the source stamp: it is for the tests, not for browsers.
find "$dir" -type f ! -name '*.br' ! -name '*.gz' ! -name source-stamp -print0 |
  while IFS= read -r -d '' file; do
    brotli --force --keep --best "$file"
    gzip_best "$file"
  done
