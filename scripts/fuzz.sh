#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for a while (cargo-fuzz, nightly Rust), seeded with the
# repository's fixtures, and replays the regression inputs in fuzz/regressions/:
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      default: 30 s, every target
#
# `redact` builds in seconds; the other targets need the whole engine (feature `engine`),
# whose build with sanitizers takes many minutes on two cores (see book/src/performance.md).
# Installs cargo-fuzz when missing. A crash leaves its input in fuzz/artifacts/<target>/:
# fix the cause, then copy the input to fuzz/regressions/<target>/ so that
# tests/fuzz_regressions.rs replays it on stable Rust from then on.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-30}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(redact plugin_response pipeline_import assessment_file parse_documents)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

cd "$ROOT/fuzz"
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback
# Seeds: fuzz/seeds/<target>/, and the fixtures of the pipeline importers.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in "${targets[@]}"; do
    corpus="corpus/$target"
    mkdir -p "$corpus"
    dirs=("$corpus" "regressions/$target")
    [[ -d "seeds/$target" ]] && dirs+=("seeds/$target")
    [[ $target == pipeline_import ]] && dirs+=("$ROOT"/tests/pipelines/*/)
    # Every target but `redact` needs the engine (feature `engine`, a long build).
    features=()
    [[ $target == redact ]] || features=(--features engine)
    echo "== fuzz $target for ${seconds}s"
    status=0
    cargo +nightly fuzz run "${features[@]}" "$target" "${dirs[@]}" -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        >"$log" 2>&1 || status=$?
    grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|SUMMARY|thread .* panicked)' "$log" || true
    if [[ $status != 0 ]]; then
        tail -n 40 "$log" >&2
        echo "error: fuzz target $target failed (exit $status); the input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
done
