//! Sends the deliveries that are due: each is claimed first (so that two
//! processes never send the same one), sent over its channel, and its
//! outcome recorded with the attempt. Failures that retrying can mend are
//! tried again with backoff; the rest fail at once with the peer's answer.

use std::time::Duration;

use crate::clock::Clock;
use crate::notify::{self, DeliveryError, Message, Robot, Secret, WebhookTarget};
use crate::service::notify_settings;
use crate::service::{ServiceError, ServiceResult};
use crate::store::deliveries::{self, DeliveryRow, Outcome};
use crate::store::{Db, notify_targets, reminders};

/// How many deliveries one pass tries at most.
const BATCH: i64 = 50;
/// How long a claim holds before another process may take the delivery.
const CLAIM_MS: i64 = 5 * 60 * 1000;
/// Waits before the 2nd, 3rd, … attempt; after the last, the delivery fails.
const BACKOFF_MS: [i64; 5] = [
    60_000,
    5 * 60_000,
    30 * 60_000,
    2 * 3_600_000,
    6 * 3_600_000,
];

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// Sends what is due at `clock`'s now, as `holder`.
pub async fn send_due(db: &Db, clock: &dyn Clock, holder: &str) -> ServiceResult<Sent> {
    let now = clock.now_millis();
    let due = deliveries::due(db, now, BATCH).await?;
    let mut done = Sent::default();
    if due.is_empty() {
        return Ok(done);
    }
    let (smtp, _) = notify_settings::smtp(db).await?;
    let (office, _) = notify_settings::office(db).await?;
    let proxy = Some(office.proxy.as_str()).filter(|p| !p.trim().is_empty());
    let http = notify::http_client(proxy, Duration::from_secs(10))
        .map_err(|e| ServiceError::Invalid(e.message))?;
    for delivery in due {
        if !deliveries::claim(db, delivery.id, now, now + CLAIM_MS).await? {
            continue; // another process took it
        }
        let result = send_one(db, clock, &delivery, smtp.as_ref(), &office, &http).await;
        let outcome = match &result {
            Ok(()) => Outcome::Sent,
            Err(e) if e.retryable => {
                match BACKOFF_MS.get(usize::try_from(delivery.attempts).unwrap_or(usize::MAX)) {
                    Some(wait) => Outcome::Retry(clock.now_millis() + wait),
                    None => Outcome::Failed,
                }
            }
            Err(_) => Outcome::Failed,
        };
        let error = result.as_ref().err().map(|e| e.message.as_str());
        match outcome {
            Outcome::Sent => done.sent += 1,
            Outcome::Retry(_) => done.retrying += 1,
            Outcome::Failed => done.failed += 1,
        }
        tracing::info!(
            delivery = delivery.id,
            channel = %delivery.channel,
            outcome = ?outcome,
            error = error.unwrap_or(""),
            "delivery attempted"
        );
        let mut tx = db.begin().await?;
        deliveries::finish(
            &mut tx,
            delivery.id,
            outcome,
            error,
            clock.now_millis(),
            holder,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(done)
}

async fn send_one(
    db: &Db,
    clock: &dyn Clock,
    delivery: &DeliveryRow,
    smtp: Option<&notify::SmtpSettings>,
    office: &notify_settings::OfficeSettings,
    http: &reqwest::Client,
) -> Result<(), DeliveryError> {
    let store_error = |e: crate::store::StoreError| DeliveryError {
        retryable: true,
        message: format!("the record could not be read: {e}"),
    };
    let reminder = reminders::get(db, delivery.reminder_id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| DeliveryError {
            retryable: false,
            message: format!("reminder {} is gone", delivery.reminder_id),
        })?;
    let message = Message {
        subject: reminder.subject.clone(),
        body: reminder.body.clone(),
        link: Some(office.link(&reminder.link)),
    };
    match delivery.channel.as_str() {
        "email" => {
            let smtp = smtp.ok_or_else(|| DeliveryError {
                retryable: false,
                message: "no SMTP server is set up (系统设置 → 通知)".into(),
            })?;
            notify::send_email(smtp, std::slice::from_ref(&delivery.address), &message).await
        }
        channel => {
            let robot = Robot::parse(channel).ok_or_else(|| DeliveryError {
                retryable: false,
                message: format!("'{channel}' is not a channel Duban sends on"),
            })?;
            let id = delivery.target_id.unwrap_or_default();
            let target = notify_targets::get(db, id)
                .await
                .map_err(store_error)?
                .filter(|t| t.enabled)
                .ok_or_else(|| DeliveryError {
                    retryable: false,
                    message: format!("robot {id} was removed or turned off"),
                })?;
            let target = WebhookTarget {
                robot,
                url: target.url,
                secret: target.secret.filter(|s| !s.is_empty()).map(Secret::new),
            };
            notify::send_webhook(http, &target, &message, clock.now()).await
        }
    }
}
