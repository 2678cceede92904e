//! A target's milestones (节点目标) and the figures reported against it over
//! the year: what a trajectory and its chart are drawn from.

use sqlx::Row;

use super::{Db, StoreError, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    pub id: i64,
    pub task_id: i64,
    pub metric: String,
    pub op: String,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub qualifier: Option<String>,
}

/// A target as stored: `id, task_id, metric, op, value, unit, qualifier`.
pub(crate) fn target_row<R: Row>(r: &R) -> StoreResult<TargetRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(TargetRow {
        id: r.try_get(0)?,
        task_id: r.try_get(1)?,
        metric: r.try_get(2)?,
        op: r.try_get(3)?,
        value: r.try_get(4)?,
        unit: r.try_get(5)?,
        qualifier: r.try_get(6)?,
    })
}

/// The targets of the given tasks, in document order.
pub async fn targets_of(db: &Db, task_ids: &[i64]) -> StoreResult<Vec<TargetRow>> {
    if task_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, task_id, metric, op, value, unit, qualifier FROM targets WHERE task_id IN ({}) ORDER BY task_id, position",
        super::placeholders(task_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), task_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(target_row)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A target with the plan it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetInPlan {
    pub target: TargetRow,
    pub plan_id: i64,
    pub year: Option<i64>,
}

/// A target of a live task and its plan's year, read inside a write transaction.
pub async fn get(tx: &mut Tx, id: i64) -> StoreResult<TargetInPlan> {
    let found = on_tx!(tx, conn => {
        sqlx::query(
            "SELECT g.id, g.task_id, g.metric, g.op, g.value, g.unit, g.qualifier, t.plan_id, p.year \
             FROM targets g JOIN tasks t ON t.id = g.task_id JOIN plans p ON p.id = t.plan_id \
             WHERE g.id = $1 AND t.removed_in IS NULL",
        )
        .bind(id)
        .fetch_optional(&mut **conn)
        .await?
        .map(|r| -> StoreResult<TargetInPlan> {
            Ok(TargetInPlan {
                target: target_row(&r)?,
                plan_id: r.try_get(7)?,
                year: r.try_get(8)?,
            })
        })
        .transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "target",
        id,
    })
}

#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneRow {
    pub target_id: i64,
    /// 'YYYY-MM-DD'.
    pub due_on: String,
    pub value: f64,
}

fn milestone<R: Row>(r: &R) -> StoreResult<MilestoneRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(MilestoneRow {
        target_id: r.try_get(0)?,
        due_on: r.try_get(1)?,
        value: r.try_get(2)?,
    })
}

/// The milestones of these targets, by target and date.
pub async fn milestones_of(db: &Db, target_ids: &[i64]) -> StoreResult<Vec<MilestoneRow>> {
    if target_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT target_id, due_on, value FROM target_milestones WHERE target_id IN ({}) \
         ORDER BY target_id, due_on",
        super::placeholders(target_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), target_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(milestone)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The milestones of the targets of a plan's live tasks, by target and date.
pub async fn milestones_of_plan(db: &Db, plan_id: i64) -> StoreResult<Vec<MilestoneRow>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT m.target_id, m.due_on, m.value FROM target_milestones m \
             JOIN targets g ON g.id = m.target_id JOIN tasks t ON t.id = g.task_id \
             WHERE t.plan_id = $1 AND t.removed_in IS NULL ORDER BY m.target_id, m.due_on",
        )
        .bind(plan_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(milestone)
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// One target's milestones, read inside a write transaction.
pub async fn milestones_in(tx: &mut Tx, target_id: i64) -> StoreResult<Vec<MilestoneRow>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "SELECT target_id, due_on, value FROM target_milestones WHERE target_id = $1 ORDER BY due_on",
        )
        .bind(target_id)
        .fetch_all(&mut **conn)
        .await?
        .iter()
        .map(milestone)
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// Replaces a target's milestones with `milestones` ((due on, value); none
/// clears them).
pub async fn replace_milestones(
    tx: &mut Tx,
    target_id: i64,
    milestones: &[(String, f64)],
) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM target_milestones WHERE target_id = $1")
            .bind(target_id)
            .execute(&mut **conn)
            .await?;
        for (due_on, value) in milestones {
            sqlx::query("INSERT INTO target_milestones (target_id, due_on, value) VALUES ($1, $2, $3)")
                .bind(target_id)
                .bind(due_on)
                .bind(value)
                .execute(&mut **conn)
                .await?;
        }
    });
    Ok(())
}

/// One unit's figure for a target in one report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedActual {
    pub target_id: i64,
    pub assignment_id: i64,
    pub unit_id: i64,
    /// 2021-06 or 2021-Q2.
    pub period: String,
    pub actual: f64,
}

/// Every figure reported against the targets of a task by its live
/// assignments, by period.
pub async fn actuals_of_task(db: &Db, task_id: i64) -> StoreResult<Vec<ReportedActual>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT x.target_id, p.assignment_id, a.unit_id, p.period, x.actual FROM report_actuals x \
             JOIN progress_reports p ON p.id = x.report_id JOIN assignments a ON a.id = p.assignment_id \
             WHERE a.task_id = $1 AND a.withdrawn_in IS NULL ORDER BY p.period, p.assignment_id, x.target_id",
        )
        .bind(task_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| -> StoreResult<ReportedActual> {
            Ok(ReportedActual {
                target_id: r.try_get(0)?,
                assignment_id: r.try_get(1)?,
                unit_id: r.try_get(2)?,
                period: r.try_get(3)?,
                actual: r.try_get(4)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?
    }))
}
