package flowforge.aws.elbv2.https_modern_tls_test

import data.flowforge.aws.elbv2.https_modern_tls as check
import data.flowforge.lib.testing
import rego.v1

listener(protocol, policy, actions) := {"arn": "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/a/1/2", "port": 443, "protocol": protocol, "ssl_policy": policy, "default_actions": actions}

forward := {"action_type": "forward", "target_group_arn": "tg", "redirect": null}

redirect(proto) := {"action_type": "redirect", "redirect": {"protocol": proto, "port": "443", "status_code": "HTTP_301"}}

findings(l) := f if {
	f := check.deny with input as {"elbv2": {"listeners": [l]}} with data.baseline as testing.baseline
}

test_pass_https_tls13 if {
	count(findings(listener("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06", [forward]))) == 0
}

test_pass_http_redirects if {
	count(findings(listener("HTTP", null, [redirect("HTTPS")]))) == 0
}

test_fail_old_policy if {
	count(findings(listener("HTTPS", "ELBSecurityPolicy-2016-08", [forward]))) == 1
}

test_fail_http_forwards if {
	count(findings(listener("HTTP", null, [forward]))) == 1
}

test_fail_http_redirects_to_http if {
	count(findings(listener("HTTP", null, [redirect("HTTP")]))) == 1
}

test_fail_http_no_actions if {
	count(findings(listener("HTTP", null, []))) == 1
}
