//! The office's working-day calendar as a setting: the holiday file an admin
//! uploads (`domain::calendar` format), or the one embedded in the binary.
//! Changing it relights everything in the same transaction, since every
//! "N working days" of the rule may move.

use std::sync::{Arc, Mutex};

use serde_json::json;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::calendar::WorkCalendar;
use crate::domain::light::embedded_calendar;
use crate::domain::roles::{Actor, Role};
use crate::store::audit::NewEvent;
use crate::store::{Db, audit, evaluations};

pub(crate) const KEY: &str = "calendar.holidays";

/// The calendar in force.
pub async fn current(db: &Db) -> ServiceResult<Arc<WorkCalendar>> {
    let stored = evaluations::setting(db, KEY).await?;
    Ok(of_setting(stored.map(|(text, _)| text)))
}

/// The calendar a stored holiday file (the setting [`KEY`]) makes, or the
/// embedded one without it. The parsed file is kept per process and parsed
/// again only when the stored text changes.
pub(crate) fn of_setting(stored: Option<String>) -> Arc<WorkCalendar> {
    static PARSED: Mutex<Option<(String, Arc<WorkCalendar>)>> = Mutex::new(None);
    let Some(text) = stored else {
        return embedded_calendar();
    };
    if let Ok(guard) = PARSED.lock()
        && let Some((cached, calendar)) = guard.as_ref()
        && *cached == text
    {
        return Arc::clone(calendar);
    }
    // A file that was valid when saved stays valid; if it somehow is not,
    // the embedded calendar keeps the lights going and the log says why.
    let calendar = match WorkCalendar::parse(&text) {
        Ok(calendar) => Arc::new(calendar),
        Err(e) => {
            tracing::error!(error = %e, "the stored holiday file is unreadable; using the embedded one");
            return embedded_calendar();
        }
    };
    if let Ok(mut guard) = PARSED.lock() {
        *guard = Some((text, Arc::clone(&calendar)));
    }
    calendar
}

/// The holiday file in force as text, whether it is the embedded one, and
/// its version (0 while the embedded one applies).
pub async fn text(db: &Db) -> ServiceResult<(String, bool, i64)> {
    Ok(match evaluations::setting(db, KEY).await? {
        Some((text, version)) => (text, false, version),
        None => (WorkCalendar::EMBEDDED_TEXT.to_string(), true, 0),
    })
}

/// Replaces the holiday file if it is still at `version`; a file that does
/// not parse is refused with its line and field, and nothing changes.
pub async fn set(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    text: &str,
    version: i64,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "change the holiday calendar")?;
    let calendar = WorkCalendar::parse(text).map_err(|e| ServiceError::Field {
        field: "holidays",
        message: e.to_string(),
    })?;
    let mut refresher = super::lights::Refresher::load(db, clock).await?;
    refresher.thresholds.calendar = Arc::new(calendar.clone());
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let next = evaluations::put_setting(&mut tx, KEY, text, version).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "settings.holidays",
            entity: "setting",
            entity_id: None,
            before: None,
            after: Some(json!({ "years": calendar.years() })),
        },
    )
    .await?;
    refresher.all(&mut tx).await?;
    tx.commit().await?;
    Ok(next)
}
