//! Completion reports (办结) with their evidence files, and the office's
//! review of them (复核).

use sqlx::Row;

use super::{Db, StoreError, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionRow {
    pub id: i64,
    pub assignment_id: i64,
    pub summary: String,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub deadline: Option<String>,
    /// accepted or rejected; none while waiting.
    pub decision: Option<String>,
    /// on_time or late, once accepted.
    pub outcome: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub reason: Option<String>,
}

const COLUMNS: &str = "id, assignment_id, summary, submitted_by, submitted_at, deadline, decision, \
     outcome, decided_by, decided_at, reason FROM completions";

fn completion<R: Row>(r: &R) -> StoreResult<CompletionRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(CompletionRow {
        id: r.try_get(0)?,
        assignment_id: r.try_get(1)?,
        summary: r.try_get(2)?,
        submitted_by: r.try_get(3)?,
        submitted_at: r.try_get(4)?,
        deadline: r.try_get(5)?,
        decision: r.try_get(6)?,
        outcome: r.try_get(7)?,
        decided_by: r.try_get(8)?,
        decided_at: r.try_get(9)?,
        reason: r.try_get(10)?,
    })
}

pub async fn insert(
    tx: &mut Tx,
    assignment_id: i64,
    summary: &str,
    by: &str,
    at: i64,
    deadline: Option<&str>,
) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO completions (assignment_id, summary, submitted_by, submitted_at, deadline) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(assignment_id)
        .bind(summary)
        .bind(by)
        .bind(at)
        .bind(deadline)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

/// An evidence file as checked, ready to store.
pub struct NewFile<'a> {
    pub completion_id: i64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub uploaded_by: &'a str,
}

pub async fn insert_file(tx: &mut Tx, f: &NewFile<'_>, at: i64) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO completion_files (completion_id, file_name, content_type, size, sha256, content, \
             uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(f.completion_id)
        .bind(f.file_name)
        .bind(f.content_type)
        .bind(f.content.len() as i64)
        .bind(f.sha256)
        .bind(f.content)
        .bind(f.uploaded_by)
        .bind(at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

/// The completion of an assignment waiting for review, if one is.
pub async fn waiting_of(tx: &mut Tx, assignment_id: i64) -> StoreResult<Option<CompletionRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} WHERE assignment_id = $1 AND decision IS NULL ORDER BY id DESC LIMIT 1"
    ));
    Ok(on_tx!(tx, conn => {
        sqlx::query(sql).bind(assignment_id).fetch_optional(&mut **conn).await?.as_ref().map(completion).transpose()?
    }))
}

/// The office's decision on a waiting completion.
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    decision: &str,
    outcome: Option<&str>,
    by: &str,
    at: i64,
    reason: Option<&str>,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE completions SET decision = $1, outcome = $2, decided_by = $3, decided_at = $4, reason = $5 \
             WHERE id = $6 AND decision IS NULL",
        )
        .bind(decision)
        .bind(outcome)
        .bind(by)
        .bind(at)
        .bind(reason)
        .bind(id)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    if changed == 0 {
        return Err(StoreError::Conflict {
            entity: "completion",
            id,
            expected: 0,
        });
    }
    Ok(())
}

/// An evidence file without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub id: i64,
    pub completion_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

/// The completions of the given assignments, oldest first, each with its files.
pub async fn of_assignments(
    db: &Db,
    assignment_ids: &[i64],
) -> StoreResult<Vec<(CompletionRow, Vec<FileRow>)>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} WHERE assignment_id IN ({}) ORDER BY id",
        super::placeholders(assignment_ids.len())
    ));
    let rows = on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(completion)
            .collect::<StoreResult<Vec<_>>>()?
    });
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, completion_id, file_name, content_type, size, sha256 FROM completion_files \
         WHERE completion_id IN ({}) ORDER BY id",
        super::placeholders(ids.len())
    ));
    let files = on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), &ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok(FileRow {
                id: r.try_get(0)?,
                completion_id: r.try_get(1)?,
                file_name: r.try_get(2)?,
                content_type: r.try_get(3)?,
                size: r.try_get(4)?,
                sha256: r.try_get(5)?,
            }))
            .collect::<StoreResult<Vec<_>>>()?
    });
    Ok(rows
        .into_iter()
        .map(|c| {
            let mine = files
                .iter()
                .filter(|f| f.completion_id == c.id)
                .cloned()
                .collect();
            (c, mine)
        })
        .collect())
}

/// One evidence file with its content and the assignment it proves.
pub async fn file(db: &Db, id: i64) -> StoreResult<Option<(FileRow, Vec<u8>, i64)>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT f.id, f.completion_id, f.file_name, f.content_type, f.size, f.sha256, f.content, c.assignment_id \
             FROM completion_files f JOIN completions c ON c.id = f.completion_id WHERE f.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(|r| -> StoreResult<_> {
            Ok((
                FileRow {
                    id: r.try_get(0)?,
                    completion_id: r.try_get(1)?,
                    file_name: r.try_get(2)?,
                    content_type: r.try_get(3)?,
                    size: r.try_get(4)?,
                    sha256: r.try_get(5)?,
                },
                r.try_get::<Vec<u8>, _>(6)?,
                r.try_get::<i64, _>(7)?,
            ))
        })
        .transpose()?
    }))
}

/// Whether the assignment's task is an item whose completion needs evidence.
pub async fn evidence_required(tx: &mut Tx, assignment_id: i64) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "SELECT i.evidence_required FROM items i JOIN assignments a ON a.task_id = i.task_id \
             WHERE a.id = $1",
        )
        .bind(assignment_id)
        .fetch_optional(&mut **conn)
        .await?
        .map(|r| r.try_get::<bool, _>(0))
        .transpose()?
        .unwrap_or(false)
    }))
}
