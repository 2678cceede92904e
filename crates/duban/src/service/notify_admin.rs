//! The administration's view of notifications beyond the stored settings:
//! a test e-mail through the saved SMTP server, the delivery log with each
//! delivery's attempts, the holiday file's coverage, and the demo's date.

use std::collections::HashMap;

use jiff::civil::Date;
use serde_json::json;

use super::{ServiceError, ServiceResult, calendar, notify_settings, require};
use crate::clock::{Clock, ShiftedClock};
use crate::domain::calendar::WorkCalendar;
use crate::domain::email_address::EmailAddress;
use crate::domain::roles::{Actor, Role};
use crate::notify::{self, Message, SmtpSettings};
use crate::store::audit::{self, NewEvent};
use crate::store::deliveries::{self, DeliveryRow};
use crate::store::{Db, Tx, notify_targets};

/// How many deliveries the log shows.
pub const LOG_LIMIT: i64 = 200;

/// Saves the SMTP server from its form. The form never shows the password:
/// none typed keeps the stored one, and no user name means no password. The
/// timeout is not on the form and keeps its stored value.
pub async fn save_smtp(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    mut settings: SmtpSettings,
    version: i64,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "change the notification settings")?;
    let (stored, _) = notify_settings::smtp(db).await?;
    if settings.password.is_none() {
        settings.password = stored.as_ref().and_then(|s| s.password.clone());
    }
    if settings.username.is_none() {
        settings.password = None;
    }
    if let Some(stored) = &stored {
        settings.timeout_secs = stored.timeout_secs;
    }
    if settings
        .ca_pem
        .as_deref()
        .is_some_and(|pem| !pem.contains("-----BEGIN CERTIFICATE-----"))
    {
        return Err(ServiceError::Field {
            field: "ca_pem",
            message: "a CA certificate in PEM (-----BEGIN CERTIFICATE-----…)".into(),
        });
    }
    notify_settings::set_smtp(db, clock, actor, &settings, version).await
}

/// Sends a test e-mail to `to` through the saved SMTP server now.
/// `Ok(Err(reply))` is the server's refusal (or silence) in its own words.
pub async fn send_test_email(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    to: &str,
) -> ServiceResult<Result<(), String>> {
    require(actor, &[Role::Admin], "send test e-mails")?;
    let to = EmailAddress::parse(to).map_err(|message| ServiceError::Field {
        field: "to",
        message,
    })?;
    let (Some(smtp), _) = notify_settings::smtp(db).await? else {
        return Err(ServiceError::Invalid(
            "no SMTP server is saved yet: save the server first".into(),
        ));
    };
    let (office, _) = notify_settings::office(db).await?;
    let message = Message {
        subject: "【测试】督办系统测试邮件".into(),
        body:
            "这是督办系统发出的测试邮件。收到即说明邮件服务器设置正确，今后的提醒和催办将按此发送。"
                .into(),
        link: Some(office.link("/")),
    };
    let outcome = notify::send_email(&smtp, &[to.to_string()], &message)
        .await
        .map_err(|e| e.message);
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let after =
        json!({"to": to.as_str(), "sent": outcome.is_ok(), "error": outcome.as_ref().err()});
    audited(&mut tx, now, actor, "notify.test_email", after).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// An event about the notification setup as a whole (no one record).
async fn audited(
    tx: &mut Tx,
    at: i64,
    actor: &Actor,
    action: &str,
    after: serde_json::Value,
) -> ServiceResult<()> {
    let event = NewEvent {
        actor: &actor.name,
        action,
        entity: "setting",
        entity_id: None,
        before: None,
        after: Some(after),
    };
    audit::append(tx, at, event).await?;
    Ok(())
}

/// Where a delivery stands, in the log's four words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Sent,
    Pending,
    Retrying,
    Failed,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Sent => "sent",
            Standing::Pending => "pending",
            Standing::Retrying => "retrying",
            Standing::Failed => "failed",
        }
    }

    fn of(row: &DeliveryRow) -> Standing {
        match row.status.as_str() {
            "sent" => Standing::Sent,
            "failed" => Standing::Failed,
            _ if row.attempts > 0 => Standing::Retrying,
            _ => Standing::Pending,
        }
    }
}

/// A delivery as the log shows it: a robot by its name, never its URL.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub id: i64,
    /// When it went, or when it is (or was) next due.
    pub at: i64,
    pub subject: String,
    /// email, wecom, dingtalk, feishu or webhook.
    pub channel: String,
    pub address: String,
    pub standing: Standing,
    pub attempts: i64,
    pub last_error: Option<String>,
}

fn line(row: DeliveryRow, robots: &HashMap<i64, String>) -> LogLine {
    let address = match row.target_id {
        Some(id) => robots.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
        None => row.address.clone(),
    };
    LogLine {
        id: row.id,
        at: row.sent_at.unwrap_or(row.next_attempt_at),
        standing: Standing::of(&row),
        subject: row.subject,
        channel: row.channel,
        address,
        attempts: row.attempts,
        last_error: row.last_error,
    }
}

async fn robot_names(db: &Db) -> ServiceResult<HashMap<i64, String>> {
    Ok(notify_targets::all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// The latest e-mail and robot deliveries, or only those in trouble.
pub async fn log(db: &Db, actor: &Actor, troubled_only: bool) -> ServiceResult<Vec<LogLine>> {
    require(actor, &[Role::Admin], "read the delivery log")?;
    let robots = robot_names(db).await?;
    Ok(deliveries::log(db, troubled_only, LOG_LIMIT)
        .await?
        .into_iter()
        .map(|row| line(row, &robots))
        .collect())
}

/// One attempt: when, how it ended (sent, retry, failed), the error, and
/// the process that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub at: i64,
    pub outcome: String,
    pub error: Option<String>,
    pub holder: String,
}

/// One e-mail or robot delivery and its attempts.
pub async fn delivery(db: &Db, actor: &Actor, id: i64) -> ServiceResult<(LogLine, Vec<Attempt>)> {
    require(actor, &[Role::Admin], "read the delivery log")?;
    let row = deliveries::get(db, id)
        .await?
        .filter(|d| d.channel != "inbox")
        .ok_or_else(|| ServiceError::NotFound(format!("delivery {id}")))?;
    let attempts = deliveries::attempts(db, id)
        .await?
        .into_iter()
        .map(|(at, outcome, error, holder)| Attempt {
            at,
            outcome,
            error,
            holder,
        })
        .collect();
    Ok((line(row, &robot_names(db).await?), attempts))
}

/// The holiday file in force, for its form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayFile {
    pub text: String,
    /// The file shipped in the binary (no admin has saved one).
    pub embedded: bool,
    pub years: Vec<i16>,
    pub version: i64,
}

pub async fn holiday_file(db: &Db, actor: &Actor) -> ServiceResult<HolidayFile> {
    require(actor, &[Role::Admin], "read the holiday calendar")?;
    let (text, embedded, version) = calendar::text(db).await?;
    let years = WorkCalendar::parse(&text)
        .map(|c| c.years())
        .unwrap_or_default();
    Ok(HolidayFile {
        text,
        embedded,
        years,
        version,
    })
}

/// Moves the demo's clock to 09:00 China time on `day` (forward or back).
pub async fn set_demo_date(
    db: &Db,
    demo_clock: &ShiftedClock,
    actor: &Actor,
    day: Date,
) -> ServiceResult<()> {
    require(actor, &[Role::Admin], "move the demo's date")?;
    let at = jiff::tz::offset(8)
        .to_timestamp(day.at(9, 0, 0, 0))
        .map_err(|e| ServiceError::Field {
            field: "date",
            message: e.to_string(),
        })?;
    let before = demo_clock.now();
    let mut tx = db.begin().await?;
    // Sessions are stamped on the demo's clock: they move with it, so that
    // nobody is signed out (or kept in for weeks) by a move of the date.
    crate::store::sessions::shift(&mut tx, at.as_millisecond() - before.as_millisecond()).await?;
    let after = json!({"from": before.to_string(), "to": at.to_string()});
    audited(&mut tx, at.as_millisecond(), actor, "demo.date", after).await?;
    tx.commit().await?;
    demo_clock.set(at);
    Ok(())
}
