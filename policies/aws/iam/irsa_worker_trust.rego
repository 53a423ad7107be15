# METADATA
# title: The Prefect worker's IRSA role trusts only the cluster's OIDC provider, pinned to its service account
# description: >
#   Scope: the role named by the baseline's architecture.compute.irsa.role. Every Allow
#   statement of its trust policy names only the FlowForge EKS cluster's IAM OIDC provider
#   (no other federation, account, service or the node role), allows only
#   sts:AssumeRoleWithWebIdentity, and pins `<issuer>:aud` to sts.amazonaws.com and
#   `<issuer>:sub` (StringEquals, no wildcard) to the baseline's service accounts
#   (`system:serviceaccount:<namespace>:<name>`). UNKNOWN when the cluster's issuer was not
#   reported. IRSA-specific; the general trust-policy rules (FF-IAM-002) still apply.
# custom:
#   id: FF-IRSA-001
#   severity: high
#   collection: iam.roles
#   remediation: 'Set the trust policy to one statement: Effect Allow, Principal {"Federated": "<cluster OIDC provider ARN>"}, Action sts:AssumeRoleWithWebIdentity, Condition StringEquals {"<issuer>:aud": "sts.amazonaws.com", "<issuer>:sub": "system:serviceaccount:<ns>:<sa>"} (`aws iam update-assume-role-policy`).'
#   frameworks:
#     nist-800-53-r5: ["AC-3", "AC-6", "IA-2"]
#   guide_section: Deployment Steps / 2. Deploy Data Plane
#   area: iam
package flowforge.aws.iam.irsa_worker_trust

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

irsa := object.get(compute.spec, "irsa", null)

default applies := false

applies if irsa != null

not_applicable_reason := "the baseline declares no IRSA role (architecture.compute.irsa)"

# Issuers of the FlowForge clusters, as IAM spells provider URLs in condition keys
# (lower-cased, like every condition key in the snapshot).
issuers contains lower(trim_prefix(c.oidc_issuer, "https://")) if {
	some c in input.eks.clusters
	lib.is_flowforge(c)
	is_string(c.oidc_issuer)
}

in_scope contains r.arn if {
	some r in input.iam.roles
	r.name == irsa.role
}

provider_url(arn) := lower(split(arn, ":oidc-provider/")[1]) if contains(arn, ":oidc-provider/")

node_roles := {g.node_role | some g in input.eks.node_groups; is_string(g.node_role)} | {r.arn |
	some r in input.iam.roles
	r.name == object.get(compute.spec, "node_role", null)
}

allows(r) := [s | some s in r.assume_role_policy.Statement; s.Effect == "Allow"]

trusted(type, p, known) if {
	type == "Federated"
	provider_url(p) in known
}

deny contains {
	"arn": r.arn,
	"message": sprintf("IRSA role %s trusts the EKS node role %s: every pod on the nodes can assume it", [r.name, p]),
	"evidence": {"principal": p, "node_roles": nodes},
} if {
	nodes := node_roles
	some r in input.iam.roles
	r.name == irsa.role
	some s in allows(r)
	some p in object.get(s.Principal, "AWS", [])
	p in nodes
}

deny contains {
	"arn": r.arn,
	"message": sprintf("IRSA role %s trusts %s %s, not the FlowForge cluster's OIDC provider", [r.name, type, p]),
	"evidence": {"principal_type": type, "principal": p, "cluster_issuers": sort(known)},
} if {
	known := issuers
	nodes := node_roles
	count(known) > 0
	some r in input.iam.roles
	r.name == irsa.role
	some s in allows(r)
	some type, ps in s.Principal
	some p in ps
	not p in nodes
	not trusted(type, p, known)
}

deny contains {
	"arn": r.arn,
	"message": sprintf("IRSA role %s allows %v, not only sts:AssumeRoleWithWebIdentity", [r.name, s.Action]),
	"evidence": {"actions": s.Action},
} if {
	some r in input.iam.roles
	r.name == irsa.role
	some s in allows(r)
	some a in s.Action
	lower(a) != "sts:assumerolewithwebidentity"
}

deny contains {
	"arn": r.arn,
	"message": sprintf("IRSA role %s does not pin %s:aud to sts.amazonaws.com", [r.name, url]),
	"evidence": {"condition": object.get(s, "Condition", {})},
} if {
	known := issuers
	some r in input.iam.roles
	r.name == irsa.role
	some s in allows(r)
	some p in object.get(s.Principal, "Federated", [])
	url := provider_url(p)
	url in known
	not object.get(object.get(s, "Condition", {}), "StringEquals", {})[sprintf("%s:aud", [url])] == ["sts.amazonaws.com"]
}

deny contains {
	"arn": r.arn,
	"message": sprintf("IRSA role %s does not pin %s:sub to the service accounts %v (StringEquals, no wildcard)", [r.name, url, irsa.service_accounts]),
	"evidence": {"condition": object.get(s, "Condition", {}), "service_accounts": irsa.service_accounts},
} if {
	known := issuers
	some r in input.iam.roles
	r.name == irsa.role
	some s in allows(r)
	some p in object.get(s.Principal, "Federated", [])
	url := provider_url(p)
	url in known
	not sub_pinned(s, url)
}

sub_pinned(s, url) if {
	subs := object.get(object.get(s, "Condition", {}), "StringEquals", {})[sprintf("%s:sub", [url])]
	count(subs) > 0
	every v in subs {
		v in irsa.service_accounts
	}
}

unknown contains {"arn": r.arn, "reason": lib.unreported_reason("oidc_issuer", "DescribeCluster")} if {
	some c in input.eks.clusters
	lib.is_flowforge(c)
	lib.unreported(c, "oidc_issuer")
	some r in input.iam.roles
	r.name == irsa.role
}
