//! Chat robots (企业微信、钉钉、飞书, generic webhooks) of units and of the
//! office.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    pub id: i64,
    /// 'unit' or 'office'.
    pub owner_kind: String,
    pub owner_id: Option<i64>,
    pub robot: String,
    pub name: String,
    pub url: String,
    pub secret: Option<String>,
    pub enabled: bool,
    pub version: i64,
}

const TARGET: &str = "SELECT id, owner_kind, owner_id, robot, name, url, secret, enabled, version FROM notify_targets";

fn target<R: Row>(r: &R) -> StoreResult<TargetRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(TargetRow {
        id: r.try_get(0)?,
        owner_kind: r.try_get(1)?,
        owner_id: r.try_get(2)?,
        robot: r.try_get(3)?,
        name: r.try_get(4)?,
        url: r.try_get(5)?,
        secret: r.try_get(6)?,
        enabled: r.try_get(7)?,
        version: r.try_get(8)?,
    })
}

/// Every robot, the office's first, then by unit.
pub async fn all(db: &Db) -> StoreResult<Vec<TargetRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{TARGET} ORDER BY owner_kind, owner_id, id"));
    on_db!(db, pool => sqlx::query(sql).fetch_all(pool).await?.iter().map(target).collect())
}

pub async fn get(db: &Db, id: i64) -> StoreResult<Option<TargetRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{TARGET} WHERE id = $1"));
    on_db!(db, pool => sqlx::query(sql).bind(id).fetch_optional(pool).await?.as_ref().map(target).transpose())
}

/// The enabled robots of a unit, and the office's when `office` is set.
pub async fn enabled_for(
    tx: &mut Tx,
    unit_id: Option<i64>,
    office: bool,
) -> StoreResult<Vec<TargetRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{TARGET} WHERE enabled AND ((owner_kind = 'unit' AND owner_id = $1) OR (owner_kind = 'office' AND $2)) ORDER BY id"
    ));
    on_tx!(tx, conn => sqlx::query(sql).bind(unit_id).bind(office).fetch_all(&mut **conn).await?.iter().map(target).collect())
}

/// A robot to add.
#[derive(Debug, Clone)]
pub struct NewTarget<'a> {
    pub owner_kind: &'a str,
    pub owner_id: Option<i64>,
    pub robot: &'a str,
    pub name: &'a str,
    pub url: &'a str,
    pub secret: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, t: &NewTarget<'_>, now: i64) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO notify_targets (owner_kind, owner_id, robot, name, url, secret, enabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7) RETURNING id",
        )
        .bind(t.owner_kind)
        .bind(t.owner_id)
        .bind(t.robot)
        .bind(t.name)
        .bind(t.url)
        .bind(t.secret)
        .bind(now)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

/// Turns a robot on or off if it is still at `version`.
pub async fn set_enabled(tx: &mut Tx, id: i64, version: i64, enabled: bool) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query("UPDATE notify_targets SET enabled = $1, version = version + 1 WHERE id = $2 AND version = $3")
            .bind(enabled)
            .bind(id)
            .bind(version)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    });
    super::check_version(changed, "robot", id, version)
}
