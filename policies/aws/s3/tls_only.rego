# METADATA
# title: S3 buckets deny requests that do not use TLS
# description: >
#   The bucket policy must contain a Deny statement for every principal ("*") covering s3:*
#   on both the bucket and its objects, conditioned on aws:SecureTransport = false (Bool or
#   BoolIfExists). An Allow conditioned on SecureTransport = true does not block plain HTTP.
#   Scope: every bucket (S3 accepts plain HTTP on any bucket without such a Deny).
# custom:
#   id: FF-S3-001
#   severity: high
#   collection: s3.buckets
#   remediation: >
#     Add a bucket policy statement {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
#     "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"],
#     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.
#   frameworks:
#     aws-fsbp: ["S3.5"]
#     cis-aws-foundations: ["2.1.1"]
#     nist-800-53-r5: ["AC-17(2)", "SC-8", "SC-8(1)"]
#   guide_section: Configuration Notes / Networking (enable TLS everywhere)
#   area: tls
package flowforge.aws.s3.tls_only

import data.flowforge.lib
import rego.v1

# Buckets whose policy holds the statement the remediation asks for, word for word: the
# common case, found with a few equality tests per statement (the constants are bound before
# the loop, so they are built once). Every other bucket goes through the exact test below.
canonical_compliant contains b.arn if {
	tls_condition := {"Bool": {"aws:securetransport": ["false"]}}
	everyone := {"AWS": ["*"]}
	some b in input.s3.buckets
	some s in b.policy.Statement
	s.Condition == tls_condition
	s.Effect == "Deny"
	s.Principal == everyone
	s.NotPrincipal == null
	"s3:*" in s.Action
	b.arn in s.Resource
	concat("", [b.arn, "/*"]) in s.Resource
}

# The resources of every qualifying Deny of a bucket's policy (every principal, s3:*,
# insecure transport, no narrowing condition).
qualifying_resources(b) := {r |
	some s in b.policy.Statement
	s.Effect == "Deny"
	"*" in s.Principal.AWS
	some a in s.Action
	lower(a) in {"s3:*", "*"}
	some op in ["Bool", "BoolIfExists"]
	some v in s.Condition[op]["aws:securetransport"]
	lower(v) == "false"
	unconditional_but_tls(s)
	some r in s.Resource
}

# IAM applies a Deny only when every condition matches: any further condition (say, on
# aws:SourceVpce) narrows the Deny, so it no longer blocks every plain-HTTP request. A
# NotPrincipal exempts principals likewise.
unconditional_but_tls(s) if {
	object.get(s, "NotPrincipal", null) == null
	every op, keys in s.Condition {
		op in {"Bool", "BoolIfExists"}
		every k, _ in keys {
			k == "aws:securetransport"
		}
	}
}

part_covered(rs, arn) if arn in rs

part_covered(rs, arn) if {
	not arn in rs
	some r in rs
	contains(r, "*")
	lib.pattern_covers(r, arn)
}

deny contains {"arn": b.arn, "message": msg, "evidence": ev} if {
	compliant := canonical_compliant
	some b in input.s3.buckets
	not b.arn in compliant
	not fully_covered(b)
	ev := problem(b)
	msg := sprintf("bucket %s does not deny non-TLS requests: %s", [b.name, ev.detail])
}

# The bucket ARN and its objects are both covered by a qualifying Deny.
fully_covered(b) if {
	rs := qualifying_resources(b)
	part_covered(rs, b.arn)
	part_covered(rs, concat("", [b.arn, "/*"]))
}

insecure_transport_condition(s) if {
	some op in ["Bool", "BoolIfExists"]
	some v in s.Condition[op]["aws:securetransport"]
	lower(v) == "false"
}

all_s3_actions(s) if {
	some a in s.Action
	lower(a) in {"s3:*", "*"}
}

# Why a bucket fails (evaluated for failing buckets only).
problem(b) := {"missing": "bucket_policy", "detail": "the bucket has no bucket policy"} if {
	b.policy == null
}

problem(b) := first_missing(b, tls, everyone, qualifying) if {
	b.policy != null
	tls := [s | some s in b.policy.Statement; s.Effect == "Deny"; insecure_transport_condition(s)]
	everyone := [s | some s in tls; "*" in s.Principal.AWS]
	qualifying := [s | some s in everyone; all_s3_actions(s)]
}

first_missing(b, tls, everyone, qualifying) := {
	"missing": "deny_insecure_transport",
	"detail": "no Deny statement conditioned on aws:SecureTransport = false (an Allow conditioned on SecureTransport = true does not block HTTP)",
} if {
	count(tls) == 0
} else := {
	"missing": "principal_everyone",
	"detail": "the Deny on aws:SecureTransport = false does not apply to every principal (Principal must be \"*\")",
} if {
	count(everyone) == 0
} else := {"missing": "all_actions", "detail": "the Deny on aws:SecureTransport = false does not cover s3:*"} if {
	count(qualifying) == 0
} else := {
	"missing": "unconditional_deny",
	"detail": "the Deny on aws:SecureTransport = false carries further conditions or a NotPrincipal that narrow it",
} if {
	count([s | some s in qualifying; unconditional_but_tls(s)]) == 0
} else := {"missing": "bucket_resource", "detail": sprintf("the Deny does not cover the bucket ARN %s", [b.arn])} if {
	not part_covered(qualifying_resources(b), b.arn)
} else := {"missing": "object_resource", "detail": sprintf("the Deny does not cover the objects %s/*", [b.arn])}
