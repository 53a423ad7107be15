//! The baseline file as a user meets it: the shipped baseline loads for every environment,
//! and a broken file is rejected with every problem listed at its line and column.

use flowforge_audit::baseline::{Baseline, BaselineError};
use flowforge_audit::diag::Code;

const BROKEN: &str = r#"version: 1
recognise:
  app_tag: { key: "flowforge:app", value: "flowforge" }
  environment_tag: "flowforge:env"
  tier_tag: "flowforge:tier"
  layer_tag: "flowforge:layer"
  role_tag: "flowforge:role"
  name_prefix: "flowforge-{env}-"
defaults:
  requirements:
    rds_multi_az: false
    nat_gateway_per_az: false
    min_private_subnet_azs: 2
    s3_kms_required: true
    s3_versioning_required: true
    secret_rotation_max_days: 90
    flow_logs_required: true
    imdsv2_required: true
    eks_public_endpoint_allowed: false
    config_recorder_required: true
    waf_required: false
    waf_logging_required: false
    certificate_expiry_days: 30
    alarms_required: true
    alarm_topics_kms_required: false
    log_retention_min_days: 30
    log_retention_max_days: 0
    log_groups_kms_required: false
    rds_backup_retention_days: 7
    rds_deletion_protection: false
    s3_noncurrent_version_lifecycle: false
    ssm_customer_managed_key: false
    cloudtrail_required: true
    kms_rotation_required: true
  gate:
    fail_on: urgent
    require_complete_audit: false
    fail_on_drift: [missing, drifted]
environments:
  dev: {}
  prod:
    requirements:
      rds_multi_az: true
      rds_multi_region: true
architecture:
  vpc:
    name: "flowforge-{env}-vpc"
    colour: blue
  tiers:
    public: { subnet_visibility: public }
    database: { subnet_visibility: private }
  flows:
    - { from: internet, to: public, ports: ["443"] }
    - { from: public, to: database, ports: [5432], environments: [staging] }
roles: {}
"#;

/// The shipped baseline must always load: every run of the tool depends on it.
#[test]
fn shipped_baseline_validates_for_every_environment() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/baselines/flowforge.yaml");
    let b = Baseline::load(path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(b.environments(), vec!["dev", "prod", "qa", "uat"]);
    for env in b.environments() {
        let view = b.env_view(env, "123456789012", "aws").unwrap();
        assert_eq!(view.buckets().len(), 4, "{env}");
        assert_eq!(view.roles.len(), 5, "{env}");
    }
    assert_eq!(Baseline::builtin().unwrap().architecture, b.architecture);
}

/// All problems at once, each at its own line: the whole point of validating in one pass.
#[test]
fn broken_baseline_lists_every_problem_with_position() {
    let err = Baseline::from_str_named(BROKEN, "broken.yaml").unwrap_err();
    let BaselineError::Invalid { problems } = &err else { panic!("expected Invalid, got {err}") };
    let got: Vec<(usize, usize, &str)> = problems.iter().map(|p| (p.line, p.col, p.message.as_str())).collect();
    let expect_at = |line: usize, needle: &str| {
        assert!(
            got.iter().any(|(l, _, m)| *l == line && m.contains(needle)),
            "no problem at line {line} containing {needle:?}; got:\n{err}"
        );
    };
    expect_at(36, "unknown severity \"urgent\"");
    expect_at(38, "unknown drift kind \"drifted\"");
    expect_at(44, "unknown requirement `rds_multi_region`");
    expect_at(48, "unknown key `colour`");
    expect_at(53, "expected a port number (1-65535), found a string");
    expect_at(54, "unknown environment `staging`");
    assert_eq!(problems.len(), 6, "{err}");
    // The Display lists them all, as `file:line:col: error[CODE]: message`, in file order.
    let text = err.to_string();
    assert!(text.starts_with("the baseline is invalid (6 errors):"), "{text}");
    assert!(text.contains("\n  broken.yaml:36:14: error[B004]: defaults.gate.fail_on: unknown severity"), "{text}");
    let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["B004", "B004", "B001", "B001", "B003", "B005"], "{text}");
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
}

/// A YAML syntax error stops parsing and says where.
#[test]
fn syntax_error_names_file_and_line() {
    let err = Baseline::from_str_named("version: 1\nrecognise: [\n", "bad.yaml").unwrap_err();
    let BaselineError::Invalid { problems } = &err else { panic!("expected Invalid, got {err}") };
    assert_eq!(problems.len(), 1, "{err}");
    assert_eq!(problems[0].code, Code::YamlSyntax, "{err}");
    assert!(problems[0].to_string().starts_with("bad.yaml:"), "{err}");
}

/// A missing file is an I/O error naming the path, not a panic.
#[test]
fn missing_file_is_an_io_error() {
    let err = Baseline::load("/nonexistent/baseline.yaml").unwrap_err();
    assert!(err.to_string().contains("/nonexistent/baseline.yaml"), "{err}");
}

/// The promotion order defaults to the order environments are declared in; `promotion_order`
/// replaces it, and a name that is not an environment, or one listed twice, is a problem.
#[test]
fn promotion_order_is_declared_order_or_the_key() {
    let shipped = Baseline::builtin().unwrap();
    assert_eq!(shipped.promotion_order, vec!["dev", "qa", "uat", "prod"]);
    assert_eq!(shipped.previous_environment("uat"), Some("qa"));
    assert_eq!(shipped.previous_environment("dev"), None);

    let text = flowforge_audit::baseline::BUILTIN_BASELINE;
    let custom = text.replacen("environments:\n", "promotion_order: [dev, uat, prod]\nenvironments:\n", 1);
    let b = Baseline::from_str_named(&custom, "custom.yaml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(b.previous_environment("prod"), Some("uat"));
    assert_eq!(b.previous_environment("uat"), Some("dev"));
    assert_eq!(b.previous_environment("qa"), None, "qa is left out of the order");

    let bad = text.replacen("environments:\n", "promotion_order: [dev, staging, dev]\nenvironments:\n", 1);
    let err = Baseline::from_str_named(&bad, "bad.yaml").unwrap_err().to_string();
    assert!(err.contains("unknown environment `staging`"), "{err}");
    assert!(err.contains("environment `dev` is listed twice"), "{err}");
}

/// The `network` section: the shipped patterns resolve per environment; an unknown tier, a
/// glob that does not compile and a non-boolean `nacl_isolation` are each a problem.
#[test]
fn network_section_is_validated() {
    let shipped = Baseline::builtin().unwrap();
    let view = shipped.env_view("prod", "123456789012", "aws").unwrap();
    assert!(view.network.nacl_isolation);
    assert_eq!(view.network.tier_name_patterns["database"][0], "flowforge-prod-database*");
    let rules = view.tier_rules();
    assert_eq!(rules.tier_of("flowforge-prod-database-sg", &Default::default()), Some("database"));

    let text = flowforge_audit::baseline::BUILTIN_BASELINE;
    let start = text.find("\nnetwork:\n").expect("the shipped baseline has a network section");
    let bad = format!(
        "{}\nnetwork:\n  tier_name_patterns:\n    storage: [\"x*\"]\n    database: [\"a[\"]\n  nacl_isolation: maybe\n",
        &text[..start]
    );
    let err = Baseline::from_str_named(&bad, "bad.yaml").unwrap_err().to_string();
    assert!(err.contains("unknown tier `storage`"), "{err}");
    assert!(err.contains("not a glob"), "{err}");
    assert!(err.contains("nacl_isolation"), "{err}");
}

/// Issue 25: `gate.excluded_checks` lists check ids an environment accepts leaving out; it is
/// optional (default none), inherited from the defaults, and a value that is not a check id
/// or is listed twice is a problem at its line.
#[test]
fn gate_excluded_checks_is_validated() {
    let shipped = Baseline::builtin().unwrap();
    assert!(shipped.env_view("prod", "123456789012", "aws").unwrap().gate.excluded_checks.is_empty());
    let text = flowforge_audit::baseline::BUILTIN_BASELINE;
    let with = text.replacen(
        "    fail_on_drift: [missing]\n",
        "    fail_on_drift: [missing]\n    excluded_checks: [FF-WAF-001]\n",
        1,
    );
    assert_ne!(with, text, "the shipped defaults.gate has fail_on_drift: [missing]");
    let b = Baseline::from_str_named(&with, "ok.yaml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(b.env_view("dev", "1", "aws").unwrap().gate.excluded_checks, ["FF-WAF-001"]);
    for (list, problem) in [
        ("[FF-WAF-001, waf]", "excluded_checks[1]: \"waf\" is not a check id"),
        ("[FF-WAF-001, FF-WAF-001]", "duplicate check id `FF-WAF-001`"),
    ] {
        let bad = text.replacen(
            "    fail_on_drift: [missing]\n",
            &format!("    fail_on_drift: [missing]\n    excluded_checks: {list}\n"),
            1,
        );
        let err = Baseline::from_str_named(&bad, "bad.yaml").unwrap_err().to_string();
        assert!(err.contains(problem), "{err}");
    }
}
