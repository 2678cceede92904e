//! Progress reports and the actual figures they give for targets.

use std::collections::HashMap;

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub id: i64,
    pub assignment_id: i64,
    pub period: String,
    pub narrative: String,
    pub submitted_at: i64,
    pub submitted_by: String,
    pub version: i64,
    /// (target id, actual).
    pub actuals: Vec<(i64, f64)>,
}

/// Adds a report; `None` when the assignment already has one for the period.
pub async fn create(
    tx: &mut Tx,
    assignment_id: i64,
    period: &str,
    narrative: &str,
    by: &str,
    at: i64,
    actuals: &[(i64, f64)],
) -> StoreResult<Option<i64>> {
    let id = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO progress_reports (assignment_id, period, narrative, submitted_at, submitted_by) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (assignment_id, period) DO NOTHING RETURNING id",
        )
        .bind(assignment_id)
        .bind(period)
        .bind(narrative)
        .bind(at)
        .bind(by)
        .fetch_optional(&mut **conn)
        .await?
        .map(|row| row.try_get::<i64, _>(0))
        .transpose()?
    });
    let Some(id) = id else { return Ok(None) };
    if actuals.is_empty() {
        return Ok(Some(id));
    }
    // Every figure in one statement: ($1, $2, $3), ($4, $5, $6), …
    let rows = (0..actuals.len())
        .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO report_actuals (report_id, target_id, actual) VALUES {rows}"
    ));
    on_tx!(tx, conn => {
        let mut query = sqlx::query(sql);
        for (target_id, actual) in actuals {
            query = query.bind(id).bind(*target_id).bind(*actual);
        }
        query.execute(&mut **conn).await?;
    });
    Ok(Some(id))
}

/// The ids of the targets of the task an assignment belongs to.
pub async fn target_ids_of_assignment(tx: &mut Tx, assignment_id: i64) -> StoreResult<Vec<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "SELECT g.id FROM targets g JOIN assignments a ON a.task_id = g.task_id WHERE a.id = $1 ORDER BY g.position",
        )
        .bind(assignment_id)
        .fetch_all(&mut **conn)
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>(0))
        .collect::<Result<Vec<_>, _>>()?
    }))
}

/// Where a report stands: (its period, its assignment's task, its
/// assignment's role), if it exists.
pub async fn origin(tx: &mut Tx, report_id: i64) -> StoreResult<Option<(String, i64, String)>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "SELECT r.period, a.task_id, a.role FROM progress_reports r \
             JOIN assignments a ON a.id = r.assignment_id WHERE r.id = $1",
        )
        .bind(report_id)
        .fetch_optional(&mut **conn)
        .await?
        .map(|r| Ok::<_, super::StoreError>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .transpose()?
    }))
}

/// Records that a lead unit's report consolidates (汇总) these reports.
pub async fn add_sources(tx: &mut Tx, report_id: i64, sources: &[i64]) -> StoreResult<()> {
    for source in sources {
        on_tx!(tx, conn => {
            sqlx::query("INSERT INTO report_sources (report_id, source_report_id) VALUES ($1, $2)")
                .bind(report_id)
                .bind(source)
                .execute(&mut **conn)
                .await?;
        });
    }
    Ok(())
}

/// Every (report, source report) link among the reports of a task.
pub async fn sources_of_task(db: &Db, task_id: i64) -> StoreResult<Vec<(i64, i64)>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT s.report_id, s.source_report_id FROM report_sources s \
             JOIN progress_reports r ON r.id = s.report_id JOIN assignments a ON a.id = r.assignment_id \
             WHERE a.task_id = $1 ORDER BY s.report_id, s.source_report_id",
        )
        .bind(task_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The assignment has a report for `period`.
pub async fn period_reported(tx: &mut Tx, assignment_id: i64, period: &str) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM progress_reports WHERE assignment_id = $1 AND period = $2",
        )
        .bind(assignment_id)
        .bind(period)
        .fetch_one(&mut **conn)
        .await? > 0
    }))
}

/// An assignment's reports, newest period first.
pub async fn of_assignment(db: &Db, assignment_id: i64) -> StoreResult<Vec<ReportRow>> {
    of_assignments(db, &[assignment_id]).await
}

/// The reports of several assignments, by assignment, each one's newest
/// period first, in two round trips whatever their number.
pub async fn of_assignments(db: &Db, assignment_ids: &[i64]) -> StoreResult<Vec<ReportRow>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = super::placeholders(assignment_ids.len());
    let reports_sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, assignment_id, period, narrative, submitted_at, submitted_by, version \
         FROM progress_reports WHERE assignment_id IN ({list}) ORDER BY assignment_id, period DESC"
    ));
    let actuals_sql = sqlx::AssertSqlSafe(format!(
        "SELECT x.report_id, x.target_id, x.actual FROM report_actuals x \
         JOIN progress_reports p ON p.id = x.report_id WHERE p.assignment_id IN ({list}) ORDER BY x.target_id"
    ));
    let (mut reports, actuals) = on_db!(db, pool => {
        let reports = super::bind_all(sqlx::query(reports_sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| -> StoreResult<ReportRow> {
                Ok(ReportRow {
                    id: r.try_get(0)?,
                    assignment_id: r.try_get(1)?,
                    period: r.try_get(2)?,
                    narrative: r.try_get(3)?,
                    submitted_at: r.try_get(4)?,
                    submitted_by: r.try_get(5)?,
                    version: r.try_get(6)?,
                    actuals: Vec::new(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let actuals = super::bind_all(sqlx::query(actuals_sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)?, r.try_get::<f64, _>(2)?)))
            .collect::<StoreResult<Vec<_>>>()?;
        (reports, actuals)
    });
    let at: HashMap<i64, usize> = reports.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    for (report_id, target_id, actual) in actuals {
        if let Some(&i) = at.get(&report_id) {
            reports[i].actuals.push((target_id, actual));
        }
    }
    Ok(reports)
}

/// The assignment a report belongs to.
pub async fn assignment_of_report(tx: &mut Tx, report_id: i64) -> StoreResult<Option<i64>> {
    super::id_of(
        tx,
        "SELECT assignment_id FROM progress_reports WHERE id = $1",
        report_id,
    )
    .await
}

/// The assignment a report belongs to, outside a transaction.
pub async fn report_assignment(db: &Db, report_id: i64) -> StoreResult<Option<i64>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT assignment_id FROM progress_reports WHERE id = $1")
            .bind(report_id)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
    }))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    pub id: i64,
    pub report_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub report_id: i64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub uploaded_by: &'a str,
}

pub async fn add_attachment(tx: &mut Tx, new: &NewAttachment<'_>, at: i64) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO attachments (report_id, file_name, content_type, size, sha256, content, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(new.report_id)
        .bind(new.file_name)
        .bind(new.content_type)
        .bind(new.content.len() as i64)
        .bind(new.sha256)
        .bind(new.content)
        .bind(new.uploaded_by)
        .bind(at)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}

/// A report's evidence files, oldest first.
pub async fn attachments_of(db: &Db, report_id: i64) -> StoreResult<Vec<AttachmentRow>> {
    attachments_of_reports(db, &[report_id]).await
}

/// The evidence files of several reports, by report, each one's oldest
/// first, in one round trip.
pub async fn attachments_of_reports(
    db: &Db,
    report_ids: &[i64],
) -> StoreResult<Vec<AttachmentRow>> {
    if report_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, report_id, file_name, content_type, size, sha256 FROM attachments \
         WHERE report_id IN ({}) ORDER BY report_id, id",
        super::placeholders(report_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), report_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| -> StoreResult<AttachmentRow> {
                Ok(AttachmentRow {
                    id: r.try_get(0)?,
                    report_id: r.try_get(1)?,
                    file_name: r.try_get(2)?,
                    content_type: r.try_get(3)?,
                    size: r.try_get(4)?,
                    sha256: r.try_get(5)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// An attachment with its content, and the assignment it proves.
pub async fn attachment(db: &Db, id: i64) -> StoreResult<Option<(AttachmentRow, Vec<u8>, i64)>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT x.id, x.report_id, x.file_name, x.content_type, x.size, x.sha256, x.content, p.assignment_id \
             FROM attachments x JOIN progress_reports p ON p.id = x.report_id WHERE x.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(|r| -> StoreResult<(AttachmentRow, Vec<u8>, i64)> {
            Ok((
                AttachmentRow {
                    id: r.try_get(0)?,
                    report_id: r.try_get(1)?,
                    file_name: r.try_get(2)?,
                    content_type: r.try_get(3)?,
                    size: r.try_get(4)?,
                    sha256: r.try_get(5)?,
                },
                r.try_get(6)?,
                r.try_get(7)?,
            ))
        })
        .transpose()?
    }))
}

/// The latest report of each of several assignments: (assignment, period,
/// narrative, submitted at), in one round trip.
pub async fn latest_of_many(
    db: &Db,
    assignment_ids: &[i64],
) -> StoreResult<Vec<(i64, String, String, i64)>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT p.assignment_id, p.period, p.narrative, p.submitted_at FROM progress_reports p \
         WHERE p.assignment_id IN ({}) AND p.period = (SELECT MAX(q.period) FROM progress_reports q \
         WHERE q.assignment_id = p.assignment_id)",
        super::placeholders(assignment_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The periods reported on several assignments: (assignment, period).
pub async fn periods_of_many(db: &Db, assignment_ids: &[i64]) -> StoreResult<Vec<(i64, String)>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT assignment_id, period FROM progress_reports WHERE assignment_id IN ({}) ORDER BY assignment_id, period",
        super::placeholders(assignment_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), assignment_ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<StoreResult<Vec<_>>>()?
    }))
}
