#!/usr/bin/env bash
# Usage: benchmarks/bench.sh [read|write|finality|all] [--smoke]
#
# The load harness with a release-built load generator: the read-path, write-path and
# finality scenarios of node/tests/e2e (the same code CI runs in smoke mode against the debug
# node) compiled with optimisations in the `benchmark` profile, run against the production
# node ($CARGO_TARGET_DIR/production/salus-node, built by scripts/build-release.sh if missing).
# Each run writes its dated report (markdown and CSV) into benchmarks/reports/; then
# benchmarks/plot.sh draws the PNGs. The generator shares the machine's cores with the node:
# the reports say so.
#
# Sizes: SALUS_READ_PATH_REQUESTS (default 2000), SALUS_WRITE_PATH_BLOCKS (20),
# SALUS_FINALITY_BLOCKS (20). `--smoke` runs each scenario at its CI size instead, writing
# no report: a check that the harness builds and runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$SALUS_ROOT"

what="${1:-all}"
smoke=""
[[ "${2:-}" == "--smoke" || "$what" == "--smoke" ]] && smoke=1
[[ "$what" == "--smoke" ]] && what=all
case "$what" in read | write | finality | all) ;; *) die "usage: benchmarks/bench.sh [read|write|finality|all] [--smoke]" ;; esac

node="$CARGO_TARGET_DIR/production/salus-node"
[[ -x "$node" ]] || scripts/build-release.sh
started=$SECONDS
log "building the load generator (node/tests/e2e, benchmark profile)"
bench=$(cargo test --locked --profile benchmark -p salus-node --features runtime-benchmarks \
	--test e2e --no-run --message-format=json 2>/dev/null |
	sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
[[ -x "$bench" ]] || die "the load generator did not build (run the cargo test command above without --message-format to see why)"
log "load generator: $bench (built in $((SECONDS - started)) s)"

reports="$SALUS_ROOT/benchmarks/reports"
export SALUS_E2E_NODE="$node"
if [[ -z "$smoke" ]]; then
	export SALUS_READ_PATH_REQUESTS="${SALUS_READ_PATH_REQUESTS:-2000}"
	export SALUS_WRITE_PATH_BLOCKS="${SALUS_WRITE_PATH_BLOCKS:-20}"
	export SALUS_FINALITY_BLOCKS="${SALUS_FINALITY_BLOCKS:-20}"
	export SALUS_READ_PATH_REPORT="$reports" SALUS_WRITE_PATH_REPORT="$reports"
	export SALUS_LOAD_GENERATOR="release (benchmark profile)"
fi
cd "$SALUS_ROOT/node"
run() {
	log "$*"
	"$bench" "$@" --nocapture --test-threads 1
}
case "$what" in
	read) run read_path::read_path ;;
	write) run write_path::write_path --exact ;;
	finality) run write_path::finality_under_load --ignored ;;
	all)
		run read_path::read_path
		run write_path::write_path --exact
		run write_path::finality_under_load --ignored
		;;
esac
log "done in $((SECONDS - started)) s; reports in benchmarks/reports/ (benchmarks/plot.sh draws the PNGs)"
