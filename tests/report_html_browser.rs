//! The HTML report in a real browser: headless Chromium loads the file, we read the DOM it
//! rendered (after scripts ran) and take a screenshot.
//!
//! This is the only way to prove that hostile account strings stay text (no script from data
//! runs) and that the counts a person sees are the JSON report's. Chromium is required: when
//! it is missing the test fails with the command that installs it, it never skips silently.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flowforge_audit::model::Status;
use flowforge_audit::report::fixture::{sample_report, HOSTILE_IMG, HOSTILE_SCRIPT};
use flowforge_audit::report::Format;

const INSTALL: &str = "apt-get update && apt-get install -y chromium";

fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "headless Chromium is required for the HTML report test but {} does not exist; install it with `{INSTALL}` (or set CHROMIUM to its path)",
        path.display()
    );
    path
}

fn output_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp; keep artefacts beside it in <target>/test-output.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("test-output").join("report_html_browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs Chromium headless with a private profile and no network features; returns stdout.
/// Output goes to files, not pipes: a DOM larger than a pipe buffer would block Chromium.
fn run_chromium(profile: &Path, extra: &[String], url: &str) -> String {
    let stdout_path = profile.join("chromium.stdout");
    let stderr_path = profile.join("chromium.stderr");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start Chromium ({e}); install it with `{INSTALL}`"));
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    assert!(status.success(), "Chromium failed: {status}\n{stderr}");
    std::fs::read_to_string(&stdout_path).unwrap()
}

/// The text of the first element whose start tag contains `marker` (up to the next `<`).
fn text_after(dom: &str, marker: &str) -> String {
    let start = dom.find(marker).unwrap_or_else(|| panic!("{marker} not in the rendered DOM"));
    let rest = &dom[start..];
    let open_end = rest.find('>').unwrap() + 1;
    let rest = &rest[open_end..];
    rest[..rest.find('<').unwrap()].to_string()
}

/// Rendered in Chromium, the report shows the JSON report's counts, keeps hostile resource
/// names as text (no script from data runs: the title is not 'pwned'), runs its own script
/// under its CSP, and looks right (screenshot saved under target/test-output).
#[test]
fn html_report_renders_safely_in_headless_chromium() {
    let report = sample_report();
    let out = output_dir();
    let html_path = out.join("flowforge-audit.html");
    std::fs::write(&html_path, Format::Html.renderer().render(&report).unwrap()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&Format::Json.renderer().render(&report).unwrap()).unwrap();
    let url = format!("file://{}", html_path.display());
    let profile = tempfile::tempdir().unwrap();

    let dom = run_chromium(profile.path(), &["--dump-dom".to_string()], &url);
    std::fs::write(out.join("dom.html"), &dom).unwrap();

    // No script from data ran.
    let title = text_after(&dom, "<title");
    assert!(!title.contains("pwned"), "a script from the data ran: title is {title:?}");
    assert_eq!(title, format!("flowforge-audit · {} · {}", report.environment, report.account_id));
    assert!(!dom.contains("<img"), "an <img> element from the data was created");
    // The hostile strings are shown as text (the DOM serialiser escapes < > & in text nodes).
    let as_text = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    assert!(dom.contains(&as_text(HOSTILE_IMG)), "hostile <img> name not shown as text");
    assert!(dom.contains(&as_text(HOSTILE_SCRIPT)), "hostile <script> name not shown as text");
    // Our own script ran (its CSP hash is right) and revealed the filters.
    assert!(dom.contains("data-ready=\"1\""), "the report's own script did not run");
    let filters = &dom[dom.find("id=\"filters\"").unwrap()..];
    assert!(!filters[..filters.find('>').unwrap()].contains("hidden"), "the filter bar is still hidden");

    // The counts a person sees are the JSON report's.
    for status in Status::ALL {
        let s = status.as_str();
        let shown: usize = text_after(&dom, &format!("id=\"count-{s}\"")).trim().parse().unwrap();
        let expected = json["summary"]["by_status"][s].as_u64().unwrap() as usize;
        assert_eq!(shown, expected, "count card for {s}");
        let rows = dom.matches(&format!("data-status=\"{s}\"")).count() - 1; // minus the card
        assert_eq!(rows, expected, "table rows with status {s}");
    }
    let shown_rows: usize = text_after(&dom, "id=\"f-shown\"").parse().unwrap();
    assert_eq!(shown_rows, report.results.len());
    assert_eq!(text_after(&dom, "id=\"count-checks\""), json["summary"]["checks"].to_string());

    // Screenshot for a person to look at.
    let png = out.join("flowforge-audit.png");
    let _ = std::fs::remove_file(&png);
    run_chromium(
        profile.path(),
        &[format!("--screenshot={}", png.display()), "--window-size=1400,2000".to_string()],
        &url,
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", png.display()));
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000, "screenshot is not a real PNG");
}
