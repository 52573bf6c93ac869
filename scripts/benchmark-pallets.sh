#!/usr/bin/env bash
# Usage: scripts/benchmark-pallets.sh [pallet-dir...]
#
# Regenerates src/weights.rs of every Salus pallet under pallets/ (or of the named pallet
# directories) by running the node's `benchmark pallet` command against the dev runtime. The
# weights are written only by this script, from scripts/weight-template.hbs.
#
# STEPS and REPEAT (defaults 50 and 20) set the sampling; run on the reference machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"

salus_build

if (($#)); then
	dirs=("$@")
else
	shopt -s nullglob
	dirs=("$SALUS_ROOT"/pallets/*/)
fi
((${#dirs[@]})) || { log "no pallets under pallets/: nothing to benchmark"; exit 0; }

for dir in "${dirs[@]}"; do
	dir="${dir%/}"
	manifest="$dir/Cargo.toml"
	[[ -f "$manifest" ]] || die "$dir has no Cargo.toml"
	crate="$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$manifest" | head -n1)"
	pallet="${crate//-/_}"
	log "benchmarking $pallet -> $dir/src/weights.rs"
	"$SALUS_NODE" benchmark pallet \
		--chain dev \
		--pallet "$pallet" \
		--extrinsic '*' \
		--wasm-execution compiled \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--heap-pages 4096 \
		--template "$SALUS_ROOT/scripts/weight-template.hbs" \
		--output "$dir/src/weights.rs"
	# The command line in the header names the binary, the template and the output by their
	# paths on this machine: keep the binary's name and the paths in the repository, so that
	# the generated file says nothing about where it was generated.
	sed -i -e "s|^//! .*/salus-node\$|//! salus-node|" -e "s|^//! $SALUS_ROOT/|//! |" \
		"$dir/src/weights.rs"
done
