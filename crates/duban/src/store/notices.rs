//! 三色督办单: the office's formal notices to a unit, and their acknowledgement.

use sqlx::Row;

use super::{Db, StoreError, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    pub id: i64,
    pub assignment_id: i64,
    pub unit_name: String,
    pub task_id: i64,
    pub task_title: String,
    pub color: String,
    pub number: String,
    pub reason: String,
    pub required_action: String,
    pub respond_by: String,
    pub light: String,
    pub issued_by: String,
    pub issued_at: i64,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<i64>,
    pub response: Option<String>,
}

const COLUMNS: &str = "n.id, n.assignment_id, u.name, a.task_id, t.title, n.color, n.number, n.reason, \
     n.required_action, n.respond_by, n.light, n.issued_by, n.issued_at, n.acknowledged_by, \
     n.acknowledged_at, n.response FROM notices n JOIN assignments a ON a.id = n.assignment_id \
     JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id";

fn notice<R: Row>(r: &R) -> StoreResult<NoticeRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(NoticeRow {
        id: r.try_get(0)?,
        assignment_id: r.try_get(1)?,
        unit_name: r.try_get(2)?,
        task_id: r.try_get(3)?,
        task_title: r.try_get(4)?,
        color: r.try_get(5)?,
        number: r.try_get(6)?,
        reason: r.try_get(7)?,
        required_action: r.try_get(8)?,
        respond_by: r.try_get(9)?,
        light: r.try_get(10)?,
        issued_by: r.try_get(11)?,
        issued_at: r.try_get(12)?,
        acknowledged_by: r.try_get(13)?,
        acknowledged_at: r.try_get(14)?,
        response: r.try_get(15)?,
    })
}

pub struct NewNotice<'a> {
    pub assignment_id: i64,
    pub color: &'a str,
    pub year: i64,
    pub seq: i64,
    pub number: &'a str,
    pub reason: &'a str,
    pub required_action: &'a str,
    pub respond_by: &'a str,
    pub light: &'a str,
    pub issued_by: &'a str,
    pub issued_at: i64,
    pub reminder_id: Option<i64>,
}

pub async fn insert(tx: &mut Tx, n: &NewNotice<'_>) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO notices (assignment_id, color, year, seq, number, reason, required_action, \
             respond_by, light, issued_by, issued_at, reminder_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(n.assignment_id)
        .bind(n.color)
        .bind(n.year)
        .bind(n.seq)
        .bind(n.number)
        .bind(n.reason)
        .bind(n.required_action)
        .bind(n.respond_by)
        .bind(n.light)
        .bind(n.issued_by)
        .bind(n.issued_at)
        .bind(n.reminder_id)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

pub async fn get(tx: &mut Tx, id: i64) -> StoreResult<NoticeRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} WHERE n.id = $1"));
    let found = on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(notice).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "notice",
        id,
    })
}

pub async fn read(db: &Db, id: i64) -> StoreResult<NoticeRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} WHERE n.id = $1"));
    let found = on_db!(db, pool => {
        sqlx::query(sql).bind(id).fetch_optional(pool).await?.as_ref().map(notice).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "notice",
        id,
    })
}

/// The unit acknowledges a notice not yet acknowledged; false when it was.
pub async fn acknowledge(
    tx: &mut Tx,
    id: i64,
    by: &str,
    at: i64,
    response: Option<&str>,
) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE notices SET acknowledged_by = $1, acknowledged_at = $2, response = $3 \
             WHERE id = $4 AND acknowledged_at IS NULL",
        )
        .bind(by)
        .bind(at)
        .bind(response)
        .bind(id)
        .execute(&mut **conn)
        .await?
        .rows_affected()
            > 0
    }))
}

/// Notices, newest first: of one assignment, of one unit, or all.
pub async fn list(
    db: &Db,
    assignment_id: Option<i64>,
    unit_id: Option<i64>,
) -> StoreResult<Vec<NoticeRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} WHERE ($1 IS NULL OR n.assignment_id = $1) AND ($2 IS NULL OR a.unit_id = $2) \
         ORDER BY n.id DESC"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(assignment_id).bind(unit_id).fetch_all(pool).await?.iter().map(notice).collect::<StoreResult<Vec<_>>>()?
    }))
}
