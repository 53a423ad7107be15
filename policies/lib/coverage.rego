# What the audited environment requires to be collected: the snapshot collections that cannot
# be empty in an account that runs the environment's architecture. The engine reads
# `required` once per evaluation; a check whose collection is required and holds nothing
# (and no collection error explains why) gets one UNKNOWN "nothing collected" result, so a
# snapshot with only its header cannot pass a gate that requires a complete audit
# (docs/policies.md, "Unknown"). Derived from data.baseline, so an environment that declares
# less requires less.
package flowforge.lib.coverage

import rego.v1

arch := object.get(data.baseline, "architecture", {})

# Account and region settings exist in every account: an empty list means not collected.
required contains "s3.account_public_access_block"

required contains "ec2.ebs_encryption_by_default"

required contains name if {
	object.get(arch, "vpc", null) != null
	some name in {"ec2.vpcs", "ec2.subnets", "ec2.route_tables", "ec2.security_groups"}
}

# Every VPC has network ACLs (at least its default one): where the baseline judges them, an
# empty list means they were not collected.
required contains "ec2.network_acls" if {
	object.get(arch, "vpc", null) != null
	object.get(object.get(data.baseline, "network", {}), "nacl_isolation", false) == true
}

required contains "ec2.vpc_endpoints" if count(object.get(object.get(arch, "vpc", {}), "required_endpoints", [])) > 0

required contains "ec2.nat_gateways" if data.baseline.requirements.nat_gateway_per_az == true

required contains "ec2.flow_logs" if data.baseline.requirements.flow_logs_required == true

required contains "s3.buckets" if object.get(arch, "data_lake", null) != null

required contains "rds.db_instances" if object.get(arch, "database", null) != null

required contains "secretsmanager.secrets" if count(object.get(arch, "secrets", [])) > 0

required contains name if {
	object.get(arch, "load_balancer", null) != null
	some name in {"elbv2.load_balancers", "elbv2.listeners"}
}

required contains "eks.clusters" if object.get(arch, "eks_cluster", null) != null

required contains "config.recorders" if object.get(arch, "config_recorder", false) == true

required contains "iam.roles" if count(object.get(data.baseline, "roles", {})) > 0

# architecture.compute: the control plane's host, the ECR repositories and the declared node
# groups. Not OIDC providers: none at all is what FF-EKS-003 reports, an answer, not a gap.
compute := object.get(arch, "compute", {})

required contains name if {
	compute.control_plane.host == "ecs"
	some name in {"ecs.clusters", "ecs.services", "ecs.task_definitions"}
}

required contains "apprunner.services" if compute.control_plane.host == "apprunner"

required contains "ecr.repositories" if count(object.get(object.get(compute, "ecr", {}), "repositories", [])) > 0

required contains "eks.node_groups" if count(object.get(compute, "node_groups", [])) > 0
# Perimeter and monitoring: what the environment requires must have been seen.
required contains "wafv2.associations" if {
	data.baseline.requirements.waf_required == true
	object.get(arch, "load_balancer", null) != null
}

# Where the web ACL must log, an account without any web ACL was most likely not read.
required contains "wafv2.web_acls" if {
	data.baseline.requirements.waf_logging_required == true
	object.get(arch, "load_balancer", null) != null
}

required contains "acm.certificates" if {
	object.get(arch, "load_balancer", null) != null
	object.get(arch, ["perimeter", "certificate"], null) != null
}

required contains "cloudwatch.alarms" if {
	data.baseline.requirements.alarms_required == true
	count(object.get(arch, ["perimeter", "alarms"], [])) > 0
}

required contains "sns.topics" if count(object.get(arch, ["perimeter", "alarm_topics"], [])) > 0

required contains "logs.log_groups" if count(object.get(arch, ["perimeter", "log_groups"], [])) > 0

# Backups, the audit trail and keys (issue 13): a database keeping automated backups has
# snapshots; a required trail, and the KMS keys the data lake is encrypted with, exist.
required contains "rds.db_snapshots" if {
	object.get(arch, "database", null) != null
	data.baseline.requirements.rds_backup_retention_days > 0
}

required contains "cloudtrail.trails" if data.baseline.requirements.cloudtrail_required == true

required contains "kms.keys" if {
	object.get(arch, "data_lake", null) != null
	data.baseline.requirements.s3_kms_required == true
}

# A baseline that declares Parameter Store prefixes says FlowForge keeps parameters there.
required contains "ssm.parameters" if count(object.get(object.get(arch, "parameter_store", {}), "prefixes", [])) > 0
