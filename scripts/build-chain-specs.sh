#!/usr/bin/env bash
# Usage: scripts/build-chain-specs.sh [--check]
#
# Writes chain-specs/local.json and chain-specs/testnet.json from the runtime's genesis presets,
# using the node built with the shared feature set. With --check, writes nothing and fails if a
# committed spec differs from what the runtime generates (the wasm `code` blob aside: it depends
# on the build, while everything a human reviews — names, properties, genesis — must match).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check=false
case "${1:-}" in
	--check) check=true ;;
	"") ;;
	*) die "usage: scripts/build-chain-specs.sh [--check]" ;;
esac

[[ -x "$SALUS_NODE" ]] || salus_build

# The spec without its wasm blob, normalised, for comparison.
strip_code() {
	python3 -c 'import json,sys
spec = json.load(open(sys.argv[1]))
spec["genesis"]["runtimeGenesis"].pop("code", None)
print(json.dumps(spec, indent=1, sort_keys=True))' "$1"
}

status=0
for chain in local testnet; do
	target="$SALUS_ROOT/chain-specs/$chain.json"
	fresh="$(mktemp)"
	"$SALUS_NODE" export-chain-spec --chain "$chain" --output "$fresh" >/dev/null 2>&1 ||
		{ rm -f "$fresh"; die "salus-node export-chain-spec --chain $chain failed"; }
	if $check; then
		if [[ ! -f "$target" ]]; then
			echo "chain-specs/$chain.json is missing: run scripts/build-chain-specs.sh" >&2
			status=1
		elif ! diff -u <(strip_code "$target") <(strip_code "$fresh") >&2; then
			echo "chain-specs/$chain.json is out of date: run scripts/build-chain-specs.sh" >&2
			status=1
		else
			log "chain-specs/$chain.json is up to date"
		fi
		rm -f "$fresh"
	else
		mv "$fresh" "$target"
		chmod 644 "$target"
		log "wrote chain-specs/$chain.json"
	fi
done
exit $status
