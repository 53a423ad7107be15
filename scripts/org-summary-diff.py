"""Compares two org-summary.json files of organisations seeded alike but with different account
ids (two runs of scripts/bench-org.sh, e.g. with 1 and with 2 moto processes): each account is
named by its environment, the random ids (accounts, organisation, root) are masked and times are
left out. Prints the differences; exit 0 when the summaries agree, 1 when they differ.

Usage: org-summary-diff.py A.json B.json
"""

import json
import re
import sys

IDS = re.compile(r"\bo-[a-z0-9]{10,32}\b|\br-[a-z0-9]{4,32}\b")
TIMES = ("time", "started", "finished", "duration", "generated")


def normalised(path):
    summary = json.load(open(path))
    names = {r["account_id"]: r.get("environment") or r["account_id"] for r in summary["account_records"]}

    def mask(value):
        if isinstance(value, dict):
            return {k: mask(v) for k, v in value.items() if not any(t in k for t in TIMES)}
        if isinstance(value, list):
            return [mask(v) for v in value]
        if isinstance(value, str):
            for account, name in names.items():
                value = value.replace(account, f"<{name}>")
            return IDS.sub("<id>", value)
        return value

    return {names[r["account_id"]]: mask(r) for r in summary["account_records"]}, mask(
        {k: v for k, v in summary.items() if k != "account_records"}
    )


def main():
    (a, a_top), (b, b_top) = normalised(sys.argv[1]), normalised(sys.argv[2])
    differences = []
    if a_top != b_top:
        differences.append(f"summary: {json.dumps(a_top, sort_keys=True)} != {json.dumps(b_top, sort_keys=True)}")
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            differences.append(f"{name}: {json.dumps(a.get(name), sort_keys=True)}\n  != {json.dumps(b.get(name), sort_keys=True)}")
    for d in differences:
        print(d)
    print(f"{len(a)} and {len(b)} accounts, {len(differences)} difference(s)")
    sys.exit(1 if differences else 0)


main()
