#!/usr/bin/env bash
# Builds the book and tests its Rust examples, as CI does (.ci/run):
#
#   scripts/book.sh            mdbook build (a warning, such as a broken include, fails it)
#                              and mdbook test, with the plugin SDK built for the host so the
#                              examples that use it compile
#
# mdBook is installed from crates.io into target/tools (once; `MDBOOK=path` uses another).
# Internal links and includes are also checked by `cargo test` (tests/book.rs), which runs
# without mdBook.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly MDBOOK_VERSION=0.5.4
mdbook=${MDBOOK:-target/tools/bin/mdbook}
if ! [ -x "$mdbook" ] || ! "$mdbook" --version | grep -q "v$MDBOOK_VERSION"; then
    echo "installing mdBook $MDBOOK_VERSION into target/tools (about 2 minutes on 2 cores)"
    cargo install --locked --quiet --root target/tools --version "$MDBOOK_VERSION" mdbook
    mdbook=target/tools/bin/mdbook
fi

# mdbook build only warns on a broken include: any warning or error fails here.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log="$out/build.log"
"$mdbook" build book -d "$out/html" 2>&1 | tee "$log"
if grep -E '(WARN|ERROR)' "$log" >/dev/null; then
    echo "book: mdbook build warned (above): fix the page" >&2
    exit 1
fi

# The examples use the plugin SDK: build it for the host, and hand it to rustdoc as an
# extern crate (mdbook test passes only -L, which Rust 2018 and later do not read for `use`).
cargo build --locked --quiet --manifest-path plugins/Cargo.toml -p kaizen-plugin-sdk --target-dir target/book-sdk
deps="$PWD/target/book-sdk/debug/deps"
sdk=$(ls -t "$deps"/libkaizen_plugin_sdk-*.rlib | head -1)
rustdoc=$(rustup which rustdoc 2>/dev/null || command -v rustdoc)
mkdir -p "$out/bin"
cat > "$out/bin/rustdoc" <<WRAPPER
#!/bin/sh
exec "$rustdoc" --extern kaizen_plugin_sdk="$sdk" "\$@"
WRAPPER
chmod +x "$out/bin/rustdoc"
PATH="$out/bin:$PATH" "$mdbook" test book -L "$deps"
