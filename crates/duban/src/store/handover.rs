//! How an assignment changes hands and dates: 签收 (signing for it), 退回
//! (handing it back, with the office's decision), and 延期 (extensions).

use sqlx::Row;

use super::{Db, StoreError, StoreResult, Tx};
use crate::{on_db, on_tx};

/// Gives an assignment its signing time limit (签收时限).
pub async fn set_sign_by(
    tx: &mut Tx,
    assignment_id: i64,
    sign_by: Option<&str>,
) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE assignments SET sign_by = $1 WHERE id = $2")
            .bind(sign_by)
            .bind(assignment_id)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

/// Stamps the moment a unit signed (its claim).
pub async fn mark_claimed(tx: &mut Tx, assignment_id: i64, at: i64) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE assignments SET claimed_at = $1 WHERE id = $2")
            .bind(at)
            .bind(assignment_id)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

/// Marks an assignment (still at `version`) as handed back, or clears the
/// mark with `None`.
pub async fn set_returned(
    tx: &mut Tx,
    assignment_id: i64,
    version: i64,
    returned_at: Option<i64>,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query("UPDATE assignments SET returned_at = $1, version = version + 1 WHERE id = $2 AND version = $3")
            .bind(returned_at)
            .bind(assignment_id)
            .bind(version)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    });
    super::check_version(changed, "assignment", assignment_id, version)
}

/// Moves a returned assignment to another unit: assigned afresh, to be
/// signed by `sign_by`. `None` when that unit already holds the task.
pub async fn move_to_unit(
    tx: &mut Tx,
    assignment_id: i64,
    version: i64,
    unit_id: i64,
    at: i64,
    sign_by: Option<&str>,
) -> StoreResult<bool> {
    let taken = on_tx!(tx, conn => {
        sqlx::query(
            "SELECT 1 FROM assignments b JOIN assignments a ON a.task_id = b.task_id \
             WHERE a.id = $1 AND b.unit_id = $2",
        )
        .bind(assignment_id)
        .bind(unit_id)
        .fetch_optional(&mut **conn)
        .await?
        .is_some()
    });
    if taken {
        return Ok(false);
    }
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE assignments SET unit_id = $1, assigned_at = $2, sign_by = $3, returned_at = NULL, \
             via_group_id = NULL, version = version + 1 WHERE id = $4 AND version = $5",
        )
        .bind(unit_id)
        .bind(at)
        .bind(sign_by)
        .bind(assignment_id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "assignment", assignment_id, version)?;
    Ok(true)
}

/// Sets the unit's deadline after a granted extension.
pub async fn set_extended_to(tx: &mut Tx, assignment_id: i64, date: &str) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE assignments SET extended_to = $1, version = version + 1 WHERE id = $2")
            .bind(date)
            .bind(assignment_id)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

/// A unit's return of an assignment and what the office decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnRow {
    pub id: i64,
    pub assignment_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub reason_kind: String,
    pub reason: String,
    pub suggested_unit: Option<String>,
    pub returned_by: String,
    pub returned_at: i64,
    pub decision: Option<String>,
    pub to_unit_name: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    pub version: i64,
}

const RETURN_COLUMNS: &str = "r.id, r.assignment_id, r.unit_id, u.name, r.reason_kind, r.reason, \
     r.suggested_unit, r.returned_by, r.returned_at, r.decision, v.name, r.decided_by, r.decided_at, \
     r.decision_note, r.version FROM assignment_returns r JOIN units u ON u.id = r.unit_id \
     LEFT JOIN units v ON v.id = r.to_unit_id";

fn return_row<R: Row>(r: &R) -> StoreResult<ReturnRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(ReturnRow {
        id: r.try_get(0)?,
        assignment_id: r.try_get(1)?,
        unit_id: r.try_get(2)?,
        unit_name: r.try_get(3)?,
        reason_kind: r.try_get(4)?,
        reason: r.try_get(5)?,
        suggested_unit: r.try_get(6)?,
        returned_by: r.try_get(7)?,
        returned_at: r.try_get(8)?,
        decision: r.try_get(9)?,
        to_unit_name: r.try_get(10)?,
        decided_by: r.try_get(11)?,
        decided_at: r.try_get(12)?,
        decision_note: r.try_get(13)?,
        version: r.try_get(14)?,
    })
}

pub struct NewReturn<'a> {
    pub assignment_id: i64,
    pub unit_id: i64,
    pub reason_kind: &'a str,
    pub reason: &'a str,
    pub suggested_unit: Option<&'a str>,
    pub returned_by: &'a str,
    pub returned_at: i64,
}

pub async fn insert_return(tx: &mut Tx, r: &NewReturn<'_>) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO assignment_returns (assignment_id, unit_id, reason_kind, reason, suggested_unit, \
             returned_by, returned_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(r.assignment_id)
        .bind(r.unit_id)
        .bind(r.reason_kind)
        .bind(r.reason)
        .bind(r.suggested_unit)
        .bind(r.returned_by)
        .bind(r.returned_at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

pub async fn get_return(tx: &mut Tx, id: i64) -> StoreResult<ReturnRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {RETURN_COLUMNS} WHERE r.id = $1"));
    let found = on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(return_row).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "return",
        id,
    })
}

/// The office's decision on a return.
pub struct ReturnDecided<'a> {
    /// "reassigned" or "kept".
    pub decision: &'a str,
    pub to_unit_id: Option<i64>,
    pub by: &'a str,
    pub at: i64,
    pub note: Option<&'a str>,
}

/// Records the office's decision on a return still at `version`.
pub async fn decide_return(
    tx: &mut Tx,
    id: i64,
    version: i64,
    d: &ReturnDecided<'_>,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE assignment_returns SET decision = $1, to_unit_id = $2, decided_by = $3, decided_at = $4, \
             decision_note = $5, version = version + 1 WHERE id = $6 AND version = $7 AND decision IS NULL",
        )
        .bind(d.decision)
        .bind(d.to_unit_id)
        .bind(d.by)
        .bind(d.at)
        .bind(d.note)
        .bind(id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "return", id, version)
}

/// The returns of the given assignments, oldest first.
pub async fn returns_of(db: &Db, assignment_ids: &[i64]) -> StoreResult<Vec<ReturnRow>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {RETURN_COLUMNS} WHERE r.assignment_id IN ({}) ORDER BY r.id",
        super::placeholders(assignment_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(return_row)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// Returns waiting for the office's decision, oldest first.
pub async fn undecided_returns(db: &Db) -> StoreResult<Vec<ReturnRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {RETURN_COLUMNS} WHERE r.decision IS NULL ORDER BY r.id"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).fetch_all(pool).await?.iter().map(return_row).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A unit's request for more time, and its decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRow {
    pub id: i64,
    pub assignment_id: i64,
    pub unit_name: String,
    pub task_id: i64,
    pub deadline_before: String,
    pub requested_to: String,
    pub reason: String,
    pub late: bool,
    pub requested_by: String,
    pub requested_at: i64,
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    pub version: i64,
}

const EXTENSION_COLUMNS: &str = "e.id, e.assignment_id, u.name, a.task_id, e.deadline_before, e.requested_to, \
     e.reason, e.late, e.requested_by, e.requested_at, e.state, e.decided_by, e.decided_at, \
     e.decision_note, e.version FROM extensions e JOIN assignments a ON a.id = e.assignment_id \
     JOIN units u ON u.id = a.unit_id";

fn extension<R: Row>(r: &R) -> StoreResult<ExtensionRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(ExtensionRow {
        id: r.try_get(0)?,
        assignment_id: r.try_get(1)?,
        unit_name: r.try_get(2)?,
        task_id: r.try_get(3)?,
        deadline_before: r.try_get(4)?,
        requested_to: r.try_get(5)?,
        reason: r.try_get(6)?,
        late: r.try_get(7)?,
        requested_by: r.try_get(8)?,
        requested_at: r.try_get(9)?,
        state: r.try_get(10)?,
        decided_by: r.try_get(11)?,
        decided_at: r.try_get(12)?,
        decision_note: r.try_get(13)?,
        version: r.try_get(14)?,
    })
}

pub struct NewExtension<'a> {
    pub assignment_id: i64,
    pub deadline_before: &'a str,
    pub requested_to: &'a str,
    pub reason: &'a str,
    pub late: bool,
    pub requested_by: &'a str,
    pub requested_at: i64,
}

pub async fn insert_extension(tx: &mut Tx, e: &NewExtension<'_>) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO extensions (assignment_id, deadline_before, requested_to, reason, late, \
             requested_by, requested_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending') RETURNING id",
        )
        .bind(e.assignment_id)
        .bind(e.deadline_before)
        .bind(e.requested_to)
        .bind(e.reason)
        .bind(e.late)
        .bind(e.requested_by)
        .bind(e.requested_at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

pub async fn get_extension(tx: &mut Tx, id: i64) -> StoreResult<ExtensionRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {EXTENSION_COLUMNS} WHERE e.id = $1"));
    let found = on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(extension).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "extension",
        id,
    })
}

/// Whether an assignment has a request still waiting.
pub async fn pending_extension_of(tx: &mut Tx, assignment_id: i64) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT 1 FROM extensions WHERE assignment_id = $1 AND state = 'pending'")
            .bind(assignment_id)
            .fetch_optional(&mut **conn)
            .await?
            .is_some()
    }))
}

/// Records a decision on a pending request still at `version`.
pub async fn decide_extension(
    tx: &mut Tx,
    id: i64,
    version: i64,
    state: &str,
    by: &str,
    at: i64,
    note: Option<&str>,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE extensions SET state = $1, decided_by = $2, decided_at = $3, decision_note = $4, \
             version = version + 1 WHERE id = $5 AND version = $6 AND state = 'pending'",
        )
        .bind(state)
        .bind(by)
        .bind(at)
        .bind(note)
        .bind(id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "extension", id, version)
}

/// The requests of the given assignments, oldest first.
pub async fn extensions_of(db: &Db, assignment_ids: &[i64]) -> StoreResult<Vec<ExtensionRow>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {EXTENSION_COLUMNS} WHERE e.assignment_id IN ({}) ORDER BY e.id",
        super::placeholders(assignment_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(extension)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// Requests waiting for a decision, oldest first.
pub async fn pending_extensions(db: &Db) -> StoreResult<Vec<ExtensionRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {EXTENSION_COLUMNS} WHERE e.state = 'pending' ORDER BY e.id"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).fetch_all(pool).await?.iter().map(extension).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// What an assignment's deadline is made of: the task's own deadline and its
/// plan's year (whose end is the deadline of a task that names none).
pub async fn deadline_parts(
    tx: &mut Tx,
    assignment_id: i64,
) -> StoreResult<(Option<String>, Option<i64>)> {
    let found = on_tx!(tx, conn => {
        sqlx::query(
            "SELECT t.deadline_date, p.year FROM assignments a JOIN tasks t ON t.id = a.task_id \
             JOIN plans p ON p.id = t.plan_id WHERE a.id = $1",
        )
        .bind(assignment_id)
        .fetch_optional(&mut **conn)
        .await?
        .map(|r| Ok::<_, StoreError>((r.try_get::<Option<String>, _>(0)?, r.try_get::<Option<i64>, _>(1)?)))
        .transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "assignment",
        id: assignment_id,
    })
}
