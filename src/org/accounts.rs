//! Which accounts an organisation scan covers and which environment each is judged as: the
//! account files (`--accounts FILE`, `--account-map FILE`), the `--accounts` list, and the
//! shard a runner takes (`--shard I/N`).
//!
//! An account file is plain text, one account a line: `ACCOUNT_ID [ENVIRONMENT]`, `#` starts
//! a comment. It is read like every input: every problem at once, each with its line and
//! column and an `O` code (`docs/diagnostics.md`).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::diag::{Code, Problem};

/// Whether `id` is an AWS account id (twelve ASCII digits).
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// A parsed account file: account id → its environment, if the line names one.
pub type AccountFile = BTreeMap<String, Option<String>>;

/// Parses an account file. `environments` are the baseline's: a line naming another one is a
/// problem, so a typo never leaves an account unjudged.
pub fn parse_account_file(text: &str, file: &str, environments: &[&str]) -> Result<AccountFile, Vec<Problem>> {
    let text = crate::diag::strip_bom(text);
    let mut out = AccountFile::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.split('#').next().unwrap_or_default();
        let words: Vec<(usize, &str)> =
            content.split_whitespace().map(|w| (crate::diag::offset_in(content, w).unwrap_or(0) + 1, w)).collect();
        let (col, id) = match words.first() {
            None => continue,
            Some(&w) => w,
        };
        if words.len() > 2 {
            problems.push(Problem::new(
                Code::AccountFileSyntax,
                file,
                line,
                words[2].0,
                format!("expected `ACCOUNT_ID [ENVIRONMENT]`, found {} words", words.len()),
            ));
            continue;
        }
        if !is_account_id(id) {
            problems.push(Problem::new(
                Code::AccountFileId,
                file,
                line,
                col,
                format!("{id:?} is not an AWS account id (12 digits)"),
            ));
            continue;
        }
        let env = words.get(1).map(|&(col, env)| (col, env.to_owned()));
        if let Some((col, env)) = &env {
            if !environments.contains(&env.as_str()) {
                problems.push(Problem::new(
                    Code::AccountFileEnvironment,
                    file,
                    line,
                    *col,
                    format!("unknown environment {env:?}; the baseline defines {}", environments.join(", ")),
                ));
                continue;
            }
        }
        if let Some(first) = first_line.get(id) {
            problems.push(Problem::new(
                Code::AccountFileDuplicate,
                file,
                line,
                col,
                format!("account {id} is already listed on line {first}"),
            ));
            continue;
        }
        first_line.insert(id.to_owned(), line);
        out.insert(id.to_owned(), env.map(|(_, e)| e));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// One runner's share of the organisation: shard `index` of `count` (0-based, as AWS Batch's
/// `AWS_BATCH_JOB_ARRAY_INDEX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The whole organisation in one run.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Whether `account_id` belongs to this shard. Stable: it depends on the account id and
    /// the shard count only (the first 8 bytes of its SHA-256, modulo the count), never on the
    /// listing order or on which other accounts exist.
    pub fn contains(self, account_id: &str) -> bool {
        if self.count == 0 {
            return false;
        }
        let digest = Sha256::digest(account_id.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % u64::from(self.count) == u64::from(self.index)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    /// `I/N` with `0 <= I < N <= MAX_SHARDS`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let max = super::merge::MAX_SHARDS;
        let bad = || format!("expected I/N with 0 <= I < N <= {max} (e.g. 0/4), found {s:?}");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count || count > max {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVS: &[&str] = &["dev", "qa", "uat", "prod"];

    /// Ids with and without environments, comments and blank lines are read.
    #[test]
    fn account_file_reads_ids_and_environments() {
        let text = "# org\n111111111111 dev\n\n222222222222   # no environment\n333333333333 prod # tenant a\n";
        let f = parse_account_file(text, "a.txt", ENVS).unwrap();
        assert_eq!(f.len(), 3);
        assert_eq!(f["111111111111"].as_deref(), Some("dev"));
        assert_eq!(f["222222222222"], None);
        assert_eq!(f["333333333333"].as_deref(), Some("prod"));
    }

    /// Every bad line is reported at once, with its position and code.
    #[test]
    fn account_file_reports_every_problem() {
        let text = "11111111111 dev\n222222222222 staging\n333333333333 dev\n333333333333 qa\n444444444444 dev extra\n";
        let problems = parse_account_file(text, "a.txt", ENVS).unwrap_err();
        let got: Vec<(Code, usize, usize)> = problems.iter().map(|p| (p.code, p.line, p.col)).collect();
        assert_eq!(
            got,
            vec![
                (Code::AccountFileId, 1, 1),
                (Code::AccountFileEnvironment, 2, 14),
                (Code::AccountFileDuplicate, 4, 1),
                (Code::AccountFileSyntax, 5, 18),
            ]
        );
    }

    /// Shards partition the accounts: each account in exactly one shard, stable across calls.
    #[test]
    fn shards_partition_accounts() {
        let ids: Vec<String> = (0..200u64).map(|i| format!("{:012}", 100_000_000_000 + i * 7919)).collect();
        for n in 1..=5u32 {
            let mut sizes = vec![0usize; n as usize];
            for id in &ids {
                let owners: Vec<u32> = (0..n).filter(|&i| Shard { index: i, count: n }.contains(id)).collect();
                assert_eq!(owners.len(), 1, "{id} in {owners:?} of {n}");
                sizes[owners[0] as usize] += 1;
            }
            assert!(sizes.iter().all(|&s| s > 0), "{n} shards: {sizes:?}");
        }
        assert!(Shard::ALL.contains("123456789012"));
    }

    /// `--shard` accepts I/N with I < N and nothing else.
    #[test]
    fn shard_parses_and_refuses() {
        assert_eq!("1/3".parse::<Shard>(), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "0/0", "1", "a/2", "-1/2", "", "0/10001", "0/4294967295"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad:?}");
        }
    }
}
