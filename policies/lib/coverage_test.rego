package flowforge.lib.coverage_test

import data.flowforge.lib.testing
import rego.v1

# Settings every account has, and what the prod fixture declares (load balancer, roles, NAT per
# AZ, flow logs), are required.
test_pass_prod_requires_declared_collections if {
	required := data.flowforge.lib.coverage.required with data.baseline as testing.baseline
	want := {"s3.account_public_access_block", "ec2.ebs_encryption_by_default", "elbv2.load_balancers", "elbv2.listeners", "iam.roles", "ec2.nat_gateways", "ec2.flow_logs"}
	want & required == want
}

# What the environment does not declare (no database, no EKS cluster, no NAT per AZ) is not required.
test_pass_undeclared_is_not_required if {
	b := object.union(testing.without_architecture(["database", "eks_cluster"]), {"requirements": {"nat_gateway_per_az": false}})
	required := data.flowforge.lib.coverage.required with data.baseline as b
	not "rds.db_instances" in required
	not "eks.clusters" in required
	not "ec2.nat_gateways" in required
}

test_perimeter_collections_required if {
	required := data.flowforge.lib.coverage.required with data.baseline as testing.baseline
	every c in {"wafv2.associations", "wafv2.web_acls", "acm.certificates", "cloudwatch.alarms", "sns.topics", "logs.log_groups"} {
		c in required
	}
}

test_perimeter_requirements_off_require_less if {
	baseline := testing.with_requirements({"waf_required": false, "waf_logging_required": false, "alarms_required": false})
	required := data.flowforge.lib.coverage.required with data.baseline as baseline
	not "wafv2.associations" in required
	not "wafv2.web_acls" in required
	not "cloudwatch.alarms" in required
}

# Network ACLs are required where the baseline judges them (network.nacl_isolation), not otherwise.
test_network_acls_required_with_nacl_isolation if {
	with_isolation := object.union(testing.baseline, {"network": {"nacl_isolation": true}, "architecture": {"vpc": {"name": "v"}}})
	"ec2.network_acls" in data.flowforge.lib.coverage.required with data.baseline as with_isolation
	without := object.union(testing.baseline, {"network": {"nacl_isolation": false}, "architecture": {"vpc": {"name": "v"}}})
	not "ec2.network_acls" in data.flowforge.lib.coverage.required with data.baseline as without
}
