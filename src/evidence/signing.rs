//! Ed25519 signatures of evidence manifests, in minisign's file formats.
//!
//! A bundle's `manifest.json` binds every file of the bundle by SHA-256, so signing the
//! manifest signs the bundle. The formats are minisign's (public key, unencrypted secret key,
//! prehashed `ED` signature with a trusted comment), so that a third party can check a bundle
//! with `minisign -Vm manifest.json -p KEY.pub` without this tool, and a key made with
//! `minisign -G -W` works here. Encrypted minisign secret keys are refused with a message:
//! their scrypt KDF would be one more dependency for a key that CI keeps in a secret store
//! anyway. The signature is deterministic (Ed25519, no timestamp), like every output of the tool.

use std::path::Path;

use base64::Engine as _;
use blake2::digest::consts::U32;
use blake2::{Blake2b, Blake2b512, Digest};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

const ALG_ED: &[u8; 2] = b"Ed";
/// Signature of the BLAKE2b-512 of the file (minisign's default since 0.9).
const ALG_HASHED: &[u8; 2] = b"ED";
const KDF_NONE: [u8; 2] = [0, 0];
const CHK_B2: &[u8; 2] = b"B2";
const KEY_ID_LEN: usize = 8;
/// `Ed` + key id + public key.
const PUBLIC_LEN: usize = 2 + KEY_ID_LEN + 32;
/// alg + kdf + chk + salt + opslimit + memlimit + key id + secret key (seed ‖ public) + checksum.
const SECRET_LEN: usize = 2 + 2 + 2 + 32 + 8 + 8 + KEY_ID_LEN + 64 + 32;
/// alg + key id + signature.
const SIGNATURE_LEN: usize = 2 + KEY_ID_LEN + 64;
/// What the trusted comment of a manifest signature says (it is signed too).
const TRUSTED_COMMENT: &str = "flowforge-audit evidence manifest";

/// Why a key or a signature cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    #[error("cannot read the {what} {path}: {}", crate::fsio::Cause(error))]
    Read { what: &'static str, path: String, error: std::io::Error },
    #[error("cannot write {path}: {}", crate::fsio::Cause(error))]
    Write { path: String, error: std::io::Error },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error("no randomness available for a new key: {0}")]
    Random(String),
}

/// A public key and its minisign key id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    key_id: [u8; KEY_ID_LEN],
    key: VerifyingKey,
}

/// A secret key and its minisign key id.
pub struct SecretKey {
    key_id: [u8; KEY_ID_LEN],
    key: SigningKey,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", key_id_hex(&self.key_id))
    }
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn key_id_hex(id: &[u8; KEY_ID_LEN]) -> String {
    // minisign prints the id as a little-endian 64-bit number.
    id.iter().rev().map(|b| format!("{b:02X}")).collect()
}

fn format_err(path: &str, message: impl Into<String>) -> SigningError {
    SigningError::Format { path: path.to_owned(), message: message.into() }
}

/// The base64 line after `untrusted comment:`, decoded, of a minisign key or signature file.
fn payload_lines(path: &str, text: &str) -> Result<Vec<String>, SigningError> {
    let lines: Vec<String> = text.lines().map(|l| l.trim_end_matches('\r').to_owned()).collect();
    match lines.first() {
        Some(first) if first.starts_with("untrusted comment:") => Ok(lines),
        _ => Err(format_err(path, "not a minisign file: the first line must be `untrusted comment: ...`")),
    }
}

fn decode(path: &str, line: Option<&String>, what: &str, len: usize) -> Result<Vec<u8>, SigningError> {
    let line = line.ok_or_else(|| format_err(path, format!("{what} is missing")))?;
    let bytes = b64().decode(line.trim()).map_err(|e| format_err(path, format!("{what} is not valid base64: {e}")))?;
    if bytes.len() != len {
        return Err(format_err(path, format!("{what} has {} bytes, expected {len}", bytes.len())));
    }
    Ok(bytes)
}

fn id_of(bytes: &[u8]) -> [u8; KEY_ID_LEN] {
    let mut id = [0u8; KEY_ID_LEN];
    id.copy_from_slice(&bytes[..KEY_ID_LEN]);
    id
}

fn secret_checksum(key_id: &[u8; KEY_ID_LEN], secret: &[u8]) -> [u8; 32] {
    let mut h = Blake2b::<U32>::new();
    h.update(ALG_ED);
    h.update(key_id);
    h.update(secret);
    h.finalize().into()
}

impl PublicKey {
    /// Parses a minisign public key file (`untrusted comment:` line, then base64).
    pub fn parse(path: &str, text: &str) -> Result<PublicKey, SigningError> {
        let lines = payload_lines(path, text)?;
        let bytes = decode(path, lines.get(1), "the public key", PUBLIC_LEN)?;
        if &bytes[..2] != ALG_ED {
            return Err(format_err(path, "not an Ed25519 public key"));
        }
        let mut raw = [0u8; 32];
        raw.copy_from_slice(&bytes[2 + KEY_ID_LEN..]);
        let key = VerifyingKey::from_bytes(&raw).map_err(|e| format_err(path, format!("invalid public key: {e}")))?;
        Ok(PublicKey { key_id: id_of(&bytes[2..]), key })
    }

    /// The key id as minisign prints it.
    pub fn key_id_hex(&self) -> String {
        key_id_hex(&self.key_id)
    }

    pub fn read(path: &Path) -> Result<PublicKey, SigningError> {
        PublicKey::parse(&path.display().to_string(), &read_text(path, "public key")?)
    }

    /// The public key file's text.
    pub fn to_file_text(&self) -> String {
        let mut bytes = Vec::with_capacity(PUBLIC_LEN);
        bytes.extend_from_slice(ALG_ED);
        bytes.extend_from_slice(&self.key_id);
        bytes.extend_from_slice(self.key.as_bytes());
        format!("untrusted comment: minisign public key {}\n{}\n", key_id_hex(&self.key_id), b64().encode(bytes))
    }

    /// Checks a minisign signature file's text against `message`; `Err` says why it fails.
    pub fn verify(&self, message: &[u8], signature_text: &str) -> Result<(), String> {
        let path = "signature";
        let lines = payload_lines(path, signature_text).map_err(|e| e.to_string())?;
        let sig = decode(path, lines.get(1), "the signature", SIGNATURE_LEN).map_err(|e| e.to_string())?;
        let trusted = lines
            .get(2)
            .and_then(|l| l.strip_prefix("trusted comment: "))
            .ok_or("the signature has no `trusted comment:` line")?;
        let global = decode(path, lines.get(3), "the global signature", 64).map_err(|e| e.to_string())?;
        let key_id = id_of(&sig[2..]);
        if key_id != self.key_id {
            return Err(format!(
                "signed by key {}, not by the given key {}",
                key_id_hex(&key_id),
                key_id_hex(&self.key_id)
            ));
        }
        let signature = Signature::from_slice(&sig[2 + KEY_ID_LEN..]).map_err(|e| e.to_string())?;
        let checked = match &sig[..2] {
            a if a == ALG_HASHED => self.key.verify_strict(&Blake2b512::digest(message), &signature),
            a if a == ALG_ED => self.key.verify_strict(message, &signature),
            _ => return Err("unknown signature algorithm".into()),
        };
        checked.map_err(|_| "the signature does not match the manifest".to_owned())?;
        let mut signed_comment = sig[2 + KEY_ID_LEN..].to_vec();
        signed_comment.extend_from_slice(trusted.as_bytes());
        let global = Signature::from_slice(&global).map_err(|e| e.to_string())?;
        self.key
            .verify_strict(&signed_comment, &global)
            .map_err(|_| "the trusted comment's signature does not match".to_owned())
    }
}

/// The key id a minisign signature file names (as minisign prints it), without checking the
/// signature: what a report can say about an unchecked signature.
pub fn signature_key_id(signature_text: &str) -> Result<String, String> {
    let lines = payload_lines("signature", signature_text).map_err(|e| e.to_string())?;
    let sig = decode("signature", lines.get(1), "the signature", SIGNATURE_LEN).map_err(|e| e.to_string())?;
    Ok(key_id_hex(&id_of(&sig[2..])))
}

impl SecretKey {
    /// A new random key pair.
    pub fn generate() -> Result<SecretKey, SigningError> {
        let mut seed = [0u8; 32];
        let mut key_id = [0u8; KEY_ID_LEN];
        getrandom::getrandom(&mut seed).map_err(|e| SigningError::Random(e.to_string()))?;
        getrandom::getrandom(&mut key_id).map_err(|e| SigningError::Random(e.to_string()))?;
        Ok(SecretKey { key_id, key: SigningKey::from_bytes(&seed) })
    }

    /// Parses an unencrypted minisign secret key file (`minisign -G -W`, or `evidence keygen`).
    pub fn parse(path: &str, text: &str) -> Result<SecretKey, SigningError> {
        let lines = payload_lines(path, text)?;
        let bytes = decode(path, lines.get(1), "the secret key", SECRET_LEN)?;
        if &bytes[..2] != ALG_ED {
            return Err(format_err(path, "not an Ed25519 secret key"));
        }
        if bytes[2..4] != KDF_NONE {
            return Err(format_err(
                path,
                "the secret key is password-protected; use an unencrypted key (`minisign -G -W` or `flowforge-audit evidence keygen`) kept in a secret store",
            ));
        }
        let at = 2 + 2 + 2 + 32 + 8 + 8;
        let key_id = id_of(&bytes[at..]);
        let secret = &bytes[at + KEY_ID_LEN..at + KEY_ID_LEN + 64];
        let checksum = &bytes[at + KEY_ID_LEN + 64..];
        // minisign 0.11 writes an all-zero checksum for unencrypted keys: accept that, since the
        // seed is checked against the public half below anyway.
        if checksum.iter().any(|b| *b != 0) && secret_checksum(&key_id, secret) != checksum {
            return Err(format_err(path, "the secret key's checksum does not match (damaged file?)"));
        }
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&secret[..32]);
        let key = SigningKey::from_bytes(&seed);
        if key.verifying_key().as_bytes() != &secret[32..] {
            return Err(format_err(path, "the secret key's public half does not match its seed"));
        }
        Ok(SecretKey { key_id, key })
    }

    pub fn read(path: &Path) -> Result<SecretKey, SigningError> {
        SecretKey::parse(&path.display().to_string(), &read_text(path, "secret key")?)
    }

    pub fn public(&self) -> PublicKey {
        PublicKey { key_id: self.key_id, key: self.key.verifying_key() }
    }

    /// The secret key file's text (unencrypted minisign format).
    pub fn to_file_text(&self) -> String {
        let mut secret = Vec::with_capacity(64);
        secret.extend_from_slice(self.key.as_bytes());
        secret.extend_from_slice(self.key.verifying_key().as_bytes());
        let mut bytes = Vec::with_capacity(SECRET_LEN);
        bytes.extend_from_slice(ALG_ED);
        bytes.extend_from_slice(&KDF_NONE);
        bytes.extend_from_slice(CHK_B2);
        bytes.extend_from_slice(&[0u8; 32 + 8 + 8]);
        bytes.extend_from_slice(&self.key_id);
        bytes.extend_from_slice(&secret);
        bytes.extend_from_slice(&secret_checksum(&self.key_id, &secret));
        format!(
            "untrusted comment: flowforge-audit secret key {} (unencrypted: keep it secret)\n{}\n",
            key_id_hex(&self.key_id),
            b64().encode(bytes)
        )
    }

    /// A minisign signature file (prehashed) for `message`, with the manifest's trusted comment.
    pub fn sign(&self, message: &[u8]) -> String {
        self.sign_with_comment(message, TRUSTED_COMMENT)
    }

    /// A minisign signature file (prehashed) for `message` whose trusted comment (signed too,
    /// and printed by `minisign -V`) is `comment`, made one line of printable text.
    pub fn sign_with_comment(&self, message: &[u8], comment: &str) -> String {
        let comment: String = comment.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let signature = self.key.sign(&Blake2b512::digest(message)).to_bytes();
        let mut sig = Vec::with_capacity(SIGNATURE_LEN);
        sig.extend_from_slice(ALG_HASHED);
        sig.extend_from_slice(&self.key_id);
        sig.extend_from_slice(&signature);
        let mut signed_comment = signature.to_vec();
        signed_comment.extend_from_slice(comment.as_bytes());
        let global = self.key.sign(&signed_comment).to_bytes();
        format!(
            "untrusted comment: signature from flowforge-audit secret key {}\n{}\ntrusted comment: {comment}\n{}\n",
            key_id_hex(&self.key_id),
            b64().encode(sig),
            b64().encode(global)
        )
    }
}

fn read_text(path: &Path, what: &'static str) -> Result<String, SigningError> {
    // Key files are a few hundred bytes; anything larger is not a key.
    let bytes = crate::fsio::read(path).map_err(|error| SigningError::Read {
        what,
        path: path.display().to_string(),
        error,
    })?;
    if bytes.len() > 4096 {
        return Err(format_err(&path.display().to_string(), "too large for a key file"));
    }
    String::from_utf8(bytes).map_err(|_| format_err(&path.display().to_string(), "not UTF-8 text"))
}

/// Writes a new key pair to `PREFIX.key` (mode 0600) and `PREFIX.pub`; refuses to replace
/// either. Returns the two paths.
pub fn write_key_pair(prefix: &Path) -> Result<(std::path::PathBuf, std::path::PathBuf, PublicKey), SigningError> {
    let key = SecretKey::generate()?;
    let secret_path = with_suffix(prefix, "key");
    let public_path = with_suffix(prefix, "pub");
    let write = |path: &Path, text: String, mode| {
        super::create_new(path, text.as_bytes(), mode)
            .map_err(|source| SigningError::Write { path: path.display().to_string(), error: source })
    };
    write(&public_path, key.public().to_file_text(), 0o644)?;
    if let Err(e) = write(&secret_path, key.to_file_text(), 0o600) {
        let _ = std::fs::remove_file(&public_path);
        return Err(e);
    }
    Ok((secret_path, public_path, key.public()))
}

fn with_suffix(prefix: &Path, ext: &str) -> std::path::PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    s.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A signature made here verifies with the public key, and fails for another message or key.
    #[test]
    fn sign_then_verify_and_reject() {
        let key = SecretKey::generate().unwrap();
        let sig = key.sign(b"manifest");
        key.public().verify(b"manifest", &sig).unwrap();
        assert!(key.public().verify(b"manifest!", &sig).unwrap_err().contains("does not match"));
        let other = SecretKey::generate().unwrap();
        assert!(other.public().verify(b"manifest", &sig).unwrap_err().contains("signed by key"));
        assert_eq!(signature_key_id(&sig).unwrap(), key.public().key_id_hex());
        assert!(signature_key_id("untrusted comment: x\nAAAA\n").is_err());
        // An edited trusted comment breaks the global signature.
        let forged = sig.replace("trusted comment: flowforge", "trusted comment: forged");
        assert!(key.public().verify(b"manifest", &forged).is_err());
    }

    /// Key files round-trip through their text form.
    #[test]
    fn key_files_round_trip() {
        let key = SecretKey::generate().unwrap();
        let again = SecretKey::parse("k", &key.to_file_text()).unwrap();
        assert_eq!(again.public(), key.public());
        assert_eq!(PublicKey::parse("p", &key.public().to_file_text()).unwrap(), key.public());
        // A flipped byte in the secret key is caught by its checksum.
        let text = key.to_file_text();
        let line = text.lines().nth(1).unwrap();
        let mut bytes = b64().decode(line).unwrap();
        bytes[SECRET_LEN - 40] ^= 1;
        let damaged = format!("untrusted comment: x\n{}\n", b64().encode(bytes));
        assert!(SecretKey::parse("k", &damaged).unwrap_err().to_string().contains("checksum"));
    }

    // Made with minisign 0.11: `minisign -G -W`, then `minisign -S -m msg.txt -t "..."` on
    // "flowforge evidence test\n".
    const MINISIGN_PUB: &str = "untrusted comment: minisign public key B7FBEF38C3A45CC8\nRWTIXKTDOO/7t5KWz9DwsPLnKMkXQZdldTexADBrAZSIfjumVkf7nqeL\n";
    const MINISIGN_KEY: &str = "untrusted comment: minisign encrypted secret key\nRWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAyFykwzjv+7cu3jNCXZwW53OrjokoV9zKXWF0jSGsWEB6QHIWdhnqrZKWz9DwsPLnKMkXQZdldTexADBrAZSIfjumVkf7nqeLAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    const MINISIGN_SIG: &str = "untrusted comment: signature from minisign secret key\nRUTIXKTDOO/7t7AZlmXT8PfZdeSyS30syQnGGPR3g+TMAg63+W5atA07TFUJOATQap6b3S18cFTkc4bWD/Pe9Y0cihMj3HQ9sQU=\ntrusted comment: flowforge-audit test vector\nrmQmFPgYj59lmNFGseK6PFaWMTPqxl5U7z06zeZ8ws3PL5+12gWLzLKibJhAFPvJsHDNsUxSDl5St6AymB3CBA==\n";
    const MESSAGE: &[u8] = b"flowforge evidence test\n";

    /// Keys and signatures made by minisign itself are read and checked, and this code's
    /// signature of the same message is minisign's, byte for byte.
    #[test]
    fn minisign_compatible() {
        let public = PublicKey::parse("k.pub", MINISIGN_PUB).unwrap();
        public.verify(MESSAGE, MINISIGN_SIG).unwrap();
        assert!(public.verify(b"flowforge evidence test!\n", MINISIGN_SIG).is_err());
        let secret = SecretKey::parse("k.key", MINISIGN_KEY).unwrap();
        assert_eq!(secret.public(), public);
        assert_eq!(secret.public().to_file_text(), MINISIGN_PUB);
        let ours = secret.sign(MESSAGE);
        assert_eq!(ours.lines().nth(1), MINISIGN_SIG.lines().nth(1));
        public.verify(MESSAGE, &ours).unwrap();
    }

    /// Damaged key and signature files never panic the parsers, and a damaged signature
    /// line never verifies.
    #[test]
    fn damaged_files_never_panic() {
        let key = SecretKey::generate().unwrap();
        let texts = [key.to_file_text(), key.public().to_file_text(), key.sign(b"m")];
        let mut seed = 0x2545_f491_4f6c_dd1d;
        for round in 0..600 {
            let i = round % texts.len();
            let good = &texts[i];
            let mut bytes = good.clone().into_bytes();
            let at = (crate::evidence::tests::xorshift(&mut seed) as usize) % bytes.len();
            // A non-zero ASCII mask keeps the text ASCII and always changes the byte.
            bytes[at] ^= (crate::evidence::tests::xorshift(&mut seed) as u8 | 1) & 0x7f;
            let Ok(text) = String::from_utf8(bytes) else { continue };
            let _ = SecretKey::parse("k", &text);
            let _ = PublicKey::parse("p", &text);
            let verified = key.public().verify(b"m", &text);
            // Only the untrusted comment (line 1) and the final newline may change and still verify.
            let first_line = good.lines().next().map_or(0, str::len);
            if i == 2 && at > first_line && at + 1 < good.len() {
                assert!(verified.is_err(), "a damaged signature verified: {text:?}");
            }
        }
    }

    /// Malformed key text is an error naming the file, never a panic.
    #[test]
    fn malformed_keys_are_errors() {
        for text in
            ["", "hello", "untrusted comment: x\n", "untrusted comment: x\n!!!\n", "untrusted comment: x\nRWQ=\n"]
        {
            assert!(PublicKey::parse("p.pub", text).unwrap_err().to_string().starts_with("p.pub: "));
            assert!(SecretKey::parse("s.key", text).unwrap_err().to_string().starts_with("s.key: "));
        }
        let key = SecretKey::generate().unwrap();
        for text in ["", "untrusted comment: x\n", "untrusted comment: x\nAAAA\n"] {
            assert!(key.public().verify(b"m", text).is_err());
        }
    }
}
