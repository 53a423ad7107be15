"""Compares Prowler's resource-policy findings on the seeded resource cases
(scripts/prowler-compare/run-resources.sh) with the corpus labels, as a Markdown table
(docs/comparison-prowler.md). `--checks` prints the Prowler checks to run."""
import collections, csv, glob, json, os, sys

# The Prowler checks that judge the same question (anyone / another account admitted) per service.
COMPARABLE = {
    's3': ['s3_bucket_public_access', 's3_bucket_policy_public_write_access', 's3_bucket_cross_account_access'],
    'secretsmanager': ['secretsmanager_not_publicly_accessible'],
    'kms': ['kms_key_not_publicly_accessible'],
    'ecr': ['ecr_repositories_not_publicly_accessible'],
}
if sys.argv[1:] == ['--checks']:
    print(' '.join(sorted({c for v in COMPARABLE.values() for c in v})))
    sys.exit(0)

here = os.path.dirname(os.path.abspath(__file__))
seeded = json.load(open(sys.argv[2]))  # resource ARN -> case number
status = collections.defaultdict(dict)  # case -> check -> PASS/FAIL
for r in csv.DictReader(open(sys.argv[1]), delimiter=';'):
    for arn, n in seeded.items():
        if r['RESOURCE_UID'] == arn or arn.endswith(':' + r['RESOURCE_UID']) or arn.endswith('/' + r['RESOURCE_UID']):
            status[n][r['CHECK_ID']] = r['STATUS']
print('| case | our check | ours | Prowler checks (verdict) | Prowler | agree |')
print('| --- | --- | --- | --- | --- | --- |')
agree = differ = 0
for f in sorted(glob.glob(os.path.join(here, '../../tests/data/corpus/iam/*.json'))):
    c = json.load(open(f))
    if c['kind'] != 'resource':
        continue
    n, name = os.path.basename(f)[:2], os.path.basename(f)[3:-5]
    got = {k: status[n][k] for k in COMPARABLE[c['service']] if k in status[n]}
    pv = 'FAIL' if 'FAIL' in got.values() else ('PASS' if got else '–')
    ours = c['expect']['verdict']
    ok = pv == ours
    agree += ok
    differ += pv != '–' and not ok
    shown = ', '.join('%s (%s)' % (k, v) for k, v in sorted(got.items())) or 'no finding'
    print(f"| {n} {name} | {c['expect']['check']} | {ours} | {shown} | {pv} | {'yes' if ok else '**no**'} |")
print(f"\nAgree on {agree} of {agree + differ} resource-policy cases Prowler judged; differ on {differ}.")
