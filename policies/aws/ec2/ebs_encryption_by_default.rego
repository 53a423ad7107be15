# METADATA
# title: EBS encryption by default is enabled in every region
# description: >
#   The account's EBS encryption-by-default setting is on in every audited region.
#   Scope: the account setting of every audited region.
# custom:
#   id: FF-EC2-001
#   severity: medium
#   collection: ec2.ebs_encryption_by_default
#   remediation: Run `aws ec2 enable-ebs-encryption-by-default` in each region.
#   frameworks:
#     aws-fsbp: ["EC2.7"]
#     cis-aws-foundations: ["2.2.1"]
#     nist-800-53-r5: ["SC-12", "SC-28", "SC-28(1)"]
#   guide_section: Deployment Steps / 2. Deploy Data Plane (EKS node volumes)
#   area: encryption
package flowforge.aws.ec2.ebs_encryption_by_default

import data.flowforge.lib
import rego.v1

deny contains {
	"arn": s.arn,
	"message": sprintf("EBS encryption by default is disabled in %s", [s.region]),
	"evidence": {"enabled": false, "region": s.region},
} if {
	some s in input.ec2.ebs_encryption_by_default
	s.enabled != true
}

# A region the snapshot covers without a setting for it was not collected there (an empty list
# altogether is the engine's "nothing collected" UNKNOWN).
unknown contains {
	"arn": lib.collection_arn(region, "ec2.ebs_encryption_by_default"),
	"reason": sprintf("no EBS encryption-by-default setting was collected for %s", [region]),
} if {
	count(input.ec2.ebs_encryption_by_default) > 0
	some region in input.regions
	not region in {s.region | some s in input.ec2.ebs_encryption_by_default}
}
