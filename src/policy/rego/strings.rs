//! Size-bounded `replace`, `strings.replace_n`, `concat` and (for overlays) `sprintf`: the
//! string builtins that can build far more than their inputs in one call.
//!
//! `replace(big, "x", big)` of a 100 MB string asks for 10^16 bytes at once; regorus's timer
//! cannot stop a builtin midway, and a failed allocation aborts the process, so the run ended
//! with no report at all (issue 22 item 5). These compute the size of the result first and
//! refuse one over [`super::Limits::max_string_bytes`] (the check is then ERROR, alone); under
//! the bound they give exactly what regorus's builtins give (`str::replace`, the same sorted
//! order for sets and objects). `sprintf` is not reimplemented: its output is bounded from the
//! format's widths and the size of its arguments, then regorus's own `sprintf` formats it (in a
//! small engine of its own, per thread).

use std::cell::RefCell;

use anyhow::{bail, Result};
use regorus::Value;

fn string<'a>(name: &str, v: &'a Value) -> Result<&'a str> {
    match v {
        Value::String(s) => Ok(s),
        other => bail!("`{name}` expects string argument, found {other}"),
    }
}

fn over(name: &str, size: u128, max: usize) -> anyhow::Error {
    anyhow::anyhow!(
        "{name}: the result would be {size} bytes, over the bound of {max} bytes per call (a check's strings are bounded, see docs/policies.md)"
    )
}

/// The length of `s.replace(old, new)`, computed without building it.
fn replaced_len(s: &str, old: &str, new: &str) -> u128 {
    let count = if old.is_empty() { s.chars().count() + 1 } else { s.matches(old).count() };
    s.len() as u128 + count as u128 * new.len() as u128 - count as u128 * old.len() as u128
}

/// `replace(s, old, new)`.
pub(super) fn replace(args: &[Value], max: usize) -> Result<Value> {
    let [s, old, new] = args else { bail!("`replace` expects 3 arguments") };
    let (s, old, new) = (string("replace", s)?, string("replace", old)?, string("replace", new)?);
    let size = replaced_len(s, old, new);
    if size > max as u128 {
        return Err(over("replace", size, max));
    }
    Ok(Value::from(s.replace(old, new)))
}

/// `strings.replace_n(patterns, s)`: each pattern replaced in turn, in key order.
pub(super) fn replace_n(args: &[Value], max: usize) -> Result<Value> {
    let [patterns, s] = args else { bail!("`strings.replace_n` expects 2 arguments") };
    let Value::Object(patterns) = patterns else { bail!("`strings.replace_n` expects an object of patterns") };
    let mut s = string("strings.replace_n", s)?.to_owned();
    for (k, v) in patterns.iter_sorted() {
        let (Value::String(k), Value::String(v)) = (k, v) else {
            bail!("`strings.replace_n` expects string keys and values in pattern object.")
        };
        let size = replaced_len(&s, k, v);
        if size > max as u128 {
            return Err(over("strings.replace_n", size, max));
        }
        s = s.replace(k.as_ref(), v.as_ref());
    }
    Ok(Value::from(s))
}

/// `concat(delimiter, collection)` of an array or set of strings.
pub(super) fn concat(args: &[Value], max: usize) -> Result<Value> {
    let [delimiter, collection] = args else { bail!("`concat` expects 2 arguments") };
    let delimiter = string("concat", delimiter)?;
    let parts: Vec<&str> = match collection {
        Value::Array(a) => a.iter().map(|v| string("concat", v)).collect::<Result<_>>()?,
        Value::Set(s) => s.iter().map(|v| string("concat", v)).collect::<Result<_>>()?,
        _ => bail!("`concat` expects array/set of strings."),
    };
    let size = parts.iter().map(|p| p.len() as u128).sum::<u128>()
        + parts.len().saturating_sub(1) as u128 * delimiter.len() as u128;
    if size > max as u128 {
        return Err(over("concat", size, max));
    }
    Ok(Value::from(parts.join(delimiter)))
}

/// Counts serialised bytes, failing past a limit (so a huge value is never written out).
struct Counter {
    n: usize,
    max: usize,
}

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.n += buf.len();
        if self.n > self.max {
            return Err(std::io::Error::other("over the bound"));
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An upper bound of what `sprintf(format, args)` writes: the format, every width it gives
/// (`%0999999999d`), and twice the JSON size of the arguments (a value prints at most about as
/// long as its JSON); `None` when over `max`.
fn sprintf_bound(format: &str, args: &Value, max: usize) -> Option<usize> {
    let mut total = format.len() as u128;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        let mut width: u128 = 0;
        while let Some(d) = chars.peek().and_then(|c| c.to_digit(10).or((*c == '.').then_some(0))) {
            width = (width * 10 + u128::from(d)).min(u128::from(u64::MAX));
            chars.next();
        }
        total += width;
    }
    let mut counter = Counter { n: 0, max };
    serde_json::to_writer(&mut counter, args).ok()?;
    total += 2 * counter.n as u128;
    (total <= max as u128).then_some(total as usize)
}

thread_local! {
    /// regorus's own `sprintf`, reached through a policy of one rule.
    static SPRINTF: RefCell<Option<regorus::Engine>> = const { RefCell::new(None) };
}

const SPRINTF_POLICY: &str = "package flowforge_sprintf\nimport rego.v1\nr := sprintf(input.f, input.a)\n";

/// `sprintf(format, args)`, refused when its output could exceed `max` bytes.
pub(super) fn sprintf(args: Vec<Value>, max: usize) -> Result<Value> {
    let [format, values] = &args[..] else { bail!("`sprintf` expects 2 arguments") };
    let format = string("sprintf", format)?;
    if sprintf_bound(format, values, max).is_none() {
        bail!("sprintf: the result could exceed the bound of {max} bytes per call (a check's strings are bounded, see docs/policies.md)");
    }
    SPRINTF.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let mut engine = regorus::Engine::new();
            engine.add_policy("flowforge_sprintf.rego".to_owned(), SPRINTF_POLICY.to_owned())?;
            *cell = Some(engine);
        }
        let engine = cell.as_mut().ok_or_else(|| anyhow::anyhow!("sprintf engine"))?;
        let mut input = Value::new_object();
        let map = input.as_object_mut()?;
        map.insert(Value::from("f"), Value::from(format));
        map.insert(Value::from("a"), values.clone());
        engine.set_input(input);
        match engine.eval_rule("data.flowforge_sprintf.r".to_owned())? {
            Value::Undefined => bail!("sprintf: undefined"),
            v => Ok(v),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Under the bound the results are regorus's own; over it, a refusal naming the bound.
    #[test]
    fn string_builtins_match_regorus_and_refuse_huge_results() {
        let mut plain = regorus::Engine::new();
        let same = |q: &str, ours: Value| {
            let mut e = regorus::Engine::new();
            let want = e.eval_query(q.to_owned(), false).unwrap().result[0].expressions[0].value.clone();
            assert_eq!(ours, want, "{q}");
        };
        let s = |x: &str| Value::from(x);
        same(r#"replace("a-b-c", "-", "+")"#, replace(&[s("a-b-c"), s("-"), s("+")], 100).unwrap());
        same(r#"replace("abc", "", "-")"#, replace(&[s("abc"), s(""), s("-")], 100).unwrap());
        let patterns = plain.eval_query(r#"{"a": "1", "b": "2"}"#.to_owned(), false).unwrap().result[0].expressions[0]
            .value
            .clone();
        same(r#"strings.replace_n({"a": "1", "b": "2"}, "abab")"#, replace_n(&[patterns, s("abab")], 100).unwrap());
        let set =
            plain.eval_query(r#"{"z", "a", "m"}"#.to_owned(), false).unwrap().result[0].expressions[0].value.clone();
        same(r#"concat(", ", {"z", "a", "m"})"#, concat(&[s(", "), set], 100).unwrap());
        let arr = Value::from(vec![s("x"), s("y")]);
        same(r#"concat("/", ["x", "y"])"#, concat(&[s("/"), arr.clone()], 100).unwrap());
        same(
            r#"sprintf("%s is %d (%v)", ["x", 3, ["y"]])"#,
            sprintf(
                vec![s("%s is %d (%v)"), Value::from(vec![s("x"), Value::from(3u64), Value::from(vec![s("y")])])],
                100,
            )
            .unwrap(),
        );

        let big = "x".repeat(1000);
        let err = replace(&[s(&big), s("x"), s(&big)], 1 << 16).unwrap_err().to_string();
        assert!(err.contains("1000000 bytes, over the bound of 65536"), "{err}");
        let many = Value::from(vec![s(&big); 100]);
        assert!(concat(&[s(""), many.clone()], 1 << 16).is_err());
        assert!(sprintf(vec![s("%v"), Value::from(vec![many])], 1 << 16).is_err());
        assert!(sprintf(vec![s("%0999999999d"), Value::from(vec![Value::from(1u64)])], 1 << 16).is_err());
    }
}
