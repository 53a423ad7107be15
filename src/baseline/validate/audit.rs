//! Validation of the account-audit sections ([`crate::baseline::audit`]):
//! `architecture.audit_trail` (`architecture.config_recorder` is a boolean, read where the
//! architecture's keys are).

use super::Cx;
use crate::baseline::*;
use crate::diag::yaml::RawNode;

/// `architecture.audit_trail`.
pub(super) fn audit_trail(cx: &Cx, node: &RawNode, path: &str) -> Option<AuditTrailSpec> {
    let t = cx.table(node, path)?;
    let name = t.req("name", |n, p| cx.pattern(n, p, false));
    Some(AuditTrailSpec { name: name? })
}

#[cfg(test)]
mod tests {
    use super::super::tests::problems;
    use crate::baseline::BUILTIN_BASELINE;

    /// The trail's name is required and may hold only the known placeholders.
    #[test]
    fn audit_trail_needs_a_name() {
        let text =
            BUILTIN_BASELINE.replace("    name: \"flowforge-{env}-trail\"\n", "    nme: \"flowforge-{env}-trail\"\n");
        let p = problems(&text).join("\n");
        assert!(p.contains("architecture.audit_trail: missing key `name`"), "{p}");
        assert!(p.contains("unknown key `nme` in architecture.audit_trail: did you mean `name`?"), "{p}");
    }
}
