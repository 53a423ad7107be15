//! The baseline's account-audit sections: `architecture.config_recorder` (an AWS Config
//! recorder records the account, where `requirements.config_recorder_required`) and
//! `architecture.audit_trail`, the CloudTrail trail the account's audit log is expected in
//! (guide, "Operations & Handover"; `requirements.cloudtrail_required`). Validated by
//! `validate::audit`; drift in `drift::architecture::audit`.

use serde::{Deserialize, Serialize};

/// The trail the account's audit log is expected in (a drift element): multi-region,
/// logging, log-file validation and KMS encryption on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditTrailSpec {
    pub name: String,
}
