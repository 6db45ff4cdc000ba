#!/usr/bin/env python3
"""Why each repository of a corpus run sits at its level: the instrument behind model changes.

    scripts/corpus-practices.py RESULTS EXPECTED AREA [MIN_TIER]
    scripts/corpus-practices.py RESULTS EXPECTED PRACTICE [MIN_TIER]

RESULTS is the folder a `RESULTS=dir scripts/corpus.sh` run kept (one folder per repository,
holding result.json); EXPECTED the corpus file it ran on (tests/corpus/*.toml).

With an area id (`security`), prints one line per repository, sorted by tier: the tier, the
area's level, and the state of each of the area's practices that was not out of scope
(`SAT` satisfied, `no` not satisfied, `na` not applicable, `unk` unknown, `EXE` exempt), by
level. A practice that is `no` for the mature tiers and `SAT` for the bare ones measures
something else than maturity.

With a practice id (`sec-container-hardening`), prints each repository's tier, the state
and the reason Kaizen gave: what the rule saw.

MIN_TIER leaves out the repositories below that tier. See book/src/guide/corpus.md.
"""
import json
import os
import sys
import tomllib

STATES = {"satisfied": "SAT", "not_satisfied": "no", "not_applicable": "na", "unknown": "unk", "exempt": "EXE"}


def main(argv):
    if len(argv) not in (4, 5) or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    results, expected, subject = argv[1], argv[2], argv[3]
    min_tier = int(argv[4]) if len(argv) == 5 else 0
    with open(expected, "rb") as fh:
        repos = tomllib.load(fh).get("repo", [])
    rows = []
    for repo in repos:
        if repo.get("tier", 0) < min_tier:
            continue
        path = os.path.join(results, repo["path"], "result.json")
        if not os.path.exists(path):
            continue
        with open(path) as fh:
            assessment = json.load(fh)["targets"][0]["assessment"]
        practices = assessment["practices"]
        area = next((a for a in assessment["areas"] if a["id"] == subject), None)
        if area is not None:
            if area["considered"] == 0:
                continue
            states = sorted(
                (p["level"], p["id"].split("-", 1)[1], STATES.get(p["state"], p["state"]))
                for p in practices
                if p["area"] == subject and p["state"] != "out_of_scope"
            )
            text = " ".join(f"{level}:{name}={state}" for level, name, state in states)
            rows.append((repo["tier"], area["level"], repo["name"], text))
            continue
        practice = next((p for p in practices if p["id"] == subject), None)
        if practice is None:
            print(f"corpus-practices.py: `{subject}` is neither an area nor a practice of the model", file=sys.stderr)
            return 2
        rows.append((repo["tier"], STATES.get(practice["state"], practice["state"]), repo["name"], practice.get("reason") or ""))
    for tier, figure, name, text in sorted(rows, key=lambda r: (r[0], str(r[1]), r[2])):
        print(f"{tier} {figure:<3} {name:<45} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
