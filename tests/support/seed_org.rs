//! An AWS Organization in moto for the `scan --org` tests and the org benchmark: member
//! accounts (moto's `CreateAccount`), their environment tags, an OU, service control
//! policies and the audit role in each member account.
//!
//! moto sends a request to the account its access key belongs to: keys from `AssumeRole`
//! into `arn:aws:iam::<member>:role/...` act in that member account, which is how each member
//! is seeded ([`member_clients`] then [`super::seed::seed`]) and how the scanner reaches it.

use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType, Tag};

use super::seed::{Clients, ACCOUNT_ID};

/// The role `scan --org` assumes in every member account (its `--role-name` default).
pub const AUDIT_ROLE: &str = "FlowForgeAudit";

/// The management account's Organizations client.
pub fn org_client(c: &Clients) -> aws_sdk_organizations::Client {
    aws_sdk_organizations::Client::new(&c.conf)
}

/// Creates the organisation (all features, SCPs enabled); returns the root id.
pub async fn create_organisation(c: &Clients) -> String {
    let org = org_client(c);
    org.create_organization().feature_set(OrganizationFeatureSet::All).send().await.expect("create organization");
    let roots = org.list_roots().send().await.expect("list roots");
    roots.roots().first().and_then(|r| r.id()).expect("root id").to_owned()
}

/// Creates an OU under `parent`; returns its id.
pub async fn create_ou(c: &Clients, parent: &str, name: &str) -> String {
    let out = org_client(c).create_organizational_unit().parent_id(parent).name(name).send().await.expect("create OU");
    out.organizational_unit().and_then(|o| o.id()).expect("OU id").to_owned()
}

/// Creates a member account (under `parent`, moved from the root), tagged with `tags`;
/// returns its id.
pub async fn create_member(c: &Clients, name: &str, root: &str, parent: &str, tags: &[(&str, &str)]) -> String {
    let org = org_client(c);
    let out = org
        .create_account()
        .account_name(name)
        .email(format!("{name}@example.com"))
        .send()
        .await
        .expect("create account");
    let id = out.create_account_status().and_then(|s| s.account_id()).expect("account id").to_owned();
    if parent != root {
        org.move_account()
            .account_id(&id)
            .source_parent_id(root)
            .destination_parent_id(parent)
            .send()
            .await
            .expect("move");
    }
    if !tags.is_empty() {
        let mut req = org.tag_resource().resource_id(&id);
        for (k, v) in tags {
            req = req.tags(Tag::builder().key(*k).value(*v).build().expect("tag"));
        }
        req.send().await.expect("tag account");
    }
    id
}

/// Creates a service control policy from `document` and attaches it to `target`; returns its id.
pub async fn attach_scp(c: &Clients, name: &str, document: &serde_json::Value, target: &str) -> String {
    let org = org_client(c);
    let out = org
        .create_policy()
        .name(name)
        .description(name)
        .r#type(PolicyType::ServiceControlPolicy)
        .content(document.to_string())
        .send()
        .await
        .expect("create SCP");
    let id = out.policy().and_then(|p| p.policy_summary()).and_then(|s| s.id()).expect("policy id").to_owned();
    org.attach_policy().policy_id(&id).target_id(target).send().await.expect("attach SCP");
    id
}

/// Clients acting in member account `id` (AssumeRole from the management account's keys
/// while IAM is not enforced: moto does not need the role to exist yet).
pub async fn member_clients(c: &Clients, id: &str) -> Clients {
    let sts = aws_sdk_sts::Client::new(&c.conf);
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{id}:role/OrganizationAccountAccessRole"))
        .role_session_name("seed")
        .send()
        .await
        .expect("assume role into the member");
    let creds = out.credentials().expect("credentials");
    let mut member = Clients::new(&c.endpoint, creds.access_key_id(), creds.secret_access_key()).await;
    member.account_id = id.to_owned();
    member
}

/// The scanner's actions (`iam/scanner-policy.json`) and the names moto checks a few of them
/// under (see `support::scanner_denied`).
fn scanner_policy() -> serde_json::Value {
    let mut policy: serde_json::Value = serde_json::from_str(flowforge_audit::aws::SCANNER_POLICY).expect("policy");
    let actions = policy["Statement"][0]["Action"].as_array_mut().expect("actions");
    actions.extend(["s3:ListBucket", "s3:GetPublicAccessBlock"].map(serde_json::Value::from));
    policy
}

/// Creates the audit role in a member account: trusted by the management account, allowed
/// the scanner policy.
pub async fn add_audit_role(member: &Clients) {
    // Cross-account trust pinned to the caller's account (FF-IAM-002: another account needs a
    // condition that identifies the caller).
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT_ID}:root")}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT_ID}}}]});
    // The organisation's own access role (moto creates it with the bare management-account
    // trust) gets the same pin, as a hardened organisation would have it.
    let pinned = member
        .iam
        .update_assume_role_policy()
        .role_name("OrganizationAccountAccessRole")
        .policy_document(trust.to_string())
        .send()
        .await;
    if let Err(e) = pinned {
        // moto creates the role in the process that served CreateAccount. Behind the routing
        // proxy of the org benchmark (`support::proxy`, several moto processes), a member served
        // by another process has none: create it there, with the same pinned trust.
        let missing = e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception());
        assert!(missing, "pin OrganizationAccountAccessRole trust: {e:?}");
        member
            .iam
            .create_role()
            .role_name("OrganizationAccountAccessRole")
            .assume_role_policy_document(trust.to_string())
            .send()
            .await
            .expect("OrganizationAccountAccessRole in a member served by another moto process");
    }
    member
        .iam
        .create_role()
        .role_name(AUDIT_ROLE)
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .expect("audit role");
    member
        .iam
        .put_role_policy()
        .role_name(AUDIT_ROLE)
        .policy_name("flowforge-audit-read-only")
        .policy_document(scanner_policy().to_string())
        .send()
        .await
        .expect("audit role policy");
}

/// The role the SCP test is about: its inline policy allows `iam:*` on every resource (full
/// IAM write, a privilege-escalation edge). Returns its ARN.
pub async fn add_iam_admin_role(member: &Clients) -> String {
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT_ID}:root")}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT_ID}}}]});
    let out = member
        .iam
        .create_role()
        .role_name("ff-iam-operator")
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .expect("iam operator role");
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]});
    member
        .iam
        .put_role_policy()
        .role_name("ff-iam-operator")
        .policy_name("iam-admin")
        .policy_document(policy.to_string())
        .send()
        .await
        .expect("iam operator policy");
    out.role().map(|r| r.arn().to_owned()).expect("role arn")
}
