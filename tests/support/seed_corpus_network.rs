//! Network seeding for the emulator tests: the compliant account's network ACLs (called from
//! [`super::seed::seed`]), their drifts, and the network corpus's security-group cases
//! (`tests/data/corpus/network/`) as real groups, so `scan` judges them end to end.

use aws_sdk_ec2::types as ec2t;

use super::seed::{Clients, Seeded};

fn entry(
    n: i32,
    protocol: &str,
    allow: bool,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> (i32, String, bool, String, Option<(i32, i32)>) {
    (n, protocol.to_owned(), allow, cidr.to_owned(), ports)
}

async fn add_entry(
    c: &Clients,
    acl: &str,
    (n, protocol, allow, cidr, ports): &(i32, String, bool, String, Option<(i32, i32)>),
) {
    let mut req = c
        .ec2
        .create_network_acl_entry()
        .network_acl_id(acl)
        .rule_number(*n)
        .protocol(protocol)
        .rule_action(if *allow { ec2t::RuleAction::Allow } else { ec2t::RuleAction::Deny })
        .egress(false)
        .cidr_block(cidr);
    if let Some((from, to)) = ports {
        req = req.port_range(ec2t::PortRange::builder().from(*from).to(*to).build());
    }
    req.send().await.expect("create network acl entry");
}

/// The CIDRs of a tier's subnets.
async fn tier_cidrs(c: &Clients, s: &Seeded, tier: &str) -> Vec<String> {
    let out = c.ec2.describe_subnets().set_subnet_ids(Some(s.subnets[tier].clone())).send().await.expect("subnets");
    let mut v: Vec<String> = out.subnets().iter().filter_map(|x| x.cidr_block().map(str::to_owned)).collect();
    v.sort();
    v
}

/// Moves `subnets` to `acl` (from whatever ACL they are associated with now).
async fn associate(c: &Clients, acl: &str, subnets: &[String]) {
    let out = c.ec2.describe_network_acls().send().await.expect("describe network acls");
    for a in out.network_acls() {
        for assoc in a.associations() {
            if assoc.subnet_id().is_some_and(|id| subnets.iter().any(|s| s == id)) {
                c.ec2
                    .replace_network_acl_association()
                    .association_id(assoc.network_acl_association_id().expect("association id"))
                    .network_acl_id(acl)
                    .send()
                    .await
                    .expect("replace network acl association");
            }
        }
    }
}

async fn create_acl(c: &Clients, s: &Seeded, name: &str) -> String {
    let tags = ec2t::TagSpecification::builder()
        .resource_type(ec2t::ResourceType::NetworkAcl)
        .tags(ec2t::Tag::builder().key("Name").value(name).build())
        .tags(ec2t::Tag::builder().key("flowforge:app").value("flowforge").build())
        .tags(ec2t::Tag::builder().key("flowforge:env").value(&s.env).build())
        .build();
    let out = c.ec2.create_network_acl().vpc_id(&s.vpc_id).tag_specifications(tags).send().await.expect("acl");
    out.network_acl().and_then(|a| a.network_acl_id()).expect("acl id").to_owned()
}

/// The compliant ACLs: the application subnets admit HTTPS and return traffic from the
/// internet (RDP denied first) and anything from the VPC; the database subnets admit 5432
/// only from the data-plane subnets, then deny it, then admit return traffic from the VPC.
pub async fn seed_network_acls(c: &Clients, s: &mut Seeded) {
    let p = format!("flowforge-{}", s.env);
    let vpc_cidr = "10.0.0.0/16";
    let app = create_acl(c, s, &format!("{p}-app-nacl")).await;
    for e in [
        entry(100, "6", true, "0.0.0.0/0", Some((443, 443))),
        entry(101, "6", true, "0.0.0.0/0", Some((80, 80))),
        entry(105, "6", false, "0.0.0.0/0", Some((3389, 3389))),
        entry(110, "6", true, "0.0.0.0/0", Some((1024, 65535))),
        entry(120, "-1", true, vpc_cidr, None),
    ] {
        add_entry(c, &app, &e).await;
    }
    let db = create_acl(c, s, &format!("{p}-database-nacl")).await;
    for (n, cidr) in (100..).zip(tier_cidrs(c, s, "data-plane").await) {
        add_entry(c, &db, &entry(n, "6", true, &cidr, Some((5432, 5432)))).await;
    }
    add_entry(c, &db, &entry(150, "6", false, "0.0.0.0/0", Some((5432, 5432)))).await;
    add_entry(c, &db, &entry(200, "6", true, vpc_cidr, Some((1024, 65535)))).await;
    let app_subnets: Vec<String> =
        ["public", "control-plane", "data-plane"].iter().flat_map(|t| s.subnets[*t].clone()).collect();
    associate(c, &app, &app_subnets).await;
    associate(c, &db, &s.subnets["database"].clone()).await;
    s.network_acls = vec![app, db];
}

/// SSH from the internet on the application ACL, before every other rule (FF-NET-004).
pub async fn drift_nacl_admin(c: &Clients, s: &Seeded) -> String {
    let app = &s.network_acls[0];
    add_entry(c, app, &entry(90, "6", true, "0.0.0.0/0", Some((22, 22)))).await;
    app.clone()
}

/// The database ACL loses its deny: return-traffic rule 200 now admits 5432 from the whole
/// VPC (FF-NET-005).
pub async fn drift_nacl_database(c: &Clients, s: &Seeded) -> String {
    let db = &s.network_acls[1];
    c.ec2
        .delete_network_acl_entry()
        .network_acl_id(db)
        .rule_number(150)
        .egress(false)
        .send()
        .await
        .expect("delete network acl entry");
    db.clone()
}

/// The database ACL admits 5432 from the internet before its data-plane allows (rule 90), as
/// for a migration: with the security group opened too, internet -> database is open.
pub async fn drift_nacl_open_database_port(c: &Clients, s: &Seeded) -> String {
    let db = &s.network_acls[1];
    add_entry(c, db, &entry(90, "6", true, "0.0.0.0/0", Some((5432, 5432)))).await;
    db.clone()
}

/// One corpus case seeded as a security group: its id, the group id, the check that judges
/// its port and whether that check must FAIL.
#[derive(Debug, Clone)]
pub struct SeededCase {
    pub case_id: String,
    pub group_id: String,
    pub check_id: &'static str,
    pub expect_fail: bool,
}

fn permission(rule: &serde_json::Value) -> ec2t::IpPermission {
    let mut b = ec2t::IpPermission::builder().ip_protocol(rule["protocol"].as_str().expect("protocol"));
    if let (Some(f), Some(t)) = (rule["from_port"].as_i64(), rule["to_port"].as_i64()) {
        b = b.from_port(f as i32).to_port(t as i32);
    }
    for c in rule["ipv4_ranges"].as_array().into_iter().flatten() {
        b = b.ip_ranges(ec2t::IpRange::builder().cidr_ip(c.as_str().expect("cidr")).build());
    }
    for c in rule["ipv6_ranges"].as_array().into_iter().flatten() {
        b = b.ipv6_ranges(ec2t::Ipv6Range::builder().cidr_ipv6(c.as_str().expect("cidr")).build());
    }
    b.build()
}

/// Seeds every security-group case of the corpus whose query is a TCP admin port (22, 3389:
/// FF-NET-001) or the database port (5432: FF-NET-002) as a group in the seeded VPC.
pub async fn seed_corpus(c: &Clients, s: &Seeded) -> Vec<SeededCase> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/network");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("corpus").filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let mut out = Vec::new();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("case")).expect("json");
        if case["kind"] != "security_group" || case["query"]["protocol"] != "tcp" {
            continue;
        }
        let check_id = match case["query"]["port"].as_u64() {
            Some(22 | 3389) => "FF-NET-001",
            Some(5432) => "FF-NET-002",
            _ => continue,
        };
        let id = case["id"].as_str().expect("id").to_owned();
        let g = c
            .ec2
            .create_security_group()
            .group_name(format!("corpus-{id}"))
            .description(format!("corpus case {id}"))
            .vpc_id(&s.vpc_id)
            .send()
            .await
            .expect("corpus sg");
        let group_id = g.group_id().expect("sg id").to_owned();
        let perms: Vec<ec2t::IpPermission> =
            case["input"]["ingress"].as_array().expect("ingress").iter().map(permission).collect();
        c.ec2
            .authorize_security_group_ingress()
            .group_id(&group_id)
            .set_ip_permissions(Some(perms))
            .send()
            .await
            .expect("corpus ingress");
        let e = &case["expected"];
        let expect_fail = e["ipv4_world_open"].as_bool() == Some(true) || e["ipv6_world_open"].as_bool() == Some(true);
        out.push(SeededCase { case_id: id, group_id, check_id, expect_fail });
    }
    out
}
