# The KMS keys FlowForge resources use: every key reference (key id, key ARN, alias name or
# alias ARN) found on FlowForge buckets, DB instances, clusters and snapshots, secrets, SSM
# parameters under the baseline's prefixes, multi-region trails, and, when the snapshot has
# them, log groups and SNS topics (`kms_key_id`), resolved against `input.kms.keys`. The
# three KMS checks judge exactly these keys. AWS-managed keys (`alias/aws/...`) are AWS's
# business and are left out. A lookup built from the input, so its own package (see
# docs/policies.md, "Performance").
package flowforge.lib.kms

import data.flowforge.lib
import rego.v1

# ref -> key ARN, for every way a key can be named.
by_ref[ref] := k.arn if {
	some k in input.kms.keys
	some ref in key_names(k)
}

key_names(k) := names if {
	prefix := trim_suffix(k.arn, concat("", ["key/", k.id]))
	names := array.concat([k.arn, k.id], array.concat(
		object.get(k, "aliases", []),
		[concat("", [prefix, a]) | some a in object.get(k, "aliases", [])],
	))
}

aws_managed(ref) if contains(ref, "alias/aws/")

# {"ref": ..., "user": ARN of the resource naming it, "region": its region}
references contains {"ref": ref, "user": b.arn, "region": b.region} if {
	some b in input.s3.buckets
	lib.is_flowforge(b)
	some r in object.get(b, ["encryption", "rules"], [])
	ref := r.kms_master_key_id
	is_string(ref)
}

references contains {"ref": db.kms_key_id, "user": db.arn, "region": db.region} if {
	some db in input.rds.db_instances
	lib.is_flowforge(db)
	is_string(db.kms_key_id)
}

references contains {"ref": db.kms_key_id, "user": db.arn, "region": db.region} if {
	some db in input.rds.db_clusters
	lib.is_flowforge(db)
	is_string(db.kms_key_id)
}

references contains {"ref": snap.kms_key_id, "user": snap.arn, "region": snap.region} if {
	some snap in input.rds.db_snapshots
	lib.is_flowforge(snap)
	is_string(snap.kms_key_id)
}

references contains {"ref": sec.kms_key_id, "user": sec.arn, "region": sec.region} if {
	names := {n | some n in object.get(data.baseline, ["architecture", "secrets"], [])}
	some sec in input.secretsmanager.secrets
	flowforge_secret(sec, names)
	is_string(sec.kms_key_id)
}

references contains {"ref": p.key_id, "user": p.arn, "region": p.region} if {
	prefixes := object.get(data.baseline, ["architecture", "parameter_store", "prefixes"], [])
	some p in input.ssm.parameters
	some prefix in prefixes
	startswith(p.name, prefix)
	is_string(p.key_id)
}

references contains {"ref": t.kms_key_id, "user": t.arn, "region": t.region} if {
	some t in input.cloudtrail.trails
	t.is_multi_region == true
	is_string(t.kms_key_id)
}

references contains {"ref": g.kms_key_id, "user": g.arn, "region": g.region} if {
	some g in input.logs.log_groups
	lib.is_flowforge(g)
	is_string(g.kms_key_id)
}

references contains {"ref": t.kms_key_id, "user": t.arn, "region": t.region} if {
	some t in input.sns.topics
	lib.is_flowforge(t)
	is_string(t.kms_key_id)
}

flowforge_secret(sec, names) if sec.name in names

flowforge_secret(sec, _) if lib.is_flowforge(sec)

# Key ARN -> sorted ARNs of the FlowForge resources that use it.
used[arn] := sort(users) if {
	some r in references
	not aws_managed(r.ref)
	arn := by_ref[r.ref]
	users := {x.user | some x in references; by_ref[x.ref] == arn}
}

# References that name no key of the snapshot: {"arn": what to report on, "reason": ...}.
unresolved contains {"arn": ref_arn(r), "reason": sprintf("KMS key %s, used by %s, is not in the snapshot (kms.keys)", [r.ref, r.user])} if {
	some r in references
	not aws_managed(r.ref)
	not by_ref[r.ref]
}

ref_arn(r) := r.ref if startswith(r.ref, "arn:")

ref_arn(r) := sprintf("arn:%s:kms:%s:%s:%s", [data.baseline.partition, r.region, data.baseline.account_id, r.ref]) if {
	not startswith(r.ref, "arn:")
	startswith(r.ref, "alias/")
}

ref_arn(r) := sprintf("arn:%s:kms:%s:%s:key/%s", [data.baseline.partition, r.region, data.baseline.account_id, r.ref]) if {
	not startswith(r.ref, "arn:")
	not startswith(r.ref, "alias/")
}
