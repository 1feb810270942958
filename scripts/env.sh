# Sourced by the other scripts: finds a Node.js >= 22 (installing Node 24 from the npm
# registry into .tools/ when the system one is older) and installs the dependencies.
set -eu
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

NODE_BIN=$(command -v node || true)
if [ -z "$NODE_BIN" ] || [ "$(node_major "$NODE_BIN")" -lt 22 ]; then
  NODE_BIN="$ROOT/.tools/node_modules/node/bin/node"
  if [ ! -x "$NODE_BIN" ] || [ "$(node_major "$NODE_BIN")" -lt 22 ]; then
    echo "scopegate: system Node.js is older than 22; installing Node 24 into .tools/" >&2
    mkdir -p "$ROOT/.tools" && [ -f "$ROOT/.tools/package.json" ] || echo "{\"private\":true}" > "$ROOT/.tools/package.json"
    npm install --prefix "$ROOT/.tools" --no-save --no-audit --no-fund --loglevel=error node@24 >&2
  fi
  PATH="$(dirname "$NODE_BIN"):$PATH"
  export PATH
fi

# Install dependencies when node_modules is missing or older than the lockfile.
if [ ! -f "$ROOT/node_modules/.package-lock.json" ] \
  || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  # `npm install` from the lockfile rather than `npm ci`: ci refuses a lockfile that lacks
  # optional platform packages the registry does not serve (e.g. biome's android builds).
  echo "scopegate: installing dependencies" >&2
  (cd "$ROOT" && npm install --no-save --no-audit --no-fund --loglevel=error >&2)
fi
