# METADATA
# title: AWS Config recorders record all supported resources
# description: >
#   Every configuration recorder is recording and records all supported resource types.
#   Scope: every configuration recorder of every audited region (the account setting, FlowForge or not).
# custom:
#   id: FF-CFG-001
#   severity: medium
#   collection: config.recorders
#   remediation: Run `aws configservice put-configuration-recorder` with allSupported=true and start it.
#   frameworks:
#     aws-fsbp: ["Config.1"]
#     cis-aws-foundations: ["3.3"]
#     nist-800-53-r5: ["CM-3", "CM-6", "CM-8"]
#   guide_section: Operations & Handover
#   area: hygiene
package flowforge.aws.config.recorder_all_supported

import rego.v1

deny contains {
	"arn": r.arn,
	"message": sprintf("AWS Config recorder %s is not recording (or not all supported resources) in %s", [r.name, r.region]),
	"evidence": {"recording": r.recording, "all_supported": r.all_supported},
} if {
	some r in input.config.recorders
	not healthy(r)
}

healthy(r) if {
	r.recording == true
	r.all_supported == true
}
