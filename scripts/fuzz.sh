#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for a while (cargo-fuzz, nightly Rust), seeded with the
# repository's fixtures, and replays the regression inputs in fuzz/regressions/:
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      default: 30 s, every target
#   SANITIZER=address scripts/fuzz.sh 600 model           with AddressSanitizer
#
# `redact` needs only kaizen-secrets; the other targets need the engine (feature `engine`).
# All are built once, before the first run, without a sanitizer unless SANITIZER says so:
# the code fuzzed is safe Rust, and fuzz/Cargo.toml leaves wasmtime and Cranelift
# unoptimised, which the targets never run (see book/src/performance.md for the costs).
# Installs cargo-fuzz when missing. A crash leaves its input in fuzz/artifacts/<target>/:
# fix the cause, then copy the input to fuzz/regressions/<target>/ so that
# tests/fuzz_regressions.rs replays it on stable Rust from then on.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-30}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(redact plugin_response pipeline_import assessment_file model answers parse_documents)
sanitizer="${SANITIZER:-none}"

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

cd "$ROOT/fuzz"
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Every target but `redact` needs the engine (feature `engine`, the long build).
features=()
for target in "${targets[@]}"; do [[ $target == redact ]] || features=(--features engine); done
echo "== build ${targets[*]} (sanitizer: $sanitizer)"
start=$SECONDS
for target in "${targets[@]}"; do
    cargo +nightly fuzz build -s "$sanitizer" "${features[@]}" "$target"
done
echo "== built in $((SECONDS - start)) s"
# Seeds: fuzz/seeds/<target>/, and the fixtures of the pipeline importers.
for target in "${targets[@]}"; do
    corpus="corpus/$target"
    mkdir -p "$corpus"
    dirs=("$corpus" "regressions/$target")
    [[ -d "seeds/$target" ]] && dirs+=("seeds/$target")
    [[ $target == pipeline_import ]] && dirs+=("$ROOT"/tests/pipelines/*/)
    echo "== fuzz $target for ${seconds}s"
    status=0
    cargo +nightly fuzz run -s "$sanitizer" "${features[@]}" "$target" "${dirs[@]}" -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        >"$log" 2>&1 || status=$?
    grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|SUMMARY|thread .* panicked)' "$log" || true
    if [[ $status != 0 ]]; then
        tail -n 40 "$log" >&2
        echo "error: fuzz target $target failed (exit $status); the input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
done
