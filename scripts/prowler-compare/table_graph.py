"""Compares Prowler's privilege-escalation and admin findings with flowforge-audit's verdicts on
the seeded cases of the graph corpus (tests/data/corpus/iam-graph/, run by
scripts/prowler-compare/run-graph.sh), as a Markdown table (docs/comparison-prowler.md,
"Privilege-escalation graph corpus").

Usage: table_graph.py CASES_JSON FLOWFORGE_REPORT_JSON PROWLER_CSV
       table_graph.py --checks      (the Prowler checks to run)

CASES_JSON is what `iam_graph::seed_graph_account` wrote: per case its principal ARN, the check
that judges it, the labelled verdict and chain, and the ARNs of what the principal holds
(attached policies, groups). Prowler reports inline policies under the principal's ARN and
managed policies under their own, so its verdict on a case is FAIL when a listed check fails
on the principal or on anything it holds."""
import collections
import csv
import json
import sys

# Prowler's checks that ask whether a policy or principal grants administrator power or an
# escalation to it (docs/comparison-prowler.md, "Which Prowler checks cover the same ground").
COMPARABLE = [
    'iam_inline_policy_allows_privilege_escalation',
    'iam_policy_allows_privilege_escalation',
    'iam_inline_policy_no_administrative_privileges',
    'iam_customer_attached_policy_no_administrative_privileges',
    'iam_no_custom_policy_permissive_role_assumption',
    'iam_role_administratoraccess_policy',
    'iam_user_administrator_access_policy',
    'iam_group_administrator_access_policy',
]
if sys.argv[1:] == ['--checks']:
    print(' '.join(COMPARABLE))
    sys.exit(0)
if len(sys.argv) != 4:
    sys.exit(__doc__)

cases = json.load(open(sys.argv[1]))
ours = {(r['check_id'], r['resource_arn']): r for r in json.load(open(sys.argv[2]))['results']}
prowler = collections.defaultdict(dict)  # resource ARN -> check -> FAIL wins over PASS
for r in csv.DictReader(open(sys.argv[3]), delimiter=';'):
    if r['CHECK_ID'] in COMPARABLE:
        seen = prowler[r['RESOURCE_UID']]
        if seen.get(r['CHECK_ID']) != 'FAIL':
            seen[r['CHECK_ID']] = r['STATUS']


def short(check):
    return check.replace('iam_', '', 1)


print('| case | labelled | flowforge-audit (chain) | Prowler checks that FAIL | Prowler | agree |')
print('| --- | --- | --- | --- | --- | --- |')
count = collections.Counter()
for c in cases:
    r = ours.get((c['check'], c['arn']))
    mine = r['status'] if r else 'no result'
    evidence = (r or {}).get('evidence') or [{}]
    edges = [s.get('edge', '?') for s in evidence[0].get('chain', [])]
    judged = [prowler[a] for a in [c['arn']] + c['holds'] if a in prowler]
    fails = sorted({k for j in judged for k, v in j.items() if v == 'FAIL'})
    theirs = 'FAIL' if fails else ('PASS' if judged else 'no finding')
    label = c['verdict']
    count[label, 'cases'] += 1
    count[label, 'ours', mine] += 1
    count[label, 'prowler', theirs] += 1
    shown = f"{mine} ({' → '.join(edges)})" if edges else mine
    agree = 'yes' if mine == theirs else '**no**'
    print(f"| {c['case']} | {label} | {shown} | {', '.join(map(short, fails)) or '–'} | {theirs} | {agree} |")

esc, dec, unk = count['FAIL', 'cases'], count['PASS', 'cases'], count['UNKNOWN', 'cases']
print()
for who, name in (('ours', 'flowforge-audit'), ('prowler', 'Prowler')):
    line = (f"{name}: caught {count['FAIL', who, 'FAIL']} of {esc} escalations, "
            f"{count['PASS', who, 'PASS']} of {dec} decoys PASS")
    if unk:
        line += (f"; of the {unk} cases labelled UNKNOWN, {count['UNKNOWN', who, 'UNKNOWN']} UNKNOWN, "
                 f"{count['UNKNOWN', who, 'FAIL']} FAIL, {count['UNKNOWN', who, 'PASS']} PASS")
    print(line + '.')
