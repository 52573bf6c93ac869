#!/usr/bin/env bash
# Usage: scripts/web.sh [--port PORT]
#
# Builds the web app (web/) and serves it on http://127.0.0.1:PORT (default 8080), talking to the
# dev chain that scripts/dev-node.sh runs (ws://127.0.0.1:9944; another node with SALUS_WS).
# Installs the app's npm packages (npm ci) when they are missing or out of date, and first checks
# that the node's runtime metadata is the one the app's typed client was generated from.
# The production build alone is `cd web && npm ci && npm run build`: a static folder, web/dist/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

port=8080
while (($#)); do
	case "$1" in
	--port) port="${2:?--port needs a number}"; shift 2 ;;
	*) die "unknown argument $1 (usage: scripts/web.sh [--port PORT])" ;;
	esac
done
ws="${SALUS_WS:-ws://127.0.0.1:9944}"
http="${ws/#ws:/http:}"
http="${http/#wss:/https:}"

command -v npm >/dev/null || die "npm is missing: run scripts/setup.sh"
cd "$SALUS_ROOT/web"
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
	log "npm ci (web/)"
	npm ci --no-audit --no-fund
fi

log "the node at $ws runs the runtime the app was built for?"
node scripts/metadata.mjs --check --url "$http" ||
	die "the app's metadata does not match the node at $ws (is scripts/dev-node.sh running? see above)"

log "npm run build (type-checks every call against the metadata)"
VITE_SALUS_WS="$ws" npm run build

log "serving web/dist on http://127.0.0.1:$port (node: $ws); Ctrl-C stops"
exec npx vite preview --port "$port" --strictPort
