//! A task's whole record as its page shows it: the task, each unit's
//! assignment with what that reader may see of it, situation reports,
//! instructions and comments, and the history from the audit chain.

use super::plans::TaskWithUnits;
use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::domain::light::{Thresholds, china_date};
use crate::domain::period::Period;
use crate::domain::report_window;
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::MeasureRow;
use crate::store::audit::HistoryRow;
use crate::store::coordination::{DifficultyRow, NoteRow, SituationRow};
use crate::store::evaluations::EvaluationRow;
use crate::store::plans::PlanSummary;
use crate::store::reports::{AttachmentRow, ReportRow};
use crate::store::supervision::FindingRow;
use crate::store::{
    Db, assignments, audit, coordination, evaluations, reports, supervision, users,
};

use std::collections::HashMap;

/// How much history a task page shows.
pub const HISTORY_LIMIT: i64 = 200;

pub struct TaskRecord {
    pub plan: PlanSummary,
    pub task: TaskWithUnits,
    /// One per assignment, in the task's order; `None` where the reader may
    /// not see that unit's records (a liaison sees its own unit's only).
    pub details: Vec<Option<UnitDetail>>,
    pub situations: Vec<SituationRow>,
    pub notes: Vec<NoteRow>,
    pub history: Vec<HistoryRow>,
    /// Display names of the people named in the record, by actor ("user:NAME").
    pub names: HashMap<String, String>,
}

/// One unit's records on the task.
pub struct UnitDetail {
    pub measures: Vec<MeasureRow>,
    /// Newest period first, each with its evidence files.
    pub reports: Vec<(ReportRow, Vec<AttachmentRow>)>,
    pub findings: Vec<FindingRow>,
    pub difficulties: Vec<DifficultyRow>,
    pub evaluations: Vec<EvaluationRow>,
}

/// One unit's assignment with its task and records, for the unit's work
/// page. A liaison opens only its own unit's (403 otherwise).
pub struct AssignmentRecord {
    pub plan: PlanSummary,
    pub task: TaskWithUnits,
    /// Where the assignment sits in `task.assignments` (and its light in `task.lights`).
    pub index: usize,
    pub detail: UnitDetail,
    /// The periods a report can be given for so far, oldest first.
    pub periods: Vec<PeriodChoice>,
    /// Display names of the people named in the record, by actor.
    pub names: HashMap<String, String>,
}

/// A report period as the report form offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodChoice {
    pub period: String,
    pub reported: bool,
    /// Its window is open or it was missed: the report is owed now.
    pub owed: bool,
    pub missed: bool,
    /// Missed and not reopened by the office: no report is taken for it.
    pub locked: bool,
}

/// The periods of the plan year that have begun by `today`, each marked
/// reported, owed (window open) or missed, by the rule the light reads, on
/// the assignment's rhythm (`thresholds` already hold it).
fn period_choices(
    thresholds: &Thresholds,
    year: Option<i64>,
    assigned_at: i64,
    reported: &[String],
    reopened: &[String],
    today: jiff::civil::Date,
) -> Vec<PeriodChoice> {
    let Some(year) = year.and_then(|y| i16::try_from(y).ok()) else {
        return Vec::new();
    };
    let assigned_on = china_date(assigned_at).unwrap_or(today);
    let done: Vec<Period> = reported.iter().filter_map(|p| p.parse().ok()).collect();
    let owed = report_window::owed(year, assigned_on, &done, today, thresholds);
    report_window::periods(year, thresholds)
        .into_iter()
        .filter(|(period, _)| {
            // Begun: the period's first day is on or before today.
            period.bounds().is_some_and(|(first, _)| first <= today)
        })
        .map(|(period, _)| {
            let owed_now = owed.iter().find(|o| o.period == period);
            let missed = owed_now.is_some_and(|o| o.missed);
            let text = period.to_string();
            PeriodChoice {
                reported: report_window::is_reported(period, &done),
                owed: owed_now.is_some(),
                missed,
                locked: missed && !reopened.contains(&text),
                period: text,
            }
        })
        .collect()
}

pub async fn assignment_record(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<AssignmentRecord> {
    let assignment = assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "assignments")?;
    let (thresholds, _) = super::settings::thresholds(db).await?;
    let (plan, task) = super::plans::task(db, actor, assignment.task_id).await?;
    let index = task
        .assignments
        .iter()
        .position(|a| a.id == assignment_id)
        .ok_or_else(|| ServiceError::NotFound(format!("assignment {assignment_id}")))?;
    let detail = unit_details(db, &[assignment_id])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::NotFound(format!("assignment {assignment_id}")))?;
    let reported: Vec<String> = detail
        .reports
        .iter()
        .map(|(r, _)| r.period.clone())
        .collect();
    let today = china_date(clock.now_millis())
        .ok_or_else(|| ServiceError::Invalid("the clock is out of range".into()))?;
    // Periods the office reopened for this unit that still take a report.
    let reopened: Vec<String> = crate::store::report_periods::of_assignment(db, assignment_id)
        .await?
        .into_iter()
        .filter(|r| r.until_day.as_str() >= today.to_string().as_str())
        .map(|r| r.period)
        .collect();
    let reporters = detail
        .reports
        .iter()
        .filter_map(|(r, _)| r.submitted_by.strip_prefix("user:"))
        .map(str::to_string)
        .collect();
    Ok(AssignmentRecord {
        names: display_names(db, reporters).await?,
        periods: period_choices(
            &thresholds.with_rhythm(assignment.rhythm),
            plan.year,
            assignment.assigned_at,
            &reported,
            &reopened,
            today,
        ),
        plan,
        task,
        index,
        detail,
    })
}

/// Display names for the actors named in a record ("user:NAME" → 张三).
/// Display names by actor ("user:NAME") of the given usernames.
pub async fn display_names(
    db: &Db,
    mut usernames: Vec<String>,
) -> ServiceResult<HashMap<String, String>> {
    usernames.sort();
    usernames.dedup();
    Ok(users::display_names(db, &usernames)
        .await?
        .into_iter()
        .map(|(username, name)| (format!("user:{username}"), name))
        .collect())
}

/// The records of each of the given assignments, in their order: one query
/// per kind of record, however many units and reports there are.
async fn unit_details(db: &Db, assignment_ids: &[i64]) -> ServiceResult<Vec<UnitDetail>> {
    let reports = reports::of_assignments(db, assignment_ids).await?;
    let report_ids: Vec<i64> = reports.iter().map(|r| r.id).collect();
    let mut files = by_key(
        reports::attachments_of_reports(db, &report_ids).await?,
        |f| f.report_id,
    );
    let mut reports = by_key(reports, |r| r.assignment_id);
    let mut measures = by_key(
        assignments::measures_in_order(db, assignment_ids).await?,
        |m| m.assignment_id,
    );
    let mut findings = by_key(
        supervision::findings_of_assignments(db, assignment_ids).await?,
        |f| f.assignment_id,
    );
    let mut difficulties = by_key(
        coordination::difficulties_of_assignments(db, assignment_ids).await?,
        |d| d.assignment_id,
    );
    let mut evaluations = by_key(
        evaluations::of_assignments(db, assignment_ids).await?,
        |e| e.assignment_id,
    );
    Ok(assignment_ids
        .iter()
        .map(|id| UnitDetail {
            measures: measures.remove(id).unwrap_or_default(),
            reports: reports
                .remove(id)
                .unwrap_or_default()
                .into_iter()
                .map(|report| {
                    let own = files.remove(&report.id).unwrap_or_default();
                    (report, own)
                })
                .collect(),
            findings: findings.remove(id).unwrap_or_default(),
            difficulties: difficulties.remove(id).unwrap_or_default(),
            evaluations: evaluations.remove(id).unwrap_or_default(),
        })
        .collect())
}

/// Rows grouped by `key`, each group in the rows' order.
fn by_key<T>(rows: Vec<T>, key: impl Fn(&T) -> i64) -> HashMap<i64, Vec<T>> {
    let mut groups: HashMap<i64, Vec<T>> = HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups
}

pub async fn record(db: &Db, actor: &Actor, task_id: i64) -> ServiceResult<TaskRecord> {
    let (plan, task) = super::plans::task(db, actor, task_id).await?;
    let readable: Vec<i64> = task
        .assignments
        .iter()
        .filter(|a| actor.role != Role::Liaison || actor.unit_id == Some(a.unit_id))
        .map(|a| a.id)
        .collect();
    let mut read = unit_details(db, &readable).await?.into_iter();
    let details: Vec<Option<UnitDetail>> = task
        .assignments
        .iter()
        .map(|a| {
            if readable.contains(&a.id) {
                read.next()
            } else {
                None
            }
        })
        .collect();
    let situations = super::coordination::situations_of(db, actor, task_id).await?;
    let notes = coordination::notes_of(db, task_id).await?;
    let history = audit::task_history(db, task_id, HISTORY_LIMIT).await?;
    let actors: Vec<String> = history
        .iter()
        .map(|h| h.actor.as_str())
        .chain(notes.iter().map(|n| n.author.as_str()))
        .chain(situations.iter().map(|s| s.reported_by.as_str()))
        .chain(
            situations
                .iter()
                .filter_map(|s| s.acknowledged_by.as_deref()),
        )
        .chain(
            details
                .iter()
                .flatten()
                .flat_map(|d| d.reports.iter().map(|(r, _)| r.submitted_by.as_str())),
        )
        .filter_map(|a| a.strip_prefix("user:"))
        .map(str::to_string)
        .collect();
    let names = display_names(db, actors).await?;
    Ok(TaskRecord {
        situations,
        notes,
        history,
        names,
        plan,
        task,
        details,
    })
}
