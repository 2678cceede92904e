//! What the cockpit (驾驶舱) reads of a whole plan, each in one query scoped
//! by the plan (never by a list of ids, which grows with the plan and runs
//! into the drivers' bind-parameter limits): its live assignments, what the
//! light rule reads of them, its targets with each assignment's latest
//! actual, and the newest reports and situation reports.

use sqlx::Row;

use super::assignments::{ASSIGNMENT_COLUMNS, AssignmentRow, LightInputs, assignment};
use super::targets::TargetRow;
use super::{Db, StoreResult};
use crate::on_db;

/// The live tasks and assignments of a plan, joined once.
const LIVE: &str = "JOIN tasks t ON t.id = a.task_id \
    WHERE t.plan_id = $1 AND t.removed_in IS NULL AND a.withdrawn_in IS NULL";

/// The plan's live assignments, in task order.
pub async fn assignments_of_plan(db: &Db, plan_id: i64) -> StoreResult<Vec<AssignmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {ASSIGNMENT_COLUMNS} {LIVE} ORDER BY t.position, a.id"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(plan_id).fetch_all(pool).await?.iter().map(assignment).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// One assignment's latest actual for one target of its task.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentActual {
    pub target_id: i64,
    pub assignment_id: i64,
    pub value: f64,
    /// From the report of the latest period that gives a figure, if any does.
    pub actual: Option<f64>,
}

/// What the light rule reads of every live assignment of the plan (with
/// its targets' milestones), and each assignment's latest actual per target.
pub async fn light_inputs_of_plan(
    db: &Db,
    plan_id: i64,
) -> StoreResult<(LightInputs, Vec<AssignmentActual>)> {
    let measures = sqlx::AssertSqlSafe(format!(
        "SELECT m.assignment_id, m.deadline, m.done_at IS NOT NULL FROM measures m \
         JOIN assignments a ON a.id = m.assignment_id {LIVE}"
    ));
    let reports = sqlx::AssertSqlSafe(format!(
        "SELECT p.assignment_id, p.period FROM progress_reports p \
         JOIN assignments a ON a.id = p.assignment_id {LIVE}"
    ));
    let findings = sqlx::AssertSqlSafe(format!(
        "SELECT f.assignment_id, f.action, f.deadline FROM findings f \
         JOIN assignments a ON a.id = f.assignment_id {LIVE} AND f.state <> 'closed'"
    ));
    // The same "latest actual" as the light rule's inputs (store::assignments::light_inputs).
    let actuals = sqlx::AssertSqlSafe(format!(
        "SELECT g.id, a.id, g.value, g.op, (SELECT x.actual FROM report_actuals x \
           JOIN progress_reports p ON p.id = x.report_id \
           WHERE x.target_id = g.id AND p.assignment_id = a.id ORDER BY p.period DESC LIMIT 1) \
         FROM assignments a JOIN targets g ON g.task_id = a.task_id {LIVE} AND g.value IS NOT NULL \
         ORDER BY g.id, a.id"
    ));
    let milestones = sqlx::AssertSqlSafe(format!(
        "SELECT a.id, m.target_id, m.due_on, m.value FROM assignments a \
         JOIN targets g ON g.task_id = a.task_id JOIN target_milestones m ON m.target_id = g.id \
         {LIVE} AND g.value IS NOT NULL"
    ));
    let red_spans = sqlx::AssertSqlSafe(format!(
        "SELECT s.assignment_id, s.from_day, s.until_day FROM red_spans s \
         JOIN assignments a ON a.id = s.assignment_id {LIVE}"
    ));
    Ok(on_db!(db, pool => {
        let mut inputs = LightInputs::default();
        for r in sqlx::query(measures).bind(plan_id).fetch_all(pool).await? {
            inputs.measures.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
        }
        for r in sqlx::query(reports).bind(plan_id).fetch_all(pool).await? {
            inputs.reports.push((r.try_get(0)?, r.try_get(1)?));
        }
        for r in sqlx::query(findings).bind(plan_id).fetch_all(pool).await? {
            inputs.open_findings.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
        }
        let mut found = Vec::new();
        for r in sqlx::query(actuals).bind(plan_id).fetch_all(pool).await? {
            let actual = AssignmentActual {
                target_id: r.try_get(0)?,
                assignment_id: r.try_get(1)?,
                value: r.try_get(2)?,
                actual: r.try_get(4)?,
            };
            let op: String = r.try_get(3)?;
            inputs.targets.push((actual.assignment_id, actual.target_id, op, actual.value, actual.actual));
            found.push(actual);
        }
        for r in sqlx::query(milestones).bind(plan_id).fetch_all(pool).await? {
            inputs.milestones.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
        }
        for r in sqlx::query(red_spans).bind(plan_id).fetch_all(pool).await? {
            inputs.red_spans.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
        }
        (inputs, found)
    }))
}

/// The targets of the plan's live tasks, in document order.
pub async fn targets_of_plan(db: &Db, plan_id: i64) -> StoreResult<Vec<TargetRow>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT g.id, g.task_id, g.metric, g.op, g.value, g.unit, g.qualifier FROM targets g \
             JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1 AND t.removed_in IS NULL \
             ORDER BY t.position, g.position",
        )
        .bind(plan_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(super::targets::target_row)
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A progress report as the cockpit lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentReport {
    pub id: i64,
    pub task_id: i64,
    pub task_number: String,
    pub task_title: String,
    pub unit_name: String,
    pub period: String,
    pub narrative: String,
    pub submitted_at: i64,
}

/// The plan's newest progress reports, newest first.
pub async fn recent_reports(db: &Db, plan_id: i64, limit: i64) -> StoreResult<Vec<RecentReport>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT p.id, t.id, t.number, t.title, u.name, p.period, p.narrative, p.submitted_at \
             FROM progress_reports p JOIN assignments a ON a.id = p.assignment_id \
             JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id \
             WHERE t.plan_id = $1 AND t.removed_in IS NULL \
             ORDER BY p.submitted_at DESC, p.id DESC LIMIT $2",
        )
        .bind(plan_id)
        .bind(limit)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| -> StoreResult<RecentReport> {
            Ok(RecentReport {
                id: r.try_get(0)?,
                task_id: r.try_get(1)?,
                task_number: r.try_get(2)?,
                task_title: r.try_get(3)?,
                unit_name: r.try_get(4)?,
                period: r.try_get(5)?,
                narrative: r.try_get(6)?,
                submitted_at: r.try_get(7)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A situation report as the cockpit lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentSituation {
    pub id: i64,
    pub task_id: i64,
    pub task_number: String,
    pub task_title: String,
    /// `None` when the office filed it.
    pub unit_name: Option<String>,
    pub description: String,
    pub reported_at: i64,
    pub acknowledged: bool,
}

/// The plan's newest situation reports, acknowledged or not, newest first.
pub async fn recent_situations(
    db: &Db,
    plan_id: i64,
    limit: i64,
) -> StoreResult<Vec<RecentSituation>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT s.id, t.id, t.number, t.title, u.name, s.description, s.reported_at, \
             s.acknowledged_at IS NOT NULL FROM situation_reports s JOIN tasks t ON t.id = s.task_id \
             LEFT JOIN units u ON u.id = s.unit_id WHERE t.plan_id = $1 AND t.removed_in IS NULL \
             ORDER BY s.reported_at DESC, s.id DESC LIMIT $2",
        )
        .bind(plan_id)
        .bind(limit)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| -> StoreResult<RecentSituation> {
            Ok(RecentSituation {
                id: r.try_get(0)?,
                task_id: r.try_get(1)?,
                task_number: r.try_get(2)?,
                task_title: r.try_get(3)?,
                unit_name: r.try_get(4)?,
                description: r.try_get(5)?,
                reported_at: r.try_get(6)?,
                acknowledged: r.try_get(7)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?
    }))
}
