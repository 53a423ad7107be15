# METADATA
# title: RDS PostgreSQL instances force SSL connections
# description: >
#   A PostgreSQL DB instance's DB parameter group (rds.parameter_groups, kind instance,
#   matched by name) makes rds.force_ssl 1. A group that does not list the parameter gets the
#   engine's documented default for its family's major version (1 from RDS for PostgreSQL 15, 0
#   before: Amazon RDS User Guide, "Using SSL with a PostgreSQL DB instance"), from the one
#   defaults table (input.derived.rds_parameters); an engine version the table does not cover is
#   UNKNOWN. A group that was not collected FAILs (nothing shows SSL is forced).
#   Scope: RDS PostgreSQL and Aurora PostgreSQL instances; other engines are NOT_APPLICABLE.
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

# Effective rds.force_ssl by instance parameter group name (explicit or documented default).
force_ssl_by_group := {name: g.parameters["rds.force_ssl"] | some name, g in input.derived.rds_parameters.instance_groups}

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
	not undetermined(db)
}

forces_ssl(db) if {
	some g in db.parameter_groups
	force_ssl_by_group[g].value == "1"
}

# A group whose rds.force_ssl has no explicit value and no documented default.
undetermined(db) if {
	some g in db.parameter_groups
	force_ssl_by_group[g].source == "unknown"
}

unknown contains {"arn": db.arn, "reason": force_ssl_by_group[g].reason} if {
	some db in input.rds.db_instances
	postgres(db)
	not forces_ssl(db)
	some g in db.parameter_groups
	force_ssl_by_group[g].source == "unknown"
}
