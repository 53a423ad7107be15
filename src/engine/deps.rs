//! Which snapshot collections a check's Rego reads, found in its source text.
//!
//! A check that reads `input.ec2.vpc_endpoints` cannot be judged when DescribeVpcEndpoints
//! failed, even though it judges `ec2.vpcs`. Reading the references from the text means a
//! policy author cannot forget to declare them.

use std::collections::BTreeSet;

use crate::model::COLLECTIONS;

/// The collections named as `input.<service>.<collection>` in `rego`.
pub fn collections_read(rego: &str) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    for info in COLLECTIONS {
        let needle = format!("input.{}", info.name);
        let mut rest = rego;
        while let Some(pos) = rest.find(&needle) {
            let after = &rest[pos + needle.len()..];
            // `input.s3.buckets` must not match `input.s3.buckets_x`.
            if !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                out.insert(info.name);
                break;
            }
            rest = after;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A check reading endpoints must become UNKNOWN when endpoints could not be listed.
    #[test]
    fn finds_input_references() {
        let rego = "some e in input.ec2.vpc_endpoints\nv := input.ec2.vpcs[_]\nx := input.s3.buckets_extra";
        let got = collections_read(rego);
        assert_eq!(got.into_iter().collect::<Vec<_>>(), vec!["ec2.vpc_endpoints", "ec2.vpcs"]);
    }
}
