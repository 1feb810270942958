# Sourced by the other scripts: finds a Node.js that runs .ts files without a flag (type
# stripping: 22.18+, 23.6+, 24+), installing Node 24 from the npm registry into .tools/
# when the system one is older, and installs the dependencies.
set -eu
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}

# True when the Node.js at $1 strips TypeScript types by default.
node_ok() {
  "$1" -e 'const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18) ? 0 : 1)' \
    2>/dev/null
}

NODE_BIN=$(command -v node || true)
if [ -z "$NODE_BIN" ] || ! node_ok "$NODE_BIN"; then
  NODE_BIN="$ROOT/.tools/node_modules/node/bin/node"
  if [ ! -x "$NODE_BIN" ] || ! node_ok "$NODE_BIN"; then
    echo "scopegate: system Node.js cannot run .ts files unflagged (needs 22.18+, 23.6+ or 24+); installing Node 24 into .tools/" >&2
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
