//! Progress reports: a unit reports each period on its assignment, with the
//! actual figures reached for the task's targets.

use serde_json::json;
use sha2::Digest;

use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::domain::assignment::State;
use crate::domain::period::Period;
use crate::domain::roles::{Actor, Role};
use crate::store::audit::NewEvent;
use crate::store::reports::{self, ReportRow};
use crate::store::{Db, assignments, audit};

/// A report as a unit writes it, checked before anything is stored.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub period: Period,
    pub narrative: String,
    /// (target id, actual figure).
    pub actuals: Vec<(i64, f64)>,
    /// A lead unit's report: the co-units' reports of the same period it
    /// consolidates (汇总).
    pub consolidates: Vec<i64>,
}

impl ReportInput {
    pub fn parse(
        period: &str,
        narrative: &str,
        actuals: &[(i64, f64)],
    ) -> ServiceResult<ReportInput> {
        let period: Period = period.parse().map_err(|message| ServiceError::Field {
            field: "period",
            message,
        })?;
        let narrative = narrative.trim();
        if narrative.is_empty() || narrative.chars().count() > 10_000 {
            return Err(ServiceError::Field {
                field: "narrative",
                message: "say what was done this period (1–10000 characters)".into(),
            });
        }
        for (i, (target, actual)) in actuals.iter().enumerate() {
            if !actual.is_finite() || *actual < 0.0 {
                return Err(ServiceError::Field {
                    field: "actuals",
                    message: format!(
                        "the figure for target {target} must be a number of zero or more"
                    ),
                });
            }
            if actuals[..i].iter().any(|(t, _)| t == target) {
                return Err(ServiceError::Field {
                    field: "actuals",
                    message: format!("target {target} is given twice"),
                });
            }
        }
        Ok(ReportInput {
            period,
            narrative: narrative.to_string(),
            actuals: actuals.to_vec(),
            consolidates: Vec::new(),
        })
    }

    /// The same report, consolidating these co-unit reports.
    pub fn consolidating(mut self, reports: &[i64]) -> ReportInput {
        let mut ids = reports.to_vec();
        ids.sort_unstable();
        ids.dedup();
        self.consolidates = ids;
        self
    }
}

/// Submits the report of one period. A second report for the same period is
/// refused: the first stands on the record.
pub async fn submit(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    input: &ReportInput,
) -> ServiceResult<ReportRow> {
    submit_with_evidence(db, clock, actor, assignment_id, input, &[]).await
}

/// Submits a report with its evidence files in one transaction: every file
/// is checked before anything is written, and a failure stores nothing.
pub async fn submit_with_evidence(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    input: &ReportInput,
    files: &[(&str, &[u8])],
) -> ServiceResult<ReportRow> {
    for (name, content) in files {
        crate::domain::evidence::check(name, content).map_err(|message| ServiceError::Field {
            field: "file",
            message: format!("{name}: {message}"),
        })?;
    }
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    let assignment = assignments::get(&mut tx, assignment_id).await?;
    let own = actor.role == Role::Liaison && actor.unit_id == Some(assignment.unit_id);
    if !(own || actor.role == Role::Admin) {
        return Err(ServiceError::Forbidden(format!(
            "only {}'s liaison reports on this assignment",
            assignment.unit_name
        )));
    }
    let state: State = assignment.state.parse().map_err(ServiceError::Invalid)?;
    match state {
        State::Assigned => {
            return Err(ServiceError::Transition(
                "claim the task before reporting on it".into(),
            ));
        }
        State::Verified => {
            return Err(ServiceError::Transition(
                "the work is verified; reporting is closed".into(),
            ));
        }
        State::Claimed | State::InProgress | State::Done => {}
    }
    let targets = reports::target_ids_of_assignment(&mut tx, assignment_id).await?;
    if let Some((stranger, _)) = input.actuals.iter().find(|(t, _)| !targets.contains(t)) {
        return Err(ServiceError::Field {
            field: "actuals",
            message: format!("target {stranger} is not a target of this task"),
        });
    }
    // A closed window locks its period (unless the office reopened it).
    super::report_periods::check_open(
        &mut tx,
        &lights.thresholds,
        &assignment,
        input.period,
        lights.today,
    )
    .await?;
    let period = input.period.to_string();
    let id = reports::create(
        &mut tx,
        assignment_id,
        &period,
        &input.narrative,
        &actor.name,
        now,
        &input.actuals,
    )
    .await?
    .ok_or_else(|| {
        ServiceError::Transition(format!("the report for {period} is already submitted"))
    })?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "report.submit",
            entity: "progress_report",
            entity_id: Some(id),
            before: None,
            after: Some(json!({
                "assignment_id": assignment_id, "period": period,
                "narrative": input.narrative, "actuals": input.actuals,
                "consolidates": input.consolidates,
            })),
        },
    )
    .await?;
    super::consolidation::record_sources(&mut tx, &assignment, &period, id, &input.consolidates)
        .await?;
    for (name, content) in files {
        store_attachment(&mut tx, now, actor, id, name, content).await?;
    }
    lights.assignments(&mut tx, &[assignment_id]).await?;
    tx.commit().await?;
    let reports = reports::of_assignment(db, assignment_id).await?;
    reports
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ServiceError::NotFound(format!("report {id}")))
}

/// Writes one checked evidence file and its audit event in the caller's transaction.
async fn store_attachment(
    tx: &mut crate::store::Tx,
    now: i64,
    actor: &Actor,
    report_id: i64,
    file_name: &str,
    content: &[u8],
) -> ServiceResult<i64> {
    let kind = crate::domain::evidence::check(file_name, content).map_err(|message| {
        ServiceError::Field {
            field: "file",
            message,
        }
    })?;
    let sha256 = hex::encode(sha2::Sha256::digest(content));
    let new = reports::NewAttachment {
        report_id,
        file_name: file_name.trim(),
        content_type: kind.content_type(),
        sha256: &sha256,
        content,
        uploaded_by: &actor.name,
    };
    let id = reports::add_attachment(tx, &new, now).await?;
    audit::append(
        tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "report.attach",
            entity: "attachment",
            entity_id: Some(id),
            before: None,
            // The hash ties the stored file to the record: an altered file no longer matches.
            after: Some(json!({"report_id": report_id, "file_name": new.file_name, "size": content.len(), "sha256": sha256})),
        },
    )
    .await?;
    Ok(id)
}

/// An assignment's reports; a liaison reads its own unit's only.
pub async fn of_assignment(
    db: &Db,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<Vec<ReportRow>> {
    let assignment = assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "reports")?;
    Ok(reports::of_assignment(db, assignment_id).await?)
}

/// Attaches an evidence file to a report: the unit's liaison (or an admin),
/// a file whose content is what its name says.
pub async fn attach(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    report_id: i64,
    file_name: &str,
    content: &[u8],
) -> ServiceResult<crate::store::reports::AttachmentRow> {
    crate::domain::evidence::check(file_name, content).map_err(|message| ServiceError::Field {
        field: "file",
        message,
    })?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let assignment_id = reports::assignment_of_report(&mut tx, report_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("report {report_id}")))?;
    let assignment = assignments::get(&mut tx, assignment_id).await?;
    let own = actor.role == Role::Liaison && actor.unit_id == Some(assignment.unit_id);
    if !(own || actor.role == Role::Admin) {
        return Err(ServiceError::Forbidden(format!(
            "only {}'s liaison adds evidence to this report",
            assignment.unit_name
        )));
    }
    let id = store_attachment(&mut tx, now, actor, report_id, file_name, content).await?;
    tx.commit().await?;
    let rows = reports::attachments_of(db, report_id).await?;
    rows.into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| ServiceError::NotFound(format!("attachment {id}")))
}

/// A report's evidence files (without their content).
pub async fn attachments(
    db: &Db,
    actor: &Actor,
    report_id: i64,
) -> ServiceResult<Vec<crate::store::reports::AttachmentRow>> {
    let assignment_id = reports::report_assignment(db, report_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("report {report_id}")))?;
    let assignment = assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "evidence")?;
    Ok(reports::attachments_of(db, report_id).await?)
}

/// One evidence file with its content.
pub async fn download(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> ServiceResult<(crate::store::reports::AttachmentRow, Vec<u8>)> {
    let (row, content, assignment_id) = reports::attachment(db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("attachment {id}")))?;
    let assignment = assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "evidence")?;
    Ok((row, content))
}
