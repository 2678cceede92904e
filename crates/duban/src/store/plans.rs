//! Plans as imported: revisions, categories, tasks, targets, assignments.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    pub plan_id: i64,
    pub category_id: Option<i64>,
    pub number: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub deadline_date: Option<&'a str>,
    pub deadline_text: Option<&'a str>,
    pub position: i64,
    pub start_line: i64,
    pub end_line: i64,
}

#[derive(Debug, Clone)]
pub struct NewTarget<'a> {
    pub task_id: i64,
    pub metric: &'a str,
    /// ">=", "<=", "=", or "up"/"down" for a direction without a figure.
    pub op: &'a str,
    pub value: Option<f64>,
    pub unit: Option<&'a str>,
    pub qualifier: Option<&'a str>,
    pub position: i64,
}

pub async fn insert_plan(
    tx: &mut Tx,
    year: Option<i64>,
    title: &str,
    state: &str,
    at: i64,
) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("INSERT INTO plans (year, title, state, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(year)
            .bind(title)
            .bind(state)
            .bind(at)
            .fetch_one(&mut **conn)
            .await?
            .try_get::<i64, _>(0)?
    }))
}

pub async fn insert_revision(
    tx: &mut Tx,
    plan_id: i64,
    number: i64,
    source_name: &str,
    source_sha256: &str,
    parsed_json: &str,
    at: i64,
) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO plan_revisions (plan_id, number, source_name, source_sha256, parsed_json, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(plan_id)
        .bind(number)
        .bind(source_name)
        .bind(source_sha256)
        .bind(parsed_json)
        .bind(at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

pub async fn insert_category(
    tx: &mut Tx,
    plan_id: i64,
    ordinal: &str,
    title: &str,
    position: i64,
) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("INSERT INTO categories (plan_id, ordinal, title, position) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(plan_id)
            .bind(ordinal)
            .bind(title)
            .bind(position)
            .fetch_one(&mut **conn)
            .await?
            .try_get::<i64, _>(0)?
    }))
}

pub async fn insert_task(tx: &mut Tx, task: &NewTask<'_>) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO tasks (plan_id, category_id, number, title, body, deadline_date, deadline_text, position, start_line, end_line) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(task.plan_id)
        .bind(task.category_id)
        .bind(task.number)
        .bind(task.title)
        .bind(task.body)
        .bind(task.deadline_date)
        .bind(task.deadline_text)
        .bind(task.position)
        .bind(task.start_line)
        .bind(task.end_line)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

pub async fn insert_target(tx: &mut Tx, target: &NewTarget<'_>) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO targets (task_id, metric, op, value, unit, qualifier, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(target.task_id)
        .bind(target.metric)
        .bind(target.op)
        .bind(target.value)
        .bind(target.unit)
        .bind(target.qualifier)
        .bind(target.position)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

/// Assigns a unit to a task; `None` when the unit already holds the task
/// (named directly and again through a group): the first role stands. A unit
/// withdrawn by an earlier revision and named again is reinstated.
pub async fn insert_assignment(
    tx: &mut Tx,
    task_id: i64,
    unit_id: i64,
    role: &str,
    via_group_id: Option<i64>,
    at: i64,
) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO assignments (task_id, unit_id, role, state, via_group_id, assigned_at) \
             VALUES ($1, $2, $3, 'assigned', $4, $5) \
             ON CONFLICT (task_id, unit_id) DO UPDATE SET withdrawn_in = NULL, role = excluded.role \
             WHERE assignments.withdrawn_in IS NOT NULL RETURNING id",
        )
        .bind(task_id)
        .bind(unit_id)
        .bind(role)
        .bind(via_group_id)
        .bind(at)
        .fetch_optional(&mut **conn)
        .await?
        .map(|row| row.try_get::<i64, _>(0))
        .transpose()?
    }))
}

/// A plan with its size, for listings.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSummary {
    pub id: i64,
    pub year: Option<i64>,
    pub title: String,
    pub state: String,
    pub categories: i64,
    pub tasks: i64,
    pub targets: i64,
    pub assignments: i64,
}

const SUMMARY: &str = "SELECT p.id, p.year, p.title, p.state, \
       (SELECT COUNT(*) FROM categories c WHERE c.plan_id = p.id), \
       (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = p.id AND t.removed_in IS NULL), \
       (SELECT COUNT(*) FROM targets g JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = p.id AND t.removed_in IS NULL), \
       (SELECT COUNT(*) FROM assignments a JOIN tasks t ON t.id = a.task_id \
        WHERE t.plan_id = p.id AND t.removed_in IS NULL AND a.withdrawn_in IS NULL) \
     FROM plans p";

fn summary_of<R: Row>(r: &R) -> StoreResult<PlanSummary>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(PlanSummary {
        id: r.try_get(0)?,
        year: r.try_get(1)?,
        title: r.try_get(2)?,
        state: r.try_get(3)?,
        categories: r.try_get(4)?,
        tasks: r.try_get(5)?,
        targets: r.try_get(6)?,
        assignments: r.try_get(7)?,
    })
}

/// Every plan with its size, counted in one pass per table (grouped), not
/// once per plan: the plans page and the API's list.
pub async fn summaries(db: &Db) -> StoreResult<Vec<PlanSummary>> {
    let sql = "SELECT p.id, p.year, p.title, p.state, COALESCE(c.n, 0), COALESCE(t.n, 0), \
                      COALESCE(g.n, 0), COALESCE(a.n, 0) \
               FROM plans p \
               LEFT JOIN (SELECT plan_id, COUNT(*) AS n FROM categories GROUP BY plan_id) c ON c.plan_id = p.id \
               LEFT JOIN (SELECT plan_id, COUNT(*) AS n FROM tasks WHERE removed_in IS NULL GROUP BY plan_id) t \
                 ON t.plan_id = p.id \
               LEFT JOIN (SELECT t.plan_id, COUNT(*) AS n FROM targets g JOIN tasks t ON t.id = g.task_id \
                          WHERE t.removed_in IS NULL GROUP BY t.plan_id) g ON g.plan_id = p.id \
               LEFT JOIN (SELECT t.plan_id, COUNT(*) AS n FROM assignments a JOIN tasks t ON t.id = a.task_id \
                          WHERE t.removed_in IS NULL AND a.withdrawn_in IS NULL GROUP BY t.plan_id) a \
                 ON a.plan_id = p.id \
               ORDER BY p.id";
    Ok(on_db!(db, pool => {
        sqlx::query(sql)
            .fetch_all(pool)
            .await?
            .iter()
            .map(summary_of)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A plan as a picker lists it: no counting.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanHeader {
    pub id: i64,
    pub year: Option<i64>,
    pub title: String,
    pub state: String,
}

/// The register of supervised items (督办事项) of an annual plan's year, if
/// the plan is annual and the year has one.
pub async fn register_beside(db: &Db, plan_id: i64) -> StoreResult<Option<PlanHeader>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT r.id, r.year, r.title, r.state FROM plans r JOIN plans p ON p.year = r.year \
             WHERE p.id = $1 AND p.kind = 'annual' AND r.kind = 'register' ORDER BY r.id LIMIT 1",
        )
        .bind(plan_id)
        .fetch_optional(pool)
        .await?
        .map(|r| Ok::<_, super::StoreError>(PlanHeader {
            id: r.try_get(0)?,
            year: r.try_get(1)?,
            title: r.try_get(2)?,
            state: r.try_get(3)?,
        }))
        .transpose()?
    }))
}

/// Every plan, oldest first, without its size: what the pages' plan pickers
/// need on every request.
pub async fn headers(db: &Db) -> StoreResult<Vec<PlanHeader>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT id, year, title, state FROM plans ORDER BY id")
            .fetch_all(pool)
            .await?
            .iter()
            .map(header_of)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// One plan's header, without counting its size.
pub async fn header(db: &Db, plan_id: i64) -> StoreResult<Option<PlanHeader>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT id, year, title, state FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(header_of)
            .transpose()?
    }))
}

/// A header from the columns `id, year, title, state`.
pub(crate) fn header_of<R: Row>(r: &R) -> StoreResult<PlanHeader>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(PlanHeader {
        id: r.try_get(0)?,
        year: r.try_get(1)?,
        title: r.try_get(2)?,
        state: r.try_get(3)?,
    })
}

/// One plan with its size, `None` when there is no such plan.
pub async fn summary(db: &Db, plan_id: i64) -> StoreResult<Option<PlanSummary>> {
    let sql = sqlx::AssertSqlSafe(format!("{SUMMARY} WHERE p.id = $1"));
    Ok(on_db!(db, pool => {
        sqlx::query(sql)
            .bind(plan_id)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(summary_of)
            .transpose()?
    }))
}

/// The units assigned to one task, in assignment order: (unit name, role).
pub async fn task_units(db: &Db, plan_id: i64, number: &str) -> StoreResult<Vec<(String, String)>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT u.name, a.role FROM assignments a JOIN units u ON u.id = a.unit_id \
             JOIN tasks t ON t.id = a.task_id WHERE t.plan_id = $1 AND t.number = $2 \
             AND t.removed_in IS NULL AND a.withdrawn_in IS NULL ORDER BY a.id",
        )
        .bind(plan_id)
        .bind(number)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A plan's state, `None` when there is no such plan.
pub async fn state(db: &Db, plan_id: i64) -> StoreResult<Option<String>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT state FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(pool)
            .await?
            .map(|row| row.try_get::<String, _>(0))
            .transpose()?
    }))
}

/// The latest revision of a plan, read outside a transaction.
pub async fn latest_revision_of(db: &Db, plan_id: i64) -> StoreResult<Option<(i64, String)>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT number, parsed_json FROM plan_revisions WHERE plan_id = $1 ORDER BY number DESC LIMIT 1")
            .bind(plan_id)
            .fetch_optional(pool)
            .await?
            .map(|r| -> StoreResult<(i64, String)> { Ok((r.try_get(0)?, r.try_get(1)?)) })
            .transpose()?
    }))
}

/// The latest revision of a plan: (number, parsed JSON).
pub async fn latest_revision(tx: &mut Tx, plan_id: i64) -> StoreResult<Option<(i64, String)>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT number, parsed_json FROM plan_revisions WHERE plan_id = $1 ORDER BY number DESC LIMIT 1")
            .bind(plan_id)
            .fetch_optional(&mut **conn)
            .await?
            .map(|r| -> StoreResult<(i64, String)> { Ok((r.try_get(0)?, r.try_get(1)?)) })
            .transpose()?
    }))
}

/// The live task with this number in a plan.
pub async fn live_task_id(tx: &mut Tx, plan_id: i64, number: &str) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT id FROM tasks WHERE plan_id = $1 AND number = $2 AND removed_in IS NULL")
            .bind(plan_id)
            .bind(number)
            .fetch_optional(&mut **conn)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
    }))
}

pub async fn reword_task(tx: &mut Tx, task_id: i64, title: &str, body: &str) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE tasks SET title = $1, body = $2, version = version + 1 WHERE id = $3")
            .bind(title)
            .bind(body)
            .bind(task_id)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

pub async fn remove_task(tx: &mut Tx, task_id: i64, revision: i64) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE tasks SET removed_in = $1, version = version + 1 WHERE id = $2")
            .bind(revision)
            .bind(task_id)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

/// Withdraws a unit's assignments on a task: the unit itself, or a group's members.
pub async fn withdraw_units(
    tx: &mut Tx,
    task_id: i64,
    unit_id: i64,
    revision: i64,
) -> StoreResult<u64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE assignments SET withdrawn_in = $1, version = version + 1 \
             WHERE task_id = $2 AND (unit_id = $3 OR via_group_id = $3) AND withdrawn_in IS NULL",
        )
        .bind(revision)
        .bind(task_id)
        .bind(unit_id)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    }))
}

/// Sets the role of a unit's (or a group's members') assignments on a task.
pub async fn set_role(tx: &mut Tx, task_id: i64, unit_id: i64, role: &str) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE assignments SET role = $1, version = version + 1 \
             WHERE task_id = $2 AND (unit_id = $3 OR via_group_id = $3) AND withdrawn_in IS NULL",
        )
        .bind(role)
        .bind(task_id)
        .bind(unit_id)
        .execute(&mut **conn)
        .await?;
    });
    Ok(())
}

/// The category of a plan with this ordinal, if any.
pub async fn category_id(tx: &mut Tx, plan_id: i64, ordinal: &str) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT id FROM categories WHERE plan_id = $1 AND ordinal = $2")
            .bind(plan_id)
            .bind(ordinal)
            .fetch_optional(&mut **conn)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
    }))
}

pub async fn next_position(tx: &mut Tx, table: Positioned, plan_id: i64) -> StoreResult<i64> {
    let sql = match table {
        Positioned::Tasks => "SELECT COALESCE(MAX(position), -1) + 1 FROM tasks WHERE plan_id = $1",
        Positioned::Categories => {
            "SELECT COALESCE(MAX(position), -1) + 1 FROM categories WHERE plan_id = $1"
        }
    };
    Ok(on_tx!(tx, conn => {
        sqlx::query(sql).bind(plan_id).fetch_one(&mut **conn).await?.try_get::<i64, _>(0)?
    }))
}

/// Tables that keep a document order.
#[derive(Debug, Clone, Copy)]
pub enum Positioned {
    Tasks,
    Categories,
}

/// The year a plan is for, if it states one.
pub async fn year(db: &Db, plan_id: i64) -> StoreResult<Option<i64>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT year FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<Option<i64>, _>(0))
            .transpose()?
            .flatten()
    }))
}

/// A plan's categories in document order: (ordinal, title).
pub async fn categories_of(db: &Db, plan_id: i64) -> StoreResult<Vec<(String, String)>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT ordinal, title FROM categories WHERE plan_id = $1 ORDER BY position")
            .bind(plan_id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect::<StoreResult<Vec<_>>>()?
    }))
}
