//! Uploaded plan documents kept between the import preview and its outcome,
//! each visible only to the person who uploaded it; and the plan facts the
//! plans page lists beside them (latest revision, publishing a draft).

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

/// An upload waiting for its preview to be applied or discarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingImport {
    pub id: i64,
    pub uploader_id: i64,
    /// The plan a re-import revises; `None` for a new plan.
    pub plan_id: Option<i64>,
    pub file_name: String,
    pub content: Vec<u8>,
    pub sha256: String,
    pub created_at: i64,
}

/// What a new pending upload holds.
pub struct NewPending<'a> {
    pub uploader_id: i64,
    pub plan_id: Option<i64>,
    pub file_name: &'a str,
    pub content: &'a [u8],
    pub sha256: &'a str,
}

pub async fn insert(tx: &mut Tx, new: &NewPending<'_>, at: i64) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO pending_imports (uploader_id, plan_id, file_name, content, sha256, created_at) \
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
pub async fn find(db: &Db, id: i64, uploader_id: i64) -> StoreResult<Option<PendingImport>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT id, uploader_id, plan_id, file_name, content, sha256, created_at \
             FROM pending_imports WHERE id = $1 AND uploader_id = $2",
        )
        .bind(id)
        .bind(uploader_id)
        .fetch_optional(pool)
        .await?
        .map(|r| -> StoreResult<PendingImport> {
            Ok(PendingImport {
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
pub async fn delete(tx: &mut Tx, id: i64, uploader_id: i64) -> StoreResult<bool> {
    let removed = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM pending_imports WHERE id = $1 AND uploader_id = $2")
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
        sqlx::query("DELETE FROM pending_imports WHERE created_at < $1")
            .bind(before)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    }))
}

/// The latest revision of every plan: (plan id, number, source file name, imported at).
pub async fn latest_revisions(db: &Db) -> StoreResult<Vec<(i64, i64, String, i64)>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT r.plan_id, r.number, r.source_name, r.imported_at FROM plan_revisions r \
             WHERE r.number = (SELECT MAX(x.number) FROM plan_revisions x WHERE x.plan_id = r.plan_id) \
             ORDER BY r.plan_id",
        )
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A plan's state, read inside a transaction; `None` when there is no such plan.
pub async fn plan_state(tx: &mut Tx, plan_id: i64) -> StoreResult<Option<String>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT state FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&mut **conn)
            .await?
            .map(|row| row.try_get::<String, _>(0))
            .transpose()?
    }))
}

/// Moves a plan from state `from` to `to`; false when it was not in `from`
/// (someone moved it meanwhile).
pub async fn move_plan_state(tx: &mut Tx, plan_id: i64, from: &str, to: &str) -> StoreResult<bool> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE plans SET state = $1, version = version + 1 WHERE id = $2 AND state = $3",
        )
        .bind(to)
        .bind(plan_id)
        .bind(from)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    Ok(changed > 0)
}
