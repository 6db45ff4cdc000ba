#!/usr/bin/env python3
"""Check that every framework id in the `maps_to` of every model in questionnaires/ is listed
in its catalogue file under catalogue/frameworks/. Prints the unknown ids and exits 1 if any.

Usage: scripts/check-framework-ids.py [REPO_ROOT]
"""
import pathlib
import sys
import tomllib

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
CATALOGUES = {
    "dora": ("dora.toml", "id"),
    "samm": ("samm.toml", "id"),
    "dsomm": ("dsomm.toml", "id"),
    "scorecard": ("scorecard.toml", "id"),
    "well_architected": ("aws-devops-guidance.toml", "indicator"),
}


def known_ids():
    known = {}
    for framework, (name, table) in CATALOGUES.items():
        with open(ROOT / "catalogue" / "frameworks" / name, "rb") as f:
            known[framework] = {entry["id"] for entry in tomllib.load(f).get(table, [])}
    return known


def main():
    known = known_ids()
    unknown = []
    for model in sorted((ROOT / "questionnaires").glob("*.toml")):
        with open(model, "rb") as f:
            practices = tomllib.load(f).get("practice", [])
        for practice in practices:
            for framework, ids in practice.get("maps_to", {}).items():
                if framework not in known:
                    unknown.append(f"{model.name}: {practice.get('id')}: unknown framework `{framework}`")
                    continue
                for i in ids:
                    if i not in known[framework]:
                        unknown.append(f"{model.name}: {practice.get('id')}: {framework} id `{i}` is not in catalogue/frameworks/{CATALOGUES[framework][0]}")
    for line in unknown:
        print(line)
    if unknown:
        print(f"{len(unknown)} unknown framework id(s)", file=sys.stderr)
        return 1
    print("all framework ids are in the catalogues")
    return 0


if __name__ == "__main__":
    sys.exit(main())
