//! The rows the record-derived indicators of an assignment are computed
//! from, beyond its measures and reports (read by their own modules).

use sqlx::Row;

use super::{Db, StoreResult};
use crate::on_db;

/// A rectification's deadline, state and when the unit last answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RectificationRow {
    pub deadline: Option<String>,
    pub state: String,
    pub responded_at: Option<i64>,
}

pub async fn rectifications_of(db: &Db, assignment_id: i64) -> StoreResult<Vec<RectificationRow>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT deadline, state, responded_at FROM findings \
             WHERE assignment_id = $1 AND action = 'rectification' ORDER BY id",
        )
        .bind(assignment_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| -> StoreResult<RectificationRow> {
            Ok(RectificationRow {
                deadline: r.try_get(0)?,
                state: r.try_get(1)?,
                responded_at: r.try_get(2)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A target with a figure and the latest actual the assignment reported for it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetActualRow {
    pub metric: String,
    pub op: String,
    pub value: f64,
    pub unit: Option<String>,
    pub actual: Option<f64>,
}

pub async fn targets_with_actuals(
    db: &Db,
    assignment_id: i64,
) -> StoreResult<Vec<TargetActualRow>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT g.metric, g.op, g.value, g.unit, (SELECT x.actual FROM report_actuals x \
               JOIN progress_reports p ON p.id = x.report_id \
               WHERE x.target_id = g.id AND p.assignment_id = a.id ORDER BY p.period DESC LIMIT 1) \
             FROM assignments a JOIN targets g ON g.task_id = a.task_id \
             WHERE a.id = $1 AND g.value IS NOT NULL ORDER BY g.position",
        )
        .bind(assignment_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| -> StoreResult<TargetActualRow> {
            Ok(TargetActualRow {
                metric: r.try_get(0)?,
                op: r.try_get(1)?,
                value: r.try_get(2)?,
                unit: r.try_get(3)?,
                actual: r.try_get(4)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?
    }))
}
