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
    compare(outer, inner, false, covers_in, covers_in)
}

/// True when some string is matched by both patterns.
pub fn overlaps(x: &str, y: &str) -> bool {
    compare(x, y, false, overlaps_in, overlaps_in)
}

/// Containment for IAM actions (case-insensitive: `S3:getobject` is `s3:GetObject`).
pub fn action_covers(outer: &str, inner: &str) -> bool {
    !other_services(outer, inner) && compare(outer, inner, true, covers_in, covers_in)
}

/// Overlap for IAM actions (case-insensitive).
pub fn action_overlaps(x: &str, y: &str) -> bool {
    !other_services(x, y) && compare(x, y, true, overlaps_in, overlaps_in)
}

/// Two actions whose service prefixes (before the `:`) are spelled out and differ can neither
/// cover nor overlap each other: the common case, answered without the comparison.
fn other_services(x: &str, y: &str) -> bool {
    match (x.split_once(':'), y.split_once(':')) {
        (Some((sx, _)), Some((sy, _))) => {
            let literal = |s: &str| !s.contains(['*', '?']);
            literal(sx) && literal(sy) && !sx.eq_ignore_ascii_case(sy)
        }
        _ => false,
    }
}

/// Runs a comparison (`fold`: ASCII letters compare case-insensitively) on the two patterns'
/// bytes when both are ASCII (IAM actions and ARNs nearly always are: no copy), on their
/// characters otherwise. These comparisons run for every statement of every principal against
/// every probe of an account, so they must not allocate per call. (The same generic function
/// is passed twice, once for each symbol type.)
fn compare(
    a: &str,
    b: &str,
    fold: bool,
    bytes: fn(&[u8], &[u8], bool) -> bool,
    chars: fn(&[char], &[char], bool) -> bool,
) -> bool {
    if a.is_ascii() && b.is_ascii() {
        bytes(a.as_bytes(), b.as_bytes(), fold)
    } else {
        chars(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>(), fold)
    }
}

/// A pattern symbol: `*`, `?` or a literal.
trait Symbol: Copy {
    fn is_star(self) -> bool;
    fn is_any(self) -> bool;
    /// The same literal (`fold`: ASCII letters case-insensitively).
    fn same(self, other: Self, fold: bool) -> bool;
    fn is_wild(self) -> bool {
        self.is_star() || self.is_any()
    }
}

impl Symbol for u8 {
    fn is_star(self) -> bool {
        self == b'*'
    }
    fn is_any(self) -> bool {
        self == b'?'
    }
    fn same(self, other: u8, fold: bool) -> bool {
        if fold {
            self.eq_ignore_ascii_case(&other)
        } else {
            self == other
        }
    }
}

impl Symbol for char {
    fn is_star(self) -> bool {
        self == '*'
    }
    fn is_any(self) -> bool {
        self == '?'
    }
    fn same(self, other: char, fold: bool) -> bool {
        if fold {
            self.eq_ignore_ascii_case(&other)
        } else {
            self == other
        }
    }
}

/// The literal runs before the first wildcard and after the last one.
fn literal_ends<T: Symbol>(p: &[T]) -> (usize, usize) {
    let head = p.iter().position(|s| s.is_wild()).unwrap_or(p.len());
    let tail = p.iter().rev().position(|s| s.is_wild()).unwrap_or(p.len());
    (head, tail)
}

/// `a` covers `b` (see [`covers`]); `fold` as in [`Symbol::same`].
fn covers_in<T: Symbol>(a: &[T], b: &[T], fold: bool) -> bool {
    let eq = |x: T, y: T| x.same(y, fold);
    // Every string of `b` starts with `a`'s literal head and ends with its literal tail, so
    // `b` must spell them out literally (a wildcard of `b` there matches other strings too).
    let (head, tail) = literal_ends(a);
    let lit = |x: T, y: T| !y.is_wild() && eq(x, y);
    if head == a.len() {
        return a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| lit(x, y));
    }
    if b.len() < head || !a[..head].iter().zip(b).all(|(&x, &y)| lit(x, y)) {
        return false;
    }
    if b.len() < tail || !a[a.len() - tail..].iter().zip(&b[b.len() - tail..]).all(|(&x, &y)| lit(x, y)) {
        return false;
    }
    // Every string of `a` is at least head + tail long; `b` spells both ends literally, so only
    // the middles remain to compare (the literal ends of `a` often are nearly all of it:
    // `arn:aws:iam::123456789012:role/team-*`).
    if b.len() < head + tail {
        return false;
    }
    let (a, b) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    if a.iter().all(|x| x.is_star()) {
        return true;
    }
    // next[j]: a[i+1..] covers b[j..]; cur[j]: a[i..] covers b[j..]. Filled from the end.
    let mut next = vec![false; b.len() + 1];
    let mut cur = vec![false; b.len() + 1];
    next[b.len()] = true;
    for &x in a.iter().rev() {
        for j in (0..=b.len()).rev() {
            cur[j] = if x.is_star() {
                // `*` in A matches nothing, or swallows B's next symbol whatever it is.
                next[j] || (j < b.len() && cur[j + 1])
            } else if x.is_any() {
                // `?` in A stands for exactly one character: B's literal or `?`, not `*`.
                j < b.len() && !b[j].is_star() && next[j + 1]
            } else {
                j < b.len() && lit(x, b[j]) && next[j + 1]
            };
        }
        std::mem::swap(&mut next, &mut cur);
    }
    next[0]
}

/// `a` and `b` match a common string (see [`overlaps`]); `fold` as in [`Symbol::same`].
fn overlaps_in<T: Symbol>(a: &[T], b: &[T], fold: bool) -> bool {
    let eq = |x: T, y: T| x.same(y, fold);
    // A common string starts with both literal heads and ends with both literal tails.
    let ((ha, ta), (hb, tb)) = (literal_ends(a), literal_ends(b));
    let (head, tail) = (ha.min(hb), ta.min(tb));
    if !a[..head].iter().zip(&b[..head]).all(|(&x, &y)| eq(x, y))
        || !a[a.len() - tail..].iter().zip(&b[b.len() - tail..]).all(|(&x, &y)| eq(x, y))
    {
        return false;
    }
    let one = |x: T, y: T| x.is_any() || y.is_any() || eq(x, y);
    if ha == a.len() && hb == b.len() {
        return a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| one(x, y));
    }
    // next[j]: a[i+1..] and b[j..] overlap; cur[j]: a[i..] and b[j..] overlap.
    let mut next = vec![false; b.len() + 1];
    let mut cur = vec![false; b.len() + 1];
    for i in (0..=a.len()).rev() {
        for j in (0..=b.len()).rev() {
            cur[j] = if i == a.len() && j == b.len() {
                true
            } else {
                let mut ok = false;
                if i < a.len() && a[i].is_star() {
                    ok |= next[j] || (j < b.len() && !b[j].is_star() && cur[j + 1]);
                }
                if j < b.len() && b[j].is_star() {
                    ok |= cur[j + 1] || (i < a.len() && !a[i].is_star() && next[j]);
                }
                if i < a.len() && j < b.len() && !a[i].is_star() && !b[j].is_star() {
                    ok |= one(a[i], b[j]) && next[j + 1];
                }
                ok
            };
        }
        std::mem::swap(&mut next, &mut cur);
    }
    next[0]
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

    /// The plain dynamic programs the fast versions replaced (one matrix, no shortcuts): the
    /// oracle of `same_answers_as_the_plain_dynamic_programs`.
    fn plain_covers(a: &[char], b: &[char]) -> bool {
        let mut dp = vec![vec![false; b.len() + 1]; a.len() + 1];
        dp[a.len()][b.len()] = true;
        for i in (0..a.len()).rev() {
            for j in (0..=b.len()).rev() {
                dp[i][j] = match a[i] {
                    '*' => dp[i + 1][j] || (j < b.len() && dp[i][j + 1]),
                    '?' => j < b.len() && b[j] != '*' && dp[i + 1][j + 1],
                    c => j < b.len() && b[j] == c && dp[i + 1][j + 1],
                };
            }
        }
        dp[0][0]
    }

    fn plain_overlaps(a: &[char], b: &[char]) -> bool {
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

    /// The literal-head/tail shortcuts, the byte path and the case-insensitive comparison
    /// give exactly the answers of the plain dynamic programs (lowercased for actions), on
    /// every pair of a pattern up to 3 symbols with one up to 4 over `a`, `B`, `é`, `*`, `?` and on random
    /// longer ones.
    #[test]
    fn same_answers_as_the_plain_dynamic_programs() {
        let alphabet = ['a', 'B', 'b', 'é', '*', '?'];
        let mut patterns = vec![String::new()];
        for len in 1..=4 {
            for k in 0..alphabet.len().pow(len) {
                let (mut k, mut p) = (k, String::new());
                for _ in 0..len {
                    p.push(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                patterns.push(p);
            }
        }
        // A few longer ones, pseudo-random but fixed.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..300 {
            let mut p = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(5 + seed % 9) {
                p.push(alphabet[((seed >> (k * 3)) % alphabet.len() as u64) as usize]);
            }
            patterns.push(p);
        }
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        let lower = |s: &str| s.to_ascii_lowercase().chars().collect::<Vec<_>>();
        let mut compared = 0;
        for (i, a) in patterns.iter().enumerate() {
            // Every pair among the short ones, a sliding window among the rest.
            let partners = if a.chars().count() <= 3 { &patterns[..] } else { &patterns[i.saturating_sub(40)..i] };
            for b in partners {
                assert_eq!(covers(a, b), plain_covers(&chars(a), &chars(b)), "covers({a:?}, {b:?})");
                assert_eq!(overlaps(a, b), plain_overlaps(&chars(a), &chars(b)), "overlaps({a:?}, {b:?})");
                assert_eq!(action_covers(a, b), plain_covers(&lower(a), &lower(b)), "action_covers({a:?}, {b:?})");
                assert_eq!(
                    action_overlaps(a, b),
                    plain_overlaps(&lower(a), &lower(b)),
                    "action_overlaps({a:?}, {b:?})"
                );
                compared += 1;
            }
        }
        assert!(compared > 100_000, "compared {compared} pairs");
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
