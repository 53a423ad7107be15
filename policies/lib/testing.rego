# Fixtures for the Rego unit tests: a resolved `data.baseline` for the prod environment of
# account 123456789012, as `flowforge-audit` builds it from baselines/flowforge.yaml.
# Tests use it with `with data.baseline as testing.baseline` and override what they vary
# with `json.patch` or `object.union`.
package flowforge.lib.testing

import rego.v1

account := "123456789012"

baseline := {
	"environment": "prod",
	"account_id": account,
	"partition": "aws",
	"recognise": {
		"app_tag": {"key": "flowforge:app", "value": "flowforge"},
		"environment_tag": "flowforge:env",
		"tier_tag": "flowforge:tier",
		"layer_tag": "flowforge:layer",
		"role_tag": "flowforge:role",
		"name_prefix": "flowforge-prod-",
	},
	"requirements": {
		"rds_multi_az": true,
		"nat_gateway_per_az": true,
		"min_private_subnet_azs": 2,
		"s3_kms_required": true,
		"s3_versioning_required": true,
		"secret_rotation_max_days": 30,
		"flow_logs_required": true,
		"imdsv2_required": true,
		"eks_public_endpoint_allowed": false,
		"config_recorder_required": true,
		"waf_required": true,
		"waf_logging_required": true,
		"certificate_expiry_days": 30,
		"alarms_required": true,
		"alarm_topics_kms_required": true,
		"log_retention_min_days": 365,
		"log_retention_max_days": 3653,
		"log_groups_kms_required": true,
	},
	"gate": {"fail_on": "medium", "require_complete_audit": true, "fail_on_drift": ["missing", "changed", "unmanaged"]},
	"architecture": {
		"compute": compute,
		"admin_ports": [22, 3389],
		"database_ports": [5432],
		"load_balancer": {
			"name": "flowforge-prod-alb",
			"allowed_ssl_policies": [
				"ELBSecurityPolicy-TLS13-1-2-2021-06",
				"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
				"ELBSecurityPolicy-TLS13-1-3-2021-06",
				"ELBSecurityPolicy-FS-1-2-Res-2020-10",
				"ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
			],
		},
		"perimeter": {
			"waf": {"rule_groups": ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]},
			"certificate": {"domain": "*.prod.flowforge.example.com", "min_rsa_bits": 2048},
			"alarm_topics": ["flowforge-prod-alerts"],
			"alarms": [
				{"name": "flowforge-prod-api-latency", "namespace": "AWS/ApplicationELB", "metric": "TargetResponseTime", "dimensions": {"LoadBalancer": "app/flowforge-prod-alb/*"}},
				{"name": "flowforge-prod-database-cpu", "namespace": "AWS/RDS", "metric": "CPUUtilization", "dimensions": {"DBInstanceIdentifier": "flowforge-prod-metadata"}},
			],
			"log_groups": ["/ecs/flowforge-prod-control-plane", "/flowforge/prod/prefect"],
		},
	},
	"roles": {"data-engineer": {
		"name": "flowforge-prod-data-engineer",
		"trusted_principals": {"AWS": ["arn:aws:iam::123456789012:root"]},
		"allow": [
			{"actions": ["s3:ListBucket", "s3:GetBucketLocation"], "resources": ["arn:aws:s3:::flowforge-prod-*"]},
			{"actions": ["s3:GetObject", "s3:PutObject"], "resources": ["arn:aws:s3:::flowforge-prod-bronze/*", "arn:aws:s3:::flowforge-prod-silver/*"]},
			{"actions": ["logs:*"], "resources": ["*"]},
		],
	}},
}

# architecture.compute as the prod view resolves it (ECS control plane, IRSA, node group).
compute := {
	"control_plane": {
		"host": "ecs",
		"cluster": "flowforge-prod-control-plane",
		"service": "flowforge-prod-ui",
		"task_role": "flowforge-prod-control-plane",
		"execution_role": "flowforge-prod-ecs-execution",
		"read_only_root_filesystem": true,
		"non_privileged": true,
	},
	"ecr": {"repositories": ["flowforge-prod-ui", "flowforge-prod-flows"], "kms_required": true, "allowed_accounts": []},
	"irsa": {"role": "flowforge-prod-prefect-worker", "service_accounts": ["system:serviceaccount:prefect:prefect-worker"]},
	"node_groups": ["flowforge-prod-workers"],
	"node_role": "flowforge-prod-eks-node",
	"node_allowed_actions": ["ec2:Describe*", "eks:DescribeCluster", "ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
	"eks_log_types": ["api", "audit", "authenticator"],
}

# The baseline with architecture.compute overridden.
with_compute(overrides) := object.union(baseline, {"architecture": object.union(baseline.architecture, {"compute": object.union(compute, overrides)})})

# The baseline with requirements overridden.
with_requirements(overrides) := object.union(baseline, {"requirements": object.union(baseline.requirements, overrides)})

# Tags that make a resource FlowForge's in prod.
ff_tags := {"flowforge:app": "flowforge", "flowforge:env": "prod"}

# A minimal resource meta block.
meta(arn, id, name, tags) := {"arn": arn, "id": id, "name": name, "region": "us-east-1", "account_id": account, "tags": tags}

# The input `i` with the resources whose ARNs are `arns` decided FlowForge's, as the engine's
# one decision (`input.derived.flowforge`, src/baseline/scope.rs) says of FlowForge resources.
# A check's tests take the decision as given; the decision itself is tested in Rust.
with_flowforge(i, arns) := object.union(i, {"derived": {"flowforge": {a: {"by": "test"} | some a in arns}}})

# The input `i` with every resource of its collections (`i[service][collection][_]` with a
# string `arn`) decided FlowForge's: for tests whose resources all belong to FlowForge.
all_flowforge(i) := with_flowforge(i, {r.arn |
	some part in i
	is_object(part)
	some list in part
	is_array(list)
	some r in list
	is_string(object.get(r, "arn", null))
})
