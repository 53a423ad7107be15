#!/usr/bin/env python3
"""Writes examples/terraform/prod.tfstate: the Terraform state (format 4) that declares the
shipped compliant example (examples/snapshots/prod-compliant.json), resource by resource.

`evaluate --expected-from examples/terraform/prod.tfstate` on the compliant example then finds
every covered resource managed and in sync (no drift, exit 0); on the drifted example it shows
the real IaC drift (the landing bucket's encryption, the database's Multi-AZ, the missing
Secrets Manager endpoint, the opened security group, ...). Run it again after changing the
compliant example: python3 scripts/gen-example-tfstate.py
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
snap = json.loads((ROOT / "examples/snapshots/prod-compliant.json").read_text())
resources = []


def add(rtype, name, attrs):
    resources.append({"mode": "managed", "type": rtype, "name": name,
                      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                      "instances": [{"schema_version": 0, "attributes": attrs}]})


def tf_name(s):
    return "".join(c if c.isalnum() else "_" for c in s.replace("flowforge-prod-", "")).strip("_") or "main"


def aws_doc(doc):
    """A normalised snapshot policy document back in AWS's JSON form (empty parts dropped)."""
    out = {"Version": doc.get("Version") or "2012-10-17", "Statement": []}
    for st in doc.get("Statement", []):
        s = {k: v for k, v in st.items() if v not in (None, [], {}, "")}
        out["Statement"].append(s)
    return json.dumps(out, sort_keys=True)


ec2 = snap["ec2"]
default_vpcs = {v["id"] for v in ec2["vpcs"] if v.get("is_default")}
for v in ec2["vpcs"]:
    if not v.get("is_default"):
        add("aws_vpc", tf_name(v["name"]), {"id": v["id"], "arn": v["arn"], "cidr_block": v["cidr_block"], "tags": v["tags"]})
for x in ec2["subnets"]:
    if x["vpc_id"] not in default_vpcs:
        add("aws_subnet", tf_name(x["name"]), {"id": x["id"], "arn": x["arn"], "vpc_id": x["vpc_id"],
            "cidr_block": x["cidr_block"], "availability_zone": x["availability_zone"],
            "map_public_ip_on_launch": x["map_public_ip_on_launch"]})
for g in ec2["security_groups"]:
    if g["group_name"] == "default":
        continue
    ingress = [{"protocol": r["protocol"], "from_port": r["from_port"], "to_port": r["to_port"],
                "cidr_blocks": r["ipv4_ranges"], "ipv6_cidr_blocks": r["ipv6_ranges"],
                "security_groups": r["referenced_group_ids"], "prefix_list_ids": r["prefix_list_ids"], "self": False}
               for r in g["ingress"]]
    add("aws_security_group", tf_name(g["group_name"]), {"id": g["id"], "arn": g["arn"], "name": g["group_name"],
        "vpc_id": g["vpc_id"], "ingress": ingress})
for e in ec2["vpc_endpoints"]:
    add("aws_vpc_endpoint", e["service_name"].rsplit(".", 1)[-1], {"id": e["id"], "vpc_id": e["vpc_id"],
        "service_name": e["service_name"], "vpc_endpoint_type": e["endpoint_type"],
        "private_dns_enabled": e.get("private_dns_enabled", False)})
for b in snap["s3"]["buckets"]:
    n = tf_name(b["name"])
    add("aws_s3_bucket", n, {"id": b["name"], "bucket": b["name"], "arn": b["arn"]})
    rules = (b.get("encryption") or {}).get("rules") or []
    if rules:
        add("aws_s3_bucket_server_side_encryption_configuration", n, {"id": b["name"], "bucket": b["name"],
            "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": rules[0]["sse_algorithm"]}]}]})
    status = (b.get("versioning") or {}).get("status")
    if status:
        add("aws_s3_bucket_versioning", n, {"id": b["name"], "bucket": b["name"],
            "versioning_configuration": [{"status": status}]})
for d in snap["rds"]["db_instances"]:
    add("aws_db_instance", tf_name(d["id"]), {"id": d["id"], "identifier": d["id"], "engine": d["engine"],
        "multi_az": d["multi_az"], "storage_encrypted": d["storage_encrypted"],
        "publicly_accessible": d["publicly_accessible"]})
for r in snap["iam"]["roles"]:
    if r["path"].startswith("/aws-service-role/"):
        continue
    add("aws_iam_role", tf_name(r["name"]), {"id": r["name"], "name": r["name"], "arn": r["arn"],
        "assume_role_policy": aws_doc(r["assume_role_policy"])})
for p in snap["iam"]["policies"]:
    if not p["aws_managed"]:
        add("aws_iam_policy", tf_name(p["name"]), {"id": p["arn"], "arn": p["arn"], "name": p["name"],
            "policy": aws_doc(p["document"])})
for x in snap["secretsmanager"]["secrets"]:
    add("aws_secretsmanager_secret", tf_name(x["name"]), {"id": x["arn"], "arn": x["arn"], "name": x["name"],
        "kms_key_id": x.get("kms_key_id") or "", "description": x.get("description") or ""})
for lb in snap["elbv2"]["load_balancers"]:
    add("aws_lb", tf_name(lb["name"]), {"id": lb["arn"], "arn": lb["arn"], "name": lb["name"],
        "load_balancer_type": lb["lb_type"], "internal": lb["scheme"] == "internal"})
for l in snap["elbv2"]["listeners"]:
    add("aws_lb_listener", "port_%s" % l["port"], {"id": l["arn"], "arn": l["arn"], "port": l["port"],
        "protocol": l["protocol"], "ssl_policy": l.get("ssl_policy") or ""})
for c in snap["eks"]["clusters"]:
    add("aws_eks_cluster", tf_name(c["name"]), {"id": c["name"], "name": c["name"], "arn": c["arn"],
        "version": c["version"]})
# Types the audit does not compare: counted in `unknown_types`, never an error.
for name, group in [("vpc_flow_logs", "/flowforge/prod/vpc-flow-logs"), ("eks", "/aws/eks/flowforge-prod-eks/cluster")]:
    add("aws_cloudwatch_log_group", name, {"id": group, "name": group})

state = {"version": 4, "terraform_version": "1.9.8", "serial": 1,
         "lineage": "6f0f7c1e-0d6b-4c53-9a41-flowforge-prod", "outputs": {}, "resources": resources}
(ROOT / "examples/terraform/prod.tfstate").write_text(json.dumps(state, indent=2) + "\n")
print("examples/terraform/prod.tfstate: %d resources" % len(resources))
