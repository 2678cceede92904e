//! A plan's public progress page settings: whether it is on and which fields
//! it shows.

use sqlx::Row;

use super::{Db, StoreError, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicPageRow {
    pub plan_id: i64,
    pub enabled: bool,
    /// Comma-separated field names.
    pub fields: String,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: i64,
}

const COLUMNS: &str =
    "SELECT plan_id, enabled, fields, version, updated_by, updated_at FROM public_pages";

fn row<R: Row>(r: &R) -> StoreResult<PublicPageRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(PublicPageRow {
        plan_id: r.try_get(0)?,
        enabled: r.try_get(1)?,
        fields: r.try_get(2)?,
        version: r.try_get(3)?,
        updated_by: r.try_get(4)?,
        updated_at: r.try_get(5)?,
    })
}

pub async fn get(db: &Db, plan_id: i64) -> StoreResult<Option<PublicPageRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE plan_id = $1"));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(plan_id).fetch_optional(pool).await?.as_ref().map(row).transpose()?
    }))
}

/// Saves the settings if they are still at `expected` (0: never saved);
/// returns the new version.
pub async fn save(
    tx: &mut Tx,
    plan_id: i64,
    enabled: bool,
    fields: &str,
    expected: i64,
    by: &str,
    at: i64,
) -> StoreResult<i64> {
    let sql = sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE plan_id = $1"));
    let current = on_tx!(tx, conn => {
        sqlx::query(sql).bind(plan_id).fetch_optional(&mut **conn).await?.as_ref().map(row).transpose()?
    });
    let version = current.as_ref().map_or(0, |c| c.version);
    if version != expected {
        return Err(StoreError::Conflict {
            entity: "public page",
            id: plan_id,
            expected,
        });
    }
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO public_pages (plan_id, enabled, fields, version, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (plan_id) DO UPDATE SET enabled = excluded.enabled, fields = excluded.fields, \
               version = excluded.version, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(plan_id)
        .bind(enabled)
        .bind(fields)
        .bind(version + 1)
        .bind(by)
        .bind(at)
        .execute(&mut **conn)
        .await?;
    });
    Ok(version + 1)
}
