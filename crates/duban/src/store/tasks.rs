//! Tasks as lists and pages read them: a plan's tasks filtered and paged,
//! one task by id, and a task's own report rhythm.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::domain::period::{Frequency, Rhythm};
use crate::{on_db, on_tx};

/// Filters of a task listing; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Category ordinal ("七").
    pub category: Option<String>,
    /// A unit's name: tasks assigned to it.
    pub unit: Option<String>,
    /// An assignment state: tasks with an assignment in it.
    pub state: Option<String>,
    /// Text the task's body contains.
    pub text: Option<String>,
    /// A stored task light (green, yellow, red, done).
    pub light: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub id: i64,
    pub number: String,
    pub category_ordinal: Option<String>,
    pub category_title: Option<String>,
    pub title: String,
    pub body: String,
    pub deadline_date: Option<String>,
    pub deadline_text: Option<String>,
    /// Its own report rhythm (a weekly item); `None`: the office's.
    pub rhythm: crate::domain::period::Rhythm,
}

/// The columns [`task_row`] reads, in its order (categories joined as `c`).
pub(crate) const TASK_COLUMNS: &str = "t.id, t.number, c.ordinal, c.title, t.title, t.body, t.deadline_date, \
     t.deadline_text, t.report_frequency, t.report_frequency_since";

/// A task from [`TASK_COLUMNS`] starting at column `at`.
pub(crate) fn task_row<R: Row>(r: &R, at: usize) -> StoreResult<TaskRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(TaskRow {
        id: r.try_get(at)?,
        number: r.try_get(at + 1)?,
        category_ordinal: r.try_get(at + 2)?,
        category_title: r.try_get(at + 3)?,
        title: r.try_get(at + 4)?,
        body: r.try_get(at + 5)?,
        deadline_date: r.try_get(at + 6)?,
        deadline_text: r.try_get(at + 7)?,
        rhythm: super::assignments::rhythm_at(r, at + 8)?,
    })
}

const TASK_FILTER: &str = "FROM tasks t LEFT JOIN categories c ON c.id = t.category_id \
    WHERE t.plan_id = $1 AND t.removed_in IS NULL \
    AND (CAST($2 AS TEXT) IS NULL OR c.ordinal = $2) \
    AND (CAST($3 AS TEXT) IS NULL OR t.id IN (SELECT a.task_id FROM assignments a \
         WHERE a.unit_id = (SELECT u.id FROM units u WHERE u.name = $3))) \
    AND (CAST($4 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.state = $4)) \
    AND (CAST($5 AS TEXT) IS NULL OR t.body LIKE '%' || $5 || '%' OR t.number = $5) \
    AND (CAST($6 AS TEXT) IS NULL OR t.light = $6)";

/// One page of a plan's tasks in document order, and how many match in all.
pub async fn tasks_page(
    db: &Db,
    plan_id: i64,
    filter: &TaskFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<TaskRow>, i64)> {
    let list = sqlx::AssertSqlSafe(format!(
        "SELECT {TASK_COLUMNS} {TASK_FILTER} ORDER BY t.position LIMIT $7 OFFSET $8"
    ));
    let total = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {TASK_FILTER}"));
    Ok(on_db!(db, pool => {
        let rows = sqlx::query(list)
            .bind(plan_id)
            .bind(filter.category.as_deref())
            .bind(filter.unit.as_deref())
            .bind(filter.state.as_deref())
            .bind(filter.text.as_deref())
            .bind(filter.light.as_deref())
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| task_row(r, 0))
            .collect::<StoreResult<Vec<_>>>()?;
        // A page that is not full is the last: its rows are the rest, and
        // the count need not be asked for.
        let known = (!rows.is_empty() || offset == 0) && (rows.len() as i64) < limit;
        let total: i64 = if known {
            offset + rows.len() as i64
        } else {
            sqlx::query(total)
                .bind(plan_id)
                .bind(filter.category.as_deref())
                .bind(filter.unit.as_deref())
                .bind(filter.state.as_deref())
                .bind(filter.text.as_deref())
                .bind(filter.light.as_deref())
                .fetch_one(pool)
                .await?
                .try_get(0)?
        };
        (rows, total)
    }))
}

/// One live task with the plan it belongs to: (plan id, task).
pub async fn task_by_id(db: &Db, task_id: i64) -> StoreResult<Option<(i64, TaskRow)>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT t.plan_id, {TASK_COLUMNS} \
         FROM tasks t LEFT JOIN categories c ON c.id = t.category_id WHERE t.id = $1 AND t.removed_in IS NULL"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql)
        .bind(task_id)
        .fetch_optional(pool)
        .await?
        .map(|r| -> StoreResult<(i64, TaskRow)> { Ok((r.try_get(0)?, task_row(&r, 1)?)) })
        .transpose()?
    }))
}

/// A live task's report rhythm, read in the transaction that changes it;
/// `Err(NotFound)` for no such live task.
pub async fn rhythm_of(tx: &mut Tx, task_id: i64) -> StoreResult<Rhythm> {
    on_tx!(tx, conn => {
        let row = sqlx::query(
            "SELECT report_frequency, report_frequency_since FROM tasks WHERE id = $1 AND removed_in IS NULL",
        )
            .bind(task_id)
            .fetch_optional(&mut **conn)
            .await?
            .ok_or(super::StoreError::NotFound { entity: "task", id: task_id })?;
        super::assignments::rhythm_at(&row, 0)
    })
}

/// Sets a task's report rhythm (`own: None`: the office's), in force from
/// `since` (none: from the start).
pub async fn set_rhythm(tx: &mut Tx, task_id: i64, rhythm: Rhythm) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE tasks SET report_frequency = $1, report_frequency_since = $2 WHERE id = $3")
            .bind(rhythm.own.map(Frequency::as_str))
            .bind(rhythm.since.map(|day| day.to_string()))
            .bind(task_id)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}
