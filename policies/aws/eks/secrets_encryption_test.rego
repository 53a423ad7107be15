package flowforge.aws.eks.secrets_encryption_test

import data.flowforge.aws.eks.secrets_encryption as check
import rego.v1

inp(cfg) := {"eks": {"clusters": [{"arn": "arn:aws:eks:us-east-1:1:cluster/c", "name": "c", "encryption_config": cfg}]}}

test_pass_secrets_encrypted if {
	count(check.deny) == 0 with input as inp([{"resources": ["secrets"], "provider_key_arn": "k"}])
}

test_fail_no_encryption_config if {
	count(check.deny) == 1 with input as inp([])
}

test_fail_other_resources_only if {
	count(check.deny) == 1 with input as inp([{"resources": ["configmaps"], "provider_key_arn": "k"}])
}
