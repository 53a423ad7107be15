# Lookups for the perimeter and monitoring checks (WAF, ACM, CloudWatch alarms, SNS, Logs),
# built once per evaluation from the input and data.baseline.architecture.perimeter.
package flowforge.lib.perimeter

import rego.v1

spec := object.get(data.baseline, ["architecture", "perimeter"], {})

lb_name := object.get(data.baseline, ["architecture", "load_balancer", "name"], null)

# ARNs of the FlowForge load balancer (one per region it exists in).
alb_arns contains lb.arn if {
	some lb in input.elbv2.load_balancers
	lb.name == lb_name
}

# The region declared things are expected in: the FlowForge load balancer's, else the first
# scanned region. The region of a finding about a declared resource that does not exist.
alb_regions contains lb.region if {
	some lb in input.elbv2.load_balancers
	lb.name == lb_name
}

default home_region := "global"

home_region := min(alb_regions) if count(alb_regions) > 0

home_region := r if {
	count(alb_regions) == 0
	scanned := {x | some x in input.regions}
	count(scanned) > 0
	r := min(scanned)
}

# The subject of a finding about a declared element that does not exist, in the home region:
# the one documented missing-element form (`data.flowforge.lib.missing_arn`).
missing_arn(element) := data.flowforge.lib.missing_arn(home_region, element)

# Declared alarm names, alarm topic names and log group names.
alarm_names := {a.name | some a in object.get(spec, "alarms", [])}

topic_names := {t | some t in object.get(spec, "alarm_topics", [])}

log_group_names := {g | some g in object.get(spec, "log_groups", [])}

# ARNs of the web ACLs protecting the FlowForge load balancer.
alb_web_acls contains a.web_acl_arn if {
	arns := alb_arns
	some a in input.wafv2.associations
	a.resource_arn in arns
	is_string(a.web_acl_arn)
}

# Topics the declared alarms notify, and the declared topics: the alarm topics.
alarm_topic_arns contains t.arn if {
	names := topic_names
	some t in input.sns.topics
	t.name in names
}

alarm_topic_arns contains action if {
	names := alarm_names
	some a in input.cloudwatch.alarms
	a.name in names
	some action in a.alarm_actions
	startswith(action, "arn:")
	split(action, ":")[2] == "sns"
}

# True when a listing (`operation` of the IAM prefix `service`) failed: the absence of a
# declared resource then proves nothing, and its finding becomes UNKNOWN.
listing_failed(service, operation) if {
	some e in input.collection_errors
	e.service == service
	e.operation == operation
	object.get(e, "resource", null) == null
}
