#!/bin/sh
# npm run check: the fast checks (type-check, lint and format) without the tests.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/env.sh"
cd "$ROOT"
node_modules/.bin/tsc -p .
exec node_modules/.bin/biome check .
