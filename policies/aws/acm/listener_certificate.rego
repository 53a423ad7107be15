# METADATA
# title: The FlowForge load balancer serves valid, strong ACM certificates for its domain
# description: >
#   Every certificate on an HTTPS listener of the load balancer named
#   architecture.load_balancer.name is ISSUED; does not expire within
#   requirements.certificate_expiry_days of the snapshot's collected_at (the evidence gives the
#   days left); has an RSA key of at least architecture.perimeter.certificate.min_rsa_bits bits or
#   an EC key; and its domain name and every subject alternative name match
#   architecture.perimeter.certificate.domain (`*` is one DNS label). Scope: those certificates;
#   other certificates are not applicable. A listener certificate ACM did not return (an IAM
#   server certificate, or one not collected) is UNKNOWN on the listener that serves it.
# custom:
#   id: FF-ACM-001
#   severity: high
#   collection: acm.certificates
#   remediation: >
#     Serve an ISSUED ACM certificate for the FlowForge domain with an RSA-2048+ or ECDSA key on
#     the HTTPS listener (`aws elbv2 modify-listener --certificates`); renew or re-import it
#     before it enters the expiry window (ACM-issued certificates renew automatically when
#     their DNS validation records stay in place).
#   frameworks:
#     aws-fsbp: ["ACM.1", "ACM.2"]
#     nist-800-53-r5: ["SC-8(1)", "SC-12", "SC-13", "SC-17"]
#   guide_section: Deployment Steps / 4. Deploy Control Plane (ACM certificates)
#   area: tls
package flowforge.aws.acm.listener_certificate

import data.flowforge.lib
import data.flowforge.lib.time
import rego.v1

# Certificate ARN → the listener ARNs that serve it.
served := {arn: listeners |
	albs := data.flowforge.lib.perimeter.alb_arns
	some l in input.elbv2.listeners
	l.load_balancer_arn in albs
	l.protocol == "HTTPS"
	some arn in l.certificate_arns
	listeners := [x.arn |
		some x in input.elbv2.listeners
		arn in x.certificate_arns
	]
}

in_scope contains arn if some arn, _ in served

certs := {c.arn: c | some c in input.acm.certificates}

spec := object.get(data.flowforge.lib.perimeter.spec, "certificate", {})

window := data.baseline.requirements.certificate_expiry_days

deny contains {
	"arn": c.arn,
	"message": sprintf("certificate %s is %s, not ISSUED", [c.domain_name, c.status]),
	"evidence": {"status": c.status, "listeners": served[c.arn]},
} if {
	some c in input.acm.certificates
	served[c.arn]
	is_string(c.status)
	c.status != "ISSUED"
}

deny contains {
	"arn": c.arn,
	"message": sprintf("certificate %s expires in %d days (%s), within the %d-day window", [c.domain_name, days, c.not_after, window]),
	"evidence": {"not_after": c.not_after, "collected_at": input.collected_at, "days_left": days, "expiry_window_days": window},
} if {
	some c in input.acm.certificates
	served[c.arn]
	days := time.days_between(input.collected_at, c.not_after)
	days < window
}

deny contains {
	"arn": c.arn,
	"message": sprintf("certificate %s has a %s key; RSA of at least %d bits or EC is required", [c.domain_name, c.key_algorithm, spec.min_rsa_bits]),
	"evidence": {"key_algorithm": c.key_algorithm, "min_rsa_bits": spec.min_rsa_bits},
} if {
	some c in input.acm.certificates
	served[c.arn]
	is_string(c.key_algorithm)
	not strong_key(c.key_algorithm)
}

deny contains {
	"arn": c.arn,
	"message": sprintf("certificate %s names %v, outside the domain %s", [c.domain_name, sort(outside), spec.domain]),
	"evidence": {"names_outside_domain": sort(outside), "domain": spec.domain},
} if {
	some c in input.acm.certificates
	served[c.arn]
	is_string(spec.domain)
	names := {c.domain_name} | {n | some n in object.get(c, "subject_alternative_names", [])}
	outside := {n | some n in names; not glob.match(lower(spec.domain), ["."], lower(n))}
	count(outside) > 0
}

strong_key(alg) if startswith(alg, "EC_")

strong_key(alg) if {
	startswith(alg, "RSA_")
	to_number(substring(alg, 4, -1)) >= spec.min_rsa_bits
}

# A certificate the snapshot does not hold is judged on the listener that serves it (a resource
# of the snapshot), never on the certificate's ARN.
unknown contains {"arn": listener, "reason": sprintf("the listener's certificate %s is not among the collected ACM certificates (an IAM server certificate, or DescribeCertificate failed)", [arn])} if {
	some arn, listeners in served
	not certs[arn]
	some listener in listeners
}

unknown contains {"arn": c.arn, "reason": lib.unreported_reason(field, "DescribeCertificate")} if {
	some c in input.acm.certificates
	served[c.arn]
	some field in ["status", "key_algorithm", "not_after"]
	lib.unreported(c, field)
}

unknown contains {"arn": c.arn, "reason": sprintf("expiry cannot be judged: not_after %v or collected_at %v is not an RFC 3339 time", [c.not_after, input.collected_at])} if {
	some c in input.acm.certificates
	served[c.arn]
	is_string(c.not_after)
	not time.days_between(input.collected_at, c.not_after)
}
