//! Locked report periods reopened by the office, and who has not reported
//! for a period (未报送).

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReopeningRow {
    pub id: i64,
    pub assignment_id: i64,
    pub period: String,
    pub reason: String,
    pub until_day: String,
    pub reopened_by: String,
    pub reopened_at: i64,
}

pub struct NewReopening<'a> {
    pub assignment_id: i64,
    pub period: &'a str,
    pub reason: &'a str,
    pub until_day: &'a str,
    pub reopened_by: &'a str,
    pub reopened_at: i64,
}

pub async fn insert(tx: &mut Tx, new: &NewReopening<'_>) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO period_reopenings (assignment_id, period, reason, until_day, reopened_by, reopened_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.assignment_id)
        .bind(new.period)
        .bind(new.reason)
        .bind(new.until_day)
        .bind(new.reopened_by)
        .bind(new.reopened_at)
        .fetch_one(&mut **conn)
        .await?
    }))
}

/// The last day a reopened period of an assignment takes a report, if it
/// was ever reopened (the latest reopening's).
pub async fn open_until(
    tx: &mut Tx,
    assignment_id: i64,
    period: &str,
) -> StoreResult<Option<String>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT MAX(until_day) FROM period_reopenings WHERE assignment_id = $1 AND period = $2",
        )
        .bind(assignment_id)
        .bind(period)
        .fetch_one(&mut **conn)
        .await?
    }))
}

/// Of these assignments, those whose `period` is reopened on `today`: each
/// with the last day it takes a report.
pub async fn reopened_until(
    db: &Db,
    assignment_ids: &[i64],
    period: &str,
    today: jiff::civil::Date,
) -> StoreResult<std::collections::HashMap<(i64, String), String>> {
    let mut open = std::collections::HashMap::new();
    let today = today.to_string();
    for chunk in assignment_ids.chunks(900) {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT assignment_id, MAX(until_day) FROM period_reopenings \
             WHERE period = $1 AND assignment_id IN ({}) GROUP BY assignment_id",
            super::placeholders_from(2, chunk.len())
        ));
        let rows: Vec<(i64, String)> = on_db!(db, pool => {
            let mut query = sqlx::query(sql).bind(period);
            for id in chunk {
                query = query.bind(id);
            }
            query
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect::<StoreResult<Vec<_>>>()?
        });
        for (id, until) in rows {
            if until >= today {
                open.insert((id, period.to_string()), until);
            }
        }
    }
    Ok(open)
}

/// An assignment's reopenings, newest first.
pub async fn of_assignment(db: &Db, assignment_id: i64) -> StoreResult<Vec<ReopeningRow>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT id, assignment_id, period, reason, until_day, reopened_by, reopened_at \
             FROM period_reopenings WHERE assignment_id = $1 ORDER BY id DESC",
        )
        .bind(assignment_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok(ReopeningRow {
            id: r.try_get(0)?,
            assignment_id: r.try_get(1)?,
            period: r.try_get(2)?,
            reason: r.try_get(3)?,
            until_day: r.try_get(4)?,
            reopened_by: r.try_get(5)?,
            reopened_at: r.try_get(6)?,
        }))
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A live assignment at work that has no report for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreported {
    pub assignment_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub task_id: i64,
    pub task_number: String,
    pub task_title: String,
    pub assigned_at: i64,
    /// The day the task's rhythm was last changed (YYYY-MM-DD), if it was.
    pub rhythm_since: Option<String>,
}

/// The plan's live assignments at work (claimed, in progress, or declared
/// done) on tasks that report on `rhythm` (their own, or the `office`'s
/// where they set none) without a report for `period`, by unit then task.
pub async fn unreported(
    db: &Db,
    plan_id: i64,
    period: &str,
    rhythm: &str,
    office: &str,
) -> StoreResult<Vec<Unreported>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT a.id, a.unit_id, u.name, t.id, t.number, t.title, a.assigned_at, t.report_frequency_since \
             FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id \
             WHERE t.plan_id = $1 AND t.removed_in IS NULL AND a.withdrawn_in IS NULL \
               AND a.state IN ('claimed', 'in_progress', 'done') \
               AND COALESCE(t.report_frequency, $4) = $3 \
               AND NOT EXISTS (SELECT 1 FROM progress_reports r WHERE r.assignment_id = a.id AND r.period = $2) \
             ORDER BY u.name, t.position, a.id",
        )
        .bind(plan_id)
        .bind(period)
        .bind(rhythm)
        .bind(office)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok(Unreported {
            assignment_id: r.try_get(0)?,
            unit_id: r.try_get(1)?,
            unit_name: r.try_get(2)?,
            task_id: r.try_get(3)?,
            task_number: r.try_get(4)?,
            task_title: r.try_get(5)?,
            assigned_at: r.try_get(6)?,
            rhythm_since: r.try_get(7)?,
        }))
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The distinct report rhythms set on a plan's live tasks (`None`: tasks
/// that follow the office's).
pub async fn rhythms_of_plan(db: &Db, plan_id: i64) -> StoreResult<Vec<Option<String>>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT DISTINCT report_frequency FROM tasks WHERE plan_id = $1 AND removed_in IS NULL",
        )
        .bind(plan_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.try_get::<Option<String>, _>(0))
        .collect::<Result<Vec<_>, _>>()?
    }))
}
