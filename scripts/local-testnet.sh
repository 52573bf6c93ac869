#!/usr/bin/env bash
# Usage: scripts/local-testnet.sh
#
# Starts the four validators of the local network (Alice, Bob, Charlie, Dave) from the local
# chain spec, on loopback only: p2p ports 30333-30336, RPC ports 9944-9947. It first checks that
# chain-specs/local.json matches the runtime, then runs the spec exported by the current build
# (same genesis, current runtime code). Logs go to a temporary directory. Ctrl-C stops all four.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -x "$SALUS_NODE" ]] || { "$SALUS_ROOT/scripts/setup.sh"; salus_build; }
"$SALUS_ROOT/scripts/build-chain-specs.sh" --check ||
	die "chain-specs/ does not match the runtime: run scripts/build-chain-specs.sh"

work="$(mktemp -d -t salus-local-XXXXXX)"
spec="$work/local.json"
"$SALUS_NODE" export-chain-spec --chain local --output "$spec" >/dev/null 2>&1 ||
	die "could not export the local chain spec"
pids=()
stop() {
	trap - INT TERM EXIT
	log "stopping validators"
	# Background jobs of a script ignore SIGINT, so the nodes are asked to stop with SIGTERM.
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [[ $1 -eq 0 ]]; then
		rm -rf "$work"
	else
		for log_file in "$work"/*.log; do
			printf '\n--- %s ---\n' "$log_file" >&2
			tail -n 15 "$log_file" >&2
		done
	fi
	exit "$1"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

# Fixed network keys (…01 to …04) give the validators known peer ids; Alice is the bootnode.
i=0
for name in alice bob charlie dave; do
	i=$((i + 1))
	printf '%063d%d' 0 "$i" >"$work/$name.key"
done
alice_peer="$("$SALUS_NODE" key inspect-node-key --file "$work/alice.key")"
bootnode="/ip4/127.0.0.1/tcp/30333/p2p/$alice_peer"

i=0
for name in alice bob charlie dave; do
	p2p=$((30333 + i)) rpc=$((9944 + i))
	args=(--chain "$spec" "--$name" --base-path "$work/$name" --rpc-port "$rpc"
		--listen-addr "/ip4/127.0.0.1/tcp/$p2p" --node-key-file "$work/$name.key"
		--no-prometheus --no-telemetry --no-mdns)
	[[ $name == alice ]] || args+=(--bootnodes "$bootnode")
	"$SALUS_NODE" "${args[@]}" >"$work/$name.log" 2>&1 &
	pids+=($!)
	printf '  %-8s RPC ws://127.0.0.1:%s   p2p %s   log %s\n' "$name" "$rpc" "$p2p" "$work/$name.log"
	i=$((i + 1))
done
log "4 validators running; Ctrl-C stops them"
wait -n "${pids[@]}" || true
die "a validator exited; its log is below (kept in $work)"
