#!/usr/bin/env bash
# Usage: scripts/build-release.sh [--benchmarks]
#
# Builds the node that validators run: the `production` profile (release, fat LTO, one codegen
# unit) with the production feature set — no `runtime-benchmarks`, so no benchmarking host
# functions or extrinsics in the binary or its embedded runtime. It lands in
# $CARGO_TARGET_DIR/production/salus-node, and the script reports the size of the runtime it
# embeds (the compressed wasm that a `set_code` upgrade would carry).
#
# With --benchmarks it builds, instead, a second release binary with `runtime-benchmarks`, in
# the `benchmark` profile ($CARGO_TARGET_DIR/benchmark/salus-node): only for generating weights
# (scripts/benchmark-pallets.sh, `benchmark overhead`, `benchmark storage`), never for a
# validator. The two use separate profiles so that neither build overwrites the other.
#
# Either takes long on a small machine (the whole dependency graph compiles with optimisations);
# build it when you measure, not on every test run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SALUS_ROOT"

case "${1:-}" in
	"") profile=production features=() ;;
	--benchmarks) profile=benchmark features=(--features runtime-benchmarks) ;;
	*) die "usage: scripts/build-release.sh [--benchmarks]" ;;
esac

started=$SECONDS
log "cargo build --profile $profile -p salus-node ${features[*]}"
cargo build --locked --profile "$profile" -p salus-node "${features[@]}"
node="$CARGO_TARGET_DIR/$profile/salus-node"
[[ -x "$node" ]] || die "no binary at $node"

wasm="$CARGO_TARGET_DIR/$profile/wbuild/salus-runtime/salus_runtime.compact.compressed.wasm"
[[ -f "$wasm" ]] || die "no compressed runtime at $wasm"
log "built in $((SECONDS - started)) s"
printf 'node:     %s (%s bytes)\n' "$node" "$(stat -c %s "$node")"
printf 'runtime:  %s (%s bytes compressed)\n' "$wasm" "$(stat -c %s "$wasm")"
"$node" --version
