#!/usr/bin/env bash
# Usage: scripts/benchmark-overhead.sh [--debug]
#
# Measures the runtime's base weights with the node's `benchmark overhead` command and writes
# them to runtime/src/weights/: block_weights.rs (`BlockExecutionWeight`, executing an empty
# block) and extrinsic_weights.rs (`ExtrinsicBaseWeight`, executing a signed `System::remark`
# with the runtime's whole `TxExtension`: the signature check *and the extensions' own work*).
# The runtime's `BlockWeights` are built from them, not from the SDK's defaults.
#
# The extensions' work is therefore charged twice: in this base, and again as their benchmarked
# `weight()` (runtime/src/weights/frame_system_extensions.rs, pallet_transaction_payment.rs),
# about 155 us of compute a transaction on the reference machine. Upstream runtimes do the same;
# polkadot-sdk issue #9981 tracks measuring the base without it (PR #11732 would let the CLI
# subtract the extensions' and the signature's weights). It overcharges, never undercharges.
#
# By default from the release benchmark node ($CARGO_TARGET_DIR/benchmark/salus-node, built by
# `scripts/build-release.sh --benchmarks` if it is missing); `--debug` for a quick look with
# the debug node, never to commit. WARMUP and REPEAT (defaults 10 and 100) set the sampling.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SALUS_ROOT"

build="release (\`benchmark\` profile: release settings with \`runtime-benchmarks\`)"
if [[ "${1:-}" == "--debug" ]]; then
	build="debug (not for committing)"
	salus_build
	node="$SALUS_NODE"
else
	node="$CARGO_TARGET_DIR/benchmark/salus-node"
	[[ -x "$node" ]] || scripts/build-release.sh --benchmarks
fi
[[ -x "$node" ]] || die "no benchmark node at $node"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '//! Measured by a %s build of `salus-node`.\n//!\n' "$build" >"$work/header"

log "benchmark overhead -> runtime/src/weights/{block,extrinsic}_weights.rs"
"$node" benchmark overhead \
	--chain dev \
	--base-path "$work/db" \
	--warmup "${WARMUP:-10}" \
	--repeat "${REPEAT:-100}" \
	--header "$work/header" \
	--weight-path runtime/src/weights
for file in runtime/src/weights/block_weights.rs runtime/src/weights/extrinsic_weights.rs; do
	[[ -f "$file" ]] || die "benchmark overhead wrote no $file"
	sed -i -e "s|^//   .*/salus-node\$|//   salus-node|" -e "s|^//   $work/header\$|//   (header)|" \
		-e "s|^//   $work/db\$|//   (a temporary database)|" \
		-e "s|use sp_core::parameter_types;|use frame_support::parameter_types;|" \
		-e "s|sp_weights::|frame_support::weights::|g" "$file"
done
