#!/usr/bin/env bash
# Usage: scripts/setup.sh
#
# Installs what a fresh Debian machine lacks to build and test Salus: the C toolchain and
# libraries some crates build (pkg-config, libssl-dev), protoc (libp2p), PostgreSQL (the
# gateway's shared outbox is tested against a real server), Node.js and npm (the polkadot.js
# end-to-end check), the Rust wasm target and rust-src. Idempotent: installs only what is missing. Fails with a clear message when
# something cannot be installed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_PACKAGES=(build-essential pkg-config libssl-dev protobuf-compiler git postgresql chromium)

sudo=()
if [[ $(id -u) -ne 0 ]]; then
	if command -v sudo >/dev/null; then sudo=(sudo); fi
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
	command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get: install them by hand"
	if [[ $(id -u) -ne 0 && ${#sudo[@]} -eq 0 ]]; then
		die "missing ${missing[*]}: run as root or install sudo"
	fi
	log "apt-get install ${missing[*]}"
	"${sudo[@]}" apt-get update -qq || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi
command -v protoc >/dev/null || die "protoc is still missing after installing protobuf-compiler"
# python3 checks the chain specs; any python3 on PATH will do (Debian's, pyenv's...).
if ! command -v python3 >/dev/null; then
	log "apt-get install python3"
	"${sudo[@]}" apt-get install -y -qq python3 >/dev/null || die "could not install python3"
fi

# Node.js and npm run the polkadot.js end-to-end check.
if ! command -v npm >/dev/null; then
	log "apt-get install nodejs npm"
	"${sudo[@]}" apt-get update -qq || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq nodejs npm >/dev/null ||
		die "could not install nodejs and npm"
fi

# The web app's build (Vite 8) needs Node.js 20.19 or newer.
node_version="$(node -p 'process.versions.node')"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
	die "Node.js $node_version is too old for the web app (web/): install Node.js 20.19 or newer"

command -v rustup >/dev/null || die "rustup is missing: install Rust with rustup (https://rustup.rs)"
command -v cargo >/dev/null || die "cargo is missing from PATH"
if ! rustup target list --installed | grep -qx wasm32v1-none; then
	log "rustup target add wasm32v1-none"
	rustup target add wasm32v1-none || die "could not add the wasm32v1-none target"
fi
if ! rustup component list --installed | grep -q '^rust-src'; then
	log "rustup component add rust-src"
	rustup component add rust-src || die "could not add rust-src"
fi
for component in rustfmt clippy; do
	if ! rustup component list --installed | grep -q "^$component"; then
		log "rustup component add $component"
		rustup component add "$component" || die "could not add $component"
	fi
done

log "setup complete: $(rustc --version), target dir $CARGO_TARGET_DIR"
