#!/usr/bin/env bash
# Builds every Kaizen plugin to a WebAssembly module and copies it, with its manifest,
# into the dist folder of its workspace:
#   plugins/<crate>/               -> plugins/dist/<id>/{plugin.toml,<wasm>}  (built-in, embedded)
#   plugins/test-programs/<crate>/ -> tests/plugins/dist/<id>/...             (test plugins)
#
#   scripts/build-plugins.sh [--check] [--toolchain debian|rustup]
#
# --check rebuilds into a temporary folder and fails if anything differs from what is
# committed. Builds are reproducible: release profile (opt-level "s", LTO, one codegen
# unit, stripped) with the checkout and cargo home remapped out of the binary. The
# committed modules come from the Debian toolchain (Rust 1.63); rustup's wasm32-wasip1
# builds the same sources but not byte-identical modules.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
check=0
toolchain=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --check) check=1 ;;
        --toolchain) toolchain="$2"; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "error: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

# The toolchain logic lives in wasm-cargo.sh, shared with `kaizen plugin build`.
read -r toolchain target < <("$ROOT/scripts/wasm-cargo.sh" ${toolchain:+--toolchain "$toolchain"} --detect) || exit 1
[[ -n "$target" ]] || exit 1

build_dir="$(mktemp -d)"
trap 'rm -rf "$build_dir"' EXIT

# build OUT_ROOT: builds the workspace once and copies each plugin to its dist folder
# under OUT_ROOT (plugins/dist for plugins/<crate>, tests/plugins/dist for test programs).
build() {
    local out="$1"
    echo "building plugins with the $toolchain toolchain ($target)" >&2
    (cd "$ROOT/plugins" && CARGO_TARGET_DIR="$build_dir/target" \
        "$ROOT/scripts/wasm-cargo.sh" --toolchain "$toolchain" --remap "$ROOT=/kaizen" -- \
        build --locked --release --workspace --bins -q)
    local manifest crate id wasm dist
    for manifest in "$ROOT"/plugins/*/plugin.toml "$ROOT"/plugins/test-programs/*/plugin.toml; do
        crate="$(dirname "$manifest")"
        case "$crate" in
            "$ROOT"/plugins/test-programs/*) dist="$out/tests/plugins/dist" ;;
            *) dist="$out/plugins/dist" ;;
        esac
        id="$(sed -n 's/^id *= *"\(.*\)"/\1/p' "$manifest" | head -n1)"
        wasm="$(sed -n 's/^wasm *= *"\(.*\)"/\1/p' "$manifest" | head -n1)"
        if [[ -z "$id" || -z "$wasm" ]]; then
            echo "error: $manifest lacks id or wasm" >&2
            exit 1
        fi
        mkdir -p "$dist/$id"
        cp "$manifest" "$dist/$id/plugin.toml"
        cp "$build_dir/target/$target/release/${wasm}" "$dist/$id/$wasm"
        echo "  $id: $(wc -c <"$dist/$id/$wasm") bytes" >&2
    done
}

# Build aside first: a build that fails leaves the committed modules as they were.
build "$build_dir/out"
if [[ $check == 0 ]]; then
    for rel in plugins/dist tests/plugins/dist; do
        rm -rf "${ROOT:?}/$rel"
        cp -R "$build_dir/out/$rel" "$ROOT/$rel"
    done
    exit 0
fi

status=0
for rel in plugins/dist tests/plugins/dist; do
    if ! diff -r "$ROOT/$rel" "$build_dir/out/$rel" >"$build_dir/diff.txt" 2>&1; then
        echo "error: $rel differs from a rebuild of its sources; run scripts/build-plugins.sh and commit the result" >&2
        cat "$build_dir/diff.txt" >&2
        status=1
    fi
done
[[ $status == 0 ]] && echo "plugins/dist and tests/plugins/dist match a rebuild" >&2
exit $status
