//! Whether a bundle is intact: its files against its manifest, and its manifest against a
//! signature.
//!
//! One implementation for both readers of bundles: `verify-evidence` (one bundle, which it then
//! re-evaluates) and `attest` (many bundles, whose JSON reports it then reads as evidence of a
//! period). Every check works on the bytes of a [`Tree`] read once, so nothing can change
//! between a hash check and the use of the file. What does not hold is a list of sentences
//! naming the file, never an early return: a reader shows them all.

use super::signing::{self, PublicKey};
use super::{role, Manifest, Role, Tree, EXPECTED_DIR, SIGNATURE, WAIVERS_DIR};
use crate::model::sha256_hex;

/// What the signature of a manifest showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// No `manifest.json.sig`.
    Absent,
    /// A signature, not checked because no key was given; the key id it names, when readable.
    Unchecked { key_id: Option<String> },
    /// Valid, by the key with this id (one of the keys given).
    Verified { key_id: String },
    /// Present, and it does not verify with any key given: why.
    Invalid { key_id: Option<String>, why: String },
}

impl SignatureCheck {
    /// The key id the signature names (verified or not).
    pub fn key_id(&self) -> Option<&str> {
        match self {
            SignatureCheck::Absent => None,
            SignatureCheck::Verified { key_id } => Some(key_id),
            SignatureCheck::Unchecked { key_id } | SignatureCheck::Invalid { key_id, .. } => key_id.as_deref(),
        }
    }
}

/// Checks `signature` (the bytes of `manifest.json.sig`, if any) against `manifest` with the
/// given keys: valid when the key it names is among them and the signature holds.
pub fn check_signature(manifest: &[u8], signature: Option<&[u8]>, keys: &[PublicKey]) -> SignatureCheck {
    let Some(bytes) = signature else { return SignatureCheck::Absent };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => return SignatureCheck::Invalid { key_id: None, why: "not text".to_owned() },
    };
    let key_id = signing::signature_key_id(text).ok();
    if keys.is_empty() {
        return SignatureCheck::Unchecked { key_id };
    }
    // The key the signature names; with none of them, the first key says "signed by key X,
    // not by the given key Y" (one key) or the list is named (several).
    let named = keys.iter().find(|k| key_id.as_deref() == Some(k.key_id_hex().as_str()));
    let key = match (named, keys) {
        (Some(k), _) => k,
        (None, [only]) => only,
        (None, _) => {
            let given: Vec<String> = keys.iter().map(PublicKey::key_id_hex).collect();
            let signer = key_id.clone().unwrap_or_else(|| "an unreadable key id".to_owned());
            return SignatureCheck::Invalid {
                key_id,
                why: format!("signed by key {signer}, none of the given keys ({})", given.join(", ")),
            };
        }
    };
    match key.verify(manifest, text) {
        Ok(()) => SignatureCheck::Verified { key_id: key.key_id_hex() },
        Err(why) => SignatureCheck::Invalid { key_id, why },
    }
}

/// The files of `tree` (manifest and signature already taken out) against `manifest`: a file
/// the manifest does not list, a file no bundle of this kind holds (`known`), a hash that
/// differs, a listed file that is missing. A file the bundle's layout never holds was left
/// unread (`tree.unread`): reported as not written by the tool, never as missing.
pub fn check_files(tree: &Tree, manifest: &Manifest, known: impl Fn(&str) -> bool) -> Vec<String> {
    let mut problems = Vec::new();
    for rel in tree.files.keys().chain(&tree.unread) {
        if !manifest.files.contains_key(rel) {
            problems.push(format!("{rel}: not listed in the manifest (added after the run)"));
        } else if !known(rel) {
            problems.push(format!("{rel}: not a file flowforge-audit writes into a bundle"));
        }
    }
    for (rel, want) in &manifest.files {
        match tree.files.get(rel) {
            Some(bytes) if &sha256_hex(bytes) == want => {}
            Some(_) => problems.push(format!("{rel}: SHA-256 differs from the manifest (modified)")),
            // Reported above: a file the tool never writes into a bundle (left unread).
            None if tree.unread.contains(rel) => {}
            None => problems.push(format!("{rel}: missing")),
        }
    }
    problems
}

/// What an audit bundle must hold by its layout: the snapshot, the baseline, at least one
/// report, at most one waiver file and one Terraform state.
pub fn audit_layout_problems(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    let roles: Vec<Role> = tree.files.keys().filter_map(|rel| role(rel)).collect();
    for (required, what) in [(Role::Snapshot, super::SNAPSHOT), (Role::Baseline, super::BASELINE)] {
        if !roles.contains(&required) {
            problems.push(format!("{what}: missing (every bundle holds it)"));
        }
    }
    if !roles.iter().any(|r| matches!(r, Role::Report(_))) {
        problems.push("reports/: no report to reproduce".to_owned());
    }
    if roles.iter().filter(|r| matches!(r, Role::Waivers(_))).count() > 1 {
        problems.push(format!("{WAIVERS_DIR}: more than one waiver file"));
    }
    if roles.iter().filter(|r| matches!(r, Role::Expected(_))).count() > 1 {
        problems.push(format!("{EXPECTED_DIR}: more than one Terraform state"));
    }
    problems
}

/// The problem a signature check adds to a verification: an invalid signature always; an
/// absent one when a valid signature is `required`.
pub fn signature_problem(check: &SignatureCheck, required: bool) -> Option<String> {
    match check {
        SignatureCheck::Invalid { why, .. } => Some(format!("{SIGNATURE}: {why}")),
        SignatureCheck::Absent if required => {
            Some(format!("{SIGNATURE}: missing, and --verify-key requires a valid signature"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::signing::SecretKey;
    use std::collections::BTreeMap;

    /// A signature verifies with the key it names among several; another key's signature, a
    /// damaged one or a missing one is said so; without keys it is reported unchecked.
    #[test]
    fn signatures_against_several_keys() {
        let (a, b, c) =
            (SecretKey::generate().unwrap(), SecretKey::generate().unwrap(), SecretKey::generate().unwrap());
        let sig = b.sign(b"m");
        let keys = [a.public(), b.public()];
        assert_eq!(
            check_signature(b"m", Some(sig.as_bytes()), &keys),
            SignatureCheck::Verified { key_id: b.public().key_id_hex() }
        );
        let other = c.sign(b"m");
        let SignatureCheck::Invalid { why, key_id } = check_signature(b"m", Some(other.as_bytes()), &keys) else {
            panic!("another key's signature verified")
        };
        assert!(why.contains("none of the given keys"), "{why}");
        assert_eq!(key_id, Some(c.public().key_id_hex()));
        let one = check_signature(b"m", Some(other.as_bytes()), &keys[..1]);
        assert!(matches!(&one, SignatureCheck::Invalid { why, .. } if why.contains("not by the given key")), "{one:?}");
        let wrong = check_signature(b"m!", Some(sig.as_bytes()), &keys);
        assert!(matches!(&wrong, SignatureCheck::Invalid { why, .. } if why.contains("does not match")), "{wrong:?}");
        assert_eq!(
            check_signature(b"m", Some(sig.as_bytes()), &[]),
            SignatureCheck::Unchecked { key_id: Some(b.public().key_id_hex()) }
        );
        assert_eq!(check_signature(b"m", None, &keys), SignatureCheck::Absent);
        assert!(signature_problem(&SignatureCheck::Absent, true).is_some());
        assert!(signature_problem(&SignatureCheck::Absent, false).is_none());
    }

    /// Files are checked against the manifest both ways, and unknown files are named.
    #[test]
    fn files_against_the_manifest() {
        let tree = Tree {
            files: BTreeMap::from([
                ("inputs/snapshot.json".to_owned(), b"s".to_vec()),
                ("inputs/baseline.yaml".to_owned(), b"b!".to_vec()),
                ("notes.txt".to_owned(), b"n".to_vec()),
                ("extra.txt".to_owned(), b"e".to_vec()),
            ]),
            unread: Vec::new(),
            refused: Vec::new(),
        };
        let manifest = Manifest {
            files: BTreeMap::from([
                ("inputs/snapshot.json".to_owned(), sha256_hex(b"s")),
                ("inputs/baseline.yaml".to_owned(), sha256_hex(b"b")),
                ("notes.txt".to_owned(), sha256_hex(b"n")),
                ("reports/flowforge-audit.json".to_owned(), sha256_hex(b"r")),
            ]),
            ..crate::evidence::tests::sample()
        };
        let problems = check_files(&tree, &manifest, |rel| role(rel).is_some());
        assert_eq!(
            problems,
            [
                "extra.txt: not listed in the manifest (added after the run)",
                "notes.txt: not a file flowforge-audit writes into a bundle",
                "inputs/baseline.yaml: SHA-256 differs from the manifest (modified)",
                "reports/flowforge-audit.json: missing",
            ]
        );
        assert_eq!(audit_layout_problems(&tree), ["reports/: no report to reproduce"]);
    }
}
