//! Evidence bundles against someone who edits them: every report present is reproduced, the
//! bundle is read without leaving it, the manifest is covered (by reproduction, by its strict
//! form, by a signature), verification writes nothing, and reports do not depend on how a
//! path was spelled (issue 10, items 7, 8 and 10).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{bin, repo, run, text};

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temporary path")
}

/// `evaluate` of the drifted example with an evidence bundle at `ev`; `extra` adds options.
fn bundle(ev: &Path, extra: &[&str]) {
    let out = ev.with_extension("out");
    let snap = repo("examples/snapshots/prod-drifted.json");
    let mut args =
        vec!["evaluate", "--snapshot", s(&snap), "--env", "prod", "--out", s(&out), "--evidence", s(ev), "--quiet"];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

fn verify(ev: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["verify-evidence", s(ev)];
    args.extend_from_slice(extra);
    run(&args)
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Rewrites the manifest as flowforge-audit would (canonical form) after `edit`.
fn edit_manifest(ev: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = ev.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut m);
    // Files sorted by path, as the tool writes them: the edit must look like the real thing.
    let files: BTreeMap<String, serde_json::Value> =
        m["files"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    m["files"] = serde_json::to_value(files).unwrap();
    let mut text = serde_json::to_string_pretty(&m).unwrap();
    text.push('\n');
    std::fs::write(&path, text).unwrap();
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The files that are not the same in `a` and `b` (missing from one, or different bytes).
fn differing(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    let mut names: Vec<&PathBuf> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    names.into_iter().filter(|n| a.get(*n) != b.get(*n)).cloned().collect()
}

/// Issue 10 item 7: a report edited to say the gate passed, with its hash updated in the
/// manifest, is not verified: every report file present is re-rendered, whatever the manifest
/// says; a report file the tool would not write is refused.
#[test]
fn edited_report_with_updated_hash_is_not_reproduced() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    bundle(&ev, &["--format", "json,csv,md"]);
    assert_eq!(verify(&ev, &[]).status.code(), Some(0));

    let md = ev.join("reports/flowforge-audit.md");
    let forged = String::from_utf8(std::fs::read(&md).unwrap()).unwrap().replace("Gate failed", "Gate passed");
    assert!(forged.contains("Gate passed"), "the Markdown report says whether the gate passed");
    std::fs::write(&md, &forged).unwrap();
    edit_manifest(&ev, |m| {
        m["files"]["reports/flowforge-audit.md"] = sha256(forged.as_bytes()).into();
        // A v1-style claim that only JSON was written is not even a manifest field any more.
        m["files"].as_object_mut().unwrap().shift_remove("reports/flowforge-audit.csv");
    });
    std::fs::remove_file(ev.join("reports/flowforge-audit.csv")).unwrap();
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("NOT REPRODUCED: reports/flowforge-audit.md"), "{}", text(&o));

    // A file the tool never writes, listed with its right hash, is refused.
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    bundle(&ev, &[]);
    std::fs::write(ev.join("reports/summary.md"), b"gate: PASSED\n").unwrap();
    edit_manifest(&ev, |m| m["files"]["reports/summary.md"] = sha256(b"gate: PASSED\n").into());
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("reports/summary.md: not a file flowforge-audit writes"), "{}", text(&o));
}

/// Issue 25: the compliance CSVs of `--compliance` are in the bundle, listed in the manifest,
/// and reproduced byte for byte: one edited with its hash updated is NOT REPRODUCED. A partial
/// run's selection is in the manifest and the re-run selects the same checks.
#[test]
fn compliance_csvs_and_selection_are_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    bundle(&ev, &["--compliance", "all", "--services", "s3,iam"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ev.join("manifest.json")).unwrap()).unwrap();
    for framework in ["aws-fsbp", "cis-aws-foundations", "nist-800-53-r5"] {
        let rel = format!("reports/flowforge-audit.compliance-{framework}.csv");
        assert!(manifest["files"][&rel].is_string(), "{rel} not in the manifest: {manifest}");
        assert_eq!(
            std::fs::read(ev.join(&rel)).unwrap(),
            std::fs::read(ev.with_extension("out").join(rel.trim_start_matches("reports/"))).unwrap(),
            "the bundled CSV is the one written to --out"
        );
    }
    assert_eq!(manifest["options"]["services"], serde_json::json!(["s3", "iam"]));
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("6 reports reproduced byte for byte"), "{}", text(&o));

    let rel = "reports/flowforge-audit.compliance-cis-aws-foundations.csv";
    let forged = String::from_utf8(std::fs::read(ev.join(rel)).unwrap()).unwrap().replacen(",FAIL,", ",PASS,", 1);
    std::fs::write(ev.join(rel), &forged).unwrap();
    edit_manifest(&ev, |m| m["files"][rel] = sha256(forged.as_bytes()).into());
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains(&format!("NOT REPRODUCED: {rel}")), "{}", text(&o));

    // The selection is part of what the reports mean: dropping it from the manifest changes them.
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    bundle(&ev, &["--services", "s3"]);
    edit_manifest(&ev, |m| {
        m["options"].as_object_mut().unwrap().shift_remove("services");
    });
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("NOT REPRODUCED"), "{}", text(&o));
}

/// Issue 10 item 7: symbolic links in the bundle are refused, not followed (even to a file
/// with the right content), and manifest paths that are absolute or climb out are refused.
#[cfg(unix)]
#[test]
fn links_and_escaping_paths_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    bundle(&ev, &[]);
    let outside = dir.path().join("outside.json");
    std::fs::rename(ev.join("inputs/snapshot.json"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, ev.join("inputs/snapshot.json")).unwrap();
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("inputs/snapshot.json: a symbolic link (refused"), "{}", text(&o));
    std::fs::remove_file(ev.join("inputs/snapshot.json")).unwrap();
    std::fs::rename(&outside, ev.join("inputs/snapshot.json")).unwrap();
    assert_eq!(verify(&ev, &[]).status.code(), Some(0));

    // A linked directory is refused too.
    let policies = dir.path().join("policies-elsewhere");
    std::fs::rename(ev.join("policies"), &policies).unwrap();
    std::os::unix::fs::symlink(&policies, ev.join("policies")).unwrap();
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("policies: a symbolic link"), "{}", text(&o));
    std::fs::remove_file(ev.join("policies")).unwrap();
    std::fs::rename(&policies, ev.join("policies")).unwrap();

    std::fs::write(dir.path().join("secret.txt"), b"s").unwrap();
    for escape in ["../secret.txt", "/etc/hostname", "inputs/../../secret.txt"] {
        let saved = std::fs::read(ev.join("manifest.json")).unwrap();
        edit_manifest(&ev, |m| m["files"][escape] = sha256(b"s").into());
        let o = verify(&ev, &[]);
        assert_eq!(o.status.code(), Some(1), "{escape}: {}", text(&o));
        assert!(text(&o).contains("not a relative path of normal components"), "{escape}: {}", text(&o));
        std::fs::write(ev.join("manifest.json"), saved).unwrap();
    }
}

/// Issue 10 item 7: the manifest has no free field: no labels, `tool_version` must be this
/// tool's, unknown fields and hand-edited layout are refused; options it holds are either
/// reproduced or, with a key, signed.
#[test]
fn manifest_fields_are_covered() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    bundle(&ev, &[]);
    let original = std::fs::read(ev.join("manifest.json")).unwrap();
    let restore = || std::fs::write(ev.join("manifest.json"), &original).unwrap();

    edit_manifest(&ev, |m| m["tool_version"] = "9.9.9".into());
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("written by flowforge-audit 9.9.9"), "{}", text(&o));
    restore();

    edit_manifest(&ev, |m| m["snapshot"] = serde_json::json!({"path": "inputs/snapshot.json", "label": "x"}));
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("unknown field `snapshot`"), "{}", text(&o));
    restore();

    let spaced = String::from_utf8(original.clone()).unwrap().replacen("{\n", "{\n\n", 1);
    std::fs::write(ev.join("manifest.json"), spaced).unwrap();
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("not in the canonical form"), "{}", text(&o));
    restore();

    // An option that shapes the reports is checked by reproducing them.
    edit_manifest(&ev, |m| m["options"]["fail_on_drift"] = serde_json::json!(["none"]));
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("NOT REPRODUCED"), "{}", text(&o));
    restore();
    assert_eq!(verify(&ev, &[]).status.code(), Some(0));
}

/// Issue 10 item 7: `evidence keygen` makes a private key file (0600, never printed), a signed
/// bundle verifies with its public key only, and any edit of the manifest, even one that
/// reproduces, breaks the signature.
#[test]
fn signed_bundle_verifies_with_its_key_only() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("signer");
    let o = run(&["evidence", "keygen", "--out", s(&prefix)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let secret = std::fs::read_to_string(prefix.with_extension("key")).unwrap();
    let secret_line = secret.lines().nth(1).unwrap();
    assert!(!text(&o).contains(secret_line), "the secret key was printed: {}", text(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(prefix.with_extension("key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = run(&["evidence", "keygen", "--out", s(&prefix)]);
    assert_eq!(again.status.code(), Some(2), "keygen replaced a key: {}", text(&again));
    let other = dir.path().join("other");
    assert_eq!(run(&["evidence", "keygen", "--out", s(&other)]).status.code(), Some(0));

    let ev = dir.path().join("ev");
    bundle(&ev, &["--sign-key", s(&prefix.with_extension("key"))]);
    let public = prefix.with_extension("pub");
    let o = verify(&ev, &["--verify-key", s(&public)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("manifest signed by key"), "{}", text(&o));
    let o = verify(&ev, &["--verify-key", s(&other.with_extension("pub"))]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // An edit that still reproduces (the warning window of waivers, with no waivers) is not
    // caught without a key, and is with one.
    edit_manifest(&ev, |m| m["options"]["waiver_warn_days"] = 30.into());
    assert_eq!(verify(&ev, &[]).status.code(), Some(0));
    let o = verify(&ev, &["--verify-key", s(&public)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("manifest.json.sig: the signature does not match"), "{}", text(&o));

    // An unsigned bundle does not pass a verification that requires a signature.
    let unsigned = dir.path().join("unsigned");
    bundle(&unsigned, &[]);
    let o = verify(&unsigned, &["--verify-key", s(&public)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("manifest.json.sig: missing"), "{}", text(&o));
}

/// Issue 10 item 8: verification renders in memory and writes nothing: not into the bundle,
/// and not under $TMPDIR (here a file, where the old predictable scratch directory could not
/// even be created).
#[test]
fn verify_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    bundle(&ev, &["--format", "all"]);
    let before = tree(&ev);
    let not_a_dir = dir.path().join("tmpdir-is-a-file");
    std::fs::write(&not_a_dir, b"").unwrap();
    let o = bin().args(["verify-evidence", s(&ev)]).env("TMPDIR", &not_a_dir).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("8 reports reproduced"), "{}", text(&o));
    assert_eq!(tree(&ev), before);
}

/// Issue 10 item 10: `--policies`, `--waivers` and `--expected-from` spelled relative or
/// absolute give byte-identical reports (catalog hash included) and identical evidence bundles.
#[test]
fn reports_do_not_depend_on_path_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let check = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: FF-S3-900\n#   severity: high\n\
                 #   collection: s3.buckets\n#   remediation: R\n#   frameworks: {}\n#   guide_section: G\n#   area: tls\n\
                 package flowforge.aws.s3.extra\n\nimport rego.v1\n\ndeny contains x if { false; x := 1 }\n";
    std::fs::create_dir_all(work.join("policies/aws/s3")).unwrap();
    std::fs::write(work.join("policies/aws/s3/extra.rego"), check).unwrap();
    std::fs::write(
        work.join("policies/aws/s3/extra_test.rego"),
        "package flowforge.aws.s3.extra_test\n\ntest_x if true\n",
    )
    .unwrap();
    std::fs::write(
        work.join("waivers.yaml"),
        "waivers:\n  - check: FF-EC2-002\n    resource: \"*\"\n    reason: r\n    owner: o\n    expires: 2027-06-30\n",
    )
    .unwrap();
    std::fs::copy(repo("examples/terraform/prod.tfstate"), work.join("prod.tfstate")).unwrap();
    let snap = repo("examples/snapshots/prod-drifted.json");
    let runs: Vec<(Vec<String>, &str)> = vec![
        (vec!["policies".into(), "waivers.yaml".into(), "prod.tfstate".into()], "relative"),
        (
            vec![
                s(&work.join("policies")).into(),
                format!("{}/./sub/../waivers.yaml", s(&work)),
                s(&work.join("prod.tfstate")).into(),
            ],
            "absolute",
        ),
    ];
    std::fs::create_dir(work.join("sub")).unwrap();
    for (paths, name) in &runs {
        let out = dir.path().join(format!("out-{name}"));
        let ev = dir.path().join(format!("ev-{name}"));
        let o = bin()
            .current_dir(&work)
            .args(["evaluate", "--snapshot", s(&snap), "--env", "prod", "--format", "all", "--quiet"])
            .args(["--policies", &paths[0], "--waivers", &paths[1], "--expected-from", &paths[2]])
            .args(["--out", s(&out), "--evidence", s(&ev)])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}: {}", text(&o));
        let o = verify(&ev, &[]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o));
    }
    let relative = tree(&dir.path().join("out-relative"));
    assert_eq!(relative.len(), 8);
    assert_eq!(differing(&relative, &tree(&dir.path().join("out-absolute"))), Vec::<PathBuf>::new());
    let bundles = (tree(&dir.path().join("ev-relative")), tree(&dir.path().join("ev-absolute")));
    assert_eq!(differing(&bundles.0, &bundles.1), Vec::<PathBuf>::new());
    let json = String::from_utf8(relative[Path::new("flowforge-audit.json")].clone()).unwrap();
    assert!(json.contains("\"overlay:aws/s3/extra.rego\""), "the overlay check is named by its place in the catalog");
    assert!(json.contains("\"waivers.yaml:2\""), "the waiver is named by its file name and line");
    assert!(json.contains("\"state_file\": \"prod.tfstate\""), "the Terraform state is named by its file name");
}

/// Issue 22 item 4: `verify-evidence` read every file of a bundle into memory without a limit
/// (a 1 GB sparse file: 1.08 GB of RSS). A file the manifest does not list is now reported
/// without being read (a 64 GiB sparse one included), and a listed file is read through the
/// bounded reader: over the input limit it is refused by name, never loaded.
#[cfg(unix)]
#[test]
fn verify_evidence_reads_bundle_files_through_the_bounded_reader() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    bundle(&ev, &[]);
    let huge = std::fs::File::create(ev.join("junk.bin")).unwrap();
    huge.set_len(64 << 30).unwrap();
    let o = verify(&ev, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("junk.bin: not listed in the manifest"), "{}", text(&o));
    std::fs::remove_file(ev.join("junk.bin")).unwrap();

    // A listed file grown past the limit: refused by name with the limit, exit 2.
    let report = ev.join("reports/flowforge-audit.json");
    std::fs::OpenOptions::new().write(true).open(&report).unwrap().set_len(64 << 30).unwrap();
    let o = bin().args(["verify-evidence", s(&ev)]).env("FLOWFORGE_AUDIT_MAX_INPUT_BYTES", "64M").output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("reports/flowforge-audit.json") && t.contains("more than the 67108864-byte input limit"), "{t}");
}
