#!/bin/sh
# npm run bench: runs every benchmark in bench/ and prints its table.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/env.sh"
cd "$ROOT"
for b in bench/*.bench.ts; do
  echo "== $b"
  node "$b"
done
