//! Supervision bodies, inspections and findings.

use sqlx::Row;

use super::{Db, StoreError, StoreResult, Tx};
use crate::{on_db, on_tx};

/// Adds the body unless it exists; returns its id.
pub async fn ensure_body(tx: &mut Tx, name: &str, at: i64) -> StoreResult<i64> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO supervision_bodies (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(at)
            .execute(&mut **conn)
            .await?;
    });
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT id FROM supervision_bodies WHERE name = $1")
            .bind(name)
            .fetch_one(&mut **conn)
            .await?
            .try_get::<i64, _>(0)?
    }))
}

pub async fn bodies(db: &Db) -> StoreResult<Vec<(i64, String)>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT id, name FROM supervision_bodies ORDER BY id")
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

pub async fn body_id(tx: &mut Tx, name: &str) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT id FROM supervision_bodies WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut **conn)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
    }))
}

/// The body whose inspection raised a finding.
pub async fn finding_body(tx: &mut Tx, finding_id: i64) -> StoreResult<i64> {
    const SQL: &str = "SELECT i.body_id FROM findings f JOIN inspections i ON i.id = f.inspection_id WHERE f.id = $1";
    super::id_of(tx, SQL, finding_id)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "finding",
            id: finding_id,
        })
}

/// The body of an inspection.
pub async fn inspection_body(tx: &mut Tx, inspection_id: i64) -> StoreResult<i64> {
    const SQL: &str = "SELECT body_id FROM inspections WHERE id = $1";
    super::id_of(tx, SQL, inspection_id)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "inspection",
            id: inspection_id,
        })
}

pub async fn body_exists(tx: &mut Tx, id: i64) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT 1 FROM supervision_bodies WHERE id = $1").bind(id).fetch_optional(&mut **conn).await?.is_some()
    }))
}

pub async fn plan_exists(tx: &mut Tx, id: i64) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT 1 FROM plans WHERE id = $1").bind(id).fetch_optional(&mut **conn).await?.is_some()
    }))
}

#[derive(Debug, Clone)]
pub struct NewInspection<'a> {
    pub body_id: i64,
    pub plan_id: i64,
    pub title: &'a str,
    pub inspected_on: &'a str,
    pub created_by: &'a str,
}

pub async fn create_inspection(
    tx: &mut Tx,
    inspection: &NewInspection<'_>,
    at: i64,
) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO inspections (body_id, plan_id, title, inspected_on, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(inspection.body_id)
        .bind(inspection.plan_id)
        .bind(inspection.title)
        .bind(inspection.inspected_on)
        .bind(inspection.created_by)
        .bind(at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

/// The plan an inspection looks at, if the inspection exists.
pub async fn inspection_plan(tx: &mut Tx, id: i64) -> StoreResult<i64> {
    const SQL: &str = "SELECT plan_id FROM inspections WHERE id = $1";
    super::id_of(tx, SQL, id)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "inspection",
            id,
        })
}

/// The plan an assignment belongs to.
pub async fn assignment_plan(tx: &mut Tx, assignment_id: i64) -> StoreResult<i64> {
    const SQL: &str =
        "SELECT t.plan_id FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE a.id = $1";
    super::id_of(tx, SQL, assignment_id)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "assignment",
            id: assignment_id,
        })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub id: i64,
    pub inspection_id: i64,
    pub assignment_id: i64,
    /// The unit the finding is addressed to.
    pub unit_id: i64,
    pub action: String,
    pub description: String,
    pub deadline: Option<String>,
    pub state: String,
    pub response: Option<String>,
    pub verified_by: Option<String>,
    pub version: i64,
}

const FINDING_COLUMNS: &str = "f.id, f.inspection_id, f.assignment_id, a.unit_id, f.action, f.description, f.deadline, \
    f.state, f.response, f.verified_by, f.version FROM findings f JOIN assignments a ON a.id = f.assignment_id";

fn finding<R: Row>(r: &R) -> StoreResult<FindingRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(FindingRow {
        id: r.try_get(0)?,
        inspection_id: r.try_get(1)?,
        assignment_id: r.try_get(2)?,
        unit_id: r.try_get(3)?,
        action: r.try_get(4)?,
        description: r.try_get(5)?,
        deadline: r.try_get(6)?,
        state: r.try_get(7)?,
        response: r.try_get(8)?,
        verified_by: r.try_get(9)?,
        version: r.try_get(10)?,
    })
}

#[derive(Debug, Clone)]
pub struct NewFinding<'a> {
    pub inspection_id: i64,
    pub assignment_id: i64,
    pub action: &'a str,
    pub description: &'a str,
    pub deadline: Option<&'a str>,
}

pub async fn create_finding(tx: &mut Tx, new: &NewFinding<'_>, at: i64) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO findings (inspection_id, assignment_id, action, description, deadline, state, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id",
        )
        .bind(new.inspection_id)
        .bind(new.assignment_id)
        .bind(new.action)
        .bind(new.description)
        .bind(new.deadline)
        .bind(at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

pub async fn get_finding(tx: &mut Tx, id: i64) -> StoreResult<FindingRow> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {FINDING_COLUMNS} WHERE f.id = $1"));
    let found = on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(finding).transpose()?
    });
    found.ok_or(StoreError::NotFound {
        entity: "finding",
        id,
    })
}

/// Moves a finding to `state` if it is still at `version`, with the fields
/// that move sets.
pub async fn set_finding_state(
    tx: &mut Tx,
    id: i64,
    version: i64,
    state: &str,
    response: Option<&str>,
    verified_by: Option<&str>,
    at: i64,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE findings SET state = $1, response = COALESCE($2, response), \
             responded_at = CASE WHEN CAST($2 AS TEXT) IS NULL THEN responded_at ELSE $3 END, \
             verified_by = $4, verified_at = CASE WHEN CAST($4 AS TEXT) IS NULL THEN NULL ELSE $3 END, \
             version = version + 1 WHERE id = $5 AND version = $6",
        )
        .bind(state)
        .bind(response)
        .bind(at)
        .bind(verified_by)
        .bind(id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "finding", id, version)?;
    Ok(())
}

pub async fn findings_of_assignment(db: &Db, assignment_id: i64) -> StoreResult<Vec<FindingRow>> {
    findings_of_assignments(db, &[assignment_id]).await
}

/// The findings on several assignments, by assignment, each one's oldest
/// first, in one round trip.
pub async fn findings_of_assignments(
    db: &Db,
    assignment_ids: &[i64],
) -> StoreResult<Vec<FindingRow>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {FINDING_COLUMNS} WHERE f.assignment_id IN ({}) ORDER BY f.assignment_id, f.id",
        super::placeholders(assignment_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(finding)
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A unit's findings not yet closed, across its assignments, oldest first.
pub async fn open_findings_of_unit(db: &Db, unit_id: i64) -> StoreResult<Vec<FindingRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {FINDING_COLUMNS} WHERE a.unit_id = $1 AND f.state <> 'closed' ORDER BY f.id"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(unit_id).fetch_all(pool).await?.iter().map(finding).collect::<StoreResult<Vec<_>>>()?
    }))
}
