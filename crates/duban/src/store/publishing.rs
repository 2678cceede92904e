//! The plan facts the plans page lists and publishing moves: each plan's
//! latest revision, and a plan's state.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

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
