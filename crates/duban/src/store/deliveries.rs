//! Deliveries: each reminder on each channel to each recipient, their
//! attempts, and the in-app inbox with its read receipts.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

/// A delivery to plan.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub reminder_id: i64,
    pub channel: &'a str,
    /// The user id (inbox), the e-mail address, or the robot's id.
    pub address: &'a str,
    pub user_id: Option<i64>,
    pub target_id: Option<i64>,
    pub in_copy: bool,
    /// 'sent' for the inbox (it is delivered by being stored), else 'pending'.
    pub status: &'a str,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
}

/// Plans a delivery unless the same one is planned already.
pub async fn insert(tx: &mut Tx, d: &NewDelivery<'_>) -> StoreResult<()> {
    insert_all(tx, std::slice::from_ref(d)).await
}

/// Plans these deliveries in as few statements as the parameter limits
/// allow, each unless the same one is planned already.
pub async fn insert_all(tx: &mut Tx, all: &[NewDelivery<'_>]) -> StoreResult<()> {
    const COLUMNS: usize = 9;
    for chunk in all.chunks(300) {
        let values = super::row_placeholders(chunk.len(), COLUMNS);
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO deliveries (reminder_id, channel, address, user_id, target_id, in_copy, status, next_attempt_at, sent_at) \
             VALUES {values} ON CONFLICT (reminder_id, channel, address) DO NOTHING"
        ));
        on_tx!(tx, conn => {
            let mut query = sqlx::query(sql);
            for d in chunk {
                query = query
                    .bind(d.reminder_id)
                    .bind(d.channel)
                    .bind(d.address)
                    .bind(d.user_id)
                    .bind(d.target_id)
                    .bind(d.in_copy)
                    .bind(d.status)
                    .bind(d.next_attempt_at)
                    .bind(d.sent_at);
            }
            query.execute(&mut **conn).await?;
        });
    }
    Ok(())
}

/// A delivery as the sender and the log read it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRow {
    pub id: i64,
    pub reminder_id: i64,
    pub channel: String,
    pub address: String,
    pub user_id: Option<i64>,
    pub target_id: Option<i64>,
    pub in_copy: bool,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
    pub read_at: Option<i64>,
    /// The reminder's subject, for lists.
    pub subject: String,
    /// The recipient's display name, for a person's delivery.
    pub recipient: Option<String>,
}

const DELIVERY: &str = "SELECT d.id, d.reminder_id, d.channel, d.address, d.user_id, d.target_id, d.in_copy, d.status, \
    d.attempts, d.next_attempt_at, d.last_error, d.sent_at, d.read_at, r.subject, u.display_name \
    FROM deliveries d JOIN reminders r ON r.id = d.reminder_id LEFT JOIN users u ON u.id = d.user_id";

fn delivery<R: Row>(r: &R) -> StoreResult<DeliveryRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(DeliveryRow {
        id: r.try_get(0)?,
        reminder_id: r.try_get(1)?,
        channel: r.try_get(2)?,
        address: r.try_get(3)?,
        user_id: r.try_get(4)?,
        target_id: r.try_get(5)?,
        in_copy: r.try_get(6)?,
        status: r.try_get(7)?,
        attempts: r.try_get(8)?,
        next_attempt_at: r.try_get(9)?,
        last_error: r.try_get(10)?,
        sent_at: r.try_get(11)?,
        read_at: r.try_get(12)?,
        subject: r.try_get(13)?,
        recipient: r.try_get(14)?,
    })
}

/// Deliveries due to be tried at `now`, oldest first. A delivery left
/// 'sending' by a process that died is due again once its claim lapses.
pub async fn due(db: &Db, now: i64, limit: i64) -> StoreResult<Vec<DeliveryRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{DELIVERY} WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= $1 \
         ORDER BY d.next_attempt_at, d.id LIMIT $2"
    ));
    on_db!(db, pool => sqlx::query(sql).bind(now).bind(limit).fetch_all(pool).await?.iter().map(delivery).collect())
}

/// Takes a due delivery for one attempt until `until`: true when this caller
/// got it (nobody else took it in between).
pub async fn claim(db: &Db, id: i64, now: i64, until: i64) -> StoreResult<bool> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "UPDATE deliveries SET status = 'sending', next_attempt_at = $1 \
             WHERE id = $2 AND status IN ('pending', 'sending') AND next_attempt_at <= $3",
        )
        .bind(until)
        .bind(id)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
            == 1
    }))
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Tried again at the given instant.
    Retry(i64),
    Failed,
}

/// Records an attempt and its outcome, in one transaction.
pub async fn finish(
    tx: &mut Tx,
    id: i64,
    outcome: Outcome,
    error: Option<&str>,
    now: i64,
    holder: &str,
) -> StoreResult<()> {
    let (status, next, word) = match outcome {
        Outcome::Sent => ("sent", now, "sent"),
        Outcome::Retry(at) => ("pending", at, "retry"),
        Outcome::Failed => ("failed", now, "failed"),
    };
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE deliveries SET status = $1, next_attempt_at = $2, attempts = attempts + 1, last_error = $3, \
             sent_at = CASE WHEN $4 THEN $5 ELSE sent_at END WHERE id = $6",
        )
        .bind(status)
        .bind(next)
        .bind(error)
        .bind(outcome == Outcome::Sent)
        .bind(now)
        .bind(id)
        .execute(&mut **conn)
        .await?;
        sqlx::query(
            "INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, error, holder) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(now)
        .bind(word)
        .bind(error)
        .bind(holder)
        .execute(&mut **conn)
        .await?;
    });
    Ok(())
}

/// A user's inbox, newest first, and how many are unread.
pub async fn inbox(db: &Db, user_id: i64, limit: i64) -> StoreResult<Vec<DeliveryRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{DELIVERY} WHERE d.channel = 'inbox' AND d.user_id = $1 ORDER BY d.id DESC LIMIT $2"
    ));
    on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(limit).fetch_all(pool).await?.iter().map(delivery).collect())
}

pub async fn unread(db: &Db, user_id: i64) -> StoreResult<i64> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT COUNT(*) FROM deliveries WHERE channel = 'inbox' AND user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(pool)
            .await?
            .try_get(0)?
    }))
}

/// Marks one of the user's inbox items read (the first time only): true
/// when this call marked it.
pub async fn mark_read(tx: &mut Tx, user_id: i64, id: i64, now: i64) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("UPDATE deliveries SET read_at = $1 WHERE id = $2 AND user_id = $3 AND channel = 'inbox' AND read_at IS NULL")
            .bind(now)
            .bind(id)
            .bind(user_id)
            .execute(&mut **conn)
            .await?
            .rows_affected()
            == 1
    }))
}

/// One delivery by id.
pub async fn get(db: &Db, id: i64) -> StoreResult<Option<DeliveryRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{DELIVERY} WHERE d.id = $1"));
    on_db!(db, pool => sqlx::query(sql).bind(id).fetch_optional(pool).await?.as_ref().map(delivery).transpose())
}

/// The deliveries of every reminder of an assignment, in one round trip.
pub async fn of_assignment(db: &Db, assignment_id: i64) -> StoreResult<Vec<DeliveryRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{DELIVERY} WHERE r.assignment_id = $1 ORDER BY d.channel, d.id"
    ));
    on_db!(db, pool => sqlx::query(sql).bind(assignment_id).fetch_all(pool).await?.iter().map(delivery).collect())
}

/// The deliveries of a reminder (the receipts a supervisor sees).
pub async fn of_reminder(db: &Db, reminder_id: i64) -> StoreResult<Vec<DeliveryRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{DELIVERY} WHERE d.reminder_id = $1 ORDER BY d.channel, d.id"
    ));
    on_db!(db, pool => sqlx::query(sql).bind(reminder_id).fetch_all(pool).await?.iter().map(delivery).collect())
}

/// The latest deliveries, or only the troubled: failed, retrying, or sent only after a retry.
pub async fn log(db: &Db, troubled_only: bool, limit: i64) -> StoreResult<Vec<DeliveryRow>> {
    let filter = if troubled_only {
        "WHERE d.channel <> 'inbox' AND (d.status = 'failed' OR d.attempts > 1 OR d.last_error IS NOT NULL)"
    } else {
        "WHERE d.channel <> 'inbox'"
    };
    let sql = sqlx::AssertSqlSafe(format!("{DELIVERY} {filter} ORDER BY d.id DESC LIMIT $1"));
    on_db!(db, pool => sqlx::query(sql).bind(limit).fetch_all(pool).await?.iter().map(delivery).collect())
}

/// Every attempt of a delivery: (at, outcome, error, holder).
pub async fn attempts(
    db: &Db,
    delivery_id: i64,
) -> StoreResult<Vec<(i64, String, Option<String>, String)>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT attempted_at, outcome, error, holder FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id")
            .bind(delivery_id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect::<StoreResult<Vec<_>>>()?
    }))
}
