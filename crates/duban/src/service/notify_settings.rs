//! The notification settings an admin keeps: the SMTP server, the office's
//! defaults (the address links point to, quiet hours, an HTTP proxy for the
//! robots) and the reminder rules. Each is a JSON setting with a version.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::quiet_hours::QuietHours;
use crate::domain::reminders::ReminderRules;
use crate::domain::roles::{Actor, Role};
use crate::notify::SmtpSettings;
use crate::store::audit::NewEvent;
use crate::store::{Db, audit, evaluations};

const SMTP_KEY: &str = "notify.smtp";
const OFFICE_KEY: &str = "notify.office";
const RULES_KEY: &str = "notify.rules";

/// The office's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OfficeSettings {
    /// Where links in e-mails and robot messages point, e.g. http://duban.district.gov.cn
    pub base_url: String,
    /// "22:00-08:00", or empty for none.
    pub quiet_hours: String,
    /// An HTTP proxy for the robots' webhooks, or empty.
    pub proxy: String,
}

impl Default for OfficeSettings {
    fn default() -> OfficeSettings {
        OfficeSettings {
            base_url: "http://127.0.0.1:8080".into(),
            quiet_hours: "22:00-07:30".into(),
            proxy: String::new(),
        }
    }
}

impl OfficeSettings {
    fn check(&self) -> ServiceResult<()> {
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(ServiceError::Field {
                field: "base_url",
                message: "the address starts with http:// or https://".into(),
            });
        }
        if !self.quiet_hours.trim().is_empty() {
            QuietHours::parse(&self.quiet_hours).map_err(|message| ServiceError::Field {
                field: "quiet_hours",
                message,
            })?;
        }
        Ok(())
    }

    /// An absolute link to a page of the app.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.trim_end_matches('/'))
    }
}

async fn read<T: for<'de> Deserialize<'de>>(db: &Db, key: &str) -> ServiceResult<Option<(T, i64)>> {
    match evaluations::setting(db, key).await? {
        None => Ok(None),
        Some((text, version)) => serde_json::from_str(&text)
            .map(|value| Some((value, version)))
            .map_err(|e| {
                ServiceError::Invalid(format!("the stored setting {key} is unreadable: {e}"))
            }),
    }
}

/// The SMTP server, if one is set, and the version.
pub async fn smtp(db: &Db) -> ServiceResult<(Option<SmtpSettings>, i64)> {
    Ok(match read(db, SMTP_KEY).await? {
        Some((settings, version)) => (Some(settings), version),
        None => (None, 0),
    })
}

pub async fn office(db: &Db) -> ServiceResult<(OfficeSettings, i64)> {
    Ok(read(db, OFFICE_KEY).await?.unwrap_or_default())
}

pub async fn rules(db: &Db) -> ServiceResult<(ReminderRules, i64)> {
    Ok(read(db, RULES_KEY).await?.unwrap_or_default())
}

async fn save<T: Serialize>(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    key: &str,
    value: &T,
    version: i64,
    shown: serde_json::Value,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "change the notification settings")?;
    let text = serde_json::to_string(value).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let next = evaluations::put_setting(&mut tx, key, &text, version).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "settings.notify",
            entity: "setting",
            entity_id: None,
            before: None,
            after: Some(json!({ "key": key, "value": shown })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

/// Saves the SMTP server. The audit keeps everything but the password.
pub async fn set_smtp(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    settings: &SmtpSettings,
    version: i64,
) -> ServiceResult<i64> {
    if settings.host.trim().is_empty() || settings.port == 0 {
        return Err(ServiceError::Field {
            field: "host",
            message: "the SMTP server needs a host and a port".into(),
        });
    }
    if !settings.from.contains('@') {
        return Err(ServiceError::Field {
            field: "from",
            message: "the sender is an address such as 督查室 <duban@district.gov.cn>".into(),
        });
    }
    let shown = json!({
        "host": settings.host, "port": settings.port, "security": settings.security,
        "username": settings.username, "from": settings.from,
    });
    save(db, clock, actor, SMTP_KEY, settings, version, shown).await
}

pub async fn set_office(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    settings: &OfficeSettings,
    version: i64,
) -> ServiceResult<i64> {
    settings.check()?;
    save(
        db,
        clock,
        actor,
        OFFICE_KEY,
        settings,
        version,
        json!(settings),
    )
    .await
}

pub async fn set_rules(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    rules: &ReminderRules,
    version: i64,
) -> ServiceResult<i64> {
    rules
        .check()
        .map_err(|(field, message)| ServiceError::Field { field, message })?;
    save(db, clock, actor, RULES_KEY, rules, version, json!(rules)).await
}
