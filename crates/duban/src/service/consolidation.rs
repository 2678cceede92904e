//! Co-units report to the lead unit, which consolidates (汇总): the lead
//! unit reads its co-units' reports on the task, and its own report of a
//! period names the co-units' reports of that period it draws on. The office
//! reads the same view; another unit does not.

use std::collections::{BTreeMap, HashMap};

use super::{ServiceError, ServiceResult};
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::{self, AssignmentRow};
use crate::store::reports::{self, ReportRow};
use crate::store::{Db, Tx};

/// One period of a task as the lead unit consolidates it.
#[derive(Debug, Clone)]
pub struct PeriodLine {
    pub period: String,
    /// The lead unit's report, and the co-unit reports it consolidates.
    pub lead: Option<(ReportRow, Vec<i64>)>,
    /// Each co-unit with its report of the period, if it sent one.
    pub co: Vec<(AssignmentRow, Option<ReportRow>)>,
}

/// The lead assignment and its task's periods, newest first.
#[derive(Debug, Clone)]
pub struct Consolidation {
    pub lead: AssignmentRow,
    pub periods: Vec<PeriodLine>,
}

/// Who reads a lead assignment's co-unit reports: the office, leaders and
/// viewers, and the lead unit's liaison.
fn may_read(actor: &Actor, lead: &AssignmentRow) -> ServiceResult<()> {
    if actor.role != Role::Liaison || actor.unit_id == Some(lead.unit_id) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "the co-units' reports are read by the lead unit and the office".into(),
        ))
    }
}

/// The co-units' reports of a lead assignment's task, period by period.
pub async fn of_lead(db: &Db, actor: &Actor, lead_id: i64) -> ServiceResult<Consolidation> {
    let lead = assignments::read(db, lead_id).await?;
    may_read(actor, &lead)?;
    let all = assignments::of_tasks(db, &[lead.task_id]).await?;
    let links = crate::store::cascades::of_task(db, lead.task_id).await?;
    of_lead_among(db, lead, &all, &links).await
}

/// The same for a lead assignment already read with its task's live
/// assignments (the unit's work page has them), by one who may read it.
pub async fn of_lead_among(
    db: &Db,
    lead: AssignmentRow,
    task_assignments: &[AssignmentRow],
    cascades: &[(i64, i64)],
) -> ServiceResult<Consolidation> {
    if lead.role != "lead" {
        return Err(ServiceError::Transition(format!(
            "{} is not the lead unit of this task: its co-units report to the lead",
            lead.unit_name
        )));
    }
    // The co-units named for the task; parts passed down a unit's tree
    // report up that tree instead (service::cascades).
    let co: Vec<AssignmentRow> = task_assignments
        .iter()
        .filter(|a| a.role != "lead" && !cascades.iter().any(|(c, _)| *c == a.id))
        .cloned()
        .collect();
    let ids: Vec<i64> = std::iter::once(lead.id)
        .chain(co.iter().map(|a| a.id))
        .collect();
    let rows = reports::of_assignments(db, &ids).await?;
    let mut sources: HashMap<i64, Vec<i64>> = HashMap::new();
    for (report, source) in reports::sources_of_task(db, lead.task_id).await? {
        sources.entry(report).or_default().push(source);
    }
    let mut by_period: BTreeMap<String, Vec<ReportRow>> = BTreeMap::new();
    for r in rows {
        by_period.entry(r.period.clone()).or_default().push(r);
    }
    let periods = by_period
        .into_iter()
        .rev()
        .map(|(period, reports)| PeriodLine {
            lead: reports
                .iter()
                .find(|r| r.assignment_id == lead.id)
                .map(|r| (r.clone(), sources.get(&r.id).cloned().unwrap_or_default())),
            co: co
                .iter()
                .map(|a| {
                    let sent = reports.iter().find(|r| r.assignment_id == a.id).cloned();
                    (a.clone(), sent)
                })
                .collect(),
            period,
        })
        .collect();
    Ok(Consolidation { lead, periods })
}

/// Inside the lead's report's transaction: checks that every report named is
/// a co-unit's report of the same task and period, and records the links.
pub async fn record_sources(
    tx: &mut Tx,
    reporting: &AssignmentRow,
    period: &str,
    report_id: i64,
    sources: &[i64],
) -> ServiceResult<()> {
    if sources.is_empty() {
        return Ok(());
    }
    if reporting.role != "lead" {
        return Err(ServiceError::field(
            "consolidates",
            "only the lead unit consolidates its co-units' reports",
        ));
    }
    for &source in sources {
        let origin = reports::origin(tx, source).await?;
        let fits = origin.as_ref().is_some_and(|(p, task, role)| {
            p == period && *task == reporting.task_id && role != "lead"
        });
        if !fits {
            return Err(ServiceError::field(
                "consolidates",
                format!("report {source} is not a co-unit's report of this task for {period}"),
            ));
        }
    }
    reports::add_sources(tx, report_id, sources).await?;
    Ok(())
}
