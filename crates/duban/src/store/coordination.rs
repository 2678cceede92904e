//! Difficulties, situation reports, instructions and comments.

use sqlx::Row;

use super::{Db, StoreError, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DifficultyRow {
    pub id: i64,
    pub assignment_id: i64,
    pub description: String,
    pub routed_to: String,
    pub raised_by: String,
    pub state: String,
    pub answer: Option<String>,
    pub resolved_by: Option<String>,
    pub version: i64,
}

const DIFFICULTY_COLUMNS: &str = "id, assignment_id, description, routed_to, raised_by, state, answer, resolved_by, version FROM difficulties";

fn difficulty<R: Row>(r: &R) -> StoreResult<DifficultyRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(DifficultyRow {
        id: r.try_get(0)?,
        assignment_id: r.try_get(1)?,
        description: r.try_get(2)?,
        routed_to: r.try_get(3)?,
        raised_by: r.try_get(4)?,
        state: r.try_get(5)?,
        answer: r.try_get(6)?,
        resolved_by: r.try_get(7)?,
        version: r.try_get(8)?,
    })
}

pub async fn raise_difficulty(
    tx: &mut Tx,
    assignment_id: i64,
    description: &str,
    routed_to: &str,
    by: &str,
    at: i64,
) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO difficulties (assignment_id, description, routed_to, raised_by, raised_at, state) \
             VALUES ($1, $2, $3, $4, $5, 'open') RETURNING id",
        )
        .bind(assignment_id)
        .bind(description)
        .bind(routed_to)
        .bind(by)
        .bind(at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

pub async fn get_difficulty(tx: &mut Tx, id: i64) -> StoreResult<DifficultyRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {DIFFICULTY_COLUMNS} WHERE id = $1"));
    let found = on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(difficulty).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "difficulty",
        id,
    })
}

pub async fn resolve_difficulty(
    tx: &mut Tx,
    id: i64,
    version: i64,
    answer: &str,
    by: &str,
    at: i64,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE difficulties SET state = 'resolved', answer = $1, resolved_by = $2, resolved_at = $3, \
             version = version + 1 WHERE id = $4 AND version = $5",
        )
        .bind(answer)
        .bind(by)
        .bind(at)
        .bind(id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "difficulty", id, version)?;
    Ok(())
}

pub async fn difficulties_of(db: &Db, assignment_id: i64) -> StoreResult<Vec<DifficultyRow>> {
    difficulties_of_assignments(db, &[assignment_id]).await
}

/// The difficulties raised on several assignments, by assignment, each
/// one's oldest first, in one round trip.
pub async fn difficulties_of_assignments(
    db: &Db,
    assignment_ids: &[i64],
) -> StoreResult<Vec<DifficultyRow>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {DIFFICULTY_COLUMNS} WHERE assignment_id IN ({}) ORDER BY assignment_id, id",
        super::placeholders(assignment_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(difficulty)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SituationRow {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: Option<i64>,
    pub description: String,
    pub reported_by: String,
    pub acknowledged_by: Option<String>,
    pub version: i64,
}

const SITUATION_COLUMNS: &str = "id, task_id, unit_id, description, reported_by, acknowledged_by, version FROM situation_reports";

fn situation<R: Row>(r: &R) -> StoreResult<SituationRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(SituationRow {
        id: r.try_get(0)?,
        task_id: r.try_get(1)?,
        unit_id: r.try_get(2)?,
        description: r.try_get(3)?,
        reported_by: r.try_get(4)?,
        acknowledged_by: r.try_get(5)?,
        version: r.try_get(6)?,
    })
}

pub async fn report_situation(
    tx: &mut Tx,
    task_id: i64,
    unit_id: Option<i64>,
    description: &str,
    by: &str,
    at: i64,
) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO situation_reports (task_id, unit_id, description, reported_by, reported_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(task_id)
        .bind(unit_id)
        .bind(description)
        .bind(by)
        .bind(at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

pub async fn get_situation(tx: &mut Tx, id: i64) -> StoreResult<SituationRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {SITUATION_COLUMNS} WHERE id = $1"));
    let found = on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(situation).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "situation report",
        id,
    })
}

pub async fn acknowledge_situation(
    tx: &mut Tx,
    id: i64,
    version: i64,
    by: &str,
    at: i64,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE situation_reports SET acknowledged_by = $1, acknowledged_at = $2, version = version + 1 \
             WHERE id = $3 AND version = $4",
        )
        .bind(by)
        .bind(at)
        .bind(id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "situation report", id, version)?;
    Ok(())
}

pub async fn situations_of(db: &Db, task_id: i64) -> StoreResult<Vec<SituationRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {SITUATION_COLUMNS} WHERE task_id = $1 ORDER BY id"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(task_id).fetch_all(pool).await?.iter().map(situation).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The units assigned to a task.
pub async fn task_units(tx: &mut Tx, task_id: i64) -> StoreResult<Vec<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT unit_id FROM assignments WHERE task_id = $1")
            .bind(task_id)
            .fetch_all(&mut **conn)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<Vec<_>, _>>()?
    }))
}

pub async fn task_exists(tx: &mut Tx, task_id: i64) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT 1 FROM tasks WHERE id = $1").bind(task_id).fetch_optional(&mut **conn).await?.is_some()
    }))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub id: i64,
    pub task_id: i64,
    pub kind: String,
    pub body: String,
    pub author: String,
    pub written_at: i64,
}

pub async fn write_note(
    tx: &mut Tx,
    task_id: i64,
    kind: &str,
    body: &str,
    author: &str,
    at: i64,
) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("INSERT INTO task_notes (task_id, kind, body, author, written_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(task_id)
            .bind(kind)
            .bind(body)
            .bind(author)
            .bind(at)
            .fetch_one(&mut **conn)
            .await?
            .try_get::<i64, _>(0)?
    }))
}

pub async fn notes_of(db: &Db, task_id: i64) -> StoreResult<Vec<NoteRow>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT id, task_id, kind, body, author, written_at FROM task_notes WHERE task_id = $1 ORDER BY id")
            .bind(task_id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| -> StoreResult<NoteRow> {
                Ok(NoteRow {
                    id: r.try_get(0)?,
                    task_id: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    body: r.try_get(3)?,
                    author: r.try_get(4)?,
                    written_at: r.try_get(5)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?
    }))
}
