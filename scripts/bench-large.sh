#!/usr/bin/env bash
# One large repository against the physical limit (section 6 of scripts/bench.sh, which
# calls it; see there). Prints figures; asserts nothing.
#
#   scripts/bench-large.sh KAIZEN REPO
#
# KAIZEN: a release build of kaizen; REPO: a checkout with its git history. Needs strace
# (to record which files are opened) and GNU time (/usr/bin/time).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAIZEN="$1"
REPO="$(cd "$2" && pwd -P)"
RUNS="${LARGE_RUNS:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export KAIZEN_CACHE_DIR="$work/cache"

(cd "$ROOT" && cargo build --release --locked -q --no-default-features --example plain_walk)
PLAIN="$ROOT/target/release/examples/plain_walk"

commit="$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo "not a git repository")"
origin="$(git -C "$REPO" remote get-url origin 2>/dev/null || echo "no origin")"
echo "== one large repository: $REPO (origin $origin, commit $commit)"

# Warm up: fills the compilation cache and the page cache; lists the plugins.
"$KAIZEN" assess "$REPO" --quiet --format json --out "$work/out" >/dev/null 2>&1 || true
mapfile -t plugins < <(python3 -c "import json,sys; [print(p['id']) for p in json.load(open(sys.argv[1]))['plugins']]" "$work/out/result.json")

# Which files are read: the host's parsers open them by absolute path (openat), the
# plugins through their /repo preopen (openat2, relative to it). One plugin at a time,
# so that tracing does not push one past its time limit.
if ! command -v strace >/dev/null; then
    echo "   strace is not installed: no baseline (install strace)"
    exit 0
fi
for id in "${plugins[@]}"; do
    strace -f -qq --seccomp-bpf -e trace=openat,openat2 -o "$work/strace.$id" \
        "$KAIZEN" assess "$REPO" --only "$id" --quiet --format json --out "$work/out-$id" >/dev/null 2>&1 || true
done
python3 - "$REPO" "$work" <<'PY'
import glob, json, os, re, sys
root, work = sys.argv[1], sys.argv[2]
call = re.compile(r'(openat2?)\((\w+), "((?:[^"\\]|\\.)*)"(.*)')
read, opens = set(), 0
for log in glob.glob(os.path.join(work, "strace.*")):
    for line in open(log, errors="replace"):
        m = call.search(line)
        if not m or "O_DIRECTORY" in m.group(4):
            continue
        path = m.group(3).encode().decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")
        if m.group(1) == "openat":
            if not path.startswith(root + "/"):
                continue
            path = path[len(root) + 1:]
            # The walk's own reads (ignore files) and git's are not the plugins' files.
            if path.startswith(".git/") or os.path.basename(path) == ".gitignore":
                continue
        if os.path.isfile(os.path.join(root, path)):
            opens += 1
            read.add(path)
with open(os.path.join(work, "reads.txt"), "w") as f:
    f.writelines(p + "\n" for p in sorted(read))
errors = []
for out in glob.glob(os.path.join(work, "out-*", "result.json")):
    for t in json.load(open(out))["targets"]:
        errors += [f"{e['plugin']}: {e['kind']}" for e in t["errors"]]
size = sum(os.path.getsize(os.path.join(root, p)) for p in read)
print(f"   recorded: {opens} opens of {len(read)} distinct files, {size / 1048576:.1f} MiB"
      + (f"; plugin errors while tracing (the list may be short): {', '.join(errors)}" if errors else ""))
PY

# Alternating runs, warm caches. GNU time: wall, user, system seconds, peak RSS in KiB.
"$PLAIN" "$REPO" "$work/reads.txt" >/dev/null
for i in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %U %S %M' -a -o "$work/kaizen.times" \
        "$KAIZEN" assess "$REPO" --quiet --format json --out "$work/out" >/dev/null 2>&1 || true
    /usr/bin/time -f '%e %U %S %M' -a -o "$work/plain.times" "$PLAIN" "$REPO" "$work/reads.txt" >>"$work/plain.log"
done
python3 - "$work" "$RUNS" <<'PY'
import json, os, statistics, sys
work, runs = sys.argv[1], sys.argv[2]
def figures(name):
    rows = [list(map(float, l.split())) for l in open(os.path.join(work, name + ".times")) if l[:1].isdigit()]
    return (statistics.median(r[0] for r in rows), statistics.median(r[1] + r[2] for r in rows),
            statistics.median(r[3] for r in rows) / 1024)
k, p = figures("kaizen"), figures("plain")
t = json.load(open(os.path.join(work, "out", "result.json")))["targets"][0]
print(f"   kaizen assess (every built-in plugin): {k[0]:.2f} s wall, {k[1]:.2f} s CPU, peak RSS {k[2]:.0f} MiB"
      f" ({t['files']} files, {len(t['findings'])} findings, {len(t['errors'])} plugin errors)")
print(f"   plain walk + reads (the limit):        {p[0]:.2f} s wall, {p[1]:.2f} s CPU, peak RSS {p[2]:.0f} MiB")
print(f"   ratio, medians of {runs} alternating runs: {k[0] / p[0]:.1f}x wall, {k[1] / p[1]:.1f}x CPU")
print("   plain: " + open(os.path.join(work, "plain.log")).read().splitlines()[-1])
PY
echo "   where Kaizen's time goes (one more run, its debug log):"
KAIZEN_LOG=kaizen::judge=debug "$KAIZEN" assess "$REPO" --quiet --format json --out "$work/out" 2>&1 >/dev/null \
    | sed 's/\x1b\[[0-9;]*m//g; s/^DEBUG kaizen::judge: /     /'
