//! The baseline's storage sections (guide, "Deployment Steps / 3. Configure Storage &
//! Database"): `architecture.data_lake`, the S3 buckets of the landing, bronze, silver and
//! gold layers, and `architecture.database`, the RDS PostgreSQL metadata database. Validated
//! by `validate::storage`; drift in `drift::architecture::storage`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataLakeSpec {
    pub layers: Vec<String>,
    /// Pattern with `{layer}` (and the usual placeholders).
    pub bucket_name: String,
    /// Layer → bucket name; filled in the environment view only, in layer order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buckets: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatabaseSpec {
    pub identifier: String,
    pub engine: String,
    pub port: u16,
    pub storage_encrypted: bool,
    pub force_ssl: bool,
}
