# METADATA
# title: RDS PostgreSQL instances force SSL connections
# description: >
#   A PostgreSQL DB instance's DB parameter group (rds.parameter_groups, kind instance,
#   matched by name) sets rds.force_ssl = 1. Other engines are not in scope.
# custom:
#   id: FF-RDS-001
#   severity: high
#   collection: rds.db_instances
#   remediation: >
#     Use a custom DB parameter group with rds.force_ssl = 1 and apply it to the instance
#     (the default group cannot be changed).
#   frameworks:
#     nist-800-53-r5: ["AC-17(2)", "SC-8", "SC-8(1)"]
#   guide_section: Configuration Notes / Networking (enable TLS everywhere)
#   area: tls
package flowforge.aws.rds.force_ssl

import rego.v1

postgres(db) if startswith(db.engine, "postgres")

postgres(db) if db.engine == "aurora-postgresql"

# force_ssl value by instance parameter group name (built once).
force_ssl_by_group := {pg.name: object.get(pg.parameters, "rds.force_ssl", null) |
	some pg in input.rds.parameter_groups
	pg.kind == "instance"
}

in_scope contains db.arn if {
	some db in input.rds.db_instances
	postgres(db)
}

deny contains {
	"arn": db.arn,
	"message": sprintf("DB instance %s does not force SSL (rds.force_ssl is not 1 in %v)", [db.name, db.parameter_groups]),
	"evidence": {"parameter_groups": {g: object.get(force_ssl_by_group, g, "group not collected") | some g in db.parameter_groups}},
} if {
	some db in input.rds.db_instances
	postgres(db)
	not forces_ssl(db)
}

forces_ssl(db) if {
	some g in db.parameter_groups
	force_ssl_by_group[g] == "1"
}
