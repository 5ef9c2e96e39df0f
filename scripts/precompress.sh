#!/usr/bin/env bash
# Writes a brotli (`x.br`) and a gzip (`x.gz`) variant beside every file of the built page, so
# the emulator sends them as they are (ServeDir's precompressed variants) instead of
# compressing on every request or sending the page raw. Usage: scripts/precompress.sh dist
set -euo pipefail
dir=${1:?usage: precompress.sh DIST}
find "$dir" -type f ! -name '*.br' ! -name '*.gz' -print0 |
  while IFS= read -r -d '' file; do
    brotli --force --keep --best "$file"
    # -n: no name or time stamp inside, so the same build gives the same bytes.
    gzip --force --keep --best -n "$file"
  done
