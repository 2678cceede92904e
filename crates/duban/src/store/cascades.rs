//! The unit tree (a unit under another) and cascaded parts of a task: an
//! assignment that is a unit's part of its parent unit's assignment.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

/// A unit's parent, if it sits under one.
pub async fn parent_of(tx: &mut Tx, unit_id: i64) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar::<_, Option<i64>>("SELECT parent_id FROM units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(&mut **conn)
            .await?
            .flatten()
    }))
}

/// Puts a unit under another (or under none).
pub async fn set_parent(tx: &mut Tx, unit_id: i64, parent_id: Option<i64>) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE units SET parent_id = $1, version = version + 1 WHERE id = $2")
            .bind(parent_id)
            .bind(unit_id)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

/// The units directly under a unit: (id, name), by name.
pub async fn children(db: &Db, unit_id: i64) -> StoreResult<Vec<(i64, String)>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT id, name FROM units WHERE parent_id = $1 ORDER BY name")
            .bind(unit_id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

pub async fn insert(
    tx: &mut Tx,
    assignment_id: i64,
    parent_assignment_id: i64,
    by: &str,
    at: i64,
) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO cascades (assignment_id, parent_assignment_id, cascaded_by, cascaded_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(assignment_id)
        .bind(parent_assignment_id)
        .bind(by)
        .bind(at)
        .execute(&mut **conn)
        .await?;
    });
    Ok(())
}

/// Every cascade among a task's assignments: (assignment, its parent).
pub async fn of_task(db: &Db, task_id: i64) -> StoreResult<Vec<(i64, i64)>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT c.assignment_id, c.parent_assignment_id FROM cascades c \
             JOIN assignments a ON a.id = c.assignment_id WHERE a.task_id = $1 ORDER BY c.assignment_id",
        )
        .bind(task_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<StoreResult<Vec<_>>>()?
    }))
}
