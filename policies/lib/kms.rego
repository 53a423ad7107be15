# The KMS keys FlowForge resources use, as the engine computes them once (src/kms_use.rs,
# `input.derived.kms`): the three KMS checks judge exactly these keys. A thin reader, so no
# check re-derives the scope (it was a quadratic Rego join).
package flowforge.lib.kms

import rego.v1

# Key ARN -> sorted ARNs of the FlowForge resources that name it (buckets, DB instances,
# clusters and snapshots, secrets, SSM parameters, log groups, topics, multi-region trails).
used := input.derived.kms.used

# {"arn", "reason"} the KMS checks report as unknown: a reference to a key the snapshot does
# not hold (on the resource naming it), a key named only by resources whose FlowForge-ness is
# undecided (on the key).
unknown := input.derived.kms.unknown
