//! The CloudTrail client: DescribeTrails (home-region trails only), GetTrailStatus and
//! GetEventSelectors, the last two normalised to booleans.

use std::collections::BTreeMap;

use aws_sdk_cloudtrail::types::{AdvancedEventSelector, EventSelector, ReadWriteType};
use aws_sdk_cloudtrail::Client;

use super::{s, CallError, Ctx, Trail};

const SVC: &str = "cloudtrail";

#[derive(Debug, Clone)]
pub struct CloudTrailApi {
    client: Client,
    ctx: Ctx,
}

/// Which management events basic selectors record: (read, write).
fn basic_management(selectors: &[EventSelector]) -> (bool, bool) {
    let (mut read, mut write) = (false, false);
    for sel in selectors.iter().filter(|s| s.include_management_events().unwrap_or(true)) {
        match sel.read_write_type() {
            Some(ReadWriteType::ReadOnly) => read = true,
            Some(ReadWriteType::WriteOnly) => write = true,
            // `All` is the API's default when the field is absent.
            _ => (read, write) = (true, true),
        }
    }
    (read, write)
}

/// Which management events advanced selectors record: (read, write). A selector records
/// management events when its `eventCategory` equals `Management`; a `readOnly` field limits
/// it to read (`true`) or write (`false`) events.
fn advanced_management(selectors: &[AdvancedEventSelector]) -> (bool, bool) {
    let (mut read, mut write) = (false, false);
    for sel in selectors {
        let fields = sel.field_selectors();
        let management =
            fields.iter().any(|f| f.field() == "eventCategory" && f.equals().iter().any(|v| v == "Management"));
        if !management {
            continue;
        }
        match fields.iter().find(|f| f.field() == "readOnly").map(|f| f.equals()) {
            Some(v) if v.iter().all(|x| x == "true") => read = true,
            Some(v) if v.iter().all(|x| x == "false") => write = true,
            _ => (read, write) = (true, true),
        }
    }
    (read, write)
}

impl CloudTrailApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        CloudTrailApi { client, ctx }
    }

    /// The trails whose home region is this client's region.
    pub async fn trails(&self) -> Result<Vec<Trail>, CallError> {
        let out = self
            .client
            .describe_trails()
            .include_shadow_trails(false)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeTrails", e))?;
        Ok(out
            .trail_list()
            .iter()
            .filter(|t| t.home_region().is_none_or(|r| r == self.ctx.region))
            .map(|t| {
                let name = s(t.name());
                let arn = t
                    .trail_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.ctx.arn("cloudtrail", &format!("trail/{name}")));
                Trail {
                    meta: self.ctx.meta(arn, &name, &name, BTreeMap::new()),
                    is_multi_region: t.is_multi_region_trail(),
                    is_organization_trail: t.is_organization_trail(),
                    log_file_validation_enabled: t.log_file_validation_enabled(),
                    // An update that removed the key may leave it empty: no key.
                    kms_key_id: t.kms_key_id().filter(|k| !k.is_empty()).map(str::to_owned),
                    s3_bucket_name: t.s3_bucket_name().map(str::to_owned),
                    is_logging: None,
                    management_read_events: None,
                    management_write_events: None,
                }
            })
            .collect())
    }

    /// Whether the trail is logging; `None` when the answer did not say.
    pub async fn is_logging(&self, trail_arn: &str) -> Result<Option<bool>, CallError> {
        let out = self
            .client
            .get_trail_status()
            .name(trail_arn)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetTrailStatus", e))?;
        Ok(out.is_logging())
    }

    /// The management events the trail records, as (read, write).
    pub async fn management_events(&self, trail_arn: &str) -> Result<(bool, bool), CallError> {
        let out = self
            .client
            .get_event_selectors()
            .trail_name(trail_arn)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetEventSelectors", e))?;
        let (br, bw) = basic_management(out.event_selectors());
        let (ar, aw) = advanced_management(out.advanced_event_selectors());
        Ok((br || ar, bw || aw))
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudtrail::types::AdvancedFieldSelector;

    use super::*;

    fn adv(fields: &[(&str, &[&str])]) -> AdvancedEventSelector {
        let mut b = AdvancedEventSelector::builder();
        for (f, eq) in fields {
            let mut fs = AdvancedFieldSelector::builder().field(*f);
            for v in *eq {
                fs = fs.equals(*v);
            }
            b = b.field_selectors(fs.build().expect("field selector"));
        }
        b.build().expect("selector")
    }

    /// Basic selectors: `All` (or no type) records both, excluded management events record none.
    #[test]
    fn basic_selectors_give_read_and_write() {
        let all = EventSelector::builder().read_write_type(ReadWriteType::All).include_management_events(true).build();
        assert_eq!(basic_management(&[all]), (true, true));
        let ro = EventSelector::builder().read_write_type(ReadWriteType::ReadOnly).build();
        assert_eq!(basic_management(&[ro]), (true, false));
        let none = EventSelector::builder().include_management_events(false).build();
        assert_eq!(basic_management(&[none]), (false, false));
    }

    /// Advanced selectors: only `eventCategory = Management` counts; `readOnly` narrows it.
    #[test]
    fn advanced_selectors_give_read_and_write() {
        assert_eq!(advanced_management(&[adv(&[("eventCategory", &["Management"])])]), (true, true));
        let write_only = adv(&[("eventCategory", &["Management"]), ("readOnly", &["false"])]);
        assert_eq!(advanced_management(&[write_only]), (false, true));
        assert_eq!(advanced_management(&[adv(&[("eventCategory", &["Data"])])]), (false, false));
    }
}
