//! What the supervision office reads across a plan: its inspections, the
//! findings still awaiting someone, the work declared done, and the plan's
//! assignments to raise a finding on; each row with the task and unit it
//! concerns, so a page needs no second query per line.

use sqlx::Row;

use super::{Db, StoreError, StoreResult};
use crate::on_db;

/// An inspection with its body's name and how many findings it raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionLine {
    pub id: i64,
    pub plan_id: i64,
    pub body_id: i64,
    pub body: String,
    pub title: String,
    pub inspected_on: String,
    pub findings: i64,
}

const INSPECTION_COLUMNS: &str = "i.id, i.plan_id, i.body_id, b.name, i.title, i.inspected_on, \
    (SELECT COUNT(*) FROM findings f WHERE f.inspection_id = i.id) \
    FROM inspections i JOIN supervision_bodies b ON b.id = i.body_id";

fn inspection<R: Row>(r: &R) -> StoreResult<InspectionLine>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(InspectionLine {
        id: r.try_get(0)?,
        plan_id: r.try_get(1)?,
        body_id: r.try_get(2)?,
        body: r.try_get(3)?,
        title: r.try_get(4)?,
        inspected_on: r.try_get(5)?,
        findings: r.try_get(6)?,
    })
}

/// A plan's inspections, the latest first.
pub async fn inspections_of_plan(db: &Db, plan_id: i64) -> StoreResult<Vec<InspectionLine>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {INSPECTION_COLUMNS} WHERE i.plan_id = $1 ORDER BY i.inspected_on DESC, i.id DESC"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(plan_id).fetch_all(pool).await?.iter().map(inspection).collect::<StoreResult<Vec<_>>>()?
    }))
}

pub async fn inspection_line(db: &Db, id: i64) -> StoreResult<InspectionLine> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {INSPECTION_COLUMNS} WHERE i.id = $1"));
    let found = on_db!(db, pool => {
        sqlx::query(sql).bind(id).fetch_optional(pool).await?.as_ref().map(inspection).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "inspection",
        id,
    })
}

/// A finding with the inspection, task and unit it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingLine {
    pub id: i64,
    pub inspection_id: i64,
    pub inspection: String,
    pub body_id: i64,
    pub body: String,
    pub assignment_id: i64,
    pub task_id: i64,
    pub task_number: String,
    pub task_title: String,
    pub unit: String,
    pub action: String,
    pub description: String,
    pub deadline: Option<String>,
    pub state: String,
    pub response: Option<String>,
    pub verified_by: Option<String>,
    pub version: i64,
}

/// Which findings to read.
#[derive(Debug, Clone, Copy)]
pub enum FindingsOf {
    /// Those of a plan not closed yet.
    PlanOpen(i64),
    Inspection(i64),
    Assignment(i64),
    One(i64),
}

fn finding<R: Row>(r: &R) -> StoreResult<FindingLine>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(FindingLine {
        id: r.try_get(0)?,
        inspection_id: r.try_get(1)?,
        inspection: r.try_get(2)?,
        body_id: r.try_get(3)?,
        body: r.try_get(4)?,
        assignment_id: r.try_get(5)?,
        task_id: r.try_get(6)?,
        task_number: r.try_get(7)?,
        task_title: r.try_get(8)?,
        unit: r.try_get(9)?,
        action: r.try_get(10)?,
        description: r.try_get(11)?,
        deadline: r.try_get(12)?,
        state: r.try_get(13)?,
        response: r.try_get(14)?,
        verified_by: r.try_get(15)?,
        version: r.try_get(16)?,
    })
}

pub async fn findings(db: &Db, of: FindingsOf) -> StoreResult<Vec<FindingLine>> {
    let (filter, id) = match of {
        // Those with a deadline first, the nearest first.
        FindingsOf::PlanOpen(id) => (
            "i.plan_id = $1 AND f.state <> 'closed' ORDER BY CASE WHEN f.deadline IS NULL THEN 1 ELSE 0 END, f.deadline, f.id",
            id,
        ),
        FindingsOf::Inspection(id) => ("f.inspection_id = $1 ORDER BY f.id", id),
        FindingsOf::Assignment(id) => ("f.assignment_id = $1 ORDER BY f.id DESC", id),
        FindingsOf::One(id) => ("f.id = $1", id),
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT f.id, f.inspection_id, i.title, i.body_id, b.name, f.assignment_id, t.id, t.number, t.title, u.name, \
         f.action, f.description, f.deadline, f.state, f.response, f.verified_by, f.version \
         FROM findings f JOIN inspections i ON i.id = f.inspection_id \
         JOIN supervision_bodies b ON b.id = i.body_id \
         JOIN assignments a ON a.id = f.assignment_id JOIN tasks t ON t.id = a.task_id \
         JOIN units u ON u.id = a.unit_id WHERE {filter}"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(id).fetch_all(pool).await?.iter().map(finding).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// An assignment with its task, as a line of a list or a choice in a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentLine {
    pub id: i64,
    pub version: i64,
    pub state: String,
    pub role: String,
    pub task_id: i64,
    pub task_number: String,
    pub task_title: String,
    pub unit: String,
}

/// A plan's live assignments in document order, those in `state` only if given.
pub async fn assignments_of_plan(
    db: &Db,
    plan_id: i64,
    state: Option<&str>,
) -> StoreResult<Vec<AssignmentLine>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT a.id, a.version, a.state, a.role, t.id, t.number, t.title, u.name \
             FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id \
             WHERE t.plan_id = $1 AND a.withdrawn_in IS NULL AND t.removed_in IS NULL \
             AND (CAST($2 AS TEXT) IS NULL OR a.state = $2) ORDER BY t.position, a.id",
        )
        .bind(plan_id)
        .bind(state)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| -> StoreResult<AssignmentLine> {
            Ok(AssignmentLine {
                id: r.try_get(0)?,
                version: r.try_get(1)?,
                state: r.try_get(2)?,
                role: r.try_get(3)?,
                task_id: r.try_get(4)?,
                task_number: r.try_get(5)?,
                task_title: r.try_get(6)?,
                unit: r.try_get(7)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The task of an assignment as the office's page heads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskHead {
    pub id: i64,
    pub plan_id: i64,
    pub plan_year: Option<i64>,
    pub number: String,
    pub title: String,
    pub body: String,
    pub deadline_text: Option<String>,
}

pub async fn task_of_assignment(db: &Db, assignment_id: i64) -> StoreResult<TaskHead> {
    let found = on_db!(db, pool => {
        sqlx::query(
            "SELECT t.id, t.plan_id, p.year, t.number, t.title, t.body, t.deadline_text \
             FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN plans p ON p.id = t.plan_id WHERE a.id = $1",
        )
        .bind(assignment_id)
        .fetch_optional(pool)
        .await?
        .map(|r| -> StoreResult<TaskHead> {
            Ok(TaskHead {
                id: r.try_get(0)?,
                plan_id: r.try_get(1)?,
                plan_year: r.try_get(2)?,
                number: r.try_get(3)?,
                title: r.try_get(4)?,
                body: r.try_get(5)?,
                deadline_text: r.try_get(6)?,
            })
        })
        .transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "assignment",
        id: assignment_id,
    })
}
