#!/usr/bin/env bash
# Usage: scripts/faults.sh [--report FILE]
#
# The fault suite (node/tests/e2e/faults.rs): the four-validator local network, each validator
# in a network namespace of its own on a veth link, crashed, cut off, partitioned 2 | 2 and
# restarted, with a client sending transactions to a validator that then crashes. It prints what
# it measured (recovery times) and, with --report, writes it to FILE.
#
# Needs root and iproute2 (`ip netns`). Everything it changes is inside a network namespace it
# makes for the purpose (forwarding, routes, the cuts) and the validators' own namespaces; all of
# them are removed when it ends, passes or fails.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SALUS_ROOT"

report=""
while [[ $# -gt 0 ]]; do
	case "$1" in
		--report) report="$(realpath -m "${2:?--report needs a file}")"; shift 2 ;;
		-h|--help) sed -n '2,12p' "$0"; exit 0 ;;
		*) die "unknown argument $1 (see --help)" ;;
	esac
done

[[ "$(id -u)" == 0 ]] || die "the fault suite needs root (it makes network namespaces)"
command -v ip >/dev/null || die "the fault suite needs iproute2 (apt-get install iproute2)"

log "building the node and the end-to-end tests"
cargo build "${SALUS_CARGO_FLAGS[@]}"
binary="$(cargo test "${SALUS_CARGO_FLAGS[@]}" --test e2e --no-run --message-format=json 2>/dev/null \
	| python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "e2e" and m.get("executable"):
        print(m["executable"])')"
[[ -x "$binary" ]] || die "no end-to-end test binary found"

hub="salus-faults-$$"
cleanup() {
	# Best effort, every step: a process may exit between listing and killing it.
	set +e
	# The validators' namespaces carry the test's process id; the test removes them, and what a
	# crash of the test leaves is removed here.
	for ns in $(ip netns list | awk '{print $1}' | grep -E -- "^salus-(alice|bob|charlie|dave)-[0-9]+$" || true); do
		pid="${ns##*-}"
		if ! kill -0 "$pid" 2>/dev/null; then ip netns pids "$ns" | xargs -r kill -9; ip netns del "$ns"; fi
	done
	ip netns pids "$hub" 2>/dev/null | xargs -r kill -9
	ip netns del "$hub" 2>/dev/null
	# The validators' databases, if the test binary did not get to remove them.
	rm -rf "${TMPDIR:-/tmp}/salus-faults-$test_pid" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$hub"

log "fault suite in network namespace $hub (about ten minutes)"
test_pid=""
SALUS_FAULTS_NAMESPACE="$hub" SALUS_FAULTS_REPORT="$report" \
	ip netns exec "$hub" "$binary" --ignored --exact faults::validators_survive_crashes_cuts_and_restarts --nocapture &
test_pid=$!
wait "$test_pid"
