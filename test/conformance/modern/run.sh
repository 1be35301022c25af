#!/bin/sh
# Runs the 2026-07-28 requirement set of @modelcontextprotocol/conformance (0.2.0-alpha, Node 22 from this
# folder's own node_modules) against the shared conformance fixture (test/conformance/main.ts, stateful mode,
# which serves both protocol revisions on one endpoint), run by the root's Node 20.
# Usage: sh test/conformance/modern/run.sh   (from anywhere; `npm run conformance` runs it after the 2025 suite)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
PORT=${PORT:-3108}
cd "$HERE"
[ -x node_modules/.bin/conformance ] || npm ci --no-audit --no-fund
[ -f "$ROOT/test/conformance/dist/main.js" ] || (cd "$ROOT" && npm run build --silent)
(cd "$ROOT" && PORT=$PORT MCP_MODE=stateful exec node test/conformance/dist/main.js) &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT INT TERM
i=0
until node -e "fetch('http://127.0.0.1:$PORT/mcp',{method:'DELETE'}).then(()=>process.exit(0),()=>process.exit(1))" 2>/dev/null; do
  i=$((i+1)); [ $i -gt 100 ] && { echo "fixture did not start" >&2; exit 1; }
  sleep 0.2
done
mkdir -p "$HERE/results"
LOG="$HERE/results/output.txt"
set +e
./node_modules/.bin/node node_modules/@modelcontextprotocol/conformance/dist/index.js server \
  --url "http://localhost:$PORT/mcp" --requirements 2026-07-28 -o "$HERE/results" "$@" > "$LOG" 2>&1
CODE=$?
set -e
cat "$LOG"
# The suite's own total counts unscored scenarios (extensions, pending) too; this line counts the scored ones.
node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8").replace(/\x1b\[[0-9;]*m/g, "");
  const unscored = new Set([...text.matchAll(/^\s+[✓✗] (\S+) \((?:extension|pending)\)$/gm)].map((m) => m[1]));
  const scored = [...text.matchAll(/^([✓✗]) (\S+): \d+ passed, \d+ failed/gm)].filter((m) => !unscored.has(m[2]));
  const failed = scored.filter((m) => m[1] === "✗").length;
  console.log(`conformance 2026-07-28 (${unscored.size} unscored scenarios not counted): ${scored.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
' "$LOG" || CODE=1
exit $CODE
