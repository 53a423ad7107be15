#!/usr/bin/env python3
"""Writes examples/terraform/prod.tfstate: the Terraform state (format 4) that declares the
shipped compliant example (examples/snapshots/prod-compliant.json), resource by resource.

Every kind src/drift/tfstate/ covers (the collections whose `terraform [...]` the registry declares) is declared (network: VPCs, subnets, security groups,
network ACLs, endpoints; S3, RDS instances and manual snapshots, IAM roles, policies and OIDC
providers, Secrets Manager, load balancers and listeners; compute: EKS clusters and node
groups, ECS clusters, services and task definitions, ECR repositories; perimeter: WAF web ACLs
and associations, ACM certificates, CloudWatch alarms and log groups, SNS topics; SSM
parameters, CloudTrail trails, customer-managed KMS keys), each with the attributes the matcher
identifies it by and compares, taken from the snapshot. An SSM parameter's value is never
written (the snapshot does not hold it, and a SecureString's value is a secret).

`evaluate --expected-from examples/terraform/prod.tfstate` on the compliant example then finds
every covered resource managed and in sync (no drift, exit 0); on the drifted example it shows
the real IaC drift (the landing bucket's encryption, the database's Multi-AZ and backups, the
missing Secrets Manager endpoint and alarm, the opened security group, the trail's log file
validation, ...). Run it again after changing the compliant example:
python3 scripts/gen-example-tfstate.py
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
snap = json.loads((ROOT / "examples/snapshots/prod-compliant.json").read_text())
resources = []


def add(rtype, name, attrs):
    assert (rtype, name) not in {(r["type"], r["name"]) for r in resources}, (rtype, name)
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
for x in ec2["network_acls"]:
    if not x["is_default"]:
        add("aws_network_acl", tf_name(x["name"]), {"id": x["id"], "arn": x["arn"], "vpc_id": x["vpc_id"],
            "subnet_ids": sorted(x["subnet_ids"])})
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
        "instance_class": d["instance_class"], "port": d["port"], "multi_az": d["multi_az"],
        "storage_encrypted": d["storage_encrypted"], "publicly_accessible": d["publicly_accessible"],
        "deletion_protection": d["deletion_protection"], "backup_retention_period": d["backup_retention_period"],
        "iam_database_authentication_enabled": d["iam_database_authentication_enabled"]})
for x in snap["rds"]["db_snapshots"]:
    if x["snapshot_type"] == "manual":  # automated snapshots are not Terraform's
        add("aws_db_snapshot", tf_name(x["id"]), {"id": x["id"], "db_snapshot_identifier": x["id"],
            "db_snapshot_arn": x["arn"], "db_instance_identifier": x["db_instance_identifier"],
            "encrypted": x["encrypted"]})
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
# Compute: node groups, ECS, ECR, the cluster's OIDC provider.
for g in snap["eks"]["node_groups"]:
    add("aws_eks_node_group", tf_name(g["name"]), {"id": "%s:%s" % (g["cluster_name"], g["name"]), "arn": g["arn"],
        "cluster_name": g["cluster_name"], "node_group_name": g["name"], "node_role_arn": g["node_role"],
        "subnet_ids": sorted(g["subnets"])})
for c in snap["ecs"]["clusters"]:
    add("aws_ecs_cluster", tf_name(c["name"]), {"id": c["arn"], "arn": c["arn"], "name": c["name"]})
for x in snap["ecs"]["services"]:
    attrs = {"id": x["arn"], "name": x["name"], "cluster": x["cluster_arn"], "desired_count": x["desired_count"]}
    if x.get("network"):
        attrs["network_configuration"] = [{"subnets": sorted(x["network"]["subnets"]),
                                           "assign_public_ip": x["network"]["assign_public_ip"] == "ENABLED"}]
    add("aws_ecs_service", tf_name(x["name"]), attrs)
for x in snap["ecs"]["task_definitions"]:
    add("aws_ecs_task_definition", tf_name(x["family"]), {"id": x["family"], "arn": x["arn"], "family": x["family"],
        "revision": x["revision"], "task_role_arn": x.get("task_role_arn") or "",
        "execution_role_arn": x.get("execution_role_arn") or ""})
for r in snap["ecr"]["repositories"]:
    add("aws_ecr_repository", tf_name(r["name"]), {"id": r["name"], "name": r["name"], "arn": r["arn"],
        "image_tag_mutability": r["image_tag_mutability"],
        "image_scanning_configuration": [{"scan_on_push": r["scan_on_push"]}],
        "encryption_configuration": [{"encryption_type": r["encryption_type"]}]})
for p in snap["iam"]["oidc_providers"]:
    add("aws_iam_openid_connect_provider", "eks", {"id": p["arn"], "arn": p["arn"], "url": p["url"],
        "client_id_list": sorted(p["client_ids"])})
# Perimeter: WAF, ACM, CloudWatch alarms and log groups, SNS.
for w in snap["wafv2"]["web_acls"]:
    add("aws_wafv2_web_acl", tf_name(w["name"]), {"id": w["id"], "arn": w["arn"], "name": w["name"]})
for x in snap["wafv2"]["associations"]:
    add("aws_wafv2_web_acl_association", tf_name(x["name"]), {"id": "%s,%s" % (x["web_acl_arn"], x["resource_arn"]),
        "resource_arn": x["resource_arn"], "web_acl_arn": x["web_acl_arn"]})
for c in snap["acm"]["certificates"]:
    add("aws_acm_certificate", tf_name(c["domain_name"].split(".")[0]), {"id": c["arn"], "arn": c["arn"],
        "domain_name": c["domain_name"], "status": c["status"]})
for x in snap["cloudwatch"]["alarms"]:
    add("aws_cloudwatch_metric_alarm", tf_name(x["name"]), {"id": x["name"], "arn": x["arn"], "alarm_name": x["name"],
        "namespace": x["namespace"], "metric_name": x["metric_name"], "actions_enabled": x["actions_enabled"]})
for t in snap["sns"]["topics"]:
    add("aws_sns_topic", tf_name(t["name"]), {"id": t["arn"], "arn": t["arn"], "name": t["name"],
        "kms_master_key_id": t.get("kms_key_id") or ""})
for g in snap["logs"]["log_groups"]:
    # /aws/eks/flowforge-prod-data-plane/cluster -> eks_data_plane, aws-waf-logs-flowforge-prod -> waf
    parts = [p for p in g["name"].replace("aws-waf-logs-flowforge-prod", "waf").split("/")
             if p not in ("", "aws", "flowforge", "prod", "cluster")]
    add("aws_cloudwatch_log_group", tf_name("_".join(parts)), {"id": g["name"], "arn": g["arn"], "name": g["name"],
        "retention_in_days": g.get("retention_in_days") or 0, "kms_key_id": g.get("kms_key_id") or ""})
# SSM parameters (type and key, never the value), CloudTrail, customer-managed KMS keys.
for x in snap["ssm"]["parameters"]:
    attrs = {"id": x["name"], "arn": x["arn"], "name": x["name"], "type": x["parameter_type"]}
    if x.get("key_id"):
        attrs["key_id"] = x["key_id"]
    add("aws_ssm_parameter", tf_name(x["name"].rsplit("/", 1)[-1]), attrs)
for x in snap["cloudtrail"]["trails"]:
    add("aws_cloudtrail", "audit" if x["name"] == "flowforge-prod-trail" else tf_name(x["name"]), {"id": x["arn"],
        "arn": x["arn"], "name": x["name"], "s3_bucket_name": x["s3_bucket_name"],
        "is_multi_region_trail": x["is_multi_region"], "enable_log_file_validation": x["log_file_validation_enabled"],
        "enable_logging": x["is_logging"], "kms_key_id": x.get("kms_key_id") or ""})
for k in snap["kms"]["keys"]:
    if k.get("key_manager") == "CUSTOMER":  # AWS-managed keys are not Terraform's
        add("aws_kms_key", tf_name(k["name"].replace("alias/", "")), {"id": k["id"], "key_id": k["id"], "arn": k["arn"],
            "is_enabled": k["enabled"], "enable_key_rotation": k["rotation_enabled"]})

state = {"version": 4, "terraform_version": "1.9.8", "serial": 1,
         "lineage": "6f0f7c1e-0d6b-4c53-9a41-flowforge-prod", "outputs": {}, "resources": resources}
(ROOT / "examples/terraform/prod.tfstate").write_text(json.dumps(state, indent=2) + "\n")
print("examples/terraform/prod.tfstate: %d resources" % len(resources))
