//! The shipped example snapshots with the built-in baseline's prod view, for the unit tests
//! that judge the real catalog on real data (compiled for tests only).

use crate::baseline::EnvView;
use crate::model::Snapshot;

/// `examples/snapshots/<name>.json` and the prod view for its account and partition.
pub(crate) fn example(name: &str) -> (Snapshot, EnvView) {
    let path = format!("{}/examples/snapshots/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let snapshot = Snapshot::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let view = crate::baseline::Baseline::builtin()
        .unwrap()
        .env_view("prod", &snapshot.account_id, &snapshot.partition)
        .unwrap();
    (snapshot, view)
}
