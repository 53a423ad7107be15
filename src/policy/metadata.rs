//! The `# METADATA` block of a check: an OPA-style YAML comment right above the `package`
//! line that says what the check is (id, severity, collection, frameworks, ...).
//!
//! Metadata lives beside the logic (as in trivy-checks) so that one file is the whole check.
//! Parsing is strict: a missing key, an unknown key or a value of the wrong shape is a
//! [`Problem`] naming the file and the line of the offending YAML, and every problem of a
//! block is reported, not only the first.

use std::collections::BTreeMap;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use super::diag::Problem;
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
}

/// Finds the `package` line: the first line that, outside comments, starts with `package`.
pub fn package_decl(file: &str, text: &str) -> Result<PackageDecl, Problem> {
    for (idx, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("package") {
            if rest.starts_with(char::is_whitespace) {
                let name = rest.split('#').next().unwrap_or_default().trim().to_owned();
                if name.is_empty() {
                    return Err(Problem::new(file, idx + 1, "`package` without a name"));
                }
                return Ok(PackageDecl { name, line: idx + 1 });
            }
        }
        return Err(Problem::new(file, idx + 1, "expected the `package` declaration before any rule or import"));
    }
    Err(Problem::new(file, 1, "no `package` declaration"))
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
    let lines: Vec<&str> = text.lines().collect();
    // The contiguous comment block right above `package`.
    let mut start = package.line - 1; // 0-based index of the package line
    while start > 0 && lines.get(start - 1).is_some_and(|l| l.trim_start().starts_with('#')) {
        start -= 1;
    }
    let block = &lines[start..package.line - 1];
    let Some(marker) = block.iter().position(|l| comment_body(l).trim() == "METADATA") else {
        return Err(vec![Problem::new(
            file,
            package.line,
            "no `# METADATA` comment block right above `package` (see docs/policies.md)",
        )]);
    };
    // File line (1-based) of the `# METADATA` marker; YAML line k is file line marker_line + k.
    let marker_line = start + marker + 1;
    let yaml: String = block[marker + 1..].iter().map(|l| format!("{}\n", comment_body(l))).collect();
    let mut problems = Vec::new();
    let meta = parse_yaml(file, &yaml, marker_line, &package, &mut problems);
    match meta {
        Some(meta) if problems.is_empty() => Ok(meta),
        _ => {
            problems.sort();
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
    offset: usize,
    marker_line: usize,
}

impl Ctx<'_> {
    fn line(&self, node: &MarkedYaml<'_>) -> usize {
        // A default span (line 0) means the node was synthesised; point at the marker.
        match node.span.start.line() {
            0 => self.marker_line,
            l => self.offset + l,
        }
    }
    fn problem(&self, node: &MarkedYaml<'_>, msg: impl Into<String>) -> Problem {
        Problem::new(self.file, self.line(node), msg)
    }
}

fn parse_yaml(
    file: &str,
    yaml: &str,
    marker_line: usize,
    package: &PackageDecl,
    problems: &mut Vec<Problem>,
) -> Option<CheckMeta> {
    let ctx = Ctx { file, offset: marker_line, marker_line };
    let docs = match MarkedYaml::load_from_str(yaml) {
        Ok(docs) => docs,
        Err(e) => {
            let line = marker_line + e.marker().line();
            problems.push(Problem::new(file, line, format!("METADATA is not valid YAML: {}", e.info())));
            return None;
        }
    };
    let Some(root) = docs.first() else {
        problems.push(Problem::new(file, marker_line, "METADATA block is empty"));
        return None;
    };
    let top = mapping(&ctx, root, "METADATA", &TOP_KEYS, problems)?;
    let title = required_string(&ctx, &top, root, "title", problems);
    let description = required_string(&ctx, &top, root, "description", problems);
    let Some(custom_node) = top.get("custom") else {
        problems.push(ctx.problem(root, "missing key `custom`"));
        return None;
    };
    let custom = mapping(&ctx, custom_node, "custom", &CUSTOM_KEYS, problems)?;

    let id = required_string(&ctx, &custom, custom_node, "id", problems);
    if let (Some(id), Some(node)) = (&id, custom.get("id")) {
        if !is_valid_check_id(id) {
            problems.push(ctx.problem(node, format!("id {id:?} is not of the form FF-<AREA>-<NNN>, e.g. FF-S3-001")));
        }
    }
    let severity = required_string(&ctx, &custom, custom_node, "severity", problems).and_then(|s| {
        let node = custom.get("severity")?;
        match s.parse::<Severity>() {
            Ok(sev) if sev.as_str() == s => Some(sev),
            _ => {
                problems
                    .push(ctx.problem(node, format!("severity {s:?} is not one of critical, high, medium, low, info")));
                None
            }
        }
    });
    let collection = required_string(&ctx, &custom, custom_node, "collection", problems);
    if let (Some(c), Some(node)) = (&collection, custom.get("collection")) {
        if collection_info(c).is_none() {
            problems.push(
                ctx.problem(node, format!("collection {c:?} is not a snapshot collection (see model::COLLECTIONS)")),
            );
        }
    }
    let remediation = required_string(&ctx, &custom, custom_node, "remediation", problems);
    let guide_section = required_string(&ctx, &custom, custom_node, "guide_section", problems);
    let area = required_string(&ctx, &custom, custom_node, "area", problems);
    if let (Some(a), Some(node)) = (&area, custom.get("area")) {
        if !AREAS.contains(&a.as_str()) {
            problems.push(ctx.problem(node, format!("area {a:?} is not one of {}", AREAS.join(", "))));
        }
    }
    let frameworks = match custom.get("frameworks") {
        None => {
            problems.push(ctx.problem(custom_node, "missing key `custom.frameworks`"));
            None
        }
        Some(node) => frameworks(&ctx, node, problems),
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
        source: file.to_owned(),
    })
}

/// A mapping with string keys, checked against the allowed keys (unknown keys are problems).
fn mapping<'a, 'y>(
    ctx: &Ctx<'_>,
    node: &'a MarkedYaml<'y>,
    what: &str,
    allowed: &[&str],
    problems: &mut Vec<Problem>,
) -> Option<BTreeMap<String, &'a MarkedYaml<'y>>> {
    let YamlData::Mapping(map) = &node.data else {
        problems.push(ctx.problem(node, format!("`{what}` must be a mapping")));
        return None;
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        match &k.data {
            YamlData::Value(Scalar::String(key)) => {
                if !allowed.contains(&key.as_ref()) {
                    problems.push(ctx.problem(
                        k,
                        format!("unknown key `{key}` in `{what}` (expected one of: {})", allowed.join(", ")),
                    ));
                }
                out.insert(key.to_string(), v);
            }
            _ => problems.push(ctx.problem(k, format!("keys of `{what}` must be strings"))),
        }
    }
    Some(out)
}

fn required_string(
    ctx: &Ctx<'_>,
    map: &BTreeMap<String, &MarkedYaml<'_>>,
    parent: &MarkedYaml<'_>,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let Some(node) = map.get(key) else {
        problems.push(ctx.problem(parent, format!("missing key `{key}`")));
        return None;
    };
    match &node.data {
        YamlData::Value(Scalar::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        YamlData::Value(Scalar::String(_)) => {
            problems.push(ctx.problem(node, format!("`{key}` must not be empty")));
            None
        }
        _ => {
            problems.push(ctx.problem(node, format!("`{key}` must be a string")));
            None
        }
    }
}

fn frameworks(
    ctx: &Ctx<'_>,
    node: &MarkedYaml<'_>,
    problems: &mut Vec<Problem>,
) -> Option<BTreeMap<String, Vec<String>>> {
    let map = mapping(ctx, node, "frameworks", &FRAMEWORKS, problems)?;
    let mut out = BTreeMap::new();
    for (name, list) in map {
        let YamlData::Sequence(items) = &list.data else {
            problems.push(ctx.problem(list, format!("`frameworks.{name}` must be a list of control ids")));
            continue;
        };
        let mut ids = Vec::new();
        for item in items {
            match &item.data {
                YamlData::Value(Scalar::String(s)) if !s.trim().is_empty() => ids.push(s.trim().to_owned()),
                _ => problems.push(ctx.problem(
                    item,
                    format!(
                        "control ids in `frameworks.{name}` must be non-empty strings (quote numbers such as \"1.10\")"
                    ),
                )),
            }
        }
        out.insert(name, ids);
    }
    Some(out)
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

    /// Problems name the file line of the offending YAML, and all of them are reported.
    #[test]
    fn bad_metadata_reports_every_problem_with_its_line() {
        let text = GOOD
            .replace("severity: high", "severity: urgent")
            .replace("area: tls", "area: tls\n#   owner: me")
            .replace("collection: s3.buckets", "collection: s3.bukkits");
        let problems = parse_check_metadata("p.rego", &text).unwrap_err();
        let rendered: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            rendered
                .contains(&"p.rego:7: severity \"urgent\" is not one of critical, high, medium, low, info".to_owned()),
            "{rendered:?}"
        );
        assert!(rendered.iter().any(|p| p.starts_with("p.rego:8: collection \"s3.bukkits\"")), "{rendered:?}");
        assert!(rendered.iter().any(|p| p.starts_with("p.rego:15: unknown key `owner`")), "{rendered:?}");
        assert_eq!(problems.len(), 3, "{rendered:?}");
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
        assert!(msgs.iter().any(|m| m.starts_with("p.rego:6: id \"FF-s3-1\"")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.starts_with("p.rego:11: control ids in `frameworks.aws-fsbp`")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.starts_with("p.rego:12: unknown key `soc2`")), "{msgs:?}");
    }

    /// A check without a METADATA block, or with broken YAML, is rejected with a line.
    #[test]
    fn missing_block_and_bad_yaml_are_reported() {
        let problems = parse_check_metadata("p.rego", "# just a comment\npackage x\n").unwrap_err();
        assert_eq!(problems[0].line, 2);
        let problems = parse_check_metadata("p.rego", "# METADATA\n# title: [unclosed\npackage x\n").unwrap_err();
        assert!(problems[0].message.contains("not valid YAML"), "{problems:?}");
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
