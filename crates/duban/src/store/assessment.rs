//! What the annual assessment reads of a plan, in one query per kind of row:
//! the live assignments with their units and tasks, the day each was first
//! claimed (from the audit chain, the record of the move), measures, reports,
//! rectifications, targets with their latest actual, and evaluations.

use sqlx::Row;

use super::{Db, StoreResult};
use crate::on_db;

#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentLine {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub task_number: String,
    pub task_title: String,
    pub assigned_at: i64,
    /// The task's or item's own report rhythm; `None`: the office's.
    pub rhythm: crate::domain::period::Rhythm,
}

/// (assignment, description, deadline, state, responded at)
pub type RectificationLine = (i64, String, Option<String>, String, Option<i64>);

/// (assignment, metric, op, value, unit, latest actual)
pub type TargetLine = (i64, String, String, f64, Option<String>, Option<f64>);

/// Every row the assessment reads, by assignment id.
#[derive(Debug, Default)]
pub struct PlanRecord {
    pub assignments: Vec<AssignmentLine>,
    /// (assignment, first claim instant)
    pub claims: Vec<(i64, i64)>,
    /// (assignment, description, deadline, done at)
    pub measures: Vec<(i64, String, String, Option<i64>)>,
    /// (assignment, period, submitted at)
    pub reports: Vec<(i64, String, i64)>,
    pub rectifications: Vec<RectificationLine>,
    pub targets: Vec<TargetLine>,
    /// (assignment, round, body, weighted score)
    pub evaluations: Vec<(i64, String, String, f64)>,
}

const LIVE: &str = "SELECT a.id FROM assignments a JOIN tasks t ON t.id = a.task_id \
     WHERE t.plan_id = $1 AND t.removed_in IS NULL AND a.withdrawn_in IS NULL";

pub async fn plan_record(db: &Db, plan_id: i64) -> StoreResult<PlanRecord> {
    let assignments = "SELECT a.id, a.unit_id, u.name, t.number, t.title, a.assigned_at, t.report_frequency, t.report_frequency_since \
         FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id \
         WHERE t.plan_id = $1 AND t.removed_in IS NULL AND a.withdrawn_in IS NULL ORDER BY t.position, a.id";
    let claims = sqlx::AssertSqlSafe(format!(
        "SELECT entity_id, MIN(at) FROM audit_events WHERE entity = 'assignment' AND action = 'assignment.claim' \
         AND entity_id IN ({LIVE}) GROUP BY entity_id"
    ));
    let measures = sqlx::AssertSqlSafe(format!(
        "SELECT assignment_id, description, deadline, done_at FROM measures WHERE assignment_id IN ({LIVE}) ORDER BY deadline, id"
    ));
    let reports = sqlx::AssertSqlSafe(format!(
        "SELECT assignment_id, period, submitted_at FROM progress_reports WHERE assignment_id IN ({LIVE}) ORDER BY period"
    ));
    let rectifications = sqlx::AssertSqlSafe(format!(
        "SELECT assignment_id, description, deadline, state, responded_at FROM findings \
         WHERE action = 'rectification' AND assignment_id IN ({LIVE}) ORDER BY id"
    ));
    let targets = sqlx::AssertSqlSafe(format!(
        "SELECT a.id, g.metric, g.op, g.value, g.unit, (SELECT x.actual FROM report_actuals x \
           JOIN progress_reports p ON p.id = x.report_id \
           WHERE x.target_id = g.id AND p.assignment_id = a.id ORDER BY p.period DESC LIMIT 1) \
         FROM assignments a JOIN targets g ON g.task_id = a.task_id \
         WHERE g.value IS NOT NULL AND g.op NOT IN ('up', 'down') AND a.id IN ({LIVE}) ORDER BY a.id, g.id"
    ));
    let evaluations = sqlx::AssertSqlSafe(format!(
        "SELECT e.assignment_id, e.round, b.name, e.weighted FROM evaluations e \
         JOIN supervision_bodies b ON b.id = e.body_id WHERE e.assignment_id IN ({LIVE}) ORDER BY e.id"
    ));
    Ok(on_db!(db, pool => {
        let mut r = PlanRecord::default();
        for row in sqlx::query(assignments).bind(plan_id).fetch_all(pool).await? {
            r.assignments.push(AssignmentLine {
                id: row.try_get(0)?,
                unit_id: row.try_get(1)?,
                unit_name: row.try_get(2)?,
                task_number: row.try_get(3)?,
                task_title: row.try_get(4)?,
                assigned_at: row.try_get(5)?,
                rhythm: super::assignments::rhythm_at(&row, 6)?,
            });
        }
        for row in sqlx::query(claims).bind(plan_id).fetch_all(pool).await? {
            r.claims.push((row.try_get(0)?, row.try_get(1)?));
        }
        for row in sqlx::query(measures).bind(plan_id).fetch_all(pool).await? {
            r.measures.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?));
        }
        for row in sqlx::query(reports).bind(plan_id).fetch_all(pool).await? {
            r.reports.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?));
        }
        for row in sqlx::query(rectifications).bind(plan_id).fetch_all(pool).await? {
            r.rectifications.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?, row.try_get(4)?));
        }
        for row in sqlx::query(targets).bind(plan_id).fetch_all(pool).await? {
            r.targets.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?, row.try_get(4)?, row.try_get(5)?));
        }
        for row in sqlx::query(evaluations).bind(plan_id).fetch_all(pool).await? {
            r.evaluations.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?));
        }
        r
    }))
}
