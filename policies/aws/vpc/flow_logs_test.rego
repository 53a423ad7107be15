package flowforge.aws.vpc.flow_logs_test

import data.flowforge.aws.vpc.flow_logs as check
import data.flowforge.lib.testing
import rego.v1

v := testing.meta("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", "vpc-1", "vpc-1", testing.ff_tags)

findings(logs) := f if {
	f := check.deny with input as testing.all_flowforge({"ec2": {"vpcs": [v], "flow_logs": logs}}) with data.baseline as testing.baseline
}

test_pass_active_flow_log if {
	count(findings([{"resource_id": "vpc-1", "status": "ACTIVE", "traffic_type": "ALL"}])) == 0
}

test_fail_no_flow_log if {
	count(findings([])) == 1
}

test_fail_flow_log_on_other_resource if {
	count(findings([{"resource_id": "subnet-1", "status": "ACTIVE", "traffic_type": "ALL"}])) == 1
}

test_fail_inactive_flow_log if {
	count(findings([{"resource_id": "vpc-1", "status": "FAILED", "traffic_type": "ALL"}])) == 1
}
