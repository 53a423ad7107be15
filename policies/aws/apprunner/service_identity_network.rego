# METADATA
# title: App Runner control-plane services run as the control-plane role and egress through the VPC
# description: >
#   Scope: FlowForge App Runner services (name prefix). The instance role is the baseline's
#   architecture.compute.control_plane.task_role, and outbound traffic goes through a VPC
#   connector (egress type VPC), so the UI/API reaches RDS and the Prefect API privately.
#   UNKNOWN when the egress type was not reported. Not applicable without
#   architecture.compute in the baseline.
# custom:
#   id: FF-APPRUNNER-001
#   severity: high
#   collection: apprunner.services
#   remediation: Run `aws apprunner update-service --service-arn <arn> --instance-configuration InstanceRoleArn=<control-plane role> --network-configuration "EgressConfiguration={EgressType=VPC,VpcConnectorArn=<connector>}"`.
#   frameworks:
#     nist-800-53-r5: ["AC-4", "AC-6", "SC-7"]
#   guide_section: Reference Architecture / 1. Control Plane
#   area: network
package flowforge.aws.apprunner.service_identity_network

import data.flowforge.lib
import data.flowforge.lib.compute
import rego.v1

default applies := false

applies if count(compute.spec) > 0

not_applicable_reason := "the baseline declares no architecture.compute"

in_scope contains s.arn if {
	some s in input.apprunner.services
	lib.is_flowforge(s)
}

deny contains {
	"arn": s.arn,
	"message": sprintf("App Runner service %s runs as %v, not the control-plane role %s", [s.name, object.get(s, "instance_role_arn", null), want]),
	"evidence": {"instance_role_arn": object.get(s, "instance_role_arn", null), "expected_role": want},
} if {
	want := compute.spec.control_plane.task_role
	some s in input.apprunner.services
	lib.is_flowforge(s)
	not compute.role_name(object.get(s, "instance_role_arn", null)) == want
}

deny contains {
	"arn": s.arn,
	"message": sprintf("App Runner service %s sends outbound traffic to the internet (egress %s), not through a VPC connector", [s.name, s.egress_type]),
	"evidence": {"egress_type": s.egress_type, "vpc_connector_arn": object.get(s, "vpc_connector_arn", null)},
} if {
	some s in input.apprunner.services
	lib.is_flowforge(s)
	is_string(s.egress_type)
	s.egress_type != "VPC"
}

unknown contains {"arn": s.arn, "reason": lib.unreported_reason("egress_type", "DescribeService")} if {
	some s in input.apprunner.services
	lib.is_flowforge(s)
	lib.unreported(s, "egress_type")
}
