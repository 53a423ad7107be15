package flowforge.aws.acm.listener_certificate_test

import data.flowforge.aws.acm.listener_certificate as check
import data.flowforge.lib.testing
import rego.v1

lb_arn := "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/flowforge-prod-alb/1"

cert_arn := "arn:aws:acm:us-east-1:123456789012:certificate/c1"

good := {
	"arn": cert_arn, "domain_name": "app.prod.flowforge.example.com",
	"subject_alternative_names": ["app.prod.flowforge.example.com", "api.prod.flowforge.example.com"],
	"status": "ISSUED", "key_algorithm": "RSA_2048", "not_after": "2027-01-31T00:00:00Z",
}

snapshot(cert, listener_cert) := {
	"collected_at": "2026-01-31T09:30:00Z",
	"elbv2": {
		"load_balancers": [{"arn": lb_arn, "name": "flowforge-prod-alb", "region": "us-east-1"}],
		"listeners": [{"arn": "l1", "load_balancer_arn": lb_arn, "protocol": "HTTPS", "certificate_arns": [listener_cert]}],
	},
	"acm": {"certificates": [cert, object.union(good, {"arn": "unused", "status": "EXPIRED"})]},
}

run(doc) := {"deny": d, "unknown": u} if {
	d := check.deny with input as doc with data.baseline as testing.baseline
	u := check.unknown with input as doc with data.baseline as testing.baseline
}

test_pass_issued_strong_in_domain if {
	r := run(snapshot(good, cert_arn))
	count(r.deny) == 0
	count(r.unknown) == 0
}

test_pass_ec_key if count(run(snapshot(object.union(good, {"key_algorithm": "EC_prime256v1"}), cert_arn)).deny) == 0

test_fail_pending if count(run(snapshot(object.union(good, {"status": "PENDING_VALIDATION"}), cert_arn)).deny) == 1

test_fail_expiring_with_days_left if {
	r := run(snapshot(object.union(good, {"not_after": "2026-02-10T09:29:59Z"}), cert_arn))
	count(r.deny) == 1
	some f in r.deny
	f.evidence.days_left == 9
	f.evidence.expiry_window_days == 30
}

test_fail_expired if {
	r := run(snapshot(object.union(good, {"not_after": "2025-12-01T00:00:00Z"}), cert_arn))
	some f in r.deny
	f.evidence.days_left < 0
}

test_pass_just_outside_window if count(run(snapshot(object.union(good, {"not_after": "2026-03-02T09:30:00Z"}), cert_arn)).deny) == 0

test_fail_weak_rsa if count(run(snapshot(object.union(good, {"key_algorithm": "RSA_1024"}), cert_arn)).deny) == 1

test_fail_wrong_domain if {
	r := run(snapshot(object.union(good, {"subject_alternative_names": ["app.prod.flowforge.example.com", "x.evil.example.net"]}), cert_arn))
	some f in r.deny
	f.evidence.names_outside_domain == ["x.evil.example.net"]
}

test_fail_wildcard_spans_one_label_only if count(run(snapshot(object.union(good, {"domain_name": "a.b.prod.flowforge.example.com", "subject_alternative_names": []}), cert_arn)).deny) == 1

test_unknown_iam_certificate if {
	r := run(snapshot(good, "arn:aws:iam::123456789012:server-certificate/x"))
	count(r.deny) == 0
	count(r.unknown) == 1
}

test_unknown_unreported_not_after if {
	r := run(snapshot(object.union(good, {"not_after": null}), cert_arn))
	count(r.deny) == 0
	count(r.unknown) == 1
}

test_scope_is_served_certificates if {
	s := check.in_scope with input as snapshot(good, cert_arn) with data.baseline as testing.baseline
	s == {cert_arn}
}
