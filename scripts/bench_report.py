"""Prints the API calls of a scan by operation next to the fewest calls that snapshot
needs (the same page sizes as collect::minimum_calls), and calls per resource.

Usage: bench_report.py SNAPSHOT.json CALLS.json [SUMMARY.json]
(SUMMARY.json: the totals as JSON, {"resources", "calls", "minimum", "collection_errors"},
for scripts/bench-scan.sh's result line)
"""

import json
import math
import sys

snap = json.load(open(sys.argv[1]))
calls = json.load(open(sys.argv[2]))


def pages(n, size):
    return max(1, math.ceil(n / size))


def count(service, coll):
    return len(snap.get(service, {}).get(coll, []))


m = {"sts:GetCallerIdentity": 1}
regions = len(snap["regions"])
for op, (svc, coll) in {
    "DescribeVpcs": ("ec2", "vpcs"), "DescribeSubnets": ("ec2", "subnets"),
    "DescribeRouteTables": ("ec2", "route_tables"), "DescribeInternetGateways": ("ec2", "internet_gateways"),
    "DescribeNatGateways": ("ec2", "nat_gateways"), "DescribeSecurityGroups": ("ec2", "security_groups"),
    "DescribeVpcEndpoints": ("ec2", "vpc_endpoints"), "DescribeFlowLogs": ("ec2", "flow_logs"),
    "DescribeInstances": ("ec2", "instances"),
}.items():
    m[f"ec2:{op}"] = 1  # EC2 answers everything at once when no page size is asked
m["ec2:GetEbsEncryptionByDefault"] = regions
m["ec2:GetEbsDefaultKmsKeyId"] = regions
b = count("s3", "buckets")
m["s3:ListBuckets"] = pages(b, 10000)
m["s3:GetAccountPublicAccessBlock"] = 1
for op in ["GetBucketEncryption", "GetBucketPolicy", "GetBucketVersioning", "GetBucketPublicAccessBlock",
           "GetBucketLogging", "GetBucketTagging", "GetBucketLifecycleConfiguration"]:
    m[f"s3:{op}"] = b
iam = sum(count("iam", c) for c in ["roles", "users", "groups", "policies"])
m["iam:GetAccountAuthorizationDetails"] = pages(iam, 1000)
m["iam:GetAccountPasswordPolicy"] = 1
m["rds:DescribeDBInstances"] = pages(count("rds", "db_instances"), 100)
m["rds:DescribeDBClusters"] = pages(count("rds", "db_clusters"), 100)
s = count("secretsmanager", "secrets")
m["secretsmanager:ListSecrets"] = pages(s, 100)
m["secretsmanager:GetResourcePolicy"] = s
for op in ["DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus", "DescribeDeliveryChannels"]:
    m[f"config:{op}"] = regions
lbs = count("elbv2", "load_balancers")
m["elasticloadbalancing:DescribeLoadBalancers"] = pages(lbs, 400)
m["eks:ListClusters"] = pages(count("eks", "clusters"), 100)
# Perimeter and monitoring (WAF lists the load balancers itself: a second DescribeLoadBalancers).
acls = count("wafv2", "web_acls")
m["wafv2:ListWebACLs"] = regions * pages(acls, 100)
m["wafv2:GetWebACL"] = acls
m["elasticloadbalancing:DescribeLoadBalancers"] += pages(lbs, 400)
m["wafv2:GetWebACLForResource"] = count("wafv2", "associations")
m["wafv2:ListLoggingConfigurations"] = regions * pages(count("wafv2", "logging_configurations"), 100)
certs = count("acm", "certificates")
m["acm:ListCertificates"] = regions * pages(certs, 1000)
m["acm:DescribeCertificate"] = certs
m["cloudwatch:DescribeAlarms"] = regions * pages(count("cloudwatch", "alarms"), 100)
topics = count("sns", "topics")
m["sns:ListTopics"] = regions * pages(topics, 100)
m["sns:GetTopicAttributes"] = topics
m["sns:ListSubscriptionsByTopic"] = topics
m["logs:DescribeLogGroups"] = regions * pages(count("logs", "log_groups"), 50)
# backups, parameters, trail and keys (issue 13)
snaps = snap.get("rds", {}).get("db_snapshots", [])
m["rds:DescribeDBSnapshots"] = regions * pages(len(snaps), 100) if snaps else regions
m["rds:DescribeDBSnapshotAttributes"] = sum(1 for x in snaps if x.get("snapshot_type") == "manual")
m["ssm:DescribeParameters"] = max(regions, pages(count("ssm", "parameters"), 50))
trails = count("cloudtrail", "trails")
m["cloudtrail:DescribeTrails"] = regions
m["cloudtrail:GetTrailStatus"] = trails
m["cloudtrail:GetEventSelectors"] = trails
keys = snap.get("kms", {}).get("keys", [])
m["kms:ListKeys"] = max(regions, pages(len(keys), 1000))
m["kms:ListAliases"] = max(regions, pages(sum(len(k.get("aliases", [])) for k in keys), 100))
m["kms:DescribeKey"] = len(keys)
customer = sum(1 for k in keys if k.get("key_manager") == "CUSTOMER")
m["kms:GetKeyRotationStatus"] = customer
m["kms:GetKeyPolicy"] = customer
m = {k: v for k, v in m.items() if v}

resources = sum(len(v) for svc in snap.values() if isinstance(svc, dict) for v in svc.values() if isinstance(v, list))
keys = sorted(set(calls) | set(m))
w = max(len(k) for k in keys)
print(f"\n== API calls by operation\n  {'operation':<{w}}  {'calls':>7}  {'minimum':>7}")
for k in keys:
    print(f"  {k:<{w}}  {calls.get(k, 0):>7}  {m.get(k, 0):>7}")
total, minimum = sum(calls.values()), sum(m.values())
print(f"  {'total':<{w}}  {total:>7}  {minimum:>7}")
print(f"\n  resources in snapshot: {resources}; calls per resource: {total / max(resources, 1):.3f} "
      f"(minimum {minimum / max(resources, 1):.3f}); collection errors: {len(snap.get('collection_errors', []))}")
for k in keys:
    if calls.get(k, 0) > m.get(k, 0):
        print(f"  above minimum: {k} (+{calls.get(k, 0) - m.get(k, 0)})")
if len(sys.argv) > 3:
    with open(sys.argv[3], "w") as f:
        json.dump({"resources": resources, "calls": total, "minimum": minimum,
                   "collection_errors": len(snap.get("collection_errors", []))}, f)
