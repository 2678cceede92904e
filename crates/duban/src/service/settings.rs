//! The light thresholds as a stored setting: read once per request by the
//! services that light tasks, changed only by an admin.
//!
//! Stored under the key `light.thresholds` in the `settings` table as JSON:
//! `{"claim_days":5,"measure_warning_days":7,"report_grace_days":5,"report_period":"monthly"}`
//! (`report_period` is "weekly", "half_monthly", "monthly" or "quarterly"). Until an admin saves them,
//! `Thresholds::default()` applies and the version reads 0.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::calendar::WorkCalendar;
use crate::domain::light::Thresholds;
use crate::domain::roles::{Actor, Role};
use crate::store::audit::NewEvent;
use crate::store::{Db, StoreError, audit, evaluations};

pub(crate) const THRESHOLDS_KEY: &str = "light.thresholds";

/// The largest number of days a threshold may be.
pub const MAX_DAYS: i32 = 60;

/// The thresholds as stored and as forms send them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredThresholds {
    pub claim_days: i32,
    pub measure_warning_days: i32,
    pub report_grace_days: i32,
    /// "weekly", "half_monthly", "monthly" or "quarterly".
    pub report_period: ReportPeriod,
}

/// How often units report: "weekly", "half_monthly", "monthly" or
/// "quarterly" (the stored word; thresholds saved before weeks and half
/// months existed read as they were).
pub use crate::domain::period::Frequency as ReportPeriod;

impl From<Thresholds> for StoredThresholds {
    fn from(t: Thresholds) -> StoredThresholds {
        StoredThresholds {
            claim_days: t.claim_days,
            measure_warning_days: t.measure_warning_days,
            report_grace_days: t.report_grace_days,
            report_period: t.report_period,
        }
    }
}

impl StoredThresholds {
    /// The thresholds counted on `calendar`.
    pub fn with_calendar(self, calendar: std::sync::Arc<WorkCalendar>) -> Thresholds {
        let s = self;
        Thresholds {
            calendar,
            claim_days: s.claim_days,
            measure_warning_days: s.measure_warning_days,
            report_grace_days: s.report_grace_days,
            report_period: s.report_period,
            rhythm_since: None,
        }
    }
}

/// The thresholds in force, on the office's working-day calendar, and their
/// version (0 while the defaults apply).
pub async fn thresholds(db: &Db) -> ServiceResult<(Thresholds, i64)> {
    // Both settings in one round trip: every light and every write asks.
    let mut stored = evaluations::settings(db, &[THRESHOLDS_KEY, super::calendar::KEY]).await?;
    let calendar =
        super::calendar::of_setting(stored.remove(super::calendar::KEY).map(|(text, _)| text));
    match stored.remove(THRESHOLDS_KEY) {
        Some((value, version)) => {
            let stored: StoredThresholds = serde_json::from_str(&value).map_err(|e| {
                ServiceError::Invalid(format!("stored light thresholds are unreadable: {e}"))
            })?;
            Ok((stored.with_calendar(calendar), version))
        }
        None => Ok((
            Thresholds {
                calendar,
                ..Thresholds::default()
            },
            0,
        )),
    }
}

/// Each number of days within 0–60; names the first one outside.
fn check(t: &StoredThresholds) -> ServiceResult<()> {
    for (field, days) in [
        ("claim_days", t.claim_days),
        ("measure_warning_days", t.measure_warning_days),
        ("report_grace_days", t.report_grace_days),
    ] {
        if !(0..=MAX_DAYS).contains(&days) {
            return Err(ServiceError::Field {
                field,
                message: format!("{field} is a number of days from 0 to {MAX_DAYS}"),
            });
        }
    }
    Ok(())
}

/// Saves new thresholds if they are still at `version` (what the form was
/// loaded with); returns the new version.
pub async fn set_thresholds(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    new: StoredThresholds,
    version: i64,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "change the light thresholds")?;
    check(&new)?;
    let (before, current) = thresholds(db).await?;
    if current != version {
        return Err(ServiceError::Store(StoreError::Conflict {
            entity: "setting",
            id: 0,
            expected: version,
        }));
    }
    let value = serde_json::to_string(&new).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let now = clock.now_millis();
    // Every light may change with the thresholds: relit in the same transaction.
    let refresher = super::lights::Refresher {
        today: super::lights::today(clock)?,
        thresholds: new.with_calendar(std::sync::Arc::clone(&before.calendar)),
    };
    let mut tx = db.begin().await?;
    // The store re-checks the version inside the transaction: a concurrent
    // save between the read above and this write is refused too.
    let next = evaluations::put_setting(&mut tx, THRESHOLDS_KEY, &value, version).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "settings.light_thresholds",
            entity: "setting",
            entity_id: None,
            before: Some(json!(StoredThresholds::from(before))),
            after: Some(json!(new)),
        },
    )
    .await?;
    refresher.all(&mut tx).await?;
    tx.commit().await?;
    Ok(next)
}
