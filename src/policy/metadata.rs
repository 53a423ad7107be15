//! The `# METADATA` block of a check: an OPA-style YAML comment right above the `package`
//! line that says what the check is (id, severity, collection, frameworks, ...).
//!
//! Metadata lives beside the logic (as in trivy-checks) so that one file is the whole check.
//! Parsing is strict: a missing key, an unknown key or a value of the wrong shape is a
//! [`Problem`] (`M...` codes) naming the file, line and column of the offending YAML, and
//! every problem of a block is reported, not only the first. The block is read with the shared
//! positioned-YAML reader ([`crate::diag::yaml`]) after the comment markers are cut off, and
//! positions are mapped back to the Rego file.

use std::collections::BTreeMap;

use crate::diag::yaml::{self, RawNode, RawValue};
use crate::diag::{self, Code, Problem};
use crate::model::{collection_info, CheckMeta, Severity};

/// The policy areas a check may be tagged with.
pub const AREAS: [&str; 7] = ["tls", "encryption", "vpc-endpoints", "multi-az", "iam", "network", "hygiene"];

/// The compliance frameworks a check may map to.
pub const FRAMEWORKS: [&str; 3] = ["cis-aws-foundations", "aws-fsbp", "nist-800-53-r5"];

const TOP_KEYS: [&str; 3] = ["title", "description", "custom"];
const CUSTOM_KEYS: [&str; 7] = ["id", "severity", "collection", "remediation", "frameworks", "guide_section", "area"];

/// The `package` declaration of a Rego file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageDecl {
    /// Dotted package path without `data.`, e.g. `flowforge.aws.s3.tls_only`.
    pub name: String,
    /// 1-based line of the `package` keyword.
    pub line: usize,
    /// 1-based column of the `package` keyword.
    pub col: usize,
}

/// Finds the `package` line: the first line that, outside comments, starts with `package`.
pub fn package_decl(file: &str, text: &str) -> Result<PackageDecl, Problem> {
    let text = diag::strip_bom(text);
    for (idx, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let col = raw.chars().take_while(|c| c.is_whitespace()).count() + 1;
        if let Some(rest) = line.strip_prefix("package") {
            if rest.starts_with(char::is_whitespace) {
                let name = rest.split('#').next().unwrap_or_default().trim().to_owned();
                if name.is_empty() {
                    return Err(Problem::new(Code::PolicyPackage, file, idx + 1, col, "`package` without a name"));
                }
                return Ok(PackageDecl { name, line: idx + 1, col });
            }
        }
        return Err(Problem::new(
            Code::PolicyPackage,
            file,
            idx + 1,
            col,
            "expected the `package` declaration before any rule or import",
        ));
    }
    Err(Problem::new(Code::PolicyPackage, file, 1, 1, "no `package` declaration"))
}

/// Returns true when `id` has the form `FF-<AREA>-<NNN>` (AREA: upper-case letters and digits,
/// starting with a letter; NNN: three digits).
pub fn is_valid_check_id(id: &str) -> bool {
    let mut parts = id.split('-');
    let (Some("FF"), Some(area), Some(num), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let area_ok = area.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && area.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    area_ok && num.len() == 3 && num.chars().all(|c| c.is_ascii_digit())
}

/// Parses and validates the METADATA block of a check file.
///
/// `file` is the label used in problems and becomes [`CheckMeta::source`].
pub fn parse_check_metadata(file: &str, text: &str) -> Result<CheckMeta, Vec<Problem>> {
    let package = package_decl(file, text).map_err(|p| vec![p])?;
    let lines: Vec<&str> = diag::strip_bom(text).lines().collect();
    // The contiguous comment block right above `package`.
    let mut start = package.line - 1; // 0-based index of the package line
    while start > 0 && lines.get(start - 1).is_some_and(|l| l.trim_start().starts_with('#')) {
        start -= 1;
    }
    let block = lines.get(start..package.line - 1).unwrap_or_default();
    let Some(marker) = block.iter().position(|l| comment_body(l).trim() == "METADATA") else {
        return Err(vec![Problem::new(
            Code::MetadataMissing,
            file,
            package.line,
            package.col,
            "no `# METADATA` comment block right above `package` (see docs/policies.md)",
        )]);
    };
    // File line (1-based) of the `# METADATA` marker; YAML line k is file line marker_line + k.
    let marker_line = start + marker + 1;
    let yaml_lines = &block[marker + 1..];
    let yaml: String = yaml_lines.iter().map(|l| format!("{}\n", comment_body(l))).collect();
    // Characters cut off each line (indentation, `#`, one space): added back to YAML columns.
    let prefixes = yaml_lines.iter().map(|l| l.chars().count() - comment_body(l).chars().count()).collect();
    let mut cx = Ctx { file, marker_line, prefixes, problems: Vec::new() };
    let meta = match yaml::parse(&yaml, file) {
        Ok(root) => parse_yaml(&mut cx, &root, &package),
        Err(mut p) => {
            (p.line, p.col) = cx.position(p.line, p.col);
            p.message = format!("METADATA is not valid YAML: {}", p.message);
            cx.problems.push(p);
            None
        }
    };
    let mut problems = cx.problems;
    match meta {
        Some(meta) if problems.is_empty() => Ok(meta),
        _ => {
            diag::sort(&mut problems);
            Err(problems)
        }
    }
}

/// A comment line without its `#` and one following space.
fn comment_body(line: &str) -> &str {
    let body = line.trim_start().strip_prefix('#').unwrap_or(line);
    body.strip_prefix(' ').unwrap_or(body)
}

struct Ctx<'a> {
    file: &'a str,
    marker_line: usize,
    prefixes: Vec<usize>,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    /// The Rego file's line and column of a position in the METADATA YAML.
    fn position(&self, line: usize, col: usize) -> (usize, usize) {
        match line {
            0 => (self.marker_line, 0),
            l => (self.marker_line + l, col + self.prefixes.get(l - 1).copied().unwrap_or(0)),
        }
    }

    fn err(&mut self, code: Code, node: &RawNode, msg: impl Into<String>) {
        let (line, col) = self.position(node.pos.line, node.pos.col);
        self.problems.push(Problem::new(code, self.file, line, col, msg));
    }

    /// A wrong type at `node`, or YAML the reader refuses.
    fn mismatch(&mut self, node: &RawNode, msg: impl Into<String>) {
        self.err(yaml::mismatch(node, Code::MetadataWrongType), node, msg);
    }
}

fn parse_yaml(cx: &mut Ctx, root: &RawNode, package: &PackageDecl) -> Option<CheckMeta> {
    if root.value == RawValue::Null {
        cx.problems.push(Problem::new(Code::MetadataMissing, cx.file, cx.marker_line, 0, "METADATA block is empty"));
        return None;
    }
    let top = mapping(cx, root, "METADATA", &TOP_KEYS)?;
    let title = required_string(cx, &top, root, "title");
    let description = required_string(cx, &top, root, "description");
    let Some(custom_node) = top.get("custom").copied() else {
        cx.err(Code::MetadataMissingKey, root, "missing key `custom`");
        return None;
    };
    let custom = mapping(cx, custom_node, "custom", &CUSTOM_KEYS)?;

    let id = required_string(cx, &custom, custom_node, "id");
    if let (Some(id), Some(node)) = (&id, custom.get("id")) {
        if !is_valid_check_id(id) {
            cx.err(
                Code::MetadataInvalidValue,
                node,
                format!("id {id:?} is not of the form FF-<AREA>-<NNN>, e.g. FF-S3-001"),
            );
        }
    }
    let severity = required_string(cx, &custom, custom_node, "severity").and_then(|s| {
        let node = custom.get("severity")?;
        match s.parse::<Severity>() {
            Ok(sev) if sev.as_str() == s => Some(sev),
            _ => {
                cx.err(
                    Code::MetadataInvalidValue,
                    node,
                    format!("severity {s:?} is not one of critical, high, medium, low, info"),
                );
                None
            }
        }
    });
    let collection = required_string(cx, &custom, custom_node, "collection");
    if let (Some(c), Some(node)) = (&collection, custom.get("collection")) {
        if collection_info(c).is_none() {
            cx.err(
                Code::MetadataInvalidValue,
                node,
                format!("collection {c:?} is not a snapshot collection (see model::COLLECTIONS)"),
            );
        }
    }
    let remediation = required_string(cx, &custom, custom_node, "remediation");
    let guide_section = required_string(cx, &custom, custom_node, "guide_section");
    let area = required_string(cx, &custom, custom_node, "area");
    if let (Some(a), Some(node)) = (&area, custom.get("area")) {
        if !AREAS.contains(&a.as_str()) {
            cx.err(Code::MetadataInvalidValue, node, format!("area {a:?} is not one of {}", AREAS.join(", ")));
        }
    }
    let frameworks = match custom.get("frameworks") {
        None => {
            cx.err(Code::MetadataMissingKey, custom_node, "missing key `custom.frameworks`");
            None
        }
        Some(node) => frameworks(cx, node),
    };
    Some(CheckMeta {
        id: id?,
        package: package.name.clone(),
        title: title?,
        description: description?,
        severity: severity?,
        collection: collection?,
        remediation: remediation?,
        frameworks: frameworks?,
        guide_section: guide_section?,
        area: area?,
        source: cx.file.to_owned(),
        overlay_libraries: Vec::new(),
    })
}

/// A mapping with string keys, checked against the allowed keys (unknown keys are problems).
fn mapping<'n>(cx: &mut Ctx, node: &'n RawNode, what: &str, allowed: &[&str]) -> Option<BTreeMap<String, &'n RawNode>> {
    let RawValue::Map(map) = &node.value else {
        cx.mismatch(node, format!("`{what}` must be a mapping, found {}", node.value.type_name()));
        return None;
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        match &k.value {
            RawValue::Str(key) => {
                if !allowed.contains(&key.as_str()) {
                    cx.err(
                        Code::MetadataUnknownKey,
                        k,
                        format!("unknown key `{key}` in `{what}` (expected one of: {})", allowed.join(", ")),
                    );
                }
                out.insert(key.clone(), v);
            }
            _ => cx.mismatch(k, format!("keys of `{what}` must be strings, found {}", k.value.type_name())),
        }
    }
    Some(out)
}

fn required_string(cx: &mut Ctx, map: &BTreeMap<String, &RawNode>, parent: &RawNode, key: &str) -> Option<String> {
    let Some(node) = map.get(key) else {
        cx.err(Code::MetadataMissingKey, parent, format!("missing key `{key}`"));
        return None;
    };
    match &node.value {
        RawValue::Str(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        RawValue::Str(_) => {
            cx.err(Code::MetadataWrongType, node, format!("`{key}` must not be empty"));
            None
        }
        other => {
            cx.mismatch(node, format!("`{key}` must be a string, found {}", other.type_name()));
            None
        }
    }
}

fn frameworks(cx: &mut Ctx, node: &RawNode) -> Option<BTreeMap<String, Vec<String>>> {
    let map = mapping(cx, node, "frameworks", &FRAMEWORKS)?;
    let mut out = BTreeMap::new();
    let mut ok = true;
    for (name, list) in map {
        let RawValue::Seq(items) = &list.value else {
            cx.mismatch(list, format!("`frameworks.{name}` must be a list of control ids"));
            ok = false;
            continue;
        };
        let mut ids = Vec::new();
        for item in items {
            match &item.value {
                RawValue::Str(s) if !s.trim().is_empty() => ids.push(s.trim().to_owned()),
                _ => {
                    ok = false;
                    cx.err(
                        yaml::mismatch(item, Code::MetadataInvalidValue),
                        item,
                        format!(
                            "control ids in `frameworks.{name}` must be non-empty strings (quote numbers such as \"1.10\")"
                        ),
                    )
                }
            }
        }
        out.insert(name, ids);
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
# METADATA
# title: Buckets deny plain HTTP
# description: >
#   Every bucket policy denies requests without TLS.
# custom:
#   id: FF-S3-001
#   severity: high
#   collection: s3.buckets
#   remediation: Add a Deny statement on aws:SecureTransport = false.
#   frameworks:
#     aws-fsbp: [S3.5]
#     cis-aws-foundations: [\"2.1.1\"]
#   guide_section: Configuration Notes / Networking
#   area: tls
package flowforge.aws.s3.tls_only

import rego.v1
";

    /// A well-formed block yields every CheckMeta field, with the package and source filled in.
    #[test]
    fn good_metadata_parses() {
        let meta = parse_check_metadata("builtin:policies/aws/s3/tls_only.rego", GOOD).unwrap();
        assert_eq!(meta.id, "FF-S3-001");
        assert_eq!(meta.package, "flowforge.aws.s3.tls_only");
        assert_eq!(meta.severity, Severity::High);
        assert_eq!(meta.collection, "s3.buckets");
        assert_eq!(meta.description, "Every bucket policy denies requests without TLS.");
        assert_eq!(meta.frameworks["aws-fsbp"], vec!["S3.5"]);
        assert_eq!(meta.frameworks["cis-aws-foundations"], vec!["2.1.1"]);
        assert_eq!(meta.source, "builtin:policies/aws/s3/tls_only.rego");
    }

    /// Problems name the file line and column of the offending YAML, with their code, and all
    /// of them are reported.
    #[test]
    fn bad_metadata_reports_every_problem_with_its_line() {
        let text = GOOD
            .replace("severity: high", "severity: urgent")
            .replace("area: tls", "area: tls\n#   owner: me")
            .replace("collection: s3.buckets", "collection: s3.bukkits");
        let problems = parse_check_metadata("p.rego", &text).unwrap_err();
        let rendered: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            rendered.contains(
                &"p.rego:7:15: error[M005]: severity \"urgent\" is not one of critical, high, medium, low, info"
                    .to_owned()
            ),
            "{rendered:?}"
        );
        assert!(
            rendered.iter().any(|p| p.starts_with("p.rego:8:17: error[M005]: collection \"s3.bukkits\"")),
            "{rendered:?}"
        );
        assert!(
            rendered.iter().any(|p| p.starts_with("p.rego:15:5: error[M002]: unknown key `owner`")),
            "{rendered:?}"
        );
        assert_eq!(problems.len(), 3, "{rendered:?}");
    }

    /// A tag in METADATA (`!ref`) is refused by the shared reader's rule, at its position.
    #[test]
    fn unknown_tag_in_metadata_is_refused() {
        let text = GOOD.replace("area: tls", "area: !ref tls");
        let problems = parse_check_metadata("p.rego", &text).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].code, problems[0].line), (Code::YamlUnsupported, 14), "{problems:?}");
    }

    /// A missing key is an error located at its parent mapping.
    #[test]
    fn missing_key_is_reported() {
        let text = GOOD.replace("#   remediation: Add a Deny statement on aws:SecureTransport = false.\n", "");
        let problems = parse_check_metadata("p.rego", &text).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("missing key `remediation`"), "{problems:?}");
        assert_eq!(problems[0].line, 6, "{problems:?}");
    }

    /// A malformed id, an unknown framework and an unquoted numeric control id are all caught.
    #[test]
    fn bad_id_framework_and_control_ids_are_reported() {
        let text = GOOD
            .replace("id: FF-S3-001", "id: FF-s3-1")
            .replace("aws-fsbp: [S3.5]", "aws-fsbp: [3.10]\n#     soc2: [CC6.1]");
        let problems = parse_check_metadata("p.rego", &text).unwrap_err();
        let msgs: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(msgs.iter().any(|m| m.starts_with("p.rego:6:9: error[M005]: id \"FF-s3-1\"")), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.starts_with("p.rego:11:18: error[M005]: control ids in `frameworks.aws-fsbp`")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.starts_with("p.rego:12:7: error[M002]: unknown key `soc2`")), "{msgs:?}");
    }

    /// A check without a METADATA block, or with broken YAML, is rejected with a line.
    #[test]
    fn missing_block_and_bad_yaml_are_reported() {
        let problems = parse_check_metadata("p.rego", "# just a comment\npackage x\n").unwrap_err();
        assert_eq!((problems[0].line, problems[0].code), (2, Code::MetadataMissing));
        let problems = parse_check_metadata("p.rego", "# METADATA\n# title: [unclosed\npackage x\n").unwrap_err();
        assert!(problems[0].message.contains("not valid YAML"), "{problems:?}");
        assert_eq!(problems[0].code, Code::YamlSyntax, "{problems:?}");
        assert!(problems[0].line >= 2, "{problems:?}");
    }

    /// The id format is what waivers and SARIF rule ids rely on.
    #[test]
    fn check_id_format() {
        assert!(is_valid_check_id("FF-S3-001"));
        assert!(is_valid_check_id("FF-EC2-002"));
        assert!(!is_valid_check_id("FF-S3-01"));
        assert!(!is_valid_check_id("ff-S3-001"));
        assert!(!is_valid_check_id("FF-S3-001-x"));
        assert!(!is_valid_check_id("FF-3S-001"));
    }
}
