#!/usr/bin/env bash
# Usage: scripts/postgres.sh start <dir> <port>
#        scripts/postgres.sh stop <dir>
#
# A throwaway PostgreSQL server for the tests (the gateway's shared outbox): a new cluster in
# <dir>, listening on 127.0.0.1:<port> only, trust authentication for the `postgres` user,
# fsync off (nothing in it outlives the test run). Run as root, it runs the server as the
# `postgres` user, which Debian's postgresql package creates; PostgreSQL refuses to run as
# root. `start` prints the URL tests connect to.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
	[[ -x "$candidate/initdb" ]] && bin="$candidate"
done
[[ -n "$bin" ]] || die "no PostgreSQL server (initdb) under /usr/lib/postgresql: scripts/setup.sh installs it"

as_owner=()
if [[ $(id -u) -eq 0 ]]; then
	id postgres >/dev/null 2>&1 || die "running as root and there is no postgres user to run the server as"
	as_owner=(runuser -u postgres --)
fi

case "${1:-}" in
start)
	dir="${2:?usage: scripts/postgres.sh start <dir> <port>}"
	port="${3:?usage: scripts/postgres.sh start <dir> <port>}"
	mkdir -p "$dir"
	if [[ ${#as_owner[@]} -gt 0 ]]; then chown postgres: "$dir"; fi
	"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 ||
		die "initdb failed: $(tail -n 3 "$dir/initdb.log")"
	"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" \
		start >/dev/null || die "the PostgreSQL server did not start: $(tail -n 5 "$dir/server.log")"
	echo "postgres://postgres@127.0.0.1:$port/postgres"
	;;
stop)
	dir="${2:?usage: scripts/postgres.sh stop <dir>}"
	if [[ -d "$dir/data" ]]; then
		"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	die "usage: scripts/postgres.sh start <dir> <port> | stop <dir>"
	;;
esac
