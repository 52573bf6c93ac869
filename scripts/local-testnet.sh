#!/usr/bin/env bash
# Usage: scripts/local-testnet.sh
#
# Starts the four validators of the local network (Alice, Bob, Charlie, Dave) from
# chain-specs/local.json, on loopback only: p2p ports 30333-30336, RPC ports 9944-9947. Logs go
# to a temporary directory. Ctrl-C stops all four cleanly.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -x "$SALUS_NODE" ]] || { "$SALUS_ROOT/scripts/setup.sh"; salus_build; }
spec="$SALUS_ROOT/chain-specs/local.json"
[[ -f "$spec" ]] || die "$spec is missing: run scripts/build-chain-specs.sh"

work="$(mktemp -d -t salus-local-XXXXXX)"
pids=()
stop() {
	trap - INT TERM EXIT
	log "stopping validators"
	for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$work"
	exit "$1"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

# Alice's fixed network key gives her a known peer id, which the others use as bootnode.
alice_key="0000000000000000000000000000000000000000000000000000000000000001"
printf '%s' "$alice_key" >"$work/alice.key"
alice_peer="$("$SALUS_NODE" key inspect-node-key --file "$work/alice.key")"
bootnode="/ip4/127.0.0.1/tcp/30333/p2p/$alice_peer"

i=0
for name in alice bob charlie dave; do
	p2p=$((30333 + i)) rpc=$((9944 + i))
	args=(--chain "$spec" "--$name" --base-path "$work/$name" --port "$p2p" --rpc-port "$rpc"
		--listen-addr "/ip4/127.0.0.1/tcp/$p2p" --no-prometheus --no-telemetry --no-mdns)
	if [[ $name == alice ]]; then
		args+=(--node-key-file "$work/alice.key")
	else
		args+=(--bootnodes "$bootnode")
	fi
	"$SALUS_NODE" "${args[@]}" >"$work/$name.log" 2>&1 &
	pids+=($!)
	printf '  %-8s RPC ws://127.0.0.1:%s   p2p %s   log %s\n' "$name" "$rpc" "$p2p" "$work/$name.log"
	i=$((i + 1))
done
log "4 validators running; Ctrl-C stops them"
wait -n "${pids[@]}" || true
die "a validator exited; see the logs above"
