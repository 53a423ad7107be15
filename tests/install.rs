//! Installing the tool (issue 25): what can run outside GitHub of the release workflow
//! (`scripts/release-*.sh`), the OCI image's Dockerfile, and the one setting that says where
//! the project lives. The GitHub Action's script runs against the emulator in
//! `tests/emulator/action.rs`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{repo, text};
use flowforge_audit::evidence::signing::PublicKey;

fn script(name: &str) -> Command {
    let mut c = Command::new("bash");
    c.arg(repo("scripts").join(name));
    c
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A key pair made by `evidence keygen` in `dir`: (secret, public).
fn keygen(dir: &Path) -> (PathBuf, PathBuf) {
    let prefix = dir.join("release");
    let o = common::run(&["evidence", "keygen", "--out", prefix.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    (dir.join("release.key"), dir.join("release.pub"))
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", text(o));
}

/// `scripts/release-assets.sh` gives each binary its SHA-256 file and a minisign signature
/// by the release key (trusted comment naming the file), adds the man pages (one per command,
/// EXIT STATUS included) as a signed archive, and SHA256SUMS signed too; a changed
/// binary no longer verifies; a second run refuses to replace the signatures. (With
/// `minisign` on the machine, minisign itself verifies them as well.)
#[test]
fn release_assets_are_hashed_and_signed() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    let assets = ["flowforge-audit-x86_64-unknown-linux-musl", "flowforge-audit-aarch64-apple-darwin"];
    for (i, a) in assets.iter().enumerate() {
        std::fs::write(dist.join(a), format!("binary {i}\n")).unwrap();
    }
    let (secret, public) = keygen(dir.path());
    let signer = env!("CARGO_BIN_EXE_flowforge-audit");
    let o = script("release-assets.sh").args([dist.as_os_str(), signer.as_ref(), secret.as_os_str()]).output().unwrap();
    ok(&o);
    let key = PublicKey::read(&public).unwrap();
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    for a in assets {
        let bytes = std::fs::read(dist.join(a)).unwrap();
        let line = format!("{}  {a}\n", sha256(&bytes));
        assert_eq!(std::fs::read_to_string(dist.join(format!("{a}.sha256"))).unwrap(), line);
        assert!(sums.contains(&line), "{sums}");
        let sig = std::fs::read_to_string(dist.join(format!("{a}.minisig"))).unwrap();
        key.verify(&bytes, &sig).unwrap_or_else(|e| panic!("{a}: {e}"));
        assert!(sig.contains(&format!("trusted comment: file:{a} flowforge-audit ")), "{sig}");
        assert!(key.verify(b"another binary", &sig).is_err(), "a changed binary must not verify");
        if let Ok(o) = Command::new("minisign").arg("-Vm").arg(dist.join(a)).arg("-p").arg(&public).output() {
            assert_eq!(o.status.code(), Some(0), "minisign -V {a}: {}", text(&o));
        }
    }
    let sig = std::fs::read_to_string(dist.join("SHA256SUMS.minisig")).unwrap();
    key.verify(sums.as_bytes(), &sig).unwrap();
    // Issue 25: the man pages ship with the release, one per command, hashed and signed.
    let man = dist.join("flowforge-audit-man.tar.gz");
    let bytes = std::fs::read(&man).unwrap();
    assert!(sums.contains(&format!("{}  flowforge-audit-man.tar.gz\n", sha256(&bytes))), "{sums}");
    key.verify(&bytes, &std::fs::read_to_string(dist.join("flowforge-audit-man.tar.gz.minisig")).unwrap()).unwrap();
    let list = Command::new("tar").arg("-tzf").arg(&man).output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout).into_owned();
    for page in ["man1/flowforge-audit.1", "man1/flowforge-audit-evaluate.1", "man1/flowforge-audit-policy-list.1"] {
        assert!(list.lines().any(|l| l == page), "{page} not in the archive:\n{list}");
    }
    let page = Command::new("tar").arg("-xzOf").arg(&man).arg("man1/flowforge-audit-gate.1").output().unwrap();
    assert!(String::from_utf8_lossy(&page.stdout).contains(".SH \"EXIT STATUS\""));
    let o = script("release-assets.sh").args([dist.as_os_str(), signer.as_ref(), secret.as_os_str()]).output().unwrap();
    assert_ne!(o.status.code(), Some(0), "signatures are never replaced: {}", text(&o));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o =
        script("release-assets.sh").args([empty.as_os_str(), signer.as_ref(), secret.as_os_str()]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

/// `scripts/release-check.sh` accepts the tag `v<version>` from the repository Cargo.toml
/// names, and refuses another repository (with the line to change) or another version.
#[test]
fn release_check_holds_tag_and_repository_to_cargo_toml() {
    let repository = env!("CARGO_PKG_REPOSITORY");
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    ok(&script("release-check.sh").args([repository, &tag]).output().unwrap());
    let o =
        script("release-check.sh").args(["https://github.com/someone-else/flowforge-audit", &tag]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("set repository = \"https://github.com/someone-else/flowforge-audit\" in Cargo.toml"),
        "{}",
        text(&o)
    );
    let o = script("release-check.sh").args([repository, "v99.0.0"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("tag v99.0.0 is not"), "{}", text(&o));
}

/// `scripts/release-check-binary.sh` refuses a dynamically linked Linux binary (the debug
/// build of the tests is one), so the workflow cannot publish one.
#[cfg(target_os = "linux")]
#[test]
fn release_check_binary_refuses_a_dynamic_binary() {
    let o = script("release-check-binary.sh").arg(env!("CARGO_BIN_EXE_flowforge-audit")).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("is dynamically linked") && text(&o).contains("libc"), "{}", text(&o));
}

/// The image: an empty base with the CA certificates and the static binary of the image's
/// platform, as the release workflow lays the binaries out; non-root; the binary as entry point.
/// (`hadolint Dockerfile` lints it: docs/install.md.)
#[test]
fn dockerfile_is_scratch_non_root_with_certificates() {
    let text = std::fs::read_to_string(repo("Dockerfile")).unwrap();
    let last_from = text.lines().rfind(|l| l.starts_with("FROM ")).unwrap();
    assert_eq!(last_from, "FROM scratch");
    let user = text.lines().find_map(|l| l.strip_prefix("USER ")).expect("a USER");
    assert!(user.split(':').all(|id| id.parse::<u32>().is_ok_and(|n| n >= 1000)), "numeric non-root: {user}");
    assert!(text.contains("COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt"));
    assert!(text.contains("COPY --chmod=0755 image/${TARGETPLATFORM}/flowforge-audit /usr/local/bin/flowforge-audit"));
    assert!(text.contains("ENTRYPOINT [\"/usr/local/bin/flowforge-audit\"]"));
    let workflow = std::fs::read_to_string(repo(".github/workflows/release.yml")).unwrap();
    for (platform, target) in
        [("linux/amd64", "x86_64-unknown-linux-musl"), ("linux/arm64", "aarch64-unknown-linux-musl")]
    {
        let copy = format!("cp dist/flowforge-audit-{target} image/{platform}/flowforge-audit");
        assert!(workflow.contains(&copy), "the workflow must lay out {platform}: {copy}");
        assert!(workflow.contains(&format!("{{ target: {target},")), "the workflow builds {target}");
    }
    assert!(workflow.contains("--platform linux/amd64,linux/arm64"));
    let ignore = std::fs::read_to_string(repo(".dockerignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*") && ignore.lines().any(|l| l == "!image/"), "{ignore}");
}

/// One setting says where the project lives: every URL of a `flowforge-audit` repository on
/// github.com in the files a user copies or reads (docs, CI examples, the action, the release
/// workflow, the image, the scripts) is Cargo.toml's `repository`, and the SARIF help links
/// and `cargo binstall` derive from it. Changing it is one line; a copy that differs fails here.
#[test]
fn the_repository_is_one_setting() {
    let repository = env!("CARGO_PKG_REPOSITORY");
    let mut files = vec![repo("README.md"), repo("action.yml"), repo("Dockerfile"), repo("ARCHITECTURE.md")];
    for dir in ["docs", "examples/ci", ".github/workflows", "scripts", "baselines"] {
        for e in std::fs::read_dir(repo(dir)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    let mut seen = 0;
    for f in files.iter().filter(|f| f.is_file()) {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        for (i, _) in text.match_indices("github.com/") {
            let url: String = text[i..].chars().take_while(|c| !c.is_whitespace() && !"\"'`)<>".contains(*c)).collect();
            let path: Vec<&str> = url.trim_end_matches(['.', ',']).split('/').collect();
            if path.get(2).is_some_and(|name| *name == "flowforge-audit") {
                let base = format!("https://{}", path[..3].join("/"));
                assert_eq!(base, repository, "{}: {url} is not Cargo.toml's repository", f.display());
                seen += 1;
            }
        }
    }
    assert!(seen >= 3, "the CI examples name the release location ({seen} found)");
    assert!(flowforge_audit::report::sarif::default_help_uri_base("1.2.3").starts_with(repository));
    let cargo = std::fs::read_to_string(repo("Cargo.toml")).unwrap();
    assert!(cargo.contains("pkg-url = \"{ repo }/releases/download/v{ version }/{ name }-{ target }\""), "binstall");
    // The action downloads from the same place, reading Cargo.toml itself.
    let action = std::fs::read_to_string(repo("scripts/github-action.sh")).unwrap();
    assert!(action.contains("$(field repository)/releases/download"));
}
