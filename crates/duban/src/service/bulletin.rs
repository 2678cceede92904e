//! The supervision bulletin (督查通报) of a plan for a period: the facts it
//! states, read from the record. The lights, the units' figures and the
//! targets come from the cockpit (`service::cockpit`), so the bulletin never
//! counts otherwise than the pages; the period adds the reports submitted and
//! the findings raised and closed in it. Wording is `export::bulletin_text`'s.

use std::collections::HashMap;

use jiff::civil::Date;

use super::cockpit::{CategoryLights, LightCounts, TargetProgress, UnitFigures, cockpit_on};
use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::bulletin_period::BulletinPeriod;
use crate::domain::light::{Light, china_date};
use crate::domain::period::Period;
use crate::domain::red_reasons::{RedReason, red_reasons};
use crate::domain::report_window;
use crate::domain::roles::{Actor, Role};
use crate::store::supervision_board::{self, FindingsOf};
use crate::store::{Db, assignments, bulletin as store};

/// The issuing office when none is given.
pub const DEFAULT_OFFICE: &str = "区委督促检查工作领导小组办公室";

/// What the reader asks for.
#[derive(Debug, Clone)]
pub struct BulletinRequest {
    pub plan_id: Option<i64>,
    pub period: BulletinPeriod,
    /// The document number (文号), e.g. 督查通报〔2021〕6号.
    pub number: Option<String>,
    pub office: Option<String>,
}

pub struct Bulletin {
    pub plan_id: i64,
    /// The plans the reader may choose among.
    pub plans: Vec<crate::store::plans::PlanHeader>,
    pub plan_title: String,
    pub period: BulletinPeriod,
    pub number: Option<String>,
    pub office: String,
    /// The day it is drawn up: lights and units stand as on this day.
    pub as_of: Date,
    /// The day targets are read against their trajectory: the period's end,
    /// or today while the period runs.
    pub targets_on: Date,
    pub tasks: LightCounts,
    pub assignments: LightCounts,
    pub reports: ReportFigures,
    pub categories: Vec<CategoryLights>,
    pub red_tasks: Vec<RedTask>,
    /// Worst first.
    pub units: Vec<UnitLine>,
    /// Raised and closed in the period, by action: reminder, service, rectification.
    pub findings: Vec<FindingFigures>,
    pub targets: Vec<TargetProgress>,
    /// The year's supervised items beside an annual plan's tasks.
    pub items: Option<super::bulletin_items::ItemsSection>,
}

/// Progress reports submitted in the period, and those missed on `as_of`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportFigures {
    pub submitted: i64,
    /// Submitted by the due day of their report period.
    pub on_time: i64,
    pub late: i64,
    /// Closed report periods past their due day without a report (all the plan's).
    pub missed: i64,
}

pub struct RedTask {
    pub number: String,
    pub title: String,
    pub lead: Vec<String>,
    pub co: Vec<String>,
    pub reasons: Vec<RedLine>,
}

/// One reason one unit's assignment is red.
pub struct RedLine {
    pub unit: String,
    pub reason: RedReason,
    /// The overdue measure's or rectification's own words.
    pub what: Option<String>,
}

pub struct UnitLine {
    pub figures: UnitFigures,
    pub red: i64,
    pub yellow: i64,
    /// The annual assessment's total and rank on the same day (none for a
    /// unit with nothing to score).
    pub score: Option<f64>,
    pub rank: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingFigures {
    pub action: &'static str,
    pub raised: i64,
    pub closed: i64,
}

pub async fn bulletin(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    request: BulletinRequest,
) -> ServiceResult<Bulletin> {
    require(
        actor,
        &[Role::Admin, Role::Supervisor, Role::Leader],
        "draw up a bulletin",
    )?;
    let today = super::lights::today(clock)?;
    let period = request.period;
    let targets_on = period.to().min(today);
    let cockpit = cockpit_on(db, actor, request.plan_id, today, targets_on).await?;
    let plan_id = cockpit.plan.id;

    let mut assignment_lights = LightCounts::default();
    let mut per_unit: HashMap<&str, (i64, i64)> = HashMap::new();
    for (a, _, light) in &cockpit.lit {
        assignment_lights.add(*light);
        let counts = per_unit.entry(a.unit_name.as_str()).or_default();
        match light {
            Light::Red => counts.0 += 1,
            Light::Yellow => counts.1 += 1,
            _ => {}
        }
    }
    // The units in the annual assessment's order, as of the same day.
    let assessed = super::assessment::assessment(db, clock, actor, Some(plan_id)).await?;
    let standing: HashMap<&str, (Option<f64>, Option<usize>)> = assessed
        .units
        .iter()
        .map(|a| (a.figures.unit_name.as_str(), (a.total, a.rank)))
        .collect();
    let mut units: Vec<UnitLine> = cockpit
        .units
        .iter()
        .map(|u| {
            let (red, yellow) = per_unit.get(u.name.as_str()).copied().unwrap_or_default();
            let (score, rank) = standing.get(u.name.as_str()).copied().unwrap_or_default();
            UnitLine {
                figures: u.clone(),
                red,
                yellow,
                score,
                rank,
            }
        })
        .collect();
    // Ranked units by rank; those with nothing to score after them, worst light first.
    units.sort_by(|a, b| {
        (a.rank.is_none(), a.rank)
            .cmp(&(b.rank.is_none(), b.rank))
            .then_with(|| {
                (b.figures.worst, b.red, b.yellow).cmp(&(a.figures.worst, a.red, a.yellow))
            })
            .then_with(|| a.figures.name.cmp(&b.figures.name))
    });

    let (from, until) = (
        start_millis(period.from())?,
        start_millis(period.to().tomorrow().map_err(range)?)?,
    );
    let mut reports = ReportFigures {
        missed: cockpit.units.iter().map(|u| u.missed_reports).sum(),
        ..ReportFigures::default()
    };
    for (text, submitted_at) in store::reports_submitted(db, plan_id, from, until).await? {
        reports.submitted += 1;
        let due = text
            .parse::<Period>()
            .ok()
            .map(|p| report_window::window(p.last_day(), &cockpit.thresholds).1);
        match (due, china_date(submitted_at)) {
            (Some(due), Some(day)) if day > due => reports.late += 1,
            _ => reports.on_time += 1,
        }
    }
    let mut findings: Vec<FindingFigures> = ["reminder", "service", "rectification"]
        .into_iter()
        .map(|action| FindingFigures {
            action,
            raised: 0,
            closed: 0,
        })
        .collect();
    for f in store::findings_moving(db, plan_id, from, until).await? {
        if let Some(line) = findings.iter_mut().find(|l| l.action == f.action) {
            line.raised += i64::from((from..until).contains(&f.created_at));
            line.closed += i64::from(f.closed_at.is_some_and(|t| (from..until).contains(&t)));
        }
    }

    let red_tasks = red_tasks(db, plan_id, &cockpit, today).await?;
    let items = super::bulletin_items::section(db, plan_id, from, until, today).await?;
    Ok(Bulletin {
        plan_id,
        plan_title: cockpit.plan.title.clone(),
        plans: cockpit.plans.clone(),
        period,
        number: request.number.filter(|n| !n.trim().is_empty()),
        office: request
            .office
            .filter(|o| !o.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_OFFICE.to_string()),
        as_of: today,
        targets_on,
        tasks: cockpit.tasks,
        assignments: assignment_lights,
        reports,
        categories: cockpit.categories,
        red_tasks,
        units,
        findings,
        targets: cockpit.targets,
        items,
    })
}

/// The red tasks in document order, each with every reason the rule has,
/// worded by the record: the measure's and the rectification's own text.
async fn red_tasks(
    db: &Db,
    plan_id: i64,
    cockpit: &super::cockpit::Cockpit,
    today: Date,
) -> ServiceResult<Vec<RedTask>> {
    let red_ids: Vec<i64> = cockpit
        .lit
        .iter()
        .filter(|(_, _, light)| *light == Light::Red)
        .map(|(a, _, _)| a.id)
        .collect();
    if red_ids.is_empty() {
        return Ok(Vec::new());
    }
    let measures = assignments::measures_of_many(db, &red_ids).await?;
    let rectifications = supervision_board::findings(db, FindingsOf::PlanOpen(plan_id)).await?;
    let mut tasks = Vec::new();
    for task in &cockpit.task_rows {
        let own: Vec<_> = cockpit
            .lit
            .iter()
            .filter(|(a, _, _)| a.task_id == task.id)
            .collect();
        if !own.iter().any(|(_, _, light)| *light == Light::Red) {
            continue;
        }
        let names = |role: &str| {
            own.iter()
                .filter(|(a, _, _)| a.role == role)
                .map(|(a, _, _)| a.unit_name.clone())
                .collect()
        };
        let mut reasons = Vec::new();
        for (a, record, _) in own.iter().filter(|(_, _, light)| *light == Light::Red) {
            for reason in red_reasons(record, today, &cockpit.thresholds) {
                let what = match reason {
                    RedReason::OverdueMeasure { deadline } => measures
                        .iter()
                        .find(|m| {
                            m.assignment_id == a.id
                                && m.done_at.is_none()
                                && m.deadline == deadline.to_string()
                        })
                        .map(|m| m.description.clone()),
                    RedReason::OverdueRectification { deadline } => rectifications
                        .iter()
                        .find(|f| {
                            f.assignment_id == a.id
                                && f.deadline.as_deref() == Some(deadline.to_string().as_str())
                        })
                        .map(|f| f.description.clone()),
                    _ => None,
                };
                reasons.push(RedLine {
                    unit: a.unit_name.clone(),
                    reason,
                    what,
                });
            }
        }
        tasks.push(RedTask {
            number: task.number.clone(),
            title: task.title.clone(),
            lead: names("lead"),
            co: names("co"),
            reasons,
        });
    }
    Ok(tasks)
}

/// The first instant of a civil day in China, in milliseconds.
fn start_millis(day: Date) -> ServiceResult<i64> {
    let midnight = day.to_datetime(jiff::civil::Time::midnight());
    let instant = jiff::tz::Offset::constant(8)
        .to_timestamp(midnight)
        .map_err(range)?;
    Ok(instant.as_millisecond())
}

fn range(error: jiff::Error) -> ServiceError {
    ServiceError::Invalid(format!("the period is out of range: {error}"))
}
