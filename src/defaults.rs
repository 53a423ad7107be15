//! Documented engine defaults: what a database parameter is when its parameter group does not
//! list it (DescribeDBParameters is silent about a parameter nobody set, and a silent parameter
//! takes the engine's default, which differs across engine versions). One small cited table,
//! applied wherever the audit sees "not set": the engine's derived facts
//! (`input.derived.rds_parameters`, read by FF-RDS-001) and the architecture drift.
//!
//! An engine or major version the table does not cover gives [`Effective::Unknown`]: the
//! check is UNKNOWN, never PASS.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::model::Snapshot;

/// One documented default: `parameter` is `value` on `engine` major versions `majors`
/// (inclusive), per `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineDefault {
    pub engine: &'static str,
    pub majors: (u32, u32),
    pub parameter: &'static str,
    pub value: &'static str,
    pub source: &'static str,
}

const RDS_SSL: &str = "Amazon RDS User Guide, \"Using SSL with a PostgreSQL DB instance\" (rds.force_ssl defaults to 1 from RDS for PostgreSQL 15, 0 before)";
const PG_LOGGING: &str = "PostgreSQL documentation, \"Error Reporting and Logging\" (log_connections and log_disconnections default to off); RDS for PostgreSQL keeps them off in its default parameter groups";
const PG_TLS: &str = "PostgreSQL documentation, \"Connections and Authentication\" (ssl_min_protocol_version defaults to TLSv1.2 from PostgreSQL 12)";

/// The table. Engines as in a parameter group family (`postgres15` → `postgres`, 15).
pub const TABLE: &[EngineDefault] = &[
    EngineDefault { engine: "postgres", majors: (9, 14), parameter: "rds.force_ssl", value: "0", source: RDS_SSL },
    EngineDefault {
        engine: "postgres",
        majors: (15, u32::MAX),
        parameter: "rds.force_ssl",
        value: "1",
        source: RDS_SSL,
    },
    EngineDefault {
        engine: "postgres",
        majors: (9, u32::MAX),
        parameter: "log_connections",
        value: "0",
        source: PG_LOGGING,
    },
    EngineDefault {
        engine: "postgres",
        majors: (9, u32::MAX),
        parameter: "log_disconnections",
        value: "0",
        source: PG_LOGGING,
    },
    EngineDefault {
        engine: "postgres",
        majors: (12, u32::MAX),
        parameter: "ssl_min_protocol_version",
        value: "TLSv1.2",
        source: PG_TLS,
    },
];

/// The parameters the table and the checks care about.
pub const PARAMETERS: &[&str] = &["rds.force_ssl", "log_connections", "log_disconnections", "ssl_min_protocol_version"];

/// What a parameter is in a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effective {
    /// The group lists it.
    Explicit(String),
    /// The group does not list it; the engine's documented default applies.
    Default { value: String, source: &'static str },
    /// Not listed, and no documented default for this engine and version.
    Unknown(String),
}

/// `postgres15` → (`postgres`, 15); `postgres9.6` → (`postgres`, 9); `aurora-postgresql16` →
/// (`aurora-postgresql`, 16). `None` when the family has no version.
pub fn parse_family(family: &str) -> Option<(&str, u32)> {
    let at = family.find(|c: char| c.is_ascii_digit())?;
    let (engine, version) = family.split_at(at);
    let major: String = version.chars().take_while(char::is_ascii_digit).collect();
    Some((engine, major.parse().ok()?))
}

/// The effective value of `name` in a group of `family` listing `parameters`.
pub fn effective(family: &str, parameters: &BTreeMap<String, String>, name: &str) -> Effective {
    if let Some(v) = parameters.get(name) {
        return Effective::Explicit(v.clone());
    }
    let Some((engine, major)) = parse_family(family) else {
        return Effective::Unknown(format!("{name} is not set and the family {family:?} names no engine version"));
    };
    TABLE
        .iter()
        .find(|d| d.engine == engine && d.parameter == name && d.majors.0 <= major && major <= d.majors.1)
        .map(|d| Effective::Default { value: d.value.to_owned(), source: d.source })
        .unwrap_or_else(|| {
            Effective::Unknown(format!("{name} is not set and no documented default is known for {engine} {major}"))
        })
}

fn effective_json(e: &Effective) -> Value {
    match e {
        Effective::Explicit(v) => json!({"value": v, "source": "explicit"}),
        Effective::Default { value, source } => json!({"value": value, "source": "default", "reference": source}),
        Effective::Unknown(reason) => json!({"value": null, "source": "unknown", "reason": reason}),
    }
}

/// `input.derived.rds_parameters`: per instance and cluster parameter group (by name), the
/// effective value of each [`PARAMETERS`] entry.
pub fn facts(s: &Snapshot) -> Value {
    let mut instance = serde_json::Map::new();
    let mut cluster = serde_json::Map::new();
    for g in &s.rds.parameter_groups {
        let params: serde_json::Map<String, Value> = PARAMETERS
            .iter()
            .map(|p| ((*p).to_owned(), effective_json(&effective(&g.family, &g.parameters, p))))
            .collect();
        let entry = json!({"family": g.family, "parameters": params});
        if g.kind == "cluster" {
            cluster.insert(g.meta.name.clone(), entry);
        } else {
            instance.insert(g.meta.name.clone(), entry);
        }
    }
    let sort = |m: serde_json::Map<String, Value>| -> serde_json::Map<String, Value> {
        let b: BTreeMap<String, Value> = m.into_iter().collect();
        b.into_iter().collect()
    };
    json!({"instance_groups": sort(instance), "cluster_groups": sort(cluster)})
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rds.force_ssl unset: on from PostgreSQL 15, off before; set, the group's value wins;
    /// an engine the table does not know is UNKNOWN.
    #[test]
    fn force_ssl_defaults_by_version() {
        let none = BTreeMap::new();
        assert!(
            matches!(effective("postgres15", &none, "rds.force_ssl"), Effective::Default { ref value, .. } if value == "1")
        );
        assert!(
            matches!(effective("postgres16", &none, "rds.force_ssl"), Effective::Default { ref value, .. } if value == "1")
        );
        assert!(
            matches!(effective("postgres14", &none, "rds.force_ssl"), Effective::Default { ref value, .. } if value == "0")
        );
        assert!(
            matches!(effective("postgres9.6", &none, "rds.force_ssl"), Effective::Default { ref value, .. } if value == "0")
        );
        let set: BTreeMap<String, String> = [("rds.force_ssl".to_owned(), "0".to_owned())].into();
        assert_eq!(effective("postgres16", &set, "rds.force_ssl"), Effective::Explicit("0".into()));
        assert!(matches!(effective("aurora-postgresql16", &none, "rds.force_ssl"), Effective::Unknown(_)));
        assert!(matches!(effective("", &none, "rds.force_ssl"), Effective::Unknown(_)));
        assert!(
            matches!(effective("postgres16", &none, "log_connections"), Effective::Default { ref value, .. } if value == "0")
        );
    }
}
