package flowforge.aws.iam.user_no_admin_test

import data.flowforge.aws.iam.user_no_admin as check
import rego.v1

arn := "arn:aws:iam::123456789012:user/p"

principal := {"arn": arn, "name": "p"}

risk(class, probe, conditional) := {"class": class, "probe": probe, "conditional": conditional, "granted_by": [{"policy": "inline:x", "statement": 0}], "reference": "r"}

step := {"actor": arn, "edge": "assume-role", "action": "sts:AssumeRole", "resource": "arn:aws:iam::123456789012:role/admin", "gains": "arn:aws:iam::123456789012:role/admin", "granted_by": ["inline:x#0", "trust:admin#0"], "conditional": false, "reference": "pathfinding.cloud sts-001"}

esc(verdict) := {"verdict": verdict, "chain": [step], "text": "user/p --[sts:AssumeRole]--> role/admin (granted by inline:x#0, trust:admin#0) ; role/admin --[* on *]--> administrator", "unknown": [], "broken": []}

none := {"verdict": "none"}

run(facts) := {"iam": {"roles": [], "users": [], "groups": [], "policies": [], "users": [principal]}, "derived": {"iam": {"scp_note": "SCPs not applied", "principals": {arn: facts}}}}

findings(facts) := out if {
	out := check.deny with input as run(facts)
}

unknowns(facts) := out if {
	out := check.unknown with input as run(facts)
}

notes(facts) := out if {
	out := check.pass_note with input as run(facts)
}

test_pass_no_chain if {
	count(findings({"escalation": none, "risks": [risk("privilege-escalation", "sts:AssumeRole", false)], "unknown": []})) == 0
	count(unknowns({"escalation": none, "risks": [], "unknown": []})) == 0
	count(notes({"escalation": none, "risks": [], "unknown": []})) == 0
}

test_fail_carries_the_chain if {
	some f in findings({"escalation": esc("admin"), "risks": [risk("admin", "*", false)], "unknown": []})
	f.arn == arn
	f.evidence.scps == "SCPs not applied"
	f.evidence.verdict == "admin"
	f.evidence.chain[0].granted_by == ["inline:x#0", "trust:admin#0"]
	contains(f.message, "can become administrator: user/p --[sts:AssumeRole]--> role/admin")
}

test_fail_conditional_chain_counts if {
	some f in findings({"escalation": esc("conditional"), "risks": [], "unknown": []})
	contains(f.message, "under a condition")
	f.evidence.verdict == "conditional"
}

test_unknown_only_through_unseen_steps if {
	e := object.union(esc("unknown"), {"unknown": ["lambda.functions not collected"]})
	count(findings({"escalation": e, "risks": [], "unknown": []})) == 0
	some u in unknowns({"escalation": e, "risks": [], "unknown": []})
	contains(u.reason, "lambda.functions not collected")
}

test_unknown_missing_document if {
	some u in unknowns({"escalation": none, "risks": [], "unknown": ["attached policy arn:aws:iam::1:policy/x has no document in the snapshot"]})
	u.arn == arn
	count(findings({"escalation": none, "risks": [], "unknown": ["x"]})) == 0
}

test_pass_says_why_paths_break if {
	broken := {"verdict": "none", "broken": ["sts:AssumeRole granted on * (inline:x#0): no role admits it"]}
	some n in notes({"escalation": broken, "risks": [], "unknown": []})
	n.arn == arn
	contains(n.message, "no role admits it")
	count(findings({"escalation": broken, "risks": [], "unknown": []})) == 0
}
