package flowforge.aws.ecs.no_plaintext_secrets_test

import data.flowforge.aws.ecs.no_plaintext_secrets as check
import data.flowforge.lib.testing
import rego.v1

inp(env, secrets) := {"ecs": {"task_definitions": [object.union(
	testing.meta("arn:aws:ecs:us-east-1:123456789012:task-definition/flowforge-prod-ui:3", "flowforge-prod-ui:3", "flowforge-prod-ui", testing.ff_tags),
	{"family": "flowforge-prod-ui", "containers": [{"name": "ui", "environment": env, "secrets": secrets}]},
)]}}

sm := "arn:aws:secretsmanager:us-east-1:123456789012:secret:flowforge/prod/database-AbCdEf"

findings(i) := f if {
	f := check.deny with input as testing.all_flowforge(i) with data.baseline as testing.baseline
}

test_pass_secrets_by_reference if {
	env := [{"name": "NODE_ENV", "value_kind": null}, {"name": "PREFECT_API_URL", "value_kind": null}]
	count(findings(inp(env, [{"name": "DATABASE_URL", "value_from": sm}, {"name": "API_KEY", "value_from": "/flowforge/prod/api-key"}]))) == 0
}

test_fail_credential_name if {
	count(findings(inp([{"name": "DB_PASSWORD", "value_kind": null}], []))) == 1
}

test_fail_credential_value if {
	f := findings(inp([{"name": "DATABASE_URL", "value_kind": "connection-string-with-password"}, {"name": "X", "value_kind": "aws-access-key-id"}], []))
	count(f) == 1
	some x in f
	x.evidence.variables == ["DATABASE_URL", "X"]
}

test_fail_secret_from_elsewhere if {
	count(findings(inp([], [{"name": "DB", "value_from": "arn:aws:s3:::flowforge-prod-config/db.env"}]))) == 1
}

# Issue 22 item 7: a task definition whose containers were not reported (absent, or an empty
# list: ECS requires one) passed, judged on no container at all; it is UNKNOWN.
unreported := object.union(
	testing.meta("arn:aws:ecs:us-east-1:123456789012:task-definition/flowforge-prod-ui:3", "flowforge-prod-ui:3", "flowforge-prod-ui", testing.ff_tags),
	{"family": "flowforge-prod-ui"},
)

unreported_unknown(td) if {
	i := testing.all_flowforge({"ecs": {"task_definitions": [td]}})
	count(check.deny) == 0 with input as i with data.baseline as testing.baseline
	u := check.unknown with input as i with data.baseline as testing.baseline
	u == {{"arn": td.arn, "reason": data.flowforge.lib.compute.containers_unreported_reason}}
}

test_unknown_when_containers_not_reported if {
	unreported_unknown(unreported)
	unreported_unknown(object.union(unreported, {"containers": []}))
}
