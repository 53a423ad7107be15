//! The HTML report in a real browser: headless Chromium loads the file, we read the DOM it
//! rendered (after scripts ran) and take a screenshot.
//!
//! This is the only way to prove that hostile account strings stay text (no script from data
//! runs) and that the counts a person sees are the JSON report's. Chromium is required: when
//! it is missing the test fails with the command that installs it, it never skips silently.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{hostile, sample_report};

use flowforge_audit::model::Status;
use flowforge_audit::report::Format;

/// How to get one: a prerequisite the test command does not install (docs/development.md).
const INSTALL: &str = "sudo apt-get install chromium` as the administrator, or for this user only `npx @puppeteer/browsers install chrome-headless-shell@stable";

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
    assert!(dom.contains(&as_text(&hostile("img"))), "hostile <img> name not shown as text");
    assert!(dom.contains(&as_text(&hostile("script"))), "hostile <script> name not shown as text");
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

/// Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let mut n = 0;
    for pat in ["/Type /Page", "/Type/Page"] {
        let mut rest = text.as_ref();
        while let Some(i) = rest.find(pat) {
            rest = &rest[i + pat.len()..];
            if !rest.starts_with('s') {
                n += 1;
            }
        }
    }
    n
}

/// The HTML report of the shipped drifted example, as the binary writes it.
fn drifted_example_html(out: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = out.join("drifted");
    let status = Command::new(env!("CARGO_BIN_EXE_flowforge-audit"))
        .args(["evaluate", "--snapshot"])
        .arg(root.join("examples/snapshots/prod-drifted.json"))
        .args(["--env", "prod", "--format", "html", "--quiet", "--out"])
        .arg(&dir)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "the drifted example fails its gate");
    dir.join("flowforge-audit.html")
}

/// Issue 15: printed to PDF, the drifted example (197 results, 30 FAILs) fits in at most 8
/// pages (PASS rows collapsed, ARNs wrapped, compact tables; 15 pages before) and still takes
/// at least 4: every FAIL/UNKNOWN row, drift item and failing control is on paper.
#[test]
fn drifted_example_prints_to_few_pages() {
    let out = output_dir();
    let html = drifted_example_html(&out);
    let pdf = out.join("prod-drifted.pdf");
    let _ = std::fs::remove_file(&pdf);
    let profile = tempfile::tempdir().unwrap();
    run_chromium(
        profile.path(),
        &[format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".to_string()],
        &format!("file://{}", html.display()),
    );
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("no PDF at {}: {e}", pdf.display()));
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    let pages = pdf_pages(&bytes);
    eprintln!("prod-drifted.pdf: {pages} pages");
    assert!((4..=8).contains(&pages), "the drifted example prints to {pages} pages (expected 4 to 8)");
}

/// Issue 15: the framework tab in Chromium: tabs and filter shown, one framework's panel at a
/// time, and a link (`#fw=…&status=…`) selects the framework and filters its controls.
#[test]
fn framework_tab_shows_one_framework_and_filters_controls() {
    let out = output_dir();
    let html = drifted_example_html(&out);
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", html.display());
    let dom = run_chromium(profile.path(), &["--dump-dom".to_string()], &url);
    let start_tag = |marker: &str| {
        let at = dom.find(marker).unwrap_or_else(|| panic!("{marker} not in the page"));
        let from = dom[..at].rfind('<').unwrap();
        dom[from..at + dom[at..].find('>').unwrap()].to_string()
    };
    assert!(!start_tag("id=\"fw-tabs\"").contains("hidden"), "the framework tabs are hidden");
    assert!(!start_tag("id=\"fw-filters\"").contains("hidden"), "the control filter is hidden");
    let panels: Vec<&str> =
        dom.match_indices("class=\"fw-panel\"").map(|(i, _)| &dom[dom[..i].rfind('<').unwrap()..i + 200]).collect();
    assert_eq!(panels.len(), 3, "one panel per framework");
    assert_eq!(panels.iter().filter(|p| !p[..p.find('>').unwrap()].contains("hidden")).count(), 1, "one panel shown");

    // The CIS panel, filtered to FAIL: exactly the FAIL controls of the JSON report are shown.
    let json_path = html.with_file_name("cis.json");
    let status = Command::new(env!("CARGO_BIN_EXE_flowforge-audit"))
        .args(["evaluate", "--snapshot"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/snapshots/prod-drifted.json"))
        .args(["--env", "prod", "--format", "json", "--quiet", "--out"])
        .arg(json_path.with_extension("d"))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(json_path.with_extension("d").join("flowforge-audit.json")).unwrap())
            .unwrap();
    let cis_fail = json["summary"]["compliance"]["cis-aws-foundations"]["fail"].as_u64().unwrap();
    assert!(cis_fail > 0, "the drifted example fails CIS controls");
    let profile = tempfile::tempdir().unwrap();
    let dom =
        run_chromium(profile.path(), &["--dump-dom".to_string()], &format!("{url}#fw=cis-aws-foundations&status=FAIL"));
    let shown: u64 = text_after(&dom, "id=\"c-shown\"").trim().parse().unwrap();
    assert_eq!(shown, cis_fail, "FAIL controls shown in the CIS tab");
    let cis = &dom[dom.find("class=\"fw-panel\" data-fw=\"cis-aws-foundations\"").unwrap()..];
    let cis = &cis[..cis.find("</table>").unwrap()];
    let visible_fail = cis.match_indices("<tr").filter(|(i, _)| {
        let tag = &cis[*i..i + cis[*i..].find('>').unwrap()];
        tag.contains("data-control-status=\"FAIL\"") && !tag.contains("hidden")
    });
    assert_eq!(visible_fail.count() as u64, cis_fail);
}
