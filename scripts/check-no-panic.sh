#!/usr/bin/env bash
# Usage: scripts/check-no-panic.sh
#
# Runtime code must never panic. Clippy denies unwrap/expect/indexing/panics everywhere, but
# FRAME's pallet macros force an allowance for `expect_used` and `unreachable` on each pallet
# module; this check keeps the hand-written runtime sources (pallets, runtime, primitives —
# tests, mocks and benchmarks aside) free of them. runtime/src/try_runtime.rs is left out: it is
# compiled only with the try-runtime feature, where a failed check must abort the dry run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SALUS_ROOT"

pattern='\.unwrap\(\)|\.expect\(|unreachable!|panic!|todo!|unimplemented!'
hits="$(grep -rnE "$pattern" --include='*.rs' pallets/*/src runtime/src primitives/src |
	grep -vE '/(tests|mock|benchmarking)(\.rs|/)' |
	grep -vE '^runtime/src/tests\.rs|^primitives/src/tests\.rs' |
	grep -vE '^runtime/src/try_runtime\.rs' |
	grep -vE ':\s*//' || true)"
if [[ -n "$hits" ]]; then
	echo "$hits" >&2
	die "runtime code that can panic (above)"
fi
log "no unwrap/expect/unreachable/panic in runtime sources"
