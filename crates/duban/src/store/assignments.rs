//! Assignments (a unit's share of a task) and their measures.

use sqlx::Row;

use super::{Db, StoreError, StoreResult, Tx};
use crate::domain::period::{Frequency, Rhythm};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentRow {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub role: String,
    pub state: String,
    pub version: i64,
    /// Why a declared completion was sent back, if it was.
    pub note: Option<String>,
    /// Milliseconds since the epoch.
    pub assigned_at: i64,
    /// The stored light (green, yellow, red, done), kept current by service::lights.
    pub light: String,
    /// 签收时限 (YYYY-MM-DD), set when the office gives one.
    pub sign_by: Option<String>,
    /// When the unit signed for it (签收), in milliseconds.
    pub claimed_at: Option<i64>,
    /// Set while a return (退回) waits for the office's decision.
    pub returned_at: Option<i64>,
    /// The unit's deadline after a granted extension (延期); the task's own stays.
    pub extended_to: Option<String>,
    /// The task's or item's own report rhythm; `None`: the office's.
    pub rhythm: crate::domain::period::Rhythm,
}

pub(crate) const ASSIGNMENT_COLUMNS: &str = "a.id, a.task_id, a.unit_id, u.name, a.role, a.state, a.version, a.note, a.assigned_at, a.light, a.sign_by, a.claimed_at, a.returned_at, a.extended_to, \
     (SELECT rt.report_frequency FROM tasks rt WHERE rt.id = a.task_id), \
     (SELECT rt.report_frequency_since FROM tasks rt WHERE rt.id = a.task_id) \
     FROM assignments a JOIN units u ON u.id = a.unit_id";

pub(crate) fn assignment<R: Row>(r: &R) -> StoreResult<AssignmentRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(AssignmentRow {
        id: r.try_get(0)?,
        task_id: r.try_get(1)?,
        unit_id: r.try_get(2)?,
        unit_name: r.try_get(3)?,
        role: r.try_get(4)?,
        state: r.try_get(5)?,
        version: r.try_get(6)?,
        note: r.try_get(7)?,
        assigned_at: r.try_get(8)?,
        light: r.try_get(9)?,
        sign_by: r.try_get(10)?,
        claimed_at: r.try_get(11)?,
        returned_at: r.try_get(12)?,
        extended_to: r.try_get(13)?,
        rhythm: rhythm_at(r, 14)?,
    })
}

/// A task's report rhythm from `t.report_frequency, t.report_frequency_since`
/// in columns `index` and `index + 1` (NULL: the office's rhythm, from the
/// start; the CHECK constraint keeps any other word out).
pub(crate) fn rhythm_at<R: Row>(r: &R, index: usize) -> StoreResult<Rhythm>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> String: sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let day = |text: Option<String>| text.and_then(|t| t.parse().ok());
    Ok(Rhythm {
        own: r
            .try_get::<Option<String>, _>(index)?
            .as_deref()
            .and_then(Frequency::parse),
        since: day(r.try_get::<Option<String>, _>(index + 1)?),
    })
}

/// The assignments of the given tasks, in assignment order.
pub async fn of_tasks(db: &Db, task_ids: &[i64]) -> StoreResult<Vec<AssignmentRow>> {
    if task_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {ASSIGNMENT_COLUMNS} WHERE a.task_id IN ({}) AND a.withdrawn_in IS NULL ORDER BY a.task_id, a.id",
        super::placeholders(task_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), task_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(assignment)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// One assignment, read inside a write transaction.
pub async fn get(tx: &mut Tx, id: i64) -> StoreResult<AssignmentRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {ASSIGNMENT_COLUMNS} WHERE a.id = $1"));
    let found = on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(assignment).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "assignment",
        id,
    })
}

pub async fn read(db: &Db, id: i64) -> StoreResult<AssignmentRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {ASSIGNMENT_COLUMNS} WHERE a.id = $1"));
    let found = on_db!(db, pool => {
        sqlx::query(sql).bind(id).fetch_optional(pool).await?.as_ref().map(assignment).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "assignment",
        id,
    })
}

/// A unit's assignments across published and draft plans, in plan and task order.
pub async fn of_unit(db: &Db, unit_id: i64) -> StoreResult<Vec<AssignmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {ASSIGNMENT_COLUMNS} JOIN tasks t ON t.id = a.task_id WHERE a.unit_id = $1 \
         AND a.withdrawn_in IS NULL AND t.removed_in IS NULL ORDER BY t.plan_id, t.position"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(unit_id).fetch_all(pool).await?.iter().map(assignment).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// Moves an assignment to `state` if it is still at `version`.
pub async fn set_state(
    tx: &mut Tx,
    id: i64,
    version: i64,
    state: &str,
    note: Option<&str>,
) -> StoreResult<i64> {
    let changed = on_tx!(tx, conn => {
        sqlx::query("UPDATE assignments SET state = $1, note = $2, version = version + 1 WHERE id = $3 AND version = $4")
            .bind(state)
            .bind(note)
            .bind(id)
            .bind(version)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    });
    super::check_version(changed, "assignment", id, version)?;
    Ok(version + 1)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRow {
    pub id: i64,
    pub assignment_id: i64,
    pub description: String,
    pub responsible_person: String,
    /// 'YYYY-MM-DD'.
    pub deadline: String,
    pub done_at: Option<i64>,
    pub version: i64,
}

const MEASURE_COLUMNS: &str =
    "id, assignment_id, description, responsible_person, deadline, done_at, version FROM measures";

pub(crate) fn measure<R: Row>(r: &R) -> StoreResult<MeasureRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(MeasureRow {
        id: r.try_get(0)?,
        assignment_id: r.try_get(1)?,
        description: r.try_get(2)?,
        responsible_person: r.try_get(3)?,
        deadline: r.try_get(4)?,
        done_at: r.try_get(5)?,
        version: r.try_get(6)?,
    })
}

#[derive(Debug, Clone)]
pub struct MeasureFields<'a> {
    pub description: &'a str,
    pub responsible_person: &'a str,
    pub deadline: &'a str,
    pub done_at: Option<i64>,
}

pub async fn add_measure(
    tx: &mut Tx,
    assignment_id: i64,
    fields: &MeasureFields<'_>,
    at: i64,
) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO measures (assignment_id, description, responsible_person, deadline, done_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(assignment_id)
        .bind(fields.description)
        .bind(fields.responsible_person)
        .bind(fields.deadline)
        .bind(fields.done_at)
        .bind(at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

pub async fn get_measure(tx: &mut Tx, id: i64) -> StoreResult<MeasureRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {MEASURE_COLUMNS} WHERE id = $1"));
    let found = on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(measure).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "measure",
        id,
    })
}

pub async fn update_measure(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &MeasureFields<'_>,
) -> StoreResult<i64> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE measures SET description = $1, responsible_person = $2, deadline = $3, done_at = $4, \
             version = version + 1 WHERE id = $5 AND version = $6",
        )
        .bind(fields.description)
        .bind(fields.responsible_person)
        .bind(fields.deadline)
        .bind(fields.done_at)
        .bind(id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "measure", id, version)?;
    Ok(version + 1)
}

/// An assignment's measures in the order they were written.
pub async fn measures_of(db: &Db, assignment_id: i64) -> StoreResult<Vec<MeasureRow>> {
    measures_in_order(db, &[assignment_id]).await
}

/// The measures of several assignments, by assignment, each one's in the
/// order they were written, in one round trip ([`measures_of_many`] orders
/// them by deadline instead).
pub async fn measures_in_order(db: &Db, assignment_ids: &[i64]) -> StoreResult<Vec<MeasureRow>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {MEASURE_COLUMNS} WHERE assignment_id IN ({}) ORDER BY assignment_id, id",
        super::placeholders(assignment_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(measure)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// What the light rule reads of a set of assignments, in one round trip each.
#[derive(Debug, Default)]
pub struct LightInputs {
    /// (assignment, deadline, done)
    pub measures: Vec<(i64, String, bool)>,
    /// (assignment, period)
    pub reports: Vec<(i64, String)>,
    /// Findings not closed: (assignment, action, deadline)
    pub open_findings: Vec<(i64, String, Option<String>)>,
    /// Targets with a figure: (assignment, target, op, value, latest actual reported)
    pub targets: Vec<(i64, i64, String, f64, Option<f64>)>,
    /// The milestones of those targets, once per assignment of their task:
    /// (assignment, target, due on 'YYYY-MM-DD', cumulative value)
    pub milestones: Vec<(i64, i64, String, f64)>,
    /// The light history's red spans: (assignment, from day, until day if it
    /// has left red).
    pub red_spans: Vec<(i64, String, Option<String>)>,
}

pub async fn light_inputs(db: &Db, assignment_ids: &[i64]) -> StoreResult<LightInputs> {
    if assignment_ids.is_empty() {
        return Ok(LightInputs::default());
    }
    let list = super::placeholders(assignment_ids.len());
    let [measures, reports, findings, targets, milestones, red_spans] = light_input_queries(&list);
    Ok(on_db!(db, pool => {
        let mut inputs = LightInputs::default();
        for r in super::bind_all(sqlx::query(measures), assignment_ids).fetch_all(pool).await? {
            inputs.measures.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
        }
        for r in super::bind_all(sqlx::query(reports), assignment_ids).fetch_all(pool).await? {
            inputs.reports.push((r.try_get(0)?, r.try_get(1)?));
        }
        for r in super::bind_all(sqlx::query(findings), assignment_ids).fetch_all(pool).await? {
            inputs.open_findings.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
        }
        for r in super::bind_all(sqlx::query(targets), assignment_ids).fetch_all(pool).await? {
            inputs.targets.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?));
        }
        for r in super::bind_all(sqlx::query(milestones), assignment_ids).fetch_all(pool).await? {
            inputs.milestones.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
        }
        for r in super::bind_all(sqlx::query(red_spans), assignment_ids).fetch_all(pool).await? {
            inputs.red_spans.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
        }
        inputs
    }))
}

/// The six queries of [`LightInputs`] over the assignments `list` binds.
pub(crate) fn light_input_queries(list: &str) -> [sqlx::AssertSqlSafe<String>; 6] {
    [
        sqlx::AssertSqlSafe(format!(
            "SELECT assignment_id, deadline, done_at IS NOT NULL FROM measures WHERE assignment_id IN ({list})"
        )),
        sqlx::AssertSqlSafe(format!(
            "SELECT assignment_id, period FROM progress_reports WHERE assignment_id IN ({list})"
        )),
        sqlx::AssertSqlSafe(format!(
            "SELECT assignment_id, action, deadline FROM findings WHERE state <> 'closed' AND assignment_id IN ({list})"
        )),
        // The latest actual of each target: the report of the latest period that gives one.
        sqlx::AssertSqlSafe(format!(
            "SELECT a.id, g.id, g.op, g.value, (SELECT x.actual FROM report_actuals x JOIN progress_reports p ON p.id = x.report_id \
               WHERE x.target_id = g.id AND p.assignment_id = a.id ORDER BY p.period DESC LIMIT 1) \
             FROM assignments a JOIN targets g ON g.task_id = a.task_id \
             WHERE g.value IS NOT NULL AND a.id IN ({list})"
        )),
        sqlx::AssertSqlSafe(format!(
            "SELECT a.id, m.target_id, m.due_on, m.value FROM assignments a \
             JOIN targets g ON g.task_id = a.task_id JOIN target_milestones m ON m.target_id = g.id \
             WHERE g.value IS NOT NULL AND a.id IN ({list})"
        )),
        sqlx::AssertSqlSafe(format!(
            "SELECT assignment_id, from_day, until_day FROM red_spans WHERE assignment_id IN ({list})"
        )),
    ]
}

/// The measures of several assignments, in one round trip.
pub async fn measures_of_many(db: &Db, assignment_ids: &[i64]) -> StoreResult<Vec<MeasureRow>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {MEASURE_COLUMNS} WHERE assignment_id IN ({}) ORDER BY assignment_id, deadline, id",
        super::placeholders(assignment_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(measure)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}
