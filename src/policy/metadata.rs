//! The `# METADATA` block of a check: an OPA-style YAML comment right above the `package`
//! line that says what the check is (id, severity, collection, frameworks, ...).
//!
//! Metadata lives beside the logic (as in trivy-checks) so that one file is the whole check.
//! Parsing is strict: a missing key, an unknown key or a value of the wrong shape is a
//! [`Problem`] (`M...` codes) naming the file, line and column of the offending YAML, and
//! every problem of a block is reported, not only the first. The block is read with the shared
//! positioned-YAML reader ([`crate::diag::yaml`]) after the comment markers are cut off, its
//! keys declared once with the field toolkit ([`crate::diag::fields`]), and positions are
//! mapped back to the Rego file.

use std::collections::BTreeMap;

use crate::diag::fields::{Codes, Ctx, Embedded};
use crate::diag::yaml::{self, Pos, RawNode, RawValue};
use crate::diag::{self, Code, Problem};
use crate::model::{collection_info, CheckMeta, Severity};

/// The policy areas a check may be tagged with.
pub const AREAS: [&str; 7] = ["tls", "encryption", "vpc-endpoints", "multi-az", "iam", "network", "hygiene"];

/// The compliance frameworks a check may map to.
pub const FRAMEWORKS: [&str; 3] = ["cis-aws-foundations", "aws-fsbp", "nist-800-53-r5"];

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
    let cx = Ctx::embedded(file, CODES, Embedded { first_line: marker_line, prefixes }).root_named("METADATA");
    let meta = match yaml::parse(&yaml, file) {
        Ok(root) => parse_yaml(&cx, &root, &package),
        Err(mut p) => {
            p.message = match p.code {
                Code::YamlTooDeep => format!("METADATA: {}", p.message),
                _ => format!("METADATA is not valid YAML: {}", p.message),
            };
            cx.report_read_error(p);
            None
        }
    };
    cx.finish(meta, "METADATA is invalid")
}

/// A comment line without its `#` and one following space.
fn comment_body(line: &str) -> &str {
    let body = line.trim_start().strip_prefix('#').unwrap_or(line);
    body.strip_prefix(' ').unwrap_or(body)
}

/// METADATA's codes for the field toolkit's problems (an empty value counts as the wrong type).
const CODES: Codes = Codes {
    unknown_key: Code::MetadataUnknownKey,
    missing_key: Code::MetadataMissingKey,
    wrong_type: Code::MetadataWrongType,
    invalid_value: Code::MetadataInvalidValue,
    empty: Code::MetadataWrongType,
};

fn parse_yaml(cx: &Ctx, root: &RawNode, package: &PackageDecl) -> Option<CheckMeta> {
    if root.value == RawValue::Null {
        cx.report(Code::MetadataMissing, Pos::default(), "METADATA block is empty");
        return None;
    }
    let top = cx.table(root, "")?;
    let text = |n: &RawNode, p: &str| cx.string(n, p).map(|s| s.trim().to_owned());
    let title = top.req("title", text);
    let description = top.req("description", text);
    let custom = top.req("custom", |n, p| cx.table(n, p))?;
    let id = custom.req("id", |n, p| {
        let id = text(n, p)?;
        if !is_valid_check_id(&id) {
            cx.invalid(n, format!("id {id:?} is not of the form FF-<AREA>-<NNN>, e.g. FF-S3-001"));
            return None;
        }
        Some(id)
    });
    let severity = custom.req("severity", |n, p| {
        let s = text(n, p)?;
        match s.parse::<Severity>() {
            Ok(sev) if sev.as_str() == s => Some(sev),
            _ => {
                cx.invalid(n, format!("severity {s:?} is not one of critical, high, medium, low, info"));
                None
            }
        }
    });
    let collection = custom.req("collection", |n, p| {
        let c = text(n, p)?;
        if collection_info(&c).is_none() {
            cx.invalid(n, format!("collection {c:?} is not a snapshot collection (see model::COLLECTIONS)"));
            return None;
        }
        Some(c)
    });
    let remediation = custom.req("remediation", text);
    let frameworks = custom.req("frameworks", |n, p| frameworks(cx, n, p));
    let guide_section = custom.req("guide_section", text);
    let area = custom.req("area", |n, p| {
        let a = text(n, p)?;
        if !AREAS.contains(&a.as_str()) {
            cx.invalid(n, format!("area {a:?} is not one of {}", AREAS.join(", ")));
            return None;
        }
        Some(a)
    });
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
        source: cx.file().to_owned(),
        overlay_libraries: Vec::new(),
    })
}

/// `custom.frameworks`: framework → control ids (strings: `1.10` unquoted would be a number).
fn frameworks(cx: &Ctx, node: &RawNode, path: &str) -> Option<BTreeMap<String, Vec<String>>> {
    let t = cx.table(node, path)?;
    let mut out = BTreeMap::new();
    let mut ok = true;
    for name in FRAMEWORKS {
        let ids = t.opt(name, |list, p| {
            cx.list(list, p, false, |item, _| match &item.value {
                RawValue::Str(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                _ => {
                    cx.refuse(
                        item,
                        Code::MetadataInvalidValue,
                        format!(
                            "control ids in `frameworks.{name}` must be non-empty strings (quote numbers such as \"1.10\")"
                        ),
                    );
                    None
                }
            })
        });
        match ids {
            Some(Some(ids)) => {
                out.insert(name.to_owned(), ids);
            }
            Some(None) => {}
            None => ok = false,
        }
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

    /// A misspelt key names the key it probably meant, placed in the Rego file.
    #[test]
    fn misspelt_key_suggests_the_known_one() {
        let problems =
            parse_check_metadata("p.rego", &GOOD.replace("#   severity: high", "#   severty: high")).unwrap_err();
        let msgs: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            msgs.contains(&"p.rego:7:5: error[M002]: unknown key `severty` in custom: did you mean `severity`? expected one of id, severity, collection, remediation, frameworks, guide_section, area".to_owned()),
            "{msgs:?}"
        );
        assert!(msgs.contains(&"p.rego:6:5: error[M003]: custom: missing key `severity`".to_owned()), "{msgs:?}");
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
