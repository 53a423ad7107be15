"""Compares Prowler's IAM findings on the seeded corpus (scripts/prowler-compare/run.sh) with
the corpus labels, as a Markdown table (docs/comparison-prowler.md)."""
import collections
import csv
import glob
import json
import os
import re
import sys

rows = list(csv.DictReader(open(sys.argv[1]), delimiter=';'))
m = collections.defaultdict(dict)
for r in rows:
    mm = re.search(r'corpus-(\d\d)\b', r['RESOURCE_UID'] + ' ' + r['RESOURCE_NAME'] + ' ' + r['STATUS_EXTENDED'])
    if mm and r['STATUS'] == 'FAIL':
        m[mm.group(1)][r['CHECK_ID']] = 'FAIL'
# The Prowler checks that cover the same ground as each of ours.
COMPARABLE = {
    'FF-IAM-001': ['iam_inline_policy_no_administrative_privileges', 'iam_customer_attached_policy_no_administrative_privileges',
                   'iam_customer_unattached_policy_no_administrative_privileges', 'iam_inline_policy_allows_privilege_escalation',
                   'iam_policy_allows_privilege_escalation', 'iam_no_custom_policy_permissive_role_assumption',
                   'iam_role_administratoraccess_policy', 'iam_user_administrator_access_policy', 'iam_group_administrator_access_policy'],
    'FF-IAM-008': ['iam_inline_policy_no_full_access_to_kms', 'iam_policy_no_full_access_to_kms'],
    'FF-IAM-002': ['iam_role_cross_service_confused_deputy_prevention', 'iam_role_service_trust_restricts_source_to_account'],
}
print("| case | our check | ours | comparable Prowler checks that FAIL | Prowler | agree |")
print("| --- | --- | --- | --- | --- | --- |")
agree = differ = 0
here = os.path.dirname(os.path.abspath(__file__))
for f in sorted(glob.glob(os.path.join(here, '../../tests/data/corpus/iam/*.json'))):
    c = json.load(open(f))
    n, name = os.path.basename(f)[:2], os.path.basename(f)[3:-5]
    if c['kind'] in ('resource', 'resource_grant'):
        # resource policies: run-resources.sh; resource_grant: no Prowler check asks it
        continue
    chk = c['expect']['check']
    fails = [k for k in COMPARABLE[chk] if m[n].get(k) == 'FAIL']
    pv = 'FAIL' if fails else 'PASS'
    ok = pv == c['expect']['verdict']
    agree += ok
    differ += not ok
    print(f"| {n} {name} | {chk} | {c['expect']['verdict']} | {', '.join(fails) or '–'} | {pv} | {'yes' if ok else '**no**'} |")
print(f"\nAgree on {agree} of {agree + differ} identity and trust cases; differ on {differ}.")
