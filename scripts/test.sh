#!/usr/bin/env bash
# Usage: scripts/test.sh
#
# Everything CI checks, in order: setup, formatting, clippy (warnings are errors), docs, the
# build, every unit test (runtime, primitives, pallets, benchmarks-as-tests), the end-to-end
# tests against real salus-node processes (and a PostgreSQL server it starts for the gateway's
# shared outbox, scripts/postgres.sh), a bounded run of the runtime fuzzer (fuzz/; the
# SALUS_FUZZ_EXTRINSICS and SALUS_FUZZ_SEED variables change its length and seed), the web
# app's unit tests, build and browser test (web/: headless Chromium against a dev node), the
# fault suite (scripts/faults.sh: four validators in network namespaces, where the machine allows
# them), and that chain-specs/ matches the runtime.
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

# The try-runtime feature's code (the TryRuntime API, every migration's pre/post checks) is
# compiled nowhere else; it must build, without warnings, for try-runtime-cli to dry-run an
# upgrade against a live chain's state.
step "cargo clippy: the runtime with the try-runtime feature"
SKIP_WASM_BUILD=1 cargo clippy -p salus-runtime --features try-runtime --locked -- -D warnings

step "cargo build"
salus_build

# The gateway's shared outbox is tested against a real PostgreSQL server, started here.
step "PostgreSQL for the gateway's shared outbox"
pg_dir="$(mktemp -d)"
pg_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
SALUS_TEST_POSTGRES="$(scripts/postgres.sh start "$pg_dir" "$pg_port")"
export SALUS_TEST_POSTGRES SALUS_REQUIRE_POSTGRES=1
cleanup() {
	if [[ -n "${fuzz_pid:-}" ]]; then kill "$fuzz_pid" 2>/dev/null || true; fi
	rm -f "${fuzz_log:-}"
	scripts/postgres.sh stop "$pg_dir"
}
trap cleanup EXIT

step "npm ci: polkadot.js for the end-to-end tests"
(cd node/tests/polkadot-js && npm ci --silent --no-audit --no-fund)

# The web app: its typed client is generated from web/.papi/metadata/salus.scale, so the build
# (tsc) fails when the app no longer matches that metadata, and the browser test first checks
# that the metadata is the runtime's (the dev node it starts).
step "web app: npm ci, unit tests, build"
(cd web && npm ci --silent --no-audit --no-fund && npm test && npm run build)

step "web app: end-to-end test in headless Chromium against a dev node"
(cd web && npm run e2e)

# The fuzzer needs the CPU, the end-to-end scenarios mostly wait for blocks: run them together.
step "runtime fuzzer started: ${SALUS_FUZZ_EXTRINSICS:-100000} random extrinsics, seed ${SALUS_FUZZ_SEED:-1} (fuzz/README.md)"
fuzz_log="$(mktemp)"
"$CARGO_TARGET_DIR/debug/salus-fuzz" --extrinsics "${SALUS_FUZZ_EXTRINSICS:-100000}" \
	--seed "${SALUS_FUZZ_SEED:-1}" --progress 60 >"$fuzz_log" 2>&1 &
fuzz_pid=$!

# Each end-to-end scenario runs its own node and spends most of its time waiting for blocks, so
# they run four at a time (unit tests too; they only interleave). Eight debug nodes starting at
# once took over three minutes each to compile the runtime on two cores.
step "cargo test: unit tests and end-to-end tests against salus-node"
RUST_TEST_THREADS="${RUST_TEST_THREADS:-4}" cargo test "${SALUS_CARGO_FLAGS[@]}"

# The fault suite needs root and network namespaces; where the machine has neither, it says so.
if [[ "$(id -u)" == 0 ]] && ip netns add "salus-probe-$$" 2>/dev/null; then
	ip netns del "salus-probe-$$"
	step "fault suite: four validators in network namespaces, crashed, cut, partitioned, restarted"
	scripts/faults.sh
else
	step "fault suite SKIPPED: it needs root and network namespaces (ip netns); run scripts/faults.sh where they exist"
fi

step "the node's container image (ops/docker), where a Docker daemon runs"
scripts/docker-smoke.sh

step "waiting for the runtime fuzzer"
if ! wait "$fuzz_pid"; then
	cat "$fuzz_log" >&2
	die "the runtime fuzzer found a failure (above)"
fi
tail -n 4 "$fuzz_log"

step "chain specs are up to date"
scripts/build-chain-specs.sh --check

step "all checks passed in $((SECONDS - started))s"
