//! Uploads kept between a preview and its outcome, each visible only to the
//! person who uploaded it: plan documents (`pending_imports`) and edited
//! ledgers (`ledger_uploads`). Two tables of the same shape, so that an
//! upload's id on one shelf never opens a preview on the other.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

/// Which kind of upload, and so which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    /// A plan document to import or to revise a plan with.
    PlanImports,
    /// An edited ledger (台账) workbook.
    Ledgers,
}

impl Shelf {
    fn table(self) -> &'static str {
        match self {
            Shelf::PlanImports => "pending_imports",
            Shelf::Ledgers => "ledger_uploads",
        }
    }
}

/// An upload waiting for its preview to be applied or discarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: i64,
    pub uploader_id: i64,
    /// The plan it is for: the plan a re-import revises or a ledger belongs
    /// to; `None` for a new plan.
    pub plan_id: Option<i64>,
    pub file_name: String,
    pub content: Vec<u8>,
    pub sha256: String,
    pub created_at: i64,
}

/// What a new pending upload holds.
pub struct NewUpload<'a> {
    pub uploader_id: i64,
    pub plan_id: Option<i64>,
    pub file_name: &'a str,
    pub content: &'a [u8],
    pub sha256: &'a str,
}

pub async fn insert(tx: &mut Tx, shelf: Shelf, new: &NewUpload<'_>, at: i64) -> StoreResult<i64> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO {} (uploader_id, plan_id, file_name, content, sha256, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        shelf.table()
    ));
    Ok(on_tx!(tx, conn => {
        sqlx::query(sql)
        .bind(new.uploader_id)
        .bind(new.plan_id)
        .bind(new.file_name)
        .bind(new.content)
        .bind(new.sha256)
        .bind(at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

/// The upload `id` if `uploader_id` made it; another person's is `None`.
pub async fn find(db: &Db, shelf: Shelf, id: i64, uploader_id: i64) -> StoreResult<Option<Upload>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, uploader_id, plan_id, file_name, content, sha256, created_at \
         FROM {} WHERE id = $1 AND uploader_id = $2",
        shelf.table()
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql)
        .bind(id)
        .bind(uploader_id)
        .fetch_optional(pool)
        .await?
        .map(|r| -> StoreResult<Upload> {
            Ok(Upload {
                id: r.try_get(0)?,
                uploader_id: r.try_get(1)?,
                plan_id: r.try_get(2)?,
                file_name: r.try_get(3)?,
                content: r.try_get(4)?,
                sha256: r.try_get(5)?,
                created_at: r.try_get(6)?,
            })
        })
        .transpose()?
    }))
}

/// Removes the upload `id` of `uploader_id`; false when there was none.
pub async fn delete(tx: &mut Tx, shelf: Shelf, id: i64, uploader_id: i64) -> StoreResult<bool> {
    let sql = sqlx::AssertSqlSafe(format!(
        "DELETE FROM {} WHERE id = $1 AND uploader_id = $2",
        shelf.table()
    ));
    let removed = on_tx!(tx, conn => {
        sqlx::query(sql)
            .bind(id)
            .bind(uploader_id)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    });
    Ok(removed > 0)
}

/// Removes uploads left waiting since before `before` (abandoned previews).
pub async fn delete_older_than(tx: &mut Tx, shelf: Shelf, before: i64) -> StoreResult<u64> {
    let sql = sqlx::AssertSqlSafe(format!(
        "DELETE FROM {} WHERE created_at < $1",
        shelf.table()
    ));
    Ok(on_tx!(tx, conn => {
        sqlx::query(sql)
            .bind(before)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    }))
}
