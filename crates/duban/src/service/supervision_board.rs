//! The supervision office's reading of a plan: the board of inspections,
//! findings and declared work awaiting it, one inspection, one assignment
//! from the office's side, and the record-derived indicators an evaluator
//! sees beside each dimension. Units (liaisons) have their own workspace and
//! may not read these pages.

use jiff::civil::Date;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::evaluation::Weights;
use crate::domain::indicators::{
    IndicatorRecord, Indicators, Rectification, TargetFigure, indicators as compute,
};
use crate::domain::light::china_date;
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::{AssignmentRow, MeasureRow};
use crate::store::evaluations::EvaluationRow;
use crate::store::plans::PlanHeader;
use crate::store::reports::ReportRow;
use crate::store::supervision_board::{
    self as board_store, AssignmentLine, FindingLine, FindingsOf, InspectionLine, TaskHead,
};
use crate::store::{Db, assignments, evaluations, indicators as indicator_store, reports};

const READERS: &[Role] = &[Role::Admin, Role::Supervisor, Role::Leader, Role::Viewer];

/// Whether the actor may act here (open, raise, verify, evaluate), not only read.
pub fn may_act(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Supervisor)
}

fn today(clock: &dyn Clock) -> ServiceResult<Date> {
    china_date(clock.now_millis())
        .ok_or_else(|| ServiceError::Invalid("the clock is out of range".into()))
}

/// The bodies the actor acts for: a supervisor its own, an admin any.
pub async fn bodies_for(db: &Db, actor: &Actor) -> ServiceResult<Vec<(i64, String)>> {
    let all = super::supervision::bodies(db).await?;
    Ok(all
        .into_iter()
        .filter(|(id, _)| may_act(actor) && actor.acts_for_body(*id))
        .collect())
}

pub struct Board {
    pub plan: PlanHeader,
    pub plans: Vec<PlanHeader>,
    pub today: Date,
    pub inspections: Vec<InspectionLine>,
    /// Findings not closed, the nearest deadline first.
    pub findings: Vec<FindingLine>,
    /// Assignments declared done, awaiting 销号 or 驳回.
    pub declared_done: Vec<AssignmentLine>,
    /// The bodies the reader may open inspections for (none: read only).
    pub bodies: Vec<(i64, String)>,
}

pub async fn board(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: Option<i64>,
) -> ServiceResult<Board> {
    require(actor, READERS, "read the supervision board")?;
    let (plan, plans) = super::ledger::plan_for(db, actor, plan_id).await?;
    Ok(Board {
        today: today(clock)?,
        inspections: board_store::inspections_of_plan(db, plan.id).await?,
        findings: board_store::findings(db, FindingsOf::PlanOpen(plan.id)).await?,
        declared_done: board_store::assignments_of_plan(db, plan.id, Some("done")).await?,
        bodies: bodies_for(db, actor).await?,
        plan,
        plans,
    })
}

pub struct InspectionView {
    pub inspection: InspectionLine,
    pub today: Date,
    pub findings: Vec<FindingLine>,
    /// The plan's assignments to raise a finding on.
    pub assignments: Vec<AssignmentLine>,
    /// Whether the reader may raise findings in this inspection.
    pub may_raise: bool,
}

pub async fn inspection(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    inspection_id: i64,
) -> ServiceResult<InspectionView> {
    require(actor, READERS, "read inspections")?;
    let inspection = board_store::inspection_line(db, inspection_id).await?;
    Ok(InspectionView {
        today: today(clock)?,
        findings: board_store::findings(db, FindingsOf::Inspection(inspection_id)).await?,
        assignments: board_store::assignments_of_plan(db, inspection.plan_id, None).await?,
        may_raise: may_act(actor) && actor.acts_for_body(inspection.body_id),
        inspection,
    })
}

pub struct AssignmentView {
    pub task: TaskHead,
    pub assignment: AssignmentRow,
    pub today: Date,
    pub measures: Vec<MeasureRow>,
    /// The latest reports, newest first.
    pub reports: Vec<ReportRow>,
    pub findings: Vec<FindingLine>,
    /// The plan's inspections the reader may raise findings in.
    pub inspections: Vec<InspectionLine>,
    pub evaluations: Vec<EvaluationRow>,
    pub weights: Weights,
    pub indicators: Indicators,
    /// The bodies the reader acts for.
    pub bodies: Vec<(i64, String)>,
    /// Every body, to name the evaluations' authors.
    pub body_names: Vec<(i64, String)>,
}

/// How many reports the office's page shows.
pub const LATEST_REPORTS: usize = 3;

pub async fn assignment(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<AssignmentView> {
    require(actor, READERS, "read the office's view of an assignment")?;
    let assignment = assignments::read(db, assignment_id).await?;
    let task = board_store::task_of_assignment(db, assignment_id).await?;
    let mut reports = reports::of_assignment(db, assignment_id).await?;
    let indicators = indicators_of(db, clock, &assignment, &task, &reports).await?;
    reports.truncate(LATEST_REPORTS);
    let bodies = bodies_for(db, actor).await?;
    let inspections = board_store::inspections_of_plan(db, task.plan_id)
        .await?
        .into_iter()
        .filter(|i| bodies.iter().any(|(id, _)| *id == i.body_id))
        .collect();
    Ok(AssignmentView {
        today: today(clock)?,
        measures: assignments::measures_of(db, assignment_id).await?,
        findings: board_store::findings(db, FindingsOf::Assignment(assignment_id)).await?,
        evaluations: evaluations::of_assignment(db, assignment_id).await?,
        weights: super::evaluations::weights(db).await?.0,
        inspections,
        bodies,
        body_names: super::supervision::bodies(db).await?,
        indicators,
        reports,
        task,
        assignment,
    })
}

/// The indicators of one assignment on the clock's day.
pub async fn indicators(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<Indicators> {
    require(actor, READERS, "read indicators")?;
    let assignment = assignments::read(db, assignment_id).await?;
    let task = board_store::task_of_assignment(db, assignment_id).await?;
    let reports = reports::of_assignment(db, assignment_id).await?;
    indicators_of(db, clock, &assignment, &task, &reports).await
}

async fn indicators_of(
    db: &Db,
    clock: &dyn Clock,
    assignment: &AssignmentRow,
    task: &TaskHead,
    reports: &[ReportRow],
) -> ServiceResult<Indicators> {
    let date = |text: &str| text.parse::<Date>().ok();
    let day = |millis: i64| china_date(millis);
    let measures = assignments::measures_of(db, assignment.id)
        .await?
        .iter()
        .filter_map(|m| Some((date(&m.deadline)?, m.done_at.and_then(day))))
        .collect();
    let reports = reports
        .iter()
        .filter_map(|r| Some((r.period.parse().ok()?, day(r.submitted_at)?)))
        .collect();
    let rectifications = indicator_store::rectifications_of(db, assignment.id)
        .await?
        .into_iter()
        .map(|r| Rectification {
            deadline: r.deadline.as_deref().and_then(date),
            closed: r.state == "closed",
            answered_on: r.responded_at.and_then(day),
        })
        .collect();
    let targets = indicator_store::targets_with_actuals(db, assignment.id)
        .await?
        .into_iter()
        .map(|t| TargetFigure {
            metric: t.metric,
            op: t.op,
            value: t.value,
            unit: t.unit,
            actual: t.actual,
        })
        .collect();
    let record = IndicatorRecord {
        assigned_on: day(assignment.assigned_at),
        plan_year: task.plan_year.and_then(|y| i16::try_from(y).ok()),
        rhythm: assignment.rhythm,
        measures,
        reports,
        rectifications,
        targets,
    };
    // The light rule's thresholds (settings): the same grace days and report rhythm.
    let (thresholds, _) = super::settings::thresholds(db).await?;
    Ok(compute(&record, today(clock)?, &thresholds))
}

/// One finding with its context, and whether the reader may verify or reopen it.
pub async fn finding(
    db: &Db,
    actor: &Actor,
    finding_id: i64,
) -> ServiceResult<(FindingLine, bool)> {
    require(actor, READERS, "read findings")?;
    let line = board_store::findings(db, FindingsOf::One(finding_id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ServiceError::NotFound(format!("finding {finding_id}")))?;
    let may = may_act(actor) && actor.acts_for_body(line.body_id);
    Ok((line, may))
}
