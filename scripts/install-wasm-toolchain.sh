#!/usr/bin/env bash
# Installs a toolchain that builds Kaizen plugins (wasm32-wasi, WASI preview 1).
#
# Idempotent: does nothing when one is already there. Prefers rustup's `wasm32-wasip1`
# target when rustup can provide it; otherwise installs Debian's Rust 1.63 with its
# `wasm32-wasi` standard library (packages rustc, cargo, libstd-rust-dev-wasm32).
# The committed modules in plugins/dist are built with the Debian toolchain, so
# `build-plugins.sh --check` needs that one; pass --debian to insist on it.
set -euo pipefail

want_debian=0
[[ "${1:-}" == "--debian" ]] && want_debian=1

# What counts as installed is wasm-cargo.sh's to say (it builds with what it detects).
wasm_cargo="$(dirname "${BASH_SOURCE[0]}")/wasm-cargo.sh"
have_debian() {
    "$wasm_cargo" --toolchain debian --detect >/dev/null 2>&1
}

have_rustup_target() {
    "$wasm_cargo" --toolchain rustup --detect >/dev/null 2>&1
}

if have_debian; then
    echo "wasm toolchain: Debian $(/usr/bin/rustc --version) with wasm32-wasi (already installed)"
    exit 0
fi
if [[ $want_debian == 0 ]] && have_rustup_target; then
    echo "wasm toolchain: rustup target wasm32-wasip1 (already installed)"
    exit 0
fi
if [[ $want_debian == 0 ]] && command -v rustup >/dev/null 2>&1 && rustup target add wasm32-wasip1 >/dev/null 2>&1; then
    echo "wasm toolchain: rustup target wasm32-wasip1 (installed)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: no wasm32-wasi toolchain, no rustup target wasm32-wasip1 and no apt-get to install one" >&2
    echo "       install rustup's target with: rustup target add wasm32-wasip1" >&2
    exit 1
fi
SUDO=""
[[ $(id -u) != 0 ]] && SUDO="sudo"
echo "wasm toolchain: installing Debian's rustc, cargo, libstd-rust-dev-wasm32 and lld" >&2
$SUDO apt-get update -qq
# lld (the linker behind /usr/bin/rust-lld) is only recommended by the Rust packages.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    rustc cargo libstd-rust-dev-wasm32 lld >/dev/null
have_debian || { echo "error: Debian packages installed but /usr/lib/rustlib/wasm32-wasi is missing" >&2; exit 1; }
echo "wasm toolchain: Debian $(/usr/bin/rustc --version) with wasm32-wasi (installed)"
