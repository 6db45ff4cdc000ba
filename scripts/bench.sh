#!/usr/bin/env bash
# Kaizen's benchmarks. Prints figures; asserts nothing (these machines are noisy: compare
# ratios measured in the same run).
#
#   scripts/bench.sh [TARGET]      TARGET defaults to this checkout
#
# 1. `kaizen assess TARGET` wall time, cold (empty compilation cache, every run) and warm
#    (cache filled), median of several runs, release build.
# 2. The per-invocation overhead of a trivial plugin and the compile time of the `ci`
#    plugin (criterion, engine/benches/invoke.rs; median printed by criterion).
# 3. The size of every committed module.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:-$ROOT}"
RUNS_COLD="${RUNS_COLD:-5}"
RUNS_WARM="${RUNS_WARM:-10}"

cd "$ROOT"
cargo build --release --locked -q
KAIZEN="$ROOT/target/release/kaizen"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_ms() {
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 ))
}

echo "== kaizen assess $TARGET ($(nproc) cores)"
for i in $(seq "$RUNS_COLD"); do
    time_ms env KAIZEN_CACHE_DIR="$work/cold-$i" "$KAIZEN" assess "$TARGET" --quiet --out "$work/out"
done | median | xargs printf "cold cache: median %s ms over $RUNS_COLD runs\n"
env KAIZEN_CACHE_DIR="$work/warm" "$KAIZEN" assess "$TARGET" --quiet --out "$work/out" >/dev/null 2>&1
for i in $(seq "$RUNS_WARM"); do
    time_ms env KAIZEN_CACHE_DIR="$work/warm" "$KAIZEN" assess "$TARGET" --quiet --out "$work/out"
done | median | xargs printf "warm cache: median %s ms over $RUNS_WARM runs\n"
python3 - "$work/out/result.json" <<'PY' || true
import json, sys
r = json.load(open(sys.argv[1]))
for t in r["targets"]:
    print(f"  {t['name']}: {t['files']} files, {len(t['findings'])} findings, {len(t['errors'])} plugin errors")
PY

echo "== plugin invocation (criterion)"
cargo bench --locked -q --bench invoke -- --noplot >/dev/null 2>&1
python3 - "$ROOT/target/criterion/plugin" <<'PY'
import json, pathlib, sys
for bench in sorted(pathlib.Path(sys.argv[1]).iterdir()):
    estimates = bench / "new" / "estimates.json"
    if not estimates.exists():
        continue
    e = json.loads(estimates.read_text())
    n = sum(json.loads((bench / "new" / "sample.json").read_text())["iters"])
    print(f"{bench.name}: median {e['median']['point_estimate'] / 1000:.1f} us over {int(n)} runs")
PY

echo "== committed modules"
for f in plugins/dist/*/*.wasm tests/plugins/dist/*/*.wasm; do
    printf "%8d bytes  %s\n" "$(wc -c <"$f")" "$f"
done
