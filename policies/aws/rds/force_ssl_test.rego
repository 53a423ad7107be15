package flowforge.aws.rds.force_ssl_test

import data.flowforge.aws.rds.force_ssl as check
import data.flowforge.lib.testing
import rego.v1

db(engine, groups) := object.union(testing.meta("arn:aws:rds:us-east-1:123456789012:db:m", "m", "m", {}), {"engine": engine, "parameter_groups": groups})

pg(name, value) := {"name": name, "kind": "instance", "parameters": {"rds.force_ssl": value}}

findings(d, groups) := f if {
	f := check.deny with input as {"rds": {"db_instances": [d], "parameter_groups": groups}}
}

test_pass_force_ssl_on if {
	count(findings(db("postgres", ["ff"]), [pg("ff", "1")])) == 0
}

test_fail_force_ssl_off if {
	some f in findings(db("postgres", ["ff"]), [pg("ff", "0")])
	f.evidence.parameter_groups == {"ff": "0"}
}

test_fail_group_not_collected if {
	count(findings(db("postgres", ["default.postgres16"]), [])) == 1
}

test_pass_mysql_not_in_scope if {
	d := db("mysql", ["ff"])
	count(findings(d, [])) == 0
	count(check.in_scope) == 0 with input as {"rds": {"db_instances": [d], "parameter_groups": []}}
}
