#!/usr/bin/env bash
# Measures Kaizen's accuracy on the hand-verified corpus of public repositories.
#
#   scripts/corpus.sh [NAME...]
#
#   KAIZEN=path/to/kaizen   binary to measure (default: target/release/kaizen)
#   CORPUS=/path/to/corpus  folder holding one checkout per repository, named as the
#                           `path` of its entry (default: /work/corpus)
#   EXPECTED=file.toml      the expectations (default: tests/corpus/expected.toml)
#   RESULTS=dir             keep each repository's result.json here (default: a temporary
#                           folder, removed at the end)
#   KAIZEN_ARGS="..."       extra arguments for `kaizen assess`
#
# NAME... limits the run to these repositories (owner/name as in expected.toml).
# Every repository of expected.toml whose checkout exists is assessed with
# `kaizen assess <checkout> --out <dir> --format json --as-of <its commit's date>`; the
# facts of result.json (targets[0].facts) are compared with the expectations. It prints every
# disagreement, the accuracy per fact and overall, set precision/recall for the list facts,
# scanner recall and precision, and the Spearman rank correlation between each repository's
# hand-given maturity tier and Kaizen's mean area level (over the areas assessed), score and
# satisfied practices, and the mean figures per tier.
# It is an instrument: disagreements never make it fail; only a usage error does (exit 2).
# See book/src/guide/corpus.md.
set -euo pipefail

usage() {
  sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
}

for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    -*) echo "corpus.sh: unknown option $arg" >&2; usage >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAIZEN="${KAIZEN:-$root/target/release/kaizen}"
CORPUS="${CORPUS:-/work/corpus}"
EXPECTED="${EXPECTED:-$root/tests/corpus/expected.toml}"
KAIZEN_ARGS="${KAIZEN_ARGS:-}"

command -v python3 >/dev/null 2>&1 || { echo "corpus.sh: python3 is required" >&2; exit 2; }
python3 -c 'import tomllib' 2>/dev/null || { echo "corpus.sh: python3 >= 3.11 (tomllib) is required" >&2; exit 2; }
[ -f "$EXPECTED" ] || { echo "corpus.sh: no expectations file at $EXPECTED (set EXPECTED=)" >&2; exit 2; }
[ -d "$CORPUS" ] || { echo "corpus.sh: no corpus folder at $CORPUS (set CORPUS=)" >&2; exit 2; }
if [ ! -x "$KAIZEN" ]; then
  echo "corpus.sh: no kaizen binary at $KAIZEN (build it with 'cargo build --release', or set KAIZEN=)" >&2
  exit 2
fi
KAIZEN="$(cd "$(dirname "$KAIZEN")" && pwd)/$(basename "$KAIZEN")"

if [ -n "${RESULTS:-}" ]; then
  mkdir -p "$RESULTS"
  results="$(cd "$RESULTS" && pwd)"
else
  results="$(mktemp -d "${TMPDIR:-/tmp}/kaizen-corpus.XXXXXX")"
  trap 'rm -rf "$results"' EXIT
fi

# name <TAB> path of every selected repository, validated once by Python.
list="$(python3 - "$EXPECTED" "$@" <<'PY'
import sys, tomllib
try:
    with open(sys.argv[1], 'rb') as fh:
        data = tomllib.load(fh)
except (OSError, tomllib.TOMLDecodeError) as e:
    print(f"corpus.sh: {sys.argv[1]}: {e}", file=sys.stderr)
    sys.exit(2)
repos = data.get('repo', [])
wanted = sys.argv[2:]
names = {r['name'] for r in repos}
unknown = [w for w in wanted if w not in names]
if unknown:
    print(f"corpus.sh: not in the expectations: {', '.join(unknown)}", file=sys.stderr)
    sys.exit(2)
for r in repos:
    if not wanted or r['name'] in wanted:
        print(f"{r['name']}\t{r['path']}")
PY
)" || exit 2

assessed=0
skipped=0
while IFS=$'\t' read -r name path; do
  [ -n "$name" ] || continue
  checkout="$CORPUS/$path"
  out="$results/$path"
  if [ ! -d "$checkout" ]; then
    rm -rf "$out"  # a stale result in RESULTS must not be scored
    echo "skip  $name: no checkout at $checkout"
    skipped=$((skipped + 1))
    continue
  fi
  rm -rf "$out"
  mkdir -p "$out"
  start=$(date +%s)
  # The history is judged as of the pinned commit, not of today: a repository pinned a year
  # ago has had no commit "in the last 12 weeks" otherwise.
  as_of=$(git -C "$checkout" log -1 --format=%cI 2>/dev/null || true)
  as_of_args=()
  if [ -n "$as_of" ]; then
    as_of_args=(--as-of "$as_of")
  fi
  # shellcheck disable=SC2086 # KAIZEN_ARGS is a list of words on purpose
  if "$KAIZEN" assess "$checkout" --out "$out" --format json "${as_of_args[@]}" $KAIZEN_ARGS >"$out/kaizen.log" 2>&1; then
    status=0
  else
    status=$?
  fi
  echo "$status" >"$out/exit-code"
  echo "ran   $name ($(( $(date +%s) - start ))s, exit $status)"
  assessed=$((assessed + 1))
done <<<"$list"

echo
echo "assessed $assessed repositories, skipped $skipped (no checkout)"
echo

python3 - "$EXPECTED" "$results" "$@" <<'PY'
import json, math, os, sys, tomllib
from collections import defaultdict

expected_file, results = sys.argv[1], sys.argv[2]
wanted = sys.argv[3:]
with open(expected_file, 'rb') as fh:
    repos = tomllib.load(fh)['repo']
if wanted:
    repos = [r for r in repos if r['name'] in wanted]

LIST_FACTS = ['ci.systems', 'iac.tools', 'observability.signals']
SCANNERS = 'security.scanners'
FACT_ORDER = [
    'ci.systems', 'ci.runs_tests', 'ci.deploys', 'iac.tools', 'container.dockerfiles',
    'security.dependency_updates', 'security.policy', 'security.codeowners',
    'security.scanners', 'security.actions_pinned', 'security.workflow_permissions',
    'security.pre_commit', 'observability.signals',
]
MISSING = object()

def show(v):
    if v is MISSING:
        return '(missing)'
    if isinstance(v, (list, set, tuple)):
        return '[' + ', '.join(sorted(str(x) for x in v)) + ']'
    return json.dumps(v)

def load_result(path):
    """(facts, assessment, problem) of one repository's run."""
    d = os.path.join(results, path)
    if not os.path.isdir(d):
        return None, None, 'not assessed (no checkout)'
    code = open(os.path.join(d, 'exit-code')).read().strip() if os.path.exists(os.path.join(d, 'exit-code')) else '?'
    rp = os.path.join(d, 'result.json')
    if not os.path.exists(rp):
        return {}, None, f'kaizen exited {code} without result.json (see {d}/kaizen.log)'
    try:
        with open(rp) as fh:
            res = json.load(fh)
        target = res['targets'][0]
    except (ValueError, KeyError, IndexError) as e:
        return {}, None, f'unreadable result.json: {e}'
    problem = None if code == '0' else f'kaizen exited {code} (result.json written)'
    return target.get('facts', {}) or {}, target.get('assessment'), problem

def uncertain_for(repo):
    whole, elements = set(), defaultdict(set)
    for u in repo.get('uncertain', []):
        if ':' in u:
            fact, elem = u.split(':', 1)
            elements[fact].add(elem)
        else:
            whole.add(u)
    return whole, elements

right = defaultdict(int)
total = defaultdict(int)
disagreements = []
problems = []
# per list fact: element -> [tp, fp, fn]
elem_counts = {f: defaultdict(lambda: [0, 0, 0]) for f in LIST_FACTS + [SCANNERS]}
tiers, mean_levels, satisfied, scores = [], [], [], []
# Per area: (tier, level) where the area was assessed; per practice: (tier, met) where the
# practice was considered. They show which areas and practices rank against maturity.
area_levels = defaultdict(list)
practice_met = defaultdict(list)
excluded = 0

for repo in repos:
    facts, assessment, problem = load_result(repo['path'])
    if facts is None:
        continue
    if problem:
        problems.append((repo['name'], problem))
    whole, elements = uncertain_for(repo)
    for fact in FACT_ORDER:
        if fact not in repo['facts']:
            continue
        if fact in whole:
            excluded += 1
            continue
        exp = repo['facts'][fact]
        got = facts.get(fact, MISSING)
        if fact in LIST_FACTS or fact == SCANNERS:
            e = set(exp) - elements.get(fact, set())
            g = set(got) - elements.get(fact, set()) if isinstance(got, list) else set()
            for x in e & g:
                elem_counts[fact][x][0] += 1
            for x in g - e:
                elem_counts[fact][x][1] += 1
            for x in e - g:
                elem_counts[fact][x][2] += 1
            ok = got is not MISSING and isinstance(got, list) and e == g
            exp_shown, got_shown = e, (g if got is not MISSING else MISSING)
        else:
            ok = got is not MISSING and type(got) is type(exp) and got == exp
            exp_shown, got_shown = exp, got
        total[fact] += 1
        if ok:
            right[fact] += 1
        else:
            disagreements.append((repo['name'], fact, show(exp_shown), show(got_shown)))
    if assessment:
        areas = assessment.get('areas') or []
        # The areas assessed: some practice considered (applicable and in scope); a result
        # written before scope was recorded has no `considered` and counts every area.
        assessed = [a for a in areas if a.get('considered', 1) > 0]
        levels = [a['level'] for a in assessed if isinstance(a.get('level'), (int, float))]
        practices = assessment.get('practices') or []
        if levels:
            tiers.append(repo['tier'])
            mean_levels.append(sum(levels) / len(levels))
            satisfied.append(sum(1 for p in practices if p.get('state') == 'satisfied'))
            scores.append(assessment.get('score') or 0.0)
            for a in assessed:
                area_levels[a['id']].append((repo['tier'], a['level']))
            for p in practices:
                if p.get('state') in ('satisfied', 'exempt', 'not_satisfied', 'unknown'):
                    practice_met[p['id']].append((repo['tier'], 1 if p['state'] in ('satisfied', 'exempt') else 0))

def pct(a, b):
    return f'{100.0 * a / b:5.1f}%' if b else '   n/a'

print('== Disagreements (repository, fact: expected / got)')
if not disagreements:
    print('none')
for name, fact, exp, got in disagreements:
    print(f'{name}  {fact}: expected {exp} / got {got}')
if problems:
    print()
    print('== Runs with problems')
    for name, p in problems:
        print(f'{name}: {p}')

print()
print('== Accuracy per fact (right/total)')
all_right = all_total = 0
for fact in FACT_ORDER:
    if total[fact]:
        print(f'{fact:32} {right[fact]:3}/{total[fact]:<3} {pct(right[fact], total[fact])}')
        all_right += right[fact]
        all_total += total[fact]
print(f'{"overall":32} {all_right:3}/{all_total:<3} {pct(all_right, all_total)}')
if excluded:
    print(f'({excluded} uncertain facts left out; uncertain list elements are left out of both sides)')

def prf(counts):
    tp = sum(c[0] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    return tp, fp, fn

for fact in LIST_FACTS + [SCANNERS]:
    counts = elem_counts[fact]
    tp, fp, fn = prf(counts)
    print()
    if fact == SCANNERS:
        print(f'== {fact}: scanners run in CI recognised (recall) {tp}/{tp + fn} {pct(tp, tp + fn)}, '
              f'precision {tp}/{tp + fp} {pct(tp, tp + fp)}')
    else:
        print(f'== {fact}: per element precision {tp}/{tp + fp} {pct(tp, tp + fp)}, recall {tp}/{tp + fn} {pct(tp, tp + fn)}')
    if counts:
        print(f'   {"element":30} {"tp":>4} {"fp":>4} {"fn":>4} {"precision":>10} {"recall":>8}')
        for elem in sorted(counts):
            t, f_, n = counts[elem]
            print(f'   {elem:30} {t:4} {f_:4} {n:4} {pct(t, t + f_):>10} {pct(t, t + n):>8}')

def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        avg = (i + j) / 2 + 1
        for k in range(i, j + 1):
            r[order[k]] = avg
        i = j + 1
    return r

def spearman(xs, ys):
    if len(xs) < 3:
        return None
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    vx = math.sqrt(sum((a - mx) ** 2 for a in rx))
    vy = math.sqrt(sum((b - my) ** 2 for b in ry))
    if vx == 0 or vy == 0:
        return None
    return cov / (vx * vy)

print()
print(f'== Maturity: Spearman rank correlation with the hand-given tier ({len(tiers)} repositories)')
for label, ys in (('mean area level', mean_levels), ('score', scores), ('satisfied practices', satisfied)):
    rho = spearman(tiers, ys)
    print(f'tier vs {label:20} rho = {"n/a" if rho is None else f"{rho:+.3f}"}')
print()
print('tier  repos  mean area level (min-max)   score (min-max)')
for tier in sorted(set(tiers)):
    ls = [l for t, l in zip(tiers, mean_levels) if t == tier]
    ss = [x for t, x in zip(tiers, scores) if t == tier]
    print(f'{tier:>4}  {len(ls):>5}  {sum(ls) / len(ls):5.2f} ({min(ls):.2f}-{max(ls):.2f})'
          f'            {sum(ss) / len(ss):5.2f} ({min(ss):.2f}-{max(ss):.2f})')
print()
print('== Per area: rank correlation of the level with the tier, where the area was assessed')
for area in sorted(area_levels):
    pairs = area_levels[area]
    rho = spearman([t for t, _ in pairs], [l for _, l in pairs])
    mean = sum(l for _, l in pairs) / len(pairs)
    print(f'{area:28} {len(pairs):>4} repos  mean level {mean:4.2f}  rho {"n/a" if rho is None else f"{rho:+.2f}"}')
print()
print('== Practices that rank worst against the tier (met or not, where considered; 8 or more)')
worst = []
for practice, pairs in practice_met.items():
    rho = spearman([t for t, _ in pairs], [m for _, m in pairs]) if len(pairs) >= 8 else None
    if rho is not None:
        worst.append((rho, practice, len(pairs), sum(m for _, m in pairs)))
for rho, practice, n, met in sorted(worst)[:8]:
    print(f'{practice:40} rho {rho:+.2f}  met {met}/{n}')
PY
