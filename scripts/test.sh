#!/usr/bin/env bash
# Usage: scripts/test.sh
#
# Everything CI checks, in order: setup, formatting, clippy (warnings are errors), docs, the
# build, every unit test (runtime, primitives, pallets, benchmarks-as-tests), the end-to-end
# tests against real salus-node processes, a bounded run of the runtime fuzzer (fuzz/; the
# SALUS_FUZZ_EXTRINSICS and SALUS_FUZZ_SEED variables change its length and seed), and that
# chain-specs/ matches the runtime.
# Fails at the first failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SALUS_ROOT"

started=$SECONDS
step() { log "[$((SECONDS - started))s] $*"; }

step "setup"
scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "no panicking code in the runtime sources"
scripts/check-no-panic.sh

step "cargo clippy (warnings are errors)"
cargo clippy "${SALUS_CARGO_FLAGS[@]}" -- -D warnings

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --features runtime-benchmarks --locked

step "cargo build"
salus_build

step "npm ci: polkadot.js for the end-to-end tests"
(cd node/tests/polkadot-js && npm ci --silent --no-audit --no-fund)

step "cargo test: unit tests and end-to-end tests against salus-node"
cargo test "${SALUS_CARGO_FLAGS[@]}"

step "runtime fuzzer: ${SALUS_FUZZ_EXTRINSICS:-100000} random extrinsics, seed ${SALUS_FUZZ_SEED:-1} (fuzz/README.md)"
"$CARGO_TARGET_DIR/debug/salus-fuzz" --extrinsics "${SALUS_FUZZ_EXTRINSICS:-100000}" \
	--seed "${SALUS_FUZZ_SEED:-1}" --progress 60

step "chain specs are up to date"
scripts/build-chain-specs.sh --check

step "all checks passed in $((SECONDS - started))s"
