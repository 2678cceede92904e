//! Stored lights: what the rule reads of a set of assignments, inside the
//! transaction that changed them, and the lights written back.

use std::collections::BTreeMap;

use sqlx::Row;

use super::assignments::LightInputs;
use super::{StoreResult, Tx, bind_all, placeholders};
use crate::on_tx;

/// Which assignments a refresh reads.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    Plan(i64),
    Task(i64),
    Assignments(&'a [i64]),
}

/// One assignment as the light rule and the refresh need it.
#[derive(Debug, Clone)]
pub struct LitRow {
    pub id: i64,
    pub task_id: i64,
    pub state: String,
    pub assigned_at: i64,
    pub year: Option<i64>,
    pub light: String,
    /// The deadline in force where one is set: the granted extension, else
    /// the task's own date ('YYYY-MM-DD').
    pub deadline: Option<String>,
    /// The task's or item's own report rhythm; `None`: the office's.
    pub rhythm: crate::domain::period::Rhythm,
}

const ROWS: &str = "SELECT a.id, a.task_id, a.state, a.assigned_at, p.year, a.light, \
     COALESCE(a.extended_to, t.deadline_date), t.report_frequency, t.report_frequency_since \
     FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN plans p ON p.id = t.plan_id \
     WHERE a.withdrawn_in IS NULL AND t.removed_in IS NULL";

/// Every plan's id, in order.
pub async fn plan_ids(tx: &mut Tx) -> StoreResult<Vec<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT id FROM plans ORDER BY id")
            .fetch_all(&mut **conn)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<Vec<_>, _>>()?
    }))
}

/// The live assignments in `scope`, in id order.
pub async fn rows(tx: &mut Tx, scope: Scope<'_>) -> StoreResult<Vec<LitRow>> {
    // Each query: the condition added to ROWS and the ids it binds.
    let queries: Vec<(String, Vec<i64>)> = match scope {
        Scope::All => vec![(String::new(), Vec::new())],
        Scope::Plan(plan_id) => vec![("AND t.plan_id = $1".into(), vec![plan_id])],
        Scope::Task(task_id) => vec![("AND a.task_id = $1".into(), vec![task_id])],
        Scope::Assignments(ids) => ids
            .chunks(CHUNK)
            .map(|chunk| {
                let list = placeholders(chunk.len());
                (format!("AND a.id IN ({list})"), chunk.to_vec())
            })
            .collect(),
    };
    let mut out = Vec::new();
    for (condition, binds) in &queries {
        let sql = sqlx::AssertSqlSafe(format!("{ROWS} {condition} ORDER BY a.id"));
        on_tx!(tx, conn => {
            for r in bind_all(sqlx::query(sql), binds).fetch_all(&mut **conn).await? {
                out.push(lit_row(&r)?);
            }
        });
    }
    Ok(out)
}

fn lit_row<R: Row>(r: &R) -> StoreResult<LitRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(LitRow {
        id: r.try_get(0)?,
        task_id: r.try_get(1)?,
        state: r.try_get(2)?,
        assigned_at: r.try_get(3)?,
        year: r.try_get(4)?,
        light: r.try_get(5)?,
        deadline: r.try_get(6)?,
        rhythm: super::assignments::rhythm_at(r, 7)?,
    })
}

/// Bound values per statement: well under both drivers' limits.
const CHUNK: usize = 900;

/// What the rule reads of `ids`, read inside the transaction so that it sees
/// the change being made.
pub async fn inputs(tx: &mut Tx, ids: &[i64]) -> StoreResult<LightInputs> {
    let mut inputs = LightInputs::default();
    for chunk in ids.chunks(CHUNK) {
        let list = placeholders(chunk.len());
        let [measures, reports, findings, targets, milestones, red_spans] =
            super::assignments::light_input_queries(&list);
        on_tx!(tx, conn => {
            for r in bind_all(sqlx::query(measures), chunk).fetch_all(&mut **conn).await? {
                inputs.measures.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
            }
            for r in bind_all(sqlx::query(reports), chunk).fetch_all(&mut **conn).await? {
                inputs.reports.push((r.try_get(0)?, r.try_get(1)?));
            }
            for r in bind_all(sqlx::query(findings), chunk).fetch_all(&mut **conn).await? {
                inputs.open_findings.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
            }
            for r in bind_all(sqlx::query(targets), chunk).fetch_all(&mut **conn).await? {
                inputs.targets.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?));
            }
            for r in bind_all(sqlx::query(milestones), chunk).fetch_all(&mut **conn).await? {
                inputs.milestones.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
            }
            for r in bind_all(sqlx::query(red_spans), chunk).fetch_all(&mut **conn).await? {
                inputs.red_spans.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
            }
        });
    }
    Ok(inputs)
}

/// Writes lights: `changes` maps each light to the assignments now showing it.
pub async fn set_assignment_lights(
    tx: &mut Tx,
    changes: &BTreeMap<&'static str, Vec<i64>>,
) -> StoreResult<()> {
    set_lights(tx, "assignments", changes).await
}

/// The same for tasks.
pub async fn set_task_lights(
    tx: &mut Tx,
    changes: &BTreeMap<&'static str, Vec<i64>>,
) -> StoreResult<()> {
    set_lights(tx, "tasks", changes).await
}

async fn set_lights(
    tx: &mut Tx,
    table: &'static str,
    changes: &BTreeMap<&'static str, Vec<i64>>,
) -> StoreResult<()> {
    for (light, ids) in changes {
        for chunk in ids.chunks(CHUNK) {
            // $1 is the light; the ids follow from $2.
            let list = super::placeholders_from(2, chunk.len());
            let sql = sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET light = $1 WHERE id IN ({list})"
            ));
            on_tx!(tx, conn => {
                bind_all(sqlx::query(sql).bind(*light), chunk).execute(&mut **conn).await?;
            });
        }
    }
    Ok(())
}

/// The stored lights of the live assignments of `task_ids`: (task, light).
pub async fn of_tasks(tx: &mut Tx, task_ids: &[i64]) -> StoreResult<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in task_ids.chunks(CHUNK) {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT task_id, light FROM assignments WHERE withdrawn_in IS NULL AND task_id IN ({})",
            placeholders(chunk.len())
        ));
        on_tx!(tx, conn => {
            for r in bind_all(sqlx::query(sql), chunk).fetch_all(&mut **conn).await? {
                out.push((r.try_get(0)?, r.try_get(1)?));
            }
        });
    }
    Ok(out)
}

/// Every live task of a plan (or of all plans) with its stored light.
pub async fn tasks_in(tx: &mut Tx, plan_id: Option<i64>) -> StoreResult<Vec<(i64, String)>> {
    Ok(on_tx!(tx, conn => {
        let rows = match plan_id {
            Some(plan) => sqlx::query("SELECT id, light FROM tasks WHERE plan_id = $1 AND removed_in IS NULL").bind(plan).fetch_all(&mut **conn).await?,
            None => sqlx::query("SELECT id, light FROM tasks WHERE removed_in IS NULL").fetch_all(&mut **conn).await?,
        };
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The day the lights were last brought up to date as a whole.
pub async fn as_of(tx: &mut Tx) -> StoreResult<Option<String>> {
    super::evaluations::setting_in(tx, AS_OF).await
}

/// The same, read outside any transaction: no write lock is taken to learn
/// that nothing needs doing.
pub async fn as_of_now(db: &super::Db) -> StoreResult<Option<String>> {
    Ok(super::evaluations::setting(db, AS_OF)
        .await?
        .map(|(value, _)| value))
}

pub async fn set_as_of(tx: &mut Tx, day: &str) -> StoreResult<()> {
    super::evaluations::mark(tx, AS_OF, day).await
}

const AS_OF: &str = "lights.as_of";

/// The stored lights of these tasks.
pub async fn task_lights(tx: &mut Tx, task_ids: &[i64]) -> StoreResult<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in task_ids.chunks(CHUNK) {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT id, light FROM tasks WHERE id IN ({})",
            placeholders(chunk.len())
        ));
        on_tx!(tx, conn => {
            for r in bind_all(sqlx::query(sql), chunk).fetch_all(&mut **conn).await? {
                out.push((r.try_get(0)?, r.try_get(1)?));
            }
        });
    }
    Ok(out)
}

/// A span of red opened on `day` for each (assignment, reason): many rows a
/// statement, since the day's first relight may turn thousands red at once.
pub async fn open_red_spans(
    tx: &mut Tx,
    day: &str,
    opened: &[(i64, &'static str)],
) -> StoreResult<()> {
    for chunk in opened.chunks(CHUNK / 3) {
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO red_spans (assignment_id, from_day, reason) VALUES {}",
            super::row_placeholders(chunk.len(), 3)
        ));
        on_tx!(tx, conn => {
            let mut query = sqlx::query(sql);
            for (assignment_id, reason) in chunk {
                query = query.bind(*assignment_id).bind(day).bind(*reason);
            }
            query.execute(&mut **conn).await?;
        });
    }
    Ok(())
}

/// Closes on `day` the open red spans of these assignments (their light
/// left red).
pub async fn close_red_spans(tx: &mut Tx, day: &str, ids: &[i64]) -> StoreResult<()> {
    for chunk in ids.chunks(CHUNK) {
        let list = super::placeholders_from(2, chunk.len());
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE red_spans SET until_day = $1 WHERE until_day IS NULL AND assignment_id IN ({list})"
        ));
        on_tx!(tx, conn => {
            bind_all(sqlx::query(sql).bind(day), chunk).execute(&mut **conn).await?;
        });
    }
    Ok(())
}

/// A span of red in an assignment's light history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedSpan {
    pub from_day: String,
    pub until_day: Option<String>,
    pub reason: String,
}

/// An assignment's light history: its red spans, newest first.
pub async fn red_spans_of(db: &super::Db, assignment_id: i64) -> StoreResult<Vec<RedSpan>> {
    Ok(crate::on_db!(db, pool => {
        sqlx::query(
            "SELECT from_day, until_day, reason FROM red_spans WHERE assignment_id = $1 \
             ORDER BY from_day DESC, id DESC",
        )
        .bind(assignment_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok(RedSpan { from_day: r.try_get(0)?, until_day: r.try_get(1)?, reason: r.try_get(2)? }))
        .collect::<StoreResult<Vec<_>>>()?
    }))
}
