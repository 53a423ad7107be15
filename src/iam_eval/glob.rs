//! IAM wildcard patterns (`*` any run of characters, `?` one character) compared as sets.
//!
//! The IAM evaluation engine needs two questions no glob crate answers: is everything pattern B
//! matches also matched by pattern A (containment: `s3:*` ⊇ `s3:Get*` ⊇ `s3:GetObject`), and
//! can two patterns match a common string (overlap: what a `NotAction` excludes). globset and
//! friends match a pattern against a *string*; here both sides are patterns, so it is written
//! by hand as two small dynamic programs over (position in A, position in B).
//! IAM actions compare case-insensitively ([`action_covers`]); ARNs case-sensitively.

/// True when every string matched by `inner` is matched by `outer`.
pub fn covers(outer: &str, inner: &str) -> bool {
    let a: Vec<char> = outer.chars().collect();
    let b: Vec<char> = inner.chars().collect();
    // dp[i][j]: a[i..] covers b[j..]. Filled from the end.
    let mut dp = vec![vec![false; b.len() + 1]; a.len() + 1];
    dp[a.len()][b.len()] = true;
    for i in (0..a.len()).rev() {
        for j in (0..=b.len()).rev() {
            dp[i][j] = match a[i] {
                // `*` in A matches nothing, or swallows B's next symbol whatever it is.
                '*' => dp[i + 1][j] || (j < b.len() && dp[i][j + 1]),
                // `?` in A stands for exactly one character: B's literal or `?`, not `*`.
                '?' => j < b.len() && b[j] != '*' && dp[i + 1][j + 1],
                c => j < b.len() && b[j] == c && dp[i + 1][j + 1],
            };
        }
    }
    dp[0][0]
}

/// True when some string is matched by both patterns.
pub fn overlaps(x: &str, y: &str) -> bool {
    let a: Vec<char> = x.chars().collect();
    let b: Vec<char> = y.chars().collect();
    let mut dp = vec![vec![false; b.len() + 1]; a.len() + 1];
    for i in (0..=a.len()).rev() {
        for j in (0..=b.len()).rev() {
            dp[i][j] = if i == a.len() && j == b.len() {
                true
            } else {
                let mut ok = false;
                if i < a.len() && a[i] == '*' {
                    ok |= dp[i + 1][j] || (j < b.len() && b[j] != '*' && dp[i][j + 1]);
                }
                if j < b.len() && b[j] == '*' {
                    ok |= dp[i][j + 1] || (i < a.len() && a[i] != '*' && dp[i + 1][j]);
                }
                if i < a.len() && j < b.len() && a[i] != '*' && b[j] != '*' {
                    ok |= (a[i] == '?' || b[j] == '?' || a[i] == b[j]) && dp[i + 1][j + 1];
                }
                ok
            };
        }
    }
    dp[0][0]
}

/// Containment for IAM actions (case-insensitive: `S3:getobject` is `s3:GetObject`).
pub fn action_covers(outer: &str, inner: &str) -> bool {
    covers(&outer.to_ascii_lowercase(), &inner.to_ascii_lowercase())
}

/// Overlap for IAM actions (case-insensitive).
pub fn action_overlaps(x: &str, y: &str) -> bool {
    overlaps(&x.to_ascii_lowercase(), &y.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The containment order least-privilege drift relies on.
    #[test]
    fn wildcard_containment() {
        assert!(action_covers("s3:*", "s3:GetObject"));
        assert!(action_covers("s3:*", "s3:Get*"));
        assert!(action_covers("s3:Get*", "s3:GetObject"));
        assert!(!action_covers("s3:GetObject", "s3:*"));
        assert!(!action_covers("s3:Get*", "s3:*"));
        assert!(action_covers("*", "iam:PassRole"));
        assert!(!action_covers("s3:*", "s3express:CreateSession"), "the colon separates the service");
        assert!(action_covers("S3:getobject", "s3:GetObject"), "actions are case-insensitive");
        assert!(!covers("arn:aws:s3:::b", "arn:aws:s3:::B"), "ARNs are case-sensitive");
        assert!(covers("arn:aws:s3:::flowforge-prod-*", "arn:aws:s3:::flowforge-prod-gold/*"), "IAM `*` crosses `/`");
        assert!(!covers("arn:aws:s3:::flowforge-prod-*/*", "arn:aws:s3:::flowforge-prod-*"));
        assert!(covers("ec2:Describe?pc*", "ec2:DescribeVpcs"));
        assert!(!covers("ec2:Describe?", "ec2:Describe*"), "`?` is one character, `*` may be many");
        assert!(covers("a*b*", "a?b*c"));
    }

    /// Overlap decides what a NotAction excludes and whether a Deny touches an Allow.
    #[test]
    fn wildcard_overlap() {
        assert!(action_overlaps("s3:Get*", "s3:*Object"));
        assert!(!action_overlaps("s3:Get*", "s3:Put*"));
        assert!(action_overlaps("*", "x"));
        assert!(overlaps("a?c", "*c"));
        assert!(!overlaps("a?c", "abd"));
        assert!(overlaps("", "*"));
        assert!(!overlaps("", "?"));
    }
}
