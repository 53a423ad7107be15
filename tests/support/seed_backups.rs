//! Seeds the backup, parameter, trail and key side of the FlowForge account (issue 13, items
//! 6-9) into moto, and injects one drift per check of that side. [`kms_key`] runs first (the
//! main seed encrypts buckets, the database, secrets and the EKS cluster with it), [`seed`]
//! last. Everything a test asserts on is derived from the [`Seeded`] of the main seed and the
//! names below, so the main seed's struct needs no new field.
//!
//! Emulator notes (moto): snapshots inherit encryption from their instance, so the
//! unencrypted-snapshot drift snapshots a scratch unencrypted instance and deletes it;
//! DescribeParameters returns the parameter ARN; a trail's key is removed by an empty
//! `KmsKeyId`, which the collector reads as "no key".

use aws_sdk_cloudtrail::types as ctt;
use aws_sdk_s3::types as s3t;
use aws_sdk_ssm::types as ssmt;

use super::seed::{Clients, Seeded, ACCOUNT_ID, REGION};

/// The manual snapshot taken before an engine upgrade (compliant: private, encrypted).
pub fn manual_snapshot(s: &Seeded) -> String {
    format!("{}-pre-upgrade", s.db_instance_id)
}

/// The multi-region trail's name.
pub fn trail_name(env: &str) -> String {
    format!("flowforge-{env}-trail")
}

fn trail_arn(env: &str) -> String {
    format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT_ID}:trail/{}", trail_name(env))
}

/// The seed key's id (moto answers 500 to DisableKey by ARN).
fn key_id(s: &Seeded) -> &str {
    s.kms_key_arn.rsplit('/').next().unwrap_or_default()
}

fn parameter_arn(name: &str) -> String {
    format!("arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter{name}")
}

/// One drift per backup, parameter, trail and key check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupDrift {
    /// Automated backups cut to 7 days (prod requires 14): FF-RDS-005.
    BackupRetention,
    /// Deletion protection off on the metadata database: FF-RDS-006.
    DeletionProtection,
    /// Tags no longer copied to snapshots: FF-RDS-007.
    CopyTags,
    /// A snapshot of a scratch unencrypted instance is left behind: FF-RDS-008.
    SnapshotUnencrypted,
    /// The pre-upgrade snapshot is shared with `all`: FF-RDS-009.
    SnapshotPublic,
    /// The gold bucket loses its lifecycle configuration: FF-S3-006.
    NoLifecycle,
    /// An admin password stored as a plain String parameter: FF-SSM-001.
    PlainParameter,
    /// An API token SecureString on the AWS managed key aws/ssm: FF-SSM-002.
    DefaultKeyParameter,
    /// The trail is stopped: FF-CT-001.
    TrailStopped,
    /// Log-file validation off: FF-CT-002.
    TrailValidation,
    /// The trail's KMS key removed (SSE-S3 only): FF-CT-003.
    TrailUnencrypted,
    /// The trail records write management events only: FF-CT-004.
    TrailWriteOnly,
    /// Public access blocks removed from the trail's bucket and the account: FF-CT-005 (and
    /// FF-S3-003 on the bucket, the same rule, and FF-S3-004 on the account block).
    TrailBucketPublic,
    /// The FlowForge key is disabled: FF-KMS-001.
    KeyDisabled,
    /// Rotation off on the FlowForge key: FF-KMS-002.
    KeyRotation,
    /// The key policy grants kms:* to `*`: FF-KMS-003.
    KeyPolicyOpen,
}

/// Creates the customer-managed key every FlowForge resource of the seed is encrypted with:
/// rotation on, alias `alias/flowforge-<env>-data`, moto's default (account-root) key policy.
pub async fn kms_key(c: &Clients, env: &str) -> String {
    let key = c.kms.create_key().description(format!("FlowForge {env} data")).send().await.expect("create key");
    let meta = key.key_metadata().expect("key metadata");
    let id = meta.key_id().to_owned();
    c.kms.enable_key_rotation().key_id(&id).send().await.expect("key rotation");
    c.kms
        .create_alias()
        .alias_name(format!("alias/flowforge-{env}-data"))
        .target_key_id(&id)
        .send()
        .await
        .expect("alias");
    meta.arn().expect("key arn").to_owned()
}

/// Seeds the compliant backup side: 14-day backups and tag copying on the database, a
/// private manual snapshot, lifecycle rules for noncurrent versions on the lake buckets, the
/// FlowForge parameters, and a logging multi-region trail to the logs bucket.
pub async fn seed(c: &Clients, s: &Seeded) {
    let env = &s.env;
    c.rds
        .modify_db_instance()
        .db_instance_identifier(&s.db_instance_id)
        .backup_retention_period(14)
        .copy_tags_to_snapshot(true)
        .apply_immediately(true)
        .send()
        .await
        .expect("backups");
    c.rds
        .create_db_snapshot()
        .db_instance_identifier(&s.db_instance_id)
        .db_snapshot_identifier(manual_snapshot(s))
        .send()
        .await
        .expect("manual snapshot");

    for bucket in s.buckets.values() {
        let rule = s3t::LifecycleRule::builder()
            .id("noncurrent-versions")
            .status(s3t::ExpirationStatus::Enabled)
            .filter(s3t::LifecycleRuleFilter::builder().prefix("").build())
            .noncurrent_version_transitions(
                s3t::NoncurrentVersionTransition::builder()
                    .noncurrent_days(30)
                    .storage_class(s3t::TransitionStorageClass::Glacier)
                    .build(),
            )
            .noncurrent_version_expiration(s3t::NoncurrentVersionExpiration::builder().noncurrent_days(365).build())
            .build()
            .expect("lifecycle rule");
        c.s3.put_bucket_lifecycle_configuration()
            .bucket(bucket)
            .lifecycle_configuration(
                s3t::BucketLifecycleConfiguration::builder().rules(rule).build().expect("lifecycle"),
            )
            .send()
            .await
            .expect("put lifecycle");
    }

    for (name, secure) in
        [(format!("/flowforge/{env}/db-password"), true), (format!("/flowforge/{env}/bucket-names"), false)]
    {
        let mut p = c.ssm.put_parameter().name(&name).value("not-a-real-value").overwrite(true);
        p = if secure {
            p.r#type(ssmt::ParameterType::SecureString).key_id(&s.kms_key_arn)
        } else {
            p.r#type(ssmt::ParameterType::String)
        };
        p.send().await.expect("parameter");
    }

    c.cloudtrail
        .create_trail()
        .name(trail_name(env))
        .s3_bucket_name(&s.logs_bucket)
        .is_multi_region_trail(true)
        .enable_log_file_validation(true)
        .kms_key_id(&s.kms_key_arn)
        .send()
        .await
        .expect("trail");
    c.cloudtrail
        .put_event_selectors()
        .trail_name(trail_name(env))
        .event_selectors(
            ctt::EventSelector::builder()
                .read_write_type(ctt::ReadWriteType::All)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .expect("event selectors");
    c.cloudtrail.start_logging().name(trail_name(env)).send().await.expect("start logging");
}

impl BackupDrift {
    pub const ALL: [BackupDrift; 16] = [
        BackupDrift::BackupRetention,
        BackupDrift::DeletionProtection,
        BackupDrift::CopyTags,
        BackupDrift::SnapshotUnencrypted,
        BackupDrift::SnapshotPublic,
        BackupDrift::NoLifecycle,
        BackupDrift::PlainParameter,
        BackupDrift::DefaultKeyParameter,
        BackupDrift::TrailStopped,
        BackupDrift::TrailValidation,
        BackupDrift::TrailUnencrypted,
        BackupDrift::TrailWriteOnly,
        BackupDrift::TrailBucketPublic,
        BackupDrift::KeyDisabled,
        BackupDrift::KeyRotation,
        BackupDrift::KeyPolicyOpen,
    ];

    /// Injects the drift into the account `s` seeded.
    pub async fn inject(self, c: &Clients, s: &Seeded) {
        let env = &s.env;
        let modify = || c.rds.modify_db_instance().db_instance_identifier(&s.db_instance_id).apply_immediately(true);
        match self {
            BackupDrift::BackupRetention => {
                modify().backup_retention_period(7).send().await.expect("drift retention");
            }
            BackupDrift::DeletionProtection => {
                modify().deletion_protection(false).send().await.expect("drift deletion protection");
            }
            BackupDrift::CopyTags => {
                modify().copy_tags_to_snapshot(false).send().await.expect("drift copy tags");
            }
            BackupDrift::SnapshotUnencrypted => {
                let scratch = format!("flowforge-{env}-scratch");
                c.rds
                    .create_db_instance()
                    .db_instance_identifier(&scratch)
                    .engine("postgres")
                    .db_instance_class("db.t3.micro")
                    .allocated_storage(20)
                    .master_username("flowforge")
                    .master_user_password("not-a-real-password-1")
                    .storage_encrypted(false)
                    .send()
                    .await
                    .expect("scratch instance");
                c.rds
                    .create_db_snapshot()
                    .db_instance_identifier(&scratch)
                    .db_snapshot_identifier(format!("{scratch}-copy"))
                    .send()
                    .await
                    .expect("scratch snapshot");
                c.rds
                    .delete_db_instance()
                    .db_instance_identifier(&scratch)
                    .skip_final_snapshot(true)
                    .delete_automated_backups(true)
                    .send()
                    .await
                    .expect("delete scratch");
            }
            BackupDrift::SnapshotPublic => {
                c.rds
                    .modify_db_snapshot_attribute()
                    .db_snapshot_identifier(manual_snapshot(s))
                    .attribute_name("restore")
                    .values_to_add("all")
                    .send()
                    .await
                    .expect("drift public snapshot");
            }
            BackupDrift::NoLifecycle => {
                c.s3.delete_bucket_lifecycle().bucket(&s.buckets["gold"]).send().await.expect("drift lifecycle");
            }
            BackupDrift::PlainParameter => {
                c.ssm
                    .put_parameter()
                    .name(format!("/flowforge/{env}/admin-password"))
                    .value("not-a-real-value")
                    .r#type(ssmt::ParameterType::String)
                    .send()
                    .await
                    .expect("drift plain parameter");
            }
            BackupDrift::DefaultKeyParameter => {
                c.ssm
                    .put_parameter()
                    .name(format!("/flowforge/{env}/api-token"))
                    .value("not-a-real-value")
                    .r#type(ssmt::ParameterType::SecureString)
                    .send()
                    .await
                    .expect("drift default-key parameter");
            }
            BackupDrift::TrailStopped => {
                c.cloudtrail.stop_logging().name(trail_name(env)).send().await.expect("drift stop logging");
            }
            BackupDrift::TrailValidation => {
                c.cloudtrail
                    .update_trail()
                    .name(trail_name(env))
                    .enable_log_file_validation(false)
                    .send()
                    .await
                    .expect("drift validation");
            }
            BackupDrift::TrailUnencrypted => {
                c.cloudtrail.update_trail().name(trail_name(env)).kms_key_id("").send().await.expect("drift trail key");
            }
            BackupDrift::TrailWriteOnly => {
                c.cloudtrail
                    .put_event_selectors()
                    .trail_name(trail_name(env))
                    .event_selectors(
                        ctt::EventSelector::builder()
                            .read_write_type(ctt::ReadWriteType::WriteOnly)
                            .include_management_events(true)
                            .build(),
                    )
                    .send()
                    .await
                    .expect("drift write-only");
            }
            BackupDrift::TrailBucketPublic => {
                c.s3.delete_public_access_block().bucket(&s.logs_bucket).send().await.expect("drift bucket pab");
                c.s3control
                    .delete_public_access_block()
                    .account_id(ACCOUNT_ID)
                    .send()
                    .await
                    .expect("drift account pab");
            }
            BackupDrift::KeyDisabled => {
                c.kms.disable_key().key_id(key_id(s)).send().await.expect("drift disable key");
            }
            BackupDrift::KeyRotation => {
                c.kms.disable_key_rotation().key_id(key_id(s)).send().await.expect("drift rotation");
            }
            BackupDrift::KeyPolicyOpen => {
                let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
                    {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT_ID}:root")}, "Action": "kms:*", "Resource": "*"},
                    {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}]});
                c.kms
                    .put_key_policy()
                    .key_id(key_id(s))
                    .policy_name("default")
                    .policy(policy.to_string())
                    .send()
                    .await
                    .expect("drift key policy");
            }
        }
    }

    /// The FAILs the drift must cause, as (check id, resource ARN), sorted by check id.
    pub fn expected(self, s: &Seeded) -> Vec<(&'static str, String)> {
        let env = &s.env;
        let db = s.db_instance_arn.clone();
        let snapshot = |id: &str| format!("arn:aws:rds:{REGION}:{ACCOUNT_ID}:snapshot:{id}");
        match self {
            BackupDrift::BackupRetention => vec![("FF-RDS-005", db)],
            BackupDrift::DeletionProtection => vec![("FF-RDS-006", db)],
            BackupDrift::CopyTags => vec![("FF-RDS-007", db)],
            BackupDrift::SnapshotUnencrypted => {
                vec![("FF-RDS-008", snapshot(&format!("flowforge-{env}-scratch-copy")))]
            }
            BackupDrift::SnapshotPublic => vec![("FF-RDS-009", snapshot(&manual_snapshot(s)))],
            BackupDrift::NoLifecycle => vec![("FF-S3-006", format!("arn:aws:s3:::{}", s.buckets["gold"]))],
            BackupDrift::PlainParameter => {
                vec![("FF-SSM-001", parameter_arn(&format!("/flowforge/{env}/admin-password")))]
            }
            BackupDrift::DefaultKeyParameter => {
                vec![("FF-SSM-002", parameter_arn(&format!("/flowforge/{env}/api-token")))]
            }
            BackupDrift::TrailStopped => vec![("FF-CT-001", trail_arn(env))],
            BackupDrift::TrailValidation => vec![("FF-CT-002", trail_arn(env))],
            BackupDrift::TrailUnencrypted => vec![("FF-CT-003", trail_arn(env))],
            BackupDrift::TrailWriteOnly => vec![("FF-CT-004", trail_arn(env))],
            BackupDrift::TrailBucketPublic => {
                vec![
                    ("FF-CT-005", trail_arn(env)),
                    ("FF-S3-003", format!("arn:aws:s3:::{}", s.logs_bucket)),
                    ("FF-S3-004", format!("arn:aws:s3:::account/{ACCOUNT_ID}/public-access-block")),
                ]
            }
            BackupDrift::KeyDisabled => vec![("FF-KMS-001", s.kms_key_arn.clone())],
            BackupDrift::KeyRotation => vec![("FF-KMS-002", s.kms_key_arn.clone())],
            BackupDrift::KeyPolicyOpen => vec![("FF-KMS-003", s.kms_key_arn.clone())],
        }
    }
}
