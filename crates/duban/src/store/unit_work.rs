//! A unit's work in one plan, as its workspace shows it: each statement has
//! a fixed text (the unit and the plan are its parameters, not an id list),
//! so it is prepared once per connection, and each returns only the rows the
//! page draws: open measures falling due, one row of periods per assignment.

use std::collections::HashMap;

use sqlx::Row;

use super::assignments::{AssignmentRow, MeasureRow, assignment, measure};
use super::plans::{PlanHeader, header_of};
use super::tasks::{TaskRow, task_row};
use super::{Db, StoreResult};
use crate::on_db;

/// The unit's live assignments in the plan and their plan's rows.
const OF_UNIT_IN_PLAN: &str = "JOIN assignments a ON a.id = x.assignment_id \
     JOIN tasks t ON t.id = a.task_id \
     WHERE a.unit_id = $1 AND t.plan_id = $2 AND a.withdrawn_in IS NULL AND t.removed_in IS NULL";

/// The newest published plan in which the unit holds an assignment: where a
/// unit's liaison lands, rather than on the newest plan of another district.
pub async fn newest_published_plan(db: &Db, unit_id: i64) -> StoreResult<Option<PlanHeader>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT p.id, p.year, p.title, p.state FROM plans p WHERE p.id = \
             (SELECT MAX(t.plan_id) FROM assignments a JOIN tasks t ON t.id = a.task_id \
              JOIN plans q ON q.id = t.plan_id \
              WHERE a.unit_id = $1 AND a.withdrawn_in IS NULL AND t.removed_in IS NULL \
              AND q.state = 'published')",
        )
        .bind(unit_id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(header_of)
        .transpose()?
    }))
}

/// The unit's tasks in the plan, in document order, each with the unit's own
/// assignment on it.
pub async fn items(
    db: &Db,
    unit_id: i64,
    plan_id: i64,
) -> StoreResult<Vec<(TaskRow, AssignmentRow)>> {
    // Columns 0–15 are an assignment's (`assignments::assignment`), then the task's.
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT a.id, a.task_id, a.unit_id, u.name, a.role, a.state, a.version, a.note, \
         a.assigned_at, a.light, a.sign_by, a.claimed_at, a.returned_at, a.extended_to, \
         t.report_frequency, t.report_frequency_since, {} \
         FROM assignments a JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id \
         LEFT JOIN categories c ON c.id = t.category_id \
         WHERE a.unit_id = $1 AND t.plan_id = $2 AND a.withdrawn_in IS NULL AND t.removed_in IS NULL \
         ORDER BY t.position",
        super::tasks::TASK_COLUMNS
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql)
        .bind(unit_id)
        .bind(plan_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| -> StoreResult<(TaskRow, AssignmentRow)> {
            Ok((task_row(r, 16)?, assignment(r)?))
        })
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The unit's measures in the plan not done and due on or before `by`
/// ('YYYY-MM-DD'), soonest first.
pub async fn open_measures_due_by(
    db: &Db,
    unit_id: i64,
    plan_id: i64,
    by: &str,
) -> StoreResult<Vec<MeasureRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT x.id, x.assignment_id, x.description, x.responsible_person, x.deadline, x.done_at, x.version \
         FROM measures x {OF_UNIT_IN_PLAN} AND x.done_at IS NULL AND x.deadline <= $3 \
         ORDER BY x.deadline, x.id"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql)
            .bind(unit_id)
            .bind(plan_id)
            .bind(by)
            .fetch_all(pool)
            .await?
            .iter()
            .map(measure)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The periods reported on each of the unit's assignments in the plan: one
/// row per assignment rather than one per report.
pub async fn reported_periods(
    db: &Db,
    unit_id: i64,
    plan_id: i64,
) -> StoreResult<HashMap<i64, Vec<String>>> {
    // A period is '2021-03', '2021-Q1' and the like: never a comma.
    let concat = match db {
        Db::Sqlite(..) => "group_concat(x.period, ',')",
        Db::Postgres(_) => "string_agg(x.period, ',')",
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT x.assignment_id, {concat} FROM progress_reports x {OF_UNIT_IN_PLAN} GROUP BY x.assignment_id"
    ));
    let rows: Vec<(i64, String)> = on_db!(db, pool => {
        sqlx::query(sql)
            .bind(unit_id)
            .bind(plan_id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<StoreResult<_>>()?
    });
    Ok(rows
        .into_iter()
        .map(|(id, periods)| (id, periods.split(',').map(str::to_string).collect()))
        .collect())
}
