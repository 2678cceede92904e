//! Edited ledgers kept between the import preview and its confirmation, each
//! visible only to the person who uploaded it.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerUpload {
    pub id: i64,
    pub uploader_id: i64,
    pub plan_id: i64,
    pub file_name: String,
    pub content: Vec<u8>,
    pub sha256: String,
    pub created_at: i64,
}

pub struct NewLedgerUpload<'a> {
    pub uploader_id: i64,
    pub plan_id: i64,
    pub file_name: &'a str,
    pub content: &'a [u8],
    pub sha256: &'a str,
}

pub async fn insert(tx: &mut Tx, new: &NewLedgerUpload<'_>, at: i64) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO ledger_uploads (uploader_id, plan_id, file_name, content, sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
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
pub async fn find(db: &Db, id: i64, uploader_id: i64) -> StoreResult<Option<LedgerUpload>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT id, uploader_id, plan_id, file_name, content, sha256, created_at \
             FROM ledger_uploads WHERE id = $1 AND uploader_id = $2",
        )
        .bind(id)
        .bind(uploader_id)
        .fetch_optional(pool)
        .await?
        .map(|r| -> StoreResult<LedgerUpload> {
            Ok(LedgerUpload {
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

/// Removes the upload `id` of `uploader_id`; false when there was none
/// (already applied or discarded, perhaps from another tab).
pub async fn delete(tx: &mut Tx, id: i64, uploader_id: i64) -> StoreResult<bool> {
    let removed = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM ledger_uploads WHERE id = $1 AND uploader_id = $2")
            .bind(id)
            .bind(uploader_id)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    });
    Ok(removed > 0)
}

/// Removes uploads left waiting since before `before` (abandoned previews).
pub async fn delete_older_than(tx: &mut Tx, before: i64) -> StoreResult<u64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("DELETE FROM ledger_uploads WHERE created_at < $1")
            .bind(before)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    }))
}
