# Shared by the Salus scripts: where builds go and the one feature set every command uses.
# Sourced, not run.

# The repository root, whatever the caller's working directory.
SALUS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SALUS_ROOT

# One target directory outside the checkout, shared by every clone on this machine (and CI).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/salus/target}"

# One feature set for build, clippy, tests and the dev node, so the dependency graph compiles
# once. `runtime-benchmarks` is on so that `benchmark pallet` and the benchmark tests exist.
SALUS_CARGO_FLAGS=(--workspace --all-targets --features runtime-benchmarks --locked)

# The node binary those flags build.
SALUS_NODE="$CARGO_TARGET_DIR/debug/salus-node"

log() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31merror: %s\033[0m\n' "$*" >&2; exit 1; }

# Builds the workspace (node, runtime and every test target) with the shared feature set.
salus_build() {
	log "cargo build ${SALUS_CARGO_FLAGS[*]}"
	(cd "$SALUS_ROOT" && cargo build "${SALUS_CARGO_FLAGS[@]}")
}
