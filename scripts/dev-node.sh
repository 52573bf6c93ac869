#!/usr/bin/env bash
# Usage: scripts/dev-node.sh [extra salus-node flags...]
#
# Sets the machine up, builds Salus and starts a single-validator development chain (Alice
# authors, finalises and is sudo) with RPC on 127.0.0.1:9944. State is temporary (--tmp).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$SALUS_ROOT/scripts/setup.sh"
salus_build

cat >&2 <<INFO

  Salus dev chain: RPC on ws://127.0.0.1:9944

  polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944#/explorer
    (or a local apps build: Settings -> custom endpoint ws://127.0.0.1:9944)
  Wallets (polkadot.js extension, Talisman, SubWallet): add the custom network
    ws://127.0.0.1:9944; token SLS, 12 decimals, SS58 prefix 42.
  Dev accounts: //Alice, //Bob, ... hold 1 000 000 SLS each.

INFO

exec "$SALUS_NODE" --dev --tmp --rpc-port 9944 --rpc-cors all "$@"
