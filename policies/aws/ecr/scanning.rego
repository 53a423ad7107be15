# METADATA
# title: ECR repositories scan images on push or the registry uses enhanced scanning
# description: >
#   Scope: FlowForge ECR repositories (name prefix, or named in the baseline's
#   architecture.compute.ecr.repositories). Each scans images on push, or the registry's
#   scanning mode in its region is ENHANCED (Amazon Inspector; its per-repository filters are
#   not evaluated). UNKNOWN when neither was reported.
# custom:
#   id: FF-ECR-001
#   severity: medium
#   collection: ecr.repositories
#   remediation: Run `aws ecr put-image-scanning-configuration --repository-name <repo> --image-scanning-configuration scanOnPush=true`, or turn on enhanced scanning for the registry.
#   frameworks:
#     aws-fsbp: ["ECR.1"]
#     nist-800-53-r5: ["RA-5", "SI-2"]
#   guide_section: Prerequisites
#   area: hygiene
package flowforge.aws.ecr.scanning

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

in_scope contains r.arn if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
}

deny contains {
	"arn": r.arn,
	"message": sprintf("ECR repository %s does not scan images on push and the registry does not use enhanced scanning", [r.name]),
	"evidence": {"scan_on_push": false, "registry_scan_type": r.registry_scan_type},
} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	r.scan_on_push == false
	is_string(r.registry_scan_type)
	r.registry_scan_type != "ENHANCED"
}

unknown contains {"arn": r.arn, "reason": lib.unreported_reason(field, op)} if {
	some r in input.ecr.repositories
	compute.flowforge_repository(r)
	not r.scan_on_push == true
	object.get(r, "registry_scan_type", null) != "ENHANCED"
	some [field, op] in [["scan_on_push", "DescribeRepositories"], ["registry_scan_type", "GetRegistryScanningConfiguration"]]
	lib.unreported(r, field)
}
