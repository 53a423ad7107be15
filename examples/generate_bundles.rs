//! Generates a store of signed evidence bundles for the `attest` benchmark
//! (`scripts/bench-attest.sh`): days × accounts bundles cloned from two real bundles.
//!
//! `cargo run --release --example generate_bundles -- COMPLIANT DRIFTED KEY OUT DAYS ACCOUNTS`
//!
//! COMPLIANT and DRIFTED are bundles written by `evaluate --evidence` (the shipped examples);
//! KEY signs every manifest. Each generated bundle shares the template's files by hard link
//! (policies, baseline, snapshot: attest hashes them like any file) and has its own JSON report:
//! the template's, with the account and the collection time of its day. Days 10-12 of every
//! 30 are drifted (exceptions that are then fixed) and day 49 of every 50 has no bundle (a gap),
//! so the benchmark attests a realistic mix. Not evidence of anything: the reports were not
//! produced from the snapshots, so `verify-evidence` would not reproduce them; `attest` does
//! not re-evaluate and verifies hashes and signatures, which these pass.

use std::path::{Path, PathBuf};

use flowforge_audit::evidence::signing::SecretKey;
use flowforge_audit::evidence::{self, Manifest};
use flowforge_audit::model::sha256_hex;

const REPORT: &str = "reports/flowforge-audit.json";
const TEMPLATE_ACCOUNT: &str = "123456789012";

fn files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read template").map(|e| e.expect("entry")).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if e.file_type().expect("type").is_dir() {
            files(&e.path(), &format!("{name}/"), out);
        } else {
            out.push(name);
        }
    }
}

struct Template {
    dir: PathBuf,
    manifest: Manifest,
    report: String,
    files: Vec<String>,
}

fn template(dir: &str) -> Template {
    let dir = PathBuf::from(dir);
    let bytes = std::fs::read(dir.join(evidence::MANIFEST)).expect("template manifest");
    let (manifest, _) = Manifest::parse(&bytes).expect("template manifest parses");
    let report = std::fs::read_to_string(dir.join(REPORT)).expect("template JSON report (evaluate --format json)");
    let mut all = Vec::new();
    files(&dir, "", &mut all);
    Template { dir, manifest, report, files: all }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [compliant, drifted, key, out, days, accounts] = args.as_slice() else {
        eprintln!("usage: generate_bundles COMPLIANT DRIFTED KEY OUT DAYS ACCOUNTS");
        std::process::exit(2);
    };
    let (compliant, drifted) = (template(compliant), template(drifted));
    let key = SecretKey::read(Path::new(key)).expect("secret key");
    let days: u32 = days.parse().expect("DAYS");
    let accounts: u32 = accounts.parse().expect("ACCOUNTS");
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
    let mut written = 0;
    for a in 0..accounts {
        let account = format!("{:012}", 100_000_000_000u64 + u64::from(a));
        for d in 0..days {
            if d % 50 == 49 {
                continue;
            }
            let t = if (10..13).contains(&(d % 30)) { &drifted } else { &compliant };
            let day = start + chrono::Days::new(u64::from(d));
            let at = format!("{}T02:{:02}:00Z", day.format("%Y-%m-%d"), a % 60);
            let dir = Path::new(out).join(format!("prod/{account}/{}", day.format("%Y-%m-%d")));
            std::fs::create_dir_all(&dir).expect("bundle dir");
            for rel in t.files.iter().filter(|r| !r.starts_with("manifest.json") && *r != REPORT) {
                let to = dir.join(rel);
                std::fs::create_dir_all(to.parent().expect("parent")).expect("dir");
                std::fs::hard_link(t.dir.join(rel), &to).expect("hard link");
            }
            let mut report: serde_json::Value =
                serde_json::from_str(&t.report.replace(TEMPLATE_ACCOUNT, &account)).expect("report JSON");
            report["collected_at"] = serde_json::Value::from(at);
            let mut text = serde_json::to_string_pretty(&report).expect("JSON");
            text.push('\n');
            let report_path = dir.join(REPORT);
            std::fs::create_dir_all(report_path.parent().expect("parent")).expect("reports dir");
            std::fs::write(report_path, &text).expect("report");
            let mut manifest = t.manifest.clone();
            manifest.files.insert(REPORT.to_owned(), sha256_hex(text.as_bytes()));
            evidence::finish(&dir, &manifest, Some(&key)).expect("manifest");
            written += 1;
        }
    }
    println!("{written}");
}
