package flowforge.aws.iam.user_no_admin_test

import data.flowforge.aws.iam.user_no_admin as check
import rego.v1

arn := "arn:aws:iam::123456789012:user/p"

principal := {"arn": arn, "name": "p"}

risk(class, probe, conditional) := {"class": class, "probe": probe, "conditional": conditional, "granted_by": [{"policy": "inline:x", "statement": 0}], "reference": "r"}

run(facts) := {"iam": {"roles": [], "users": [], "groups": [], "policies": [], "users": [principal]}, "derived": {"iam": {"scp_note": "SCPs not applied", "principals": {arn: facts}}}}

findings(facts) := out if {
	out := check.deny with input as run(facts)
}

unknowns(facts) := out if {
	out := check.unknown with input as run(facts)
}

test_pass_no_risk if {
	count(findings({"risks": [risk("infrastructure-modification", "ec2:CreateRoute", false)], "unknown": []})) == 0
	count(unknowns({"risks": [], "unknown": []})) == 0
}

test_fail_admin if {
	some f in findings({"risks": [risk("admin", "*", false)], "unknown": []})
	f.arn == arn
	f.evidence.scps == "SCPs not applied"
	contains(f.message, "inline:x#0")
}

test_fail_escalation_conditional_counts if {
	some f in findings({"risks": [risk("privilege-escalation", "iam:PassRole + ec2:RunInstances", true)], "unknown": []})
	f.evidence.risks[0].conditional == true
}

test_unknown_missing_document if {
	some u in unknowns({"risks": [], "unknown": ["attached policy arn:aws:iam::1:policy/x has no document in the snapshot"]})
	u.arn == arn
	count(findings({"risks": [], "unknown": ["x"]})) == 0
}
