//! Unit tests of the evaluation; the labelled corpus (`tests/data/corpus/iam/`) runs in
//! `tests/iam_corpus.rs`.

use serde_json::json;

use super::*;
use crate::aws::iam::Role;
use crate::model::PolicyDocument;

fn doc(statements: serde_json::Value) -> PolicyDocument {
    PolicyDocument::from_value(&json!({ "Statement": statements })).unwrap()
}

fn principal(identity: serde_json::Value, boundary: Option<serde_json::Value>) -> PrincipalPolicies {
    PrincipalPolicies {
        kind: "role",
        name: "r".into(),
        arn: "arn:aws:iam::123456789012:role/r".into(),
        identity: stmts("inline:p", &doc(identity)),
        boundary: boundary.map(|b| stmts("boundary:b", &doc(b))),
        ..Default::default()
    }
}

fn allowed(p: &PrincipalPolicies, action: &str, resource: &str) -> (bool, bool) {
    let d = decide(p, &Context::default(), &Actions::Pattern(action.into()), resource);
    (d.allowed, d.conditional)
}

/// An unconditional Deny wins over any Allow; a conditional Deny leaves a conditional permission.
#[test]
fn explicit_deny_and_conditional_deny() {
    let p = principal(
        json!([
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
        ]),
        None,
    );
    assert_eq!(allowed(&p, "iam:PassRole", "*"), (false, false));
    assert_eq!(allowed(&p, "kms:Decrypt", "*"), (true, true));
    assert_eq!(allowed(&p, "s3:GetObject", "arn:aws:s3:::b/k"), (true, false));
    let admin = decide(&p, &Context::default(), &Actions::Pattern("*".into()), "*");
    assert!(admin.allowed && admin.partial, "* is partly denied (iam:*), not removed: {admin:?}");
}

/// NotAction in an Allow grants everything but the listed actions.
#[test]
fn not_action_allow() {
    let p = principal(json!([{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}]), None);
    assert_eq!(allowed(&p, "iam:CreateUser", "*"), (false, false));
    assert_eq!(allowed(&p, "sts:AssumeRole", "*"), (true, false));
    let risks = risk::classify(&p, &Context::default());
    assert!(risks.iter().any(|r| r.class == RiskClass::PrivilegeEscalation && r.probe == "sts:AssumeRole"));
    assert!(!risks.iter().any(|r| r.class == RiskClass::Admin));
}

/// A permissions boundary limits what identity policies grant.
#[test]
fn boundary_narrows() {
    let p = principal(
        json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
        Some(json!([{"Effect": "Allow", "Action": ["s3:GetObject", "logs:*"], "Resource": "*"}])),
    );
    assert_eq!(allowed(&p, "iam:PutRolePolicy", "*"), (false, false));
    assert_eq!(allowed(&p, "s3:GetObject", "*"), (true, false));
    let risks = risk::classify(&p, &Context::default());
    assert_eq!(risks.iter().map(|r| r.probe.as_str()).collect::<Vec<_>>(), vec!["s3:GetObject"]);
}

/// SCPs, once given, limit like a boundary; until then the note says they were not applied.
#[test]
fn scps_apply_when_given() {
    let p = principal(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]), None);
    let none = Context::default();
    assert_eq!(none.scp_note(), Some(SCPS_NOT_APPLIED));
    let cx = Context {
        scps: Some(vec![(
            "deny-iam".into(),
            doc(json!([
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
            ])),
        )]),
    };
    assert_eq!(cx.scp_note(), None);
    assert_eq!(cx.scp_summary(), "SCPs applied: deny-iam");
    assert_eq!(none.scp_summary(), SCPS_NOT_APPLIED);
    assert!(!decide(&p, &cx, &Actions::Pattern("iam:CreateUser".into()), "*").allowed);
    assert!(decide(&p, &none, &Actions::Pattern("iam:CreateUser".into()), "*").allowed);
    // The risk classes follow: admin-equivalent without the SCP, not with it (iam:* denied;
    // `*` on `*` is no longer wholly allowed).
    let admin = |cx: &Context| risk::classify(&p, cx).iter().any(|r| r.class.is_admin_equivalent());
    assert!(admin(&none));
    let held: Vec<String> = risk::classify(&p, &cx).iter().map(|r| r.probe.clone()).collect();
    assert!(!held.iter().any(|probe| probe.starts_with("iam:") || probe == "*"), "{held:?}");
}

/// A combination holds only when all of its actions are allowed.
#[test]
fn passrole_needs_compute() {
    let p = principal(json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]), None);
    assert!(risk::classify(&p, &Context::default()).is_empty());
    let p =
        principal(json!([{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}]), None);
    let risks = risk::classify(&p, &Context::default());
    assert!(risks.iter().any(|r| r.probe == "iam:PassRole + ec2:RunInstances"), "{risks:?}");
}

/// Effective permissions list conditional grants, and drop fully denied ones.
#[test]
fn effective_permissions() {
    let p = principal(
        json!([
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}},
            {"Effect": "Allow", "Action": ["s3:DeleteObject"], "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}
        ]),
        None,
    );
    let perms = effective(&p, &Context::default());
    assert_eq!(perms.len(), 1, "{perms:?}");
    assert!(perms[0].conditional);
    assert_eq!(perms[0].source.label(), "inline:p#Read");
}

/// Trust: `*` needs an identity condition; OIDC needs aud and a specific sub.
#[test]
fn trust_rules() {
    let judge = |stmts: serde_json::Value| {
        let role = Role { assume_role_policy: doc(stmts), ..Default::default() };
        judge_trust(&role, "123456789012").issues.len()
    };
    assert_eq!(judge(json!([{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}])), 1);
    assert_eq!(
        judge(
            json!([{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}])
        ),
        1
    );
    assert_eq!(
        judge(
            json!([{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}])
        ),
        0
    );
    assert_eq!(
        judge(json!([{"Effect": "Allow", "Principal": {"AWS": "999999999999"}, "Action": "sts:AssumeRole"}])),
        1
    );
    assert_eq!(
        judge(
            json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}])
        ),
        0
    );
    let gh = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    assert_eq!(
        judge(json!([{"Effect": "Allow", "Principal": {"Federated": gh}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}}])),
        1
    );
    assert_eq!(
        judge(json!([{"Effect": "Allow", "Principal": {"Federated": gh}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/etl:ref:refs/heads/*"}}}])),
        0
    );
}

fn bucket_policy(statements: serde_json::Value) -> BTreeMap<String, ResourcePolicyFacts> {
    let d = doc(statements);
    BTreeMap::from([("arn:aws:s3:::b".to_owned(), resource::facts(&d, "s3", "123456789012"))])
}

/// A same-account bucket policy grants the role it names, conditionally when it has a
/// condition; an SCP without the action removes it; the account root gets nothing itself.
#[test]
fn resource_grants_follow_single_account_logic() {
    let p = principal(json!([]), None);
    let rp = bucket_policy(json!([
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/r"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/r"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*",
         "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}
    ]));
    let got: Vec<(String, bool)> =
        resource_grants(&p, &Context::default(), &rp).into_iter().map(|g| (g.action, g.conditional)).collect();
    assert_eq!(got, vec![("s3:GetObject".to_owned(), false), ("s3:PutObject".to_owned(), true)]);
    let scp = Context {
        scps: Some(vec![("ec2-only".into(), doc(json!([{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}])))]),
    };
    assert!(resource_grants(&p, &scp, &rp).is_empty(), "an SCP without s3 removes the grant");
    // A Deny on the objects the bucket policy names removes the object grant (matched on the
    // statement's `Resource`, not on the bucket ARN).
    let denied = principal(json!([{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]), None);
    let got: Vec<String> = resource_grants(&denied, &Context::default(), &rp).into_iter().map(|g| g.action).collect();
    assert_eq!(got, vec!["s3:PutObject".to_owned()]);
}

/// KMS: only an unconditional kms:* to the account root enables IAM policies; kms:CallerAccount
/// fixes Principal * for a key policy only.
#[test]
fn kms_key_policy_facts() {
    let root = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"});
    assert_eq!(resource::facts(&doc(json!([root])), "kms", "123456789012").iam_policies_enabled, Some(true));
    let cond_root = json!({"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "kms:*", "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}});
    assert_eq!(resource::facts(&doc(json!([cond_root])), "kms", "123456789012").iam_policies_enabled, Some(false));
    let star = doc(json!([{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
        "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}}}]));
    assert!(resource::facts(&star, "kms", "123456789012").grants.is_empty());
    assert_eq!(resource::facts(&star, "s3", "123456789012").grants.len(), 1, "kms:CallerAccount fixes nothing on S3");
    assert_eq!(resource::facts(&star, "s3", "123456789012").iam_policies_enabled, None);
}
