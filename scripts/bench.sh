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
# 3. Many repositories: a generated organisation (scripts/gen-org.sh) of 100, 300 and
#    1,000 small repositories assessed end to end with every built-in plugin, warm cache:
#    wall time, repositories per second and peak memory (ORG_SIZES to change the sizes).
# 4. Peers on the first 100 of those repositories (PEER_REPOS), when installed: checkov,
#    zizmor, detect-secrets, each doing its part, against Kaizen on the same repositories.
# 5. The size of every committed module.
# 6. One large repository (LARGE_REPO=/path/to/checkout, with its git history): `kaizen
#    assess` with every built-in plugin against the physical limit measured in the same
#    run, a plain program (engine/examples/plain_walk.rs) that walks the same tree the
#    same way and reads, once each, the files the plugins and the host's parsers opened in
#    a recorded run (recorded with strace, one plugin at a time). Alternating runs, warm
#    caches: medians of wall time, CPU time and peak RSS, their ratios, and where Kaizen's
#    time goes (its per-phase and per-plugin debug log). LARGE_RUNS runs (default 5);
#    LARGE_ONLY=1 runs only this section.
#
# Machine-dependent: always print the machine and compare ratios from the same run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:-$ROOT}"
RUNS_COLD="${RUNS_COLD:-5}"
RUNS_WARM="${RUNS_WARM:-10}"

cd "$ROOT"
# Without the AWS SDK (feature `aws`): assessing does not use it, and it doubles the build.
cargo build --release --locked -q --no-default-features
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

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1), load $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ -n "${LARGE_REPO:-}" ]]; then
    "$ROOT/scripts/bench-large.sh" "$KAIZEN" "$LARGE_REPO"
    [[ "${LARGE_ONLY:-0}" == 1 ]] && exit 0
fi
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

echo "== plugin invocation and one small repository (criterion)"
cargo bench --locked -q --no-default-features --bench invoke --bench target -- --noplot >/dev/null 2>&1
python3 - "$ROOT/target/criterion" <<'PY'
import json, pathlib, sys
for group in ("plugin", "target"):
    for bench in sorted((pathlib.Path(sys.argv[1]) / group).iterdir()):
        estimates = bench / "new" / "estimates.json"
        if not estimates.exists():
            continue
        e = json.loads(estimates.read_text())
        n = sum(json.loads((bench / "new" / "sample.json").read_text())["iters"])
        print(f"{group}/{bench.name}: median {e['median']['point_estimate'] / 1000:.1f} us over {int(n)} runs")
PY

# peak RSS (KiB) and wall time (ms) of a command, from GNU time's -f format
measure() {
    local log="$work/time.log"
    /usr/bin/time -f '%e %M' -o "$log" "$@" >/dev/null 2>&1 || true
    tail -n 1 "$log" | awk '{printf "%d %d\n", $1 * 1000, $2}'
}

echo "== many repositories (generated organisation, every built-in plugin, warm cache)"
ORG="${ORG_DIR:-$work/org}"
env KAIZEN_CACHE_DIR="$work/warm" "$KAIZEN" assess "$ROOT" --quiet --out "$work/out" >/dev/null 2>&1 || true
for n in ${ORG_SIZES:-100 300 1000}; do
    scripts/gen-org.sh "$ORG" "$n"
    targets=("$ORG"/repo-*)
    targets=("${targets[@]:0:$n}")
    read -r ms rss < <(measure env KAIZEN_CACHE_DIR="$work/warm" "$KAIZEN" assess "${targets[@]}" --quiet --out "$work/org-out")
    errors=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sum(len(t['errors']) for t in r['targets']), len(r['targets']))" "$work/org-out/result.json")
    printf "%5d repos: %6d ms, %6.1f repos/s, peak RSS %4d MiB (plugin errors, targets: %s)\n" \
        "$n" "$ms" "$(echo "$n * 1000 / $ms" | bc -l)" $((rss / 1024)) "$errors"
done
peers=${PEER_REPOS:-100}
targets=("$ORG"/repo-*)
targets=("${targets[@]:0:$peers}")
echo "   on the first $peers repositories, in the same run:"
read -r ms rss < <(measure env KAIZEN_CACHE_DIR="$work/warm" "$KAIZEN" assess "${targets[@]}" --quiet --out "$work/org-out")
printf "   kaizen (whole assessment):  %6d ms, peak RSS %4d MiB\n" "$ms" $((rss / 1024))
dirs=()
for t in "${targets[@]}"; do dirs+=(-d "$t"); done
if command -v checkov >/dev/null; then
    read -r ms rss < <(measure env BC_SKIP_MAPPING=TRUE checkov --skip-download --quiet --compact -o json --framework terraform,kubernetes,dockerfile,github_actions "${dirs[@]}")
    printf "   checkov (IaC, workflows):   %6d ms, peak RSS %4d MiB\n" "$ms" $((rss / 1024))
fi
if command -v zizmor >/dev/null; then
    read -r ms rss < <(measure zizmor --offline --format plain "${targets[@]}")
    printf "   zizmor (workflows):         %6d ms, peak RSS %4d MiB\n" "$ms" $((rss / 1024))
fi
if command -v detect-secrets >/dev/null; then
    read -r ms rss < <(measure sh -c 'for d in "$@"; do (cd "$d" && detect-secrets scan --all-files >/dev/null); done' sh "${targets[@]}")
    printf "   detect-secrets (secrets):   %6d ms, peak RSS %4d MiB\n" "$ms" $((rss / 1024))
fi

echo "== committed modules"
for f in plugins/dist/*/*.wasm tests/plugins/dist/*/*.wasm; do
    printf "%8d bytes  %s\n" "$(wc -c <"$f")" "$f"
done
