# Helpers of the control-plane, image and workload-identity checks (ECS, App Runner, ECR,
# EKS data plane, IRSA): the baseline's architecture.compute section, what a credential looks
# like in a variable name, where images may come from. Functions and constants only, plus the
# repository lookup (built once per evaluation); reference rules by their full path
# (data.flowforge.lib.compute.<rule>).
package flowforge.lib.compute

import rego.v1

# The baseline's architecture.compute section ({} when the baseline declares none, so that
# object.get on it never meets null).
spec := object.get(object.get(data.baseline, "architecture", {}), "compute", {})

# A task definition whose containers were not reported: ECS requires at least one container
# definition, so an empty or absent list means the snapshot lacks them, and a check that walks
# the containers would pass on nothing (issue 22 item 7). Such a task definition is UNKNOWN.
containers_unreported(t) if count(object.get(t, "containers", [])) == 0

containers_unreported_reason := "the task definition's containers were not reported by DescribeTaskDefinition (none in the snapshot; ECS requires at least one): its containers cannot be judged"

# A variable name that says it holds a credential: password, secret, token, credential,
# or a key (API_KEY, ACCESS_KEY, PRIVATE_KEY, KEY, ...). Case-insensitive.
credential_name(name) if regex.match(`(?i)(passw(or)?d|(^|_)pwd($|_)|secret|token|credential|(^|_)([a-z]+_)?key($|_)|apikey|accesskey|privatekey)`, name)

# Plain variables of a container or service that look like credentials, by name or by the
# kind of value the collector recognised (values themselves are never in the snapshot).
plain_credentials(vars) := {v.name |
	some v in vars
	credential_name(v.name)
} | {v.name |
	some v in vars
	object.get(v, "value_kind", null) != null
}

# A secret reference that names Secrets Manager or SSM Parameter Store.
secret_store_ref(value_from) if regex.match(`^arn:aws[a-z-]*:(secretsmanager|ssm):`, value_from)

# A bare parameter name is an SSM reference in ECS (same region and account).
secret_store_ref(value_from) if not startswith(value_from, "arn:")

# True when an image is in this account's private ECR registry.
ecr_image(image) if regex.match(sprintf(`^%s\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/`, [data.baseline.account_id]), image)

# The repository name of an ECR image (`<registry>/<repo>[:tag|@digest]`).
repository_of(image) := name if {
	path := substring(image, indexof(image, "/") + 1, -1)
	name := split(split(path, "@")[0], ":")[0]
}

# True when an image is pinned by digest.
digest_pinned(image) if contains(image, "@sha256:")

# ECR repositories by name (built once).
repositories := {r.name: r | some r in input.ecr.repositories}

# The last segment of an IAM role ARN (its name, without the path).
role_name(arn) := name if {
	is_string(arn)
	parts := split(arn, "/")
	name := parts[count(parts) - 1]
}

# A FlowForge ECR repository: the name prefix (ECR tags are not collected), or a name the
# baseline lists.
flowforge_repository(r) if data.flowforge.lib.is_flowforge(r)

flowforge_repository(r) if r.name in object.get(object.get(spec, "ecr", {}), "repositories", [])
