//! Which tier a security group or subnet belongs to: its tier tag, else the first tier (in
//! name order) whose name patterns (`network.tier_name_patterns` in the baseline, globs with
//! `*` and `?`) match its name. Many accounts name their groups but do not tag them.

use std::collections::BTreeMap;

use globset::{Glob, GlobMatcher};

/// The recognition rules of one environment.
#[derive(Debug, Clone, Default)]
pub struct TierRules {
    tier_tag: String,
    patterns: Vec<(String, GlobMatcher)>,
}

impl TierRules {
    /// `patterns`: tier → globs (already resolved for the environment). A glob that does not
    /// compile is skipped (baseline validation refuses it before this runs).
    pub fn new(tier_tag: &str, patterns: &BTreeMap<String, Vec<String>>) -> TierRules {
        let mut compiled = Vec::new();
        for (tier, globs) in patterns {
            for g in globs {
                if let Ok(glob) = Glob::new(g) {
                    compiled.push((tier.clone(), glob.compile_matcher()));
                }
            }
        }
        TierRules { tier_tag: tier_tag.to_owned(), patterns: compiled }
    }

    /// The tier of a resource: its tag wins over its name.
    pub fn tier_of<'a>(&'a self, name: &str, tags: &'a BTreeMap<String, String>) -> Option<&'a str> {
        if let Some(t) = tags.get(&self.tier_tag) {
            return Some(t.as_str());
        }
        self.patterns.iter().find(|(_, m)| !name.is_empty() && m.is_match(name)).map(|(t, _)| t.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tag wins; an untagged group is recognised by its name; an unmatched name has no tier.
    #[test]
    fn tag_then_name() {
        let mut p = BTreeMap::new();
        p.insert("database".to_owned(), vec!["flowforge-prod-db*".to_owned()]);
        let rules = TierRules::new("flowforge:tier", &p);
        let mut tags = BTreeMap::new();
        assert_eq!(rules.tier_of("flowforge-prod-db-sg", &tags), Some("database"));
        assert_eq!(rules.tier_of("flowforge-prod-web", &tags), None);
        tags.insert("flowforge:tier".to_owned(), "data-plane".to_owned());
        assert_eq!(rules.tier_of("flowforge-prod-db-sg", &tags), Some("data-plane"));
    }
}
