//! Supervised items (督办事项) opened by hand, their year's register (a plan
//! of kind 'register'), and the units named at 立项.

use sqlx::Row;

use super::{Db, StoreError, StoreResult, Tx};
use crate::{on_db, on_tx};

/// The year's register of items, made the first time an item of that year
/// is opened: a published plan of kind 'register' with no source document.
pub async fn register_of(tx: &mut Tx, year: i64, at: i64) -> StoreResult<i64> {
    let found = on_tx!(tx, conn => {
        sqlx::query("SELECT id FROM plans WHERE kind = 'register' AND year = $1 ORDER BY id LIMIT 1")
            .bind(year)
            .fetch_optional(&mut **conn)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
    });
    if let Some(id) = found {
        return Ok(id);
    }
    let title = format!("{year}年督办事项");
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO plans (year, title, state, created_at, kind) \
             VALUES ($1, $2, 'published', $3, 'register') RETURNING id",
        )
        .bind(year)
        .bind(&title)
        .bind(at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

#[derive(Debug, Clone)]
pub struct NewItem<'a> {
    pub task_id: i64,
    pub year: i64,
    pub seq: i64,
    pub number: &'a str,
    pub source: &'a str,
    pub source_ref: &'a str,
    pub required_result: &'a str,
    pub evidence_required: bool,
    pub state: &'a str,
    pub opened_by: &'a str,
    pub opened_at: i64,
}

pub async fn insert(tx: &mut Tx, item: &NewItem<'_>) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO items (task_id, year, seq, number, source, source_ref, required_result, \
             evidence_required, state, opened_by, opened_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(item.task_id)
        .bind(item.year)
        .bind(item.seq)
        .bind(item.number)
        .bind(item.source)
        .bind(item.source_ref)
        .bind(item.required_result)
        .bind(item.evidence_required)
        .bind(item.state)
        .bind(item.opened_by)
        .bind(item.opened_at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

pub async fn insert_unit(
    tx: &mut Tx,
    item_id: i64,
    unit_id: i64,
    role: &str,
    position: i64,
) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO item_units (item_id, unit_id, role, position) VALUES ($1, $2, $3, $4)")
            .bind(item_id)
            .bind(unit_id)
            .bind(role)
            .bind(position)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

/// An item with the task that carries its work.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRow {
    pub id: i64,
    pub task_id: i64,
    pub plan_id: i64,
    pub number: String,
    pub year: i64,
    pub seq: i64,
    pub source: String,
    pub source_ref: String,
    pub title: String,
    pub body: String,
    pub required_result: String,
    /// The deadline as opened (YYYY-MM-DD), the task's deadline.
    pub deadline: Option<String>,
    pub evidence_required: bool,
    pub state: String,
    pub opened_by: String,
    pub opened_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    pub version: i64,
    /// The task's stored light.
    pub light: String,
    /// Its own report rhythm; `None`: the office's.
    pub rhythm: crate::domain::period::Rhythm,
}

const ITEM_COLUMNS: &str = "i.id, i.task_id, t.plan_id, i.number, i.year, i.seq, i.source, i.source_ref, \
     t.title, t.body, i.required_result, t.deadline_date, i.evidence_required, i.state, i.opened_by, \
     i.opened_at, i.decided_by, i.decided_at, i.decision_note, i.version, t.light, t.report_frequency, t.report_frequency_since \
     FROM items i JOIN tasks t ON t.id = i.task_id";

fn item<R: Row>(r: &R) -> StoreResult<ItemRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(ItemRow {
        id: r.try_get(0)?,
        task_id: r.try_get(1)?,
        plan_id: r.try_get(2)?,
        number: r.try_get(3)?,
        year: r.try_get(4)?,
        seq: r.try_get(5)?,
        source: r.try_get(6)?,
        source_ref: r.try_get(7)?,
        title: r.try_get(8)?,
        body: r.try_get(9)?,
        required_result: r.try_get(10)?,
        deadline: r.try_get(11)?,
        evidence_required: r.try_get(12)?,
        state: r.try_get(13)?,
        opened_by: r.try_get(14)?,
        opened_at: r.try_get(15)?,
        decided_by: r.try_get(16)?,
        decided_at: r.try_get(17)?,
        decision_note: r.try_get(18)?,
        version: r.try_get(19)?,
        light: r.try_get(20)?,
        rhythm: super::assignments::rhythm_at(r, 21)?,
    })
}

/// One item, read inside a write transaction.
pub async fn get(tx: &mut Tx, id: i64) -> StoreResult<ItemRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {ITEM_COLUMNS} WHERE i.id = $1"));
    let found = on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(item).transpose()?
    });
    found.ok_or(StoreError::NotFound { entity: "item", id })
}

pub async fn read(db: &Db, id: i64) -> StoreResult<ItemRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {ITEM_COLUMNS} WHERE i.id = $1"));
    let found = on_db!(db, pool => {
        sqlx::query(sql).bind(id).fetch_optional(pool).await?.as_ref().map(item).transpose()?
    });
    found.ok_or(StoreError::NotFound { entity: "item", id })
}

/// The item a task carries, if the task is one.
pub async fn of_task(db: &Db, task_id: i64) -> StoreResult<Option<ItemRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {ITEM_COLUMNS} WHERE i.task_id = $1"));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(task_id).fetch_optional(pool).await?.as_ref().map(item).transpose()?
    }))
}

/// Items of a year (every year when `None`), given to a unit (any when
/// `None`), newest number first.
pub async fn list(db: &Db, year: Option<i64>, unit_id: Option<i64>) -> StoreResult<Vec<ItemRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} WHERE ($1 IS NULL OR i.year = $1) AND ($2 IS NULL OR EXISTS \
         (SELECT 1 FROM assignments a WHERE a.task_id = i.task_id AND a.unit_id = $2 \
         AND a.withdrawn_in IS NULL)) ORDER BY i.year DESC, i.seq DESC"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(year).bind(unit_id).fetch_all(pool).await?.iter().map(item).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A unit named at 立项.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemUnit {
    pub unit_id: i64,
    pub unit_name: String,
    pub role: String,
}

const ITEM_UNITS: &str = "SELECT x.unit_id, u.name, x.role FROM item_units x \
     JOIN units u ON u.id = x.unit_id WHERE x.item_id = $1 ORDER BY x.position";

fn item_unit<R: Row>(r: &R) -> StoreResult<ItemUnit>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(ItemUnit {
        unit_id: r.try_get(0)?,
        unit_name: r.try_get(1)?,
        role: r.try_get(2)?,
    })
}

pub async fn units_of(db: &Db, item_id: i64) -> StoreResult<Vec<ItemUnit>> {
    Ok(on_db!(db, pool => {
        sqlx::query(ITEM_UNITS).bind(item_id).fetch_all(pool).await?.iter().map(item_unit).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The same, inside a write transaction.
pub async fn units_in(tx: &mut Tx, item_id: i64) -> StoreResult<Vec<ItemUnit>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(ITEM_UNITS).bind(item_id).fetch_all(&mut **conn).await?.iter().map(item_unit).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// Records a leader's decision on an item still at `version`.
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    version: i64,
    state: &str,
    by: &str,
    at: i64,
    note: Option<&str>,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE items SET state = $1, decided_by = $2, decided_at = $3, decision_note = $4, \
             version = version + 1 WHERE id = $5 AND version = $6",
        )
        .bind(state)
        .bind(by)
        .bind(at)
        .bind(note)
        .bind(id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "item", id, version)
}

/// The kind of a plan: 'annual' (imported from a document) or 'register'.
pub async fn plan_kind(db: &Db, plan_id: i64) -> StoreResult<Option<String>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT kind FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<String, _>(0))
            .transpose()?
    }))
}
