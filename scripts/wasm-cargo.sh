#!/usr/bin/env bash
# Runs cargo for WebAssembly (WASI preview 1) with whichever plugin toolchain is installed.
# The one place that knows the toolchains: scripts/build-plugins.sh calls it, and
# `kaizen plugin build` embeds and runs this very file, so the two cannot drift.
#
#   wasm-cargo.sh [--toolchain debian|rustup] --detect
#       prints "<toolchain> <target>" (e.g. "debian wasm32-wasi") and exits 0, or says
#       what to install and exits 1
#   wasm-cargo.sh [--toolchain debian|rustup] [--remap DIR=TO]... -- CARGO_ARGS...
#       runs cargo CARGO_ARGS --target <target> with the toolchain's environment
#
# Toolchains, in order of preference:
#   debian  Debian's rustc 1.63, cargo 1.65 and libstd-rust-dev-wasm32 in /usr/bin and
#           /usr/lib/rustlib/wasm32-wasi (target wasm32-wasi); the committed built-in
#           modules are built with it. Cargo 1.65 reaches crates.io only through the
#           sparse protocol, which it considers unstable, hence the environment below.
#   rustup  rustup's wasm32-wasip1 target with the current toolchain.
# --remap adds --remap-path-prefix=DIR=TO to RUSTFLAGS (reproducible builds); the cargo
# home is always remapped to /cargo.
set -euo pipefail

toolchain=""
detect=0
remaps=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --toolchain) toolchain="$2"; shift ;;
        --detect) detect=1 ;;
        --remap) remaps+=("--remap-path-prefix=$2"); shift ;;
        --) shift; break ;;
        *) echo "error: wasm-cargo.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

have_debian() {
    # rust-lld is Debian's link to lld-14, which the packages only recommend: a dangling
    # link means the linker is missing.
    [[ -x /usr/bin/rustc && -x /usr/bin/cargo && -d /usr/lib/rustlib/wasm32-wasi/lib && -x /usr/bin/rust-lld ]]
}
have_rustup() {
    command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1
}

if [[ -z "$toolchain" ]]; then
    if have_debian; then
        toolchain=debian
    elif have_rustup; then
        toolchain=rustup
    else
        cat >&2 <<'EOF'
error: no WebAssembly toolchain to build plugins with. Install one of:
  - rustup's target:  rustup target add wasm32-wasip1
  - Debian's packages (Rust 1.63):  sudo apt-get install rustc cargo libstd-rust-dev-wasm32
(in a Kaizen checkout, scripts/install-wasm-toolchain.sh does either)
EOF
        exit 1
    fi
fi

case "$toolchain" in
    debian)
        have_debian || { echo "error: the Debian toolchain is not installed: sudo apt-get install rustc cargo libstd-rust-dev-wasm32 lld" >&2; exit 1; }
        target=wasm32-wasi
        cargo_cmd=(env RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
            __CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS=nightly
            CARGO_UNSTABLE_SPARSE_REGISTRY=true CARGO_REGISTRIES_CRATES_IO_PROTOCOL=sparse
            /usr/bin/cargo)
        ;;
    rustup)
        have_rustup || { echo "error: rustup's wasm32-wasip1 target is not installed: rustup target add wasm32-wasip1" >&2; exit 1; }
        target=wasm32-wasip1
        cargo_cmd=(cargo)
        ;;
    *) echo "error: unknown toolchain $toolchain (debian or rustup)" >&2; exit 2 ;;
esac

if [[ $detect == 1 ]]; then
    echo "$toolchain $target"
    exit 0
fi

CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
remaps+=("--remap-path-prefix=$CARGO_HOME=/cargo")
RUSTFLAGS="${remaps[*]}" exec "${cargo_cmd[@]}" "$@" --target "$target"
