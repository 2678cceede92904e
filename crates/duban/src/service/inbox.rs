//! A person's inbox: the reminders and 催办 that reached them, the unread
//! count, and opening one (its read receipt, which the office sees).

use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::store::Db;
use crate::store::deliveries::{self, DeliveryRow};
use crate::store::reminders::{self as store, ReminderRow};

/// A user's inbox, newest first, and how many are unread.
pub async fn inbox(db: &Db, user_id: i64) -> ServiceResult<(Vec<(DeliveryRow, ReminderRow)>, i64)> {
    let found = deliveries::inbox(db, user_id, 200).await?;
    let ids: Vec<i64> = found.iter().map(|d| d.reminder_id).collect();
    let mut reminders: std::collections::HashMap<i64, ReminderRow> = store::by_ids(db, &ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let items = found
        .into_iter()
        .filter_map(|d| {
            let reminder = reminders.remove(&d.reminder_id)?;
            Some((d, reminder))
        })
        .collect();
    Ok((items, deliveries::unread(db, user_id).await?))
}

/// Opens one of the user's inbox items: the first opening is the read
/// receipt. Returns where the reminder points.
pub async fn open(
    db: &Db,
    clock: &dyn Clock,
    user_id: i64,
    delivery_id: i64,
) -> ServiceResult<String> {
    let delivery = deliveries::get(db, delivery_id)
        .await?
        .filter(|d| d.channel == "inbox" && d.user_id == Some(user_id))
        .ok_or_else(|| ServiceError::NotFound(format!("inbox item {delivery_id}")))?;
    let reminder = store::get(db, delivery.reminder_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("reminder {}", delivery.reminder_id)))?;
    if delivery.read_at.is_none() {
        let now = clock.now_millis();
        let mut tx = db.begin().await?;
        deliveries::mark_read(&mut tx, user_id, delivery_id, now).await?;
        tx.commit().await?;
    }
    Ok(reminder.link)
}
