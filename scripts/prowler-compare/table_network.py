"""Compares Prowler's findings on the seeded network and parameter corpus
(scripts/prowler-compare/run-network.sh) with the corpus labels, as a Markdown table
(docs/comparison-prowler.md). `--checks` prints the Prowler checks to run."""
import collections
import csv
import glob
import json
import os
import sys

SG_ALL = 'ec2_securitygroup_allow_ingress_from_internet_to_all_ports'
SG_ANY = 'ec2_securitygroup_allow_ingress_from_internet_to_any_port'
# The Prowler check that judges the case's query (protocol, port); None: no Prowler check does.
SG_PORT = {('tcp', 22): 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22',
           ('tcp', 3389): 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389',
           ('tcp', 5432): 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432'}
NACL_ANY = 'ec2_networkacl_allow_ingress_any_port'
NACL_PORT = {('tcp', 22): 'ec2_networkacl_allow_ingress_tcp_port_22', ('tcp', 3389): 'ec2_networkacl_allow_ingress_tcp_port_3389'}
RDS_TLS = 'rds_instance_transport_encrypted'
CHECKS = sorted({SG_ALL, SG_ANY, NACL_ANY, RDS_TLS, *SG_PORT.values(), *NACL_PORT.values()})
if sys.argv[1:] == ['--checks']:
    print(' '.join(CHECKS))
    sys.exit(0)

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, '../../tests/data/corpus/network')
status = collections.defaultdict(dict)  # case id -> check -> PASS/FAIL
for r in csv.DictReader(open(sys.argv[1]), delimiter=';'):
    text = ' '.join([r['RESOURCE_UID'], r['RESOURCE_NAME'], r['RESOURCE_TAGS'], r['STATUS_EXTENDED']])
    for f in glob.glob(os.path.join(corpus, '*.json')) + glob.glob(os.path.join(corpus, 'params/*.json')):
        cid = os.path.basename(f)[:-5]
        if cid in text:
            status[cid][r['CHECK_ID']] = r['STATUS']


def verdict(cid, checks):
    """FAIL when one of the checks fails; '–' when Prowler reported none of them on the case."""
    seen = [status[cid].get(c) for c in checks if c in status[cid]]
    if not seen:
        return '–'
    return 'FAIL' if 'FAIL' in seen else 'PASS'


print('| case | query | ours | Prowler checks | Prowler | agree |')
print('| --- | --- | --- | --- | --- | --- |')
agree = differ = uncovered = 0
rows = []
for f in sorted(glob.glob(os.path.join(corpus, '*.json'))) + sorted(glob.glob(os.path.join(corpus, 'params/*.json'))):
    c = json.load(open(f))
    cid, q, e = c['id'], c['query'], c['expected']
    if c['kind'] == 'security_group':
        ours = 'FAIL' if e['ipv4_world_open'] or e['ipv6_world_open'] else 'PASS'
        query = f"{q['protocol']}/{q['port']}"
        port = SG_PORT.get((q['protocol'], q['port']))
        # A group whose all-ports check fails is not judged again by the port checks (Prowler
        # reports it as PASS with "all ports open ... not checked"): the all-ports FAIL counts.
        checks = [port, SG_ALL] if port else [SG_ALL, SG_ANY]
    elif c['kind'] == 'network_acl':
        ours = 'FAIL' if e['admits_internet'] else 'PASS'
        query = f"{q['protocol']}/{q['port']} {q['family']}"
        port = NACL_PORT.get((q['protocol'], q['port']))
        checks = [port] if port else [NACL_ANY]
    else:
        query = q['parameter']
        if q['parameter'] != 'rds.force_ssl':
            # A derived fact no FF check judges yet: the effective value is shown.
            print(f"| {cid} | {query} | value {e['value']} ({e['source']}), no check | none | – | not covered |")
            uncovered += 1
            continue
        ours = {'1': 'PASS', '0': 'FAIL'}.get(e['value'], 'UNKNOWN')
        checks = [RDS_TLS]
    pv = verdict(cid, checks)
    ok = pv == ours
    if pv == '–':
        uncovered += 1
        mark = 'not reported'
    else:
        agree += ok
        differ += not ok
        mark = 'yes' if ok else '**no**'
    print(f"| {cid} | {query} | {ours} | {', '.join(checks)} | {pv} | {mark} |")
print(f"\nAgree on {agree} and differ on {differ} of the {agree + differ} cases Prowler judged; "
      f"{uncovered} not judged by Prowler.")
