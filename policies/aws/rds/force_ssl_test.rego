package flowforge.aws.rds.force_ssl_test

import data.flowforge.aws.rds.force_ssl as check
import data.flowforge.lib.testing
import rego.v1

db(engine, groups) := object.union(testing.meta("arn:aws:rds:us-east-1:123456789012:db:m", "m", "m", {}), {"engine": engine, "parameter_groups": groups})

# A group's effective rds.force_ssl as the engine derives it (explicit, default or unknown).
pg(name, value) := {"name": name, "effective": {"value": value, "source": "explicit"}}

pg_default(name, value) := {"name": name, "effective": {"value": value, "source": "default", "reference": "Amazon RDS User Guide"}}

pg_unknown(name) := {"name": name, "effective": {"value": null, "source": "unknown", "reason": "no documented default"}}

derived(groups) := {"rds_parameters": {"instance_groups": {g.name: {"parameters": {"rds.force_ssl": g.effective}} | some g in groups}}}

findings(d, groups) := f if {
	f := check.deny with input as {"rds": {"db_instances": [d]}, "derived": derived(groups)}
}

unknowns(d, groups) := u if {
	u := check.unknown with input as {"rds": {"db_instances": [d]}, "derived": derived(groups)}
}

test_pass_postgres15_default_forces_ssl if {
	count(findings(db("postgres", ["ff"]), [pg_default("ff", "1")])) == 0
}

test_fail_postgres14_default_does_not if {
	count(findings(db("postgres", ["ff"]), [pg_default("ff", "0")])) == 1
}

test_unknown_without_documented_default if {
	d := db("aurora-postgresql", ["ff"])
	count(findings(d, [pg_unknown("ff")])) == 0
	count(unknowns(d, [pg_unknown("ff")])) == 1
}

test_pass_force_ssl_on if {
	count(findings(db("postgres", ["ff"]), [pg("ff", "1")])) == 0
}

test_fail_force_ssl_off if {
	some f in findings(db("postgres", ["ff"]), [pg("ff", "0")])
	f.evidence.parameter_groups == {"ff": {"value": "0", "source": "explicit"}}
}

test_fail_group_not_collected if {
	count(findings(db("postgres", ["default.postgres16"]), [])) == 1
}

test_pass_mysql_not_in_scope if {
	d := db("mysql", ["ff"])
	count(findings(d, [])) == 0
	count(check.in_scope) == 0 with input as {"rds": {"db_instances": [d], "parameter_groups": []}}
}
