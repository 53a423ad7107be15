# METADATA
# title: Load balancer listeners use modern TLS and HTTP only redirects to HTTPS
# description: >
#   HTTPS and TLS listeners use one of the environment's allowed SSL policies
#   (architecture.load_balancer.allowed_ssl_policies). HTTP listeners only redirect to
#   HTTPS: every default action is a redirect whose protocol is HTTPS.
#   Scope: every HTTPS, TLS and HTTP listener of the audited load balancers.
# custom:
#   id: FF-ELB-001
#   severity: high
#   collection: elbv2.listeners
#   remediation: >
#     Set the listener's SSL policy to an allowed TLS 1.2+/1.3 policy, and make HTTP listeners
#     redirect (HTTP 301) to HTTPS.
#   frameworks:
#     aws-fsbp: ["ELB.1", "ELB.17"]
#     nist-800-53-r5: ["AC-17(2)", "SC-8", "SC-8(1)", "SC-13"]
#   guide_section: Reference Architecture / 3. Perimeter (ALB fronting the control plane)
#   area: tls
package flowforge.aws.elbv2.https_modern_tls

import rego.v1

allowed := {p | some p in data.baseline.architecture.load_balancer.allowed_ssl_policies}

deny contains {
	"arn": l.arn,
	"message": sprintf("%s listener on port %d uses SSL policy %v, which is not allowed", [l.protocol, l.port, policy]),
	"evidence": {"ssl_policy": policy, "allowed_ssl_policies": allowed},
} if {
	some l in input.elbv2.listeners
	l.protocol in {"HTTPS", "TLS"}
	policy := object.get(l, "ssl_policy", null)
	not policy in allowed
}

redirects_to_https(action) if {
	action.action_type == "redirect"
	proto := action.redirect.protocol
	is_string(proto)
	upper(proto) == "HTTPS"
}

deny contains {
	"arn": l.arn,
	"message": sprintf("HTTP listener on port %d does not only redirect to HTTPS", [l.port]),
	"evidence": {"default_actions": [a.action_type | some a in l.default_actions]},
} if {
	some l in input.elbv2.listeners
	l.protocol == "HTTP"
	not all_redirect(l)
}

all_redirect(l) if {
	count(l.default_actions) > 0
	every a in l.default_actions {
		redirects_to_https(a)
	}
}
