#!/usr/bin/env bash
# Usage: scripts/benchmark-pallets.sh [--debug] [pallet-dir | sdk-pallet ...]
#
# Regenerates the weights of every Salus pallet under pallets/ (or of the named pallet
# directories) with the node's `benchmark pallet` command against the dev runtime:
#
# * runtime/src/weights/<pallet>.rs — what the runtime charges: the weights as this runtime
#   wires the pallet (its hooks, its currency, its registries), from scripts/runtime-weight-
#   template.hbs. Also for the SDK pallets whose weights every transaction or block pays, as
#   the runtime wires them: `pallet_balances` (the reference every Salus call is compared
#   with), `frame_system`, `frame_system_extensions` (the transaction extensions' checks),
#   `pallet_transaction_payment` (charging the fee through the runtime's vesting-aware
#   adapter). Name one of them instead of a directory to regenerate only its file. Not
#   `pallet_timestamp`: the benchmarks whitelist `Timestamp::Now`, which would hide the
#   inherent's own write; the runtime keeps the SDK's weights for it.
# * pallets/<dir>/src/weights.rs — the pallet's own `WeightInfo` trait, with the same kind of
#   measurement as the defaults for another runtime (`SubstrateWeight<T>`) and for the mocks
#   (`()`), from scripts/weight-template.hbs. A second run: the two files may differ by noise.
#
# By default the weights come from the release benchmark node
# ($CARGO_TARGET_DIR/benchmark/salus-node, built by `scripts/build-release.sh --benchmarks` if
# it is missing). `--debug` uses the debug node of scripts/test.sh instead, for a quick look;
# never commit weights from it. Each file's header says which build measured it.
#
# The runtime's files come first, for every pallet, then the pallets' own; with
# SALUS_BENCH_RUNTIME_ONLY=1 only the runtime's. STEPS and REPEAT (defaults 50 and 20) set the
# sampling; run on the reference machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"

build="release (\`benchmark\` profile: release settings with \`runtime-benchmarks\`)"
if [[ "${1:-}" == "--debug" ]]; then
	shift
	build="debug (not for committing)"
	salus_build
	node="$SALUS_NODE"
else
	node="$CARGO_TARGET_DIR/benchmark/salus-node"
	[[ -x "$node" ]] || "$SALUS_ROOT/scripts/build-release.sh" --benchmarks
fi
[[ -x "$node" ]] || die "no benchmark node at $node"

if (($#)); then
	dirs=("$@")
else
	shopt -s nullglob
	dirs=("$SALUS_ROOT"/pallets/*/)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '//! Measured by a %s build of `salus-node`.\n//!\n' "$build" >"$work/header"

# Runs `benchmark pallet` for $1 with template $2 into $3, and removes this machine's paths from
# the command line the header records.
bench() {
	local pallet="$1" template="$2" output="$3"
	log "benchmarking $pallet -> ${output#"$SALUS_ROOT"/}"
	"$node" benchmark pallet \
		--chain dev \
		--pallet "$pallet" \
		--extrinsic '*' \
		--wasm-execution compiled \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--heap-pages 4096 \
		--header "$work/header" \
		--template "$template" \
		--output "$output"
	sed -i -e "s|^//! .*/salus-node\$|//! salus-node|" -e "s|^//! $SALUS_ROOT/|//! |" \
		-e "s|^//! $work/header\$|//! (header)|" "$output"
}

# The SDK pallets whose weights the runtime takes from its own measurement.
SDK_PALLETS=(pallet_balances frame_system frame_system_extensions pallet_transaction_payment)

mkdir -p "$SALUS_ROOT/runtime/src/weights"
crates=()
sdk=()
if ((!$#)); then
	sdk=("${SDK_PALLETS[@]}")
fi
pallet_dirs=()
for dir in "${dirs[@]}"; do
	dir="${dir%/}"
	if [[ " ${SDK_PALLETS[*]} " == *" $dir "* ]]; then
		sdk+=("$dir")
		continue
	fi
	pallet_dirs+=("$dir")
	manifest="$dir/Cargo.toml"
	[[ -f "$manifest" ]] || die "$dir has no Cargo.toml"
	crate="$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$manifest" | head -n1)"
	crates+=("${crate//-/_}")
done
dirs=("${pallet_dirs[@]}")
# What the runtime charges first, for every pallet; then the pallets' own defaults.
for i in "${!dirs[@]}"; do
	bench "${crates[$i]}" "$SALUS_ROOT/scripts/runtime-weight-template.hbs" \
		"$SALUS_ROOT/runtime/src/weights/${crates[$i]}.rs"
done
for pallet in "${sdk[@]}"; do
	bench "$pallet" "$SALUS_ROOT/scripts/runtime-weight-template.hbs" \
		"$SALUS_ROOT/runtime/src/weights/$pallet.rs"
done
if [[ -n "${SALUS_BENCH_RUNTIME_ONLY:-}" ]]; then
	log "SALUS_BENCH_RUNTIME_ONLY: the pallets' own weights.rs are left as they are"
	exit 0
fi
for i in "${!dirs[@]}"; do
	bench "${crates[$i]}" "$SALUS_ROOT/scripts/weight-template.hbs" "${dirs[$i]%/}/src/weights.rs"
done
