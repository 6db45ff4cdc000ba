#!/usr/bin/env bash
# Runs one fixed organisation through `kaizen assess` (and `merge`, `report`, `compare`) and
# keeps every output, normalised, so that two builds can be compared byte for byte: a
# refactoring that must not change what users see is checked by running this script with the
# binary before and after it and comparing the two folders.
#
#   scripts/same-outputs.sh OUT                 record the outputs of $KAIZEN into OUT
#   scripts/same-outputs.sh --compare A B       compare two recordings (exit 1 when they differ)
#
#   KAIZEN=path/to/kaizen   binary to run (default: target/debug/kaizen)
#
# The organisation: fixture repositories of tests/ (GitHub Actions, GitLab CI, Jenkins, none,
# security, IaC, observability, resilience), a git repository with dated history and its
# pipeline runs (plugins/delivery/tests/fixtures/delivering), a `gh run list` export, two AWS
# inventories, labels, check and practice exemptions, a history folder, a baseline, the
# default model, and tests/scoring's model with answers; then the same assessment in two
# shards merged back.
#
# Normalised (they change from run to run): start times, durations, the history file names,
# the temporary folder, and the SHA-256 of the plugin modules, which are kept apart in
# plugin-hashes.txt (they change whenever a plugin or the SDK is rebuilt, even when nothing
# they report does; compare that file separately).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ "${1:-}" == "--compare" ]]; then
  [[ $# -eq 3 ]] || { echo "usage: $0 --compare A B" >&2; exit 2; }
  status=0
  if ! diff -r --exclude=plugin-hashes.txt "$2" "$3"; then
    echo "outputs differ" >&2
    status=1
  else
    echo "outputs identical ($(find "$2" -type f ! -name plugin-hashes.txt | wc -l) files)"
  fi
  if ! cmp -s "$2/plugin-hashes.txt" "$3/plugin-hashes.txt"; then
    echo "plugin module hashes differ (expected when a plugin or the SDK was rebuilt):"
    diff "$2/plugin-hashes.txt" "$3/plugin-hashes.txt" || true
  fi
  exit $status
fi

[[ $# -eq 1 ]] || { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
out="$(mkdir -p "$1" && cd "$1" && pwd)"
KAIZEN="$(realpath "${KAIZEN:-$root/target/debug/kaizen}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export KAIZEN_CACHE_DIR="$work/cache"

org="$work/org"
mkdir -p "$org"
for fixture in assess/github-actions assess/gitlab-ci assess/jenkins assess/none security/mature security/leaky \
  iac/terraform iac/kubernetes observability/go-service resilience/kubernetes; do
  cp -r "$root/tests/$fixture" "$org/$(echo "$fixture" | tr / -)"
done
mkdir -p "$org/service"
(cd "$org/service" && bash "$root/plugins/delivery/tests/fixtures/delivering/history.sh" >/dev/null 2>&1)
cp "$root/plugins/delivery/tests/fixtures/delivering/pipelines.json" "$work/service-runs.json"
cp "$root/tests/pipelines/gh-run-list/runs.json" "$work/shop-runs.json"
cp "$root/plugins/aws/tests/fixtures/mature-account/cloud.json" "$work/mature.json"
cp "$root/plugins/aws/tests/fixtures/neglected-account/cloud.json" "$work/neglected.json"
cp "$root/tests/scoring/model.toml" "$root/tests/scoring/answers.toml" "$work/"

cat > "$work/kaizen.toml" <<'EOF'
[organisation]
name = "Same Outputs Corp"

[[targets]]
path = "org/*"
labels = { team = "core" }

[[targets]]
path = "org/service"
labels = { team = "delivery" }

[[pipelines]]
target = "service"
file = "service-runs.json"

[[cloud]]
file = "mature.json"
labels = { env = "prod" }

[[exemptions]]
target = "assess-none"
check = "ci/runs-tests"
reason = "A documentation folder: nothing to test."

[[exemptions]]
target = "iac-*"
practice = "ci-automated-build"
reason = "Infrastructure repositories are built by the platform team."

[assess]
since_days = 700
EOF

# The same organisation for tests/scoring's model, whose practices differ.
sed -e 's/practice = "ci-automated-build"/practice = "dp-tests"/' "$work/kaizen.toml" >"$work/scoring.toml"

normalise() {
  python3 - "$@" <<'EOF'
import json, re, sys
work, src, dst, hashes = sys.argv[1:5]
label = dst[len(hashes) - len("plugin-hashes.txt"):]
text = open(src, encoding="utf-8").read().replace(work, "WORK")
stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d[:-]\d\d[:-]\d\d(\.\d+)?Z")
if src.endswith(".json") and text.lstrip().startswith("{"):
    data = json.loads(text)
    if "schema_version" in data:
        data["started_at"] = "STARTED"
        data["duration_ms"] = 0
        for point in data.get("trend", []):
            point["started_at"] = "STARTED"
        with open(hashes, "a") as h:
            for plugin in data.get("plugins", []):
                h.write(f"{label}: {plugin['id']} {plugin['sha256']}\n")
                plugin["sha256"] = "SHA256"
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
else:
    text = stamp.sub("TIME", text)
    text = re.sub(r"\b[0-9a-f]{64}\b", "SHA256", text)
    text = re.sub(r"\b[0-9a-f]{16}…", "SHA256…", text)
    text = re.sub(r"(in|took) \d+\.\d s\b", r"\1 N s", text)
    text = re.sub(r"\d+(\.\d+)? ?(ms|s)\b(?= \(| ·|$)", "DURATION", text, flags=re.M)
open(dst, "w", encoding="utf-8").write(text)
EOF
}

keep() { # keep NAME FOLDER: every file of FOLDER, normalised, under OUT/NAME
  local name="$1" dir="$2"
  [[ -d "$dir" ]] || { echo "(no $name)" >"$out/$name.missing"; return; }
  (cd "$dir" && find . -type f | sort) | while read -r file; do
    mkdir -p "$(dirname "$out/$name/$file")"
    normalise "$work" "$dir/$file" "$out/$name/$file" "$out/plugin-hashes.txt"
  done
}

run() { # run NAME ARGS...: kaizen ARGS in the work folder, stderr kept as NAME.stderr
  local name="$1"
  shift
  local code=0
  (cd "$work" && "$KAIZEN" "$@" >"$work/$name.stdout" 2>"$work/$name.stderr") || code=$?
  echo "exit $code" >>"$work/$name.stderr"
  mkdir -p "$out/stderr"
  normalise "$work" "$work/$name.stderr" "$out/stderr/$name.txt" "$out/plugin-hashes.txt"
  normalise "$work" "$work/$name.stdout" "$out/stderr/$name.stdout.txt" "$out/plugin-hashes.txt"
}

rm -rf "${out:?}"/*
: >"$out/plugin-hashes.txt"
all=(json md html sarif)
formats="$(IFS=,; echo "${all[*]}")"

# 1. The organisation with the default model; a history folder begins.
run first assess --out first --format "$formats" --history history \
  --pipelines "assess-github-actions=shop-runs.json" --cloud neglected.json --since 2025-01-01
keep first "$work/first"
# 2. Again, against the first as a baseline, with the trend of the history, and a gate.
run second assess --out second --format "$formats" --history history --baseline first/result.json \
  --fail-on-regression --pipelines "assess-github-actions=shop-runs.json" --cloud neglected.json --since 2025-01-01
keep second "$work/second"
# 3. tests/scoring's model and answers, fewer plugins, a commit cap and a size cap.
run scoring assess --config scoring.toml --out scoring --format "$formats" --model model.toml --answers answers.toml \
  --only ci,security,delivery --max-commits 5 --max-file-mb 1
keep scoring "$work/scoring"
# 4. Two shards, merged.
run shard1 assess --out shard1 --format json --shard 1/2 --cloud neglected.json --since 2025-01-01
run shard2 assess --out shard2 --format json --shard 2/2 --cloud neglected.json --since 2025-01-01
keep shard1 "$work/shard1"
keep shard2 "$work/shard2"
run merge merge shard1/result.json shard2/result.json --out merged --format "$formats"
keep merged "$work/merged"
# 5. The reports of a result again, and a comparison.
run report report first/result.json --out rendered --format md,html,sarif
keep rendered "$work/rendered"
run compare compare first/result.json scoring/result.json --format json
run compare-md compare first/result.json second/result.json
# 6. The history folder's results (their file names carry the date: numbered instead).
i=0
for file in $(ls "$work/history" | sort); do
  i=$((i + 1))
  mkdir -p "$out/history"
  normalise "$work" "$work/history/$file" "$out/history/$i.json" "$out/plugin-hashes.txt"
done
echo "recorded $(find "$out" -type f | wc -l) files in $out"
