package flowforge.aws.iam.group_exposure_test

import data.flowforge.aws.iam.group_exposure as check
import rego.v1

arn := "arn:aws:iam::123456789012:group/p"

principal := {"arn": arn, "name": "p"}

risk(class, probe) := {"class": class, "probe": probe, "conditional": false, "granted_by": [{"policy": "inline:x", "statement": 0, "sid": "S"}], "reference": "r"}

run(facts) := {"iam": {"roles": [], "users": [], "groups": [], "policies": [], "groups": [principal]}, "derived": {"iam": {"principals": {arn: facts}}}}

findings(facts) := out if {
	out := check.deny with input as run(facts)
}

unknowns(facts) := out if {
	out := check.unknown with input as run(facts)
}

test_pass_only_admin_or_infra if {
	count(findings({"risks": [risk("infrastructure-modification", "s3:PutObject")], "unknown": []})) == 0
}

test_fail_exfiltration if {
	some f in findings({"risks": [risk("data-exfiltration", "s3:GetObject")], "unknown": []})
	contains(f.message, "inline:x#S")
}

test_fail_exposure if {
	count(findings({"risks": [risk("resource-exposure", "s3:PutBucketPolicy")], "unknown": []})) == 1
}

test_unknown_missing_group if {
	count(unknowns({"risks": [], "unknown": ["group g is not in the snapshot"]})) == 1
}
