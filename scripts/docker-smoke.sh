#!/usr/bin/env bash
# Usage: scripts/docker-smoke.sh [NODE_BINARY]
#
# Builds the node's container image (ops/docker/Dockerfile) around NODE_BINARY (default: the
# debug build of scripts/test.sh) and checks that the container starts a dev chain that makes
# blocks. Without a running Docker daemon it says so and exits 0: the image is then untested.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SALUS_ROOT"

binary="${1:-$SALUS_NODE}"
[[ -x "$binary" ]] || die "no node binary at $binary (build it first)"
if ! docker info >/dev/null 2>&1; then
	log "Docker image SKIPPED: no Docker daemon on this machine (docker info failed)"
	exit 0
fi

context="$(mktemp -d)"
name="salus-smoke-$$"
cleanup() { docker rm -fv "$name" >/dev/null 2>&1 || true; rm -rf "$context"; }
trap cleanup EXIT
cp ops/docker/Dockerfile ops/docker/.dockerignore "$context/"
cp "$binary" "$context/salus-node"

log "docker build ops/docker (node: $binary)"
docker build --quiet -t salus-node:smoke "$context" >/dev/null
docker run --rm salus-node:smoke --version
docker run -d --name "$name" salus-node:smoke --dev --rpc-port 9944 >/dev/null
for _ in $(seq 1 120); do
	if docker logs "$name" 2>&1 | grep -q "Imported #2"; then
		log "the container makes blocks"
		exit 0
	fi
	sleep 2
done
docker logs "$name" 2>&1 | tail -20 >&2
die "the container made no block within 240 s"
