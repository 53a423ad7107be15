//! The one HTML shell of every page the tool writes: the audit report, `diff --format html`
//! and the organisation summary share its head (charset, content-security policy, viewport,
//! generator, title), its stylesheet and the escaping applied to the finished page.
//!
//! One shell means one policy: a page references nothing outside itself (`default-src
//! 'none'`), its only script is ours, allowed by its SHA-256 (`script-src 'none'` on a page
//! without one), and the data a script reads sits in a `<script type="application/json">`
//! block that data cannot close. `maud` escapes markup in every interpolated value; the page
//! is then passed through the shared escaping policy ([`super::text::document`]), so a control
//! character or bidi override from the account shows as `\u{202e}` instead of acting, wherever
//! in the page it was interpolated.

use base64::Engine as _;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use sha2::{Digest, Sha256};

use super::ReportError;

/// The stylesheet of every page.
pub const CSS: &str = include_str!("html/report.css");

/// A page: what goes in its head and after its body.
pub struct Page<'a> {
    /// The `<title>`.
    pub title: String,
    /// `flowforge-audit <version>` (the `generator` meta element).
    pub generator: &'a str,
    /// JSON data for the script, in `<script id="ff-data" type="application/json">` (already
    /// made safe with [`json_for_script`]).
    pub data: Option<String>,
    /// The page's one script, allowed by its hash.
    pub script: Option<&'a str>,
}

/// Serialises `value` for a `<script type="application/json">` block: the characters that could
/// end the block or start markup are written as JSON `\u` escapes, and so is every character of
/// the escaping policy (C1 controls, bidi overrides: [`super::text::json`]), so the page-wide
/// pass has nothing left to change inside the block and it stays valid JSON.
pub fn json_for_script<T: serde::Serialize>(value: &T) -> Result<String, ReportError> {
    let json = serde_json::to_string(value).map_err(|source| ReportError::Json { format: "HTML", source })?;
    Ok(super::text::json(&json)
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029"))
}

/// The CSP source that allows exactly `script`.
pub fn script_hash(script: &str) -> String {
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes())))
}

/// The content-security policy of a page with `script` (or none).
pub fn csp(script: Option<&str>) -> String {
    let scripts = script.map_or_else(|| "'none'".to_owned(), script_hash);
    format!("default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {scripts}; base-uri 'none'; form-action 'none'")
}

/// A page without a script (the diff, the organisation summary): `title`, this tool as its
/// generator, a final newline.
pub fn plain(title: String, body: Markup) -> String {
    let generator = format!("flowforge-audit {}", env!("CARGO_PKG_VERSION"));
    render(&Page { title, generator: &generator, data: None, script: None }, body, true)
}

/// The whole page around `body`, escaped by the shared policy, with a final newline when
/// `newline` (the organisation summary's files end with one; the audit report does not).
pub fn render(page: &Page<'_>, body: Markup, newline: bool) -> String {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(csp(page.script));
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(page.generator);
                title { (page.title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                (body)
                @if let Some(data) = &page.data {
                    script #ff-data type="application/json" { (PreEscaped(data)) }
                }
                @if let Some(script) = page.script {
                    script { (PreEscaped(script)) }
                }
            }
        }
    };
    let mut s = super::text::document(&markup.into_string()).into_owned();
    if newline {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON block cannot be closed early by data, holds no raw bidi or C1 character, and
    /// stays valid JSON with the same value.
    #[test]
    fn json_for_script_escapes_markup_and_unsafe_characters() {
        let value = serde_json::json!({"a": "</script><b>&", "b": "x\u{202e}\u{9b}\u{2028}y"});
        let s = json_for_script(&value).unwrap();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.chars().any(super::super::text::is_unsafe), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, value);
    }

    /// A page without a script allows none; with one, exactly that one; account text with a
    /// control character or bidi override shows it escaped, markup stays escaped.
    #[test]
    fn one_shell_one_policy() {
        let page = Page { title: "t\u{1b}]0;x\u{7}".into(), generator: "flowforge-audit 0", data: None, script: None };
        let html = render(&page, html! { p { "<b>\u{202e}LIAF\u{0}" } }, true);
        assert!(html.contains("script-src 'none'") && html.contains("default-src 'none'"), "{html}");
        assert!(html.contains("&lt;b&gt;\\u{202e}LIAF\\u{0}"), "{html}");
        assert!(html.contains("<title>t\\u{1b}]0;x\\u{7}</title>"), "{html}");
        assert!(!html.chars().any(|c| super::super::text::is_unsafe(c) && c != '\n'));
        assert!(html.ends_with("</html>\n"));
        let scripted = Page { script: Some("1;"), data: Some("{}".into()), ..page };
        let html = render(&scripted, html! {}, false);
        assert!(
            html.contains(&script_hash("1;"))
                && html.contains("<script id=\"ff-data\" type=\"application/json\">{}</script><script>1;</script>")
        );
    }
}
