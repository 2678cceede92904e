//! The cockpit (驾驶舱): a plan at a glance for the office and the leaders —
//! tasks by light overall and per category, every unit's figures, the
//! targets against their trajectory, the newest reports and situation
//! reports. Lights come from the one rule (`service::plans::light_all`);
//! everything is read in a fixed number of queries, whatever the plan's size.

use std::collections::HashMap;

use jiff::civil::Date;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::assignment::State;
use crate::domain::light::{
    Light, Pace, Record, Thresholds, china_date, missed_reports, task_light,
};
use crate::domain::roles::{Actor, Role};
use crate::domain::trajectory::Direction;
use crate::store::assignments::AssignmentRow;
use crate::store::cockpit::{self as store, RecentReport, RecentSituation};
use crate::store::plans::PlanHeader;
use crate::store::tasks::{self, TaskFilter, TaskRow};
use crate::store::{Db, plans};

/// How many of the newest reports and situation reports the cockpit lists.
pub const RECENT: i64 = 10;

/// Tasks (or assignments) counted by light.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LightCounts {
    pub green: i64,
    pub yellow: i64,
    pub red: i64,
    pub done: i64,
}

impl LightCounts {
    pub fn add(&mut self, light: Light) {
        match light {
            Light::Green => self.green += 1,
            Light::Yellow => self.yellow += 1,
            Light::Red => self.red += 1,
            Light::Done => self.done += 1,
        }
    }

    pub fn of(&self, light: Light) -> i64 {
        match light {
            Light::Green => self.green,
            Light::Yellow => self.yellow,
            Light::Red => self.red,
            Light::Done => self.done,
        }
    }

    pub fn total(&self) -> i64 {
        self.green + self.yellow + self.red + self.done
    }
}

/// The lights shown, in the order the office reads them.
pub const LIGHTS: [Light; 4] = [Light::Red, Light::Yellow, Light::Green, Light::Done];

#[derive(Debug, Clone, PartialEq)]
pub struct CategoryLights {
    pub ordinal: String,
    pub title: String,
    pub tasks: LightCounts,
}

/// One unit's figures across the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFigures {
    pub name: String,
    pub lead: i64,
    pub co: i64,
    /// Verified (销号).
    pub verified: i64,
    /// Declared done, waiting for verification.
    pub declared: i64,
    /// Measures past their deadline and not done.
    pub overdue_measures: i64,
    /// Closed report periods past their grace days without a report.
    pub missed_reports: i64,
    pub open_findings: i64,
    /// The worst light of its assignments.
    pub worst: Light,
}

impl UnitFigures {
    pub fn assignments(&self) -> i64 {
        self.lead + self.co
    }

    /// Verified share of its assignments, in whole percent.
    pub fn completion_percent(&self) -> i64 {
        match self.assignments() {
            0 => 0,
            n => (self.verified * 100 + n / 2) / n,
        }
    }
}

/// A quantitative target of the plan against its trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetProgress {
    pub task_id: i64,
    pub task_number: String,
    pub metric: String,
    pub op: String,
    pub value: f64,
    pub unit: Option<String>,
    /// The sum over the task's assignments of each one's latest actual;
    /// `None` while no assignment has given a figure.
    pub actual: Option<f64>,
    /// The figure its trajectory plans by today (pro rata by month, or by
    /// the office's milestones); `None` for a ceiling (≤), which has no path
    /// but its line, for a trend, or without a plan year.
    pub expected: Option<f64>,
    pub pace: Option<Pace>,
}

#[derive(Debug, Clone)]
pub struct Cockpit {
    pub plan: PlanHeader,
    /// The plans the reader may switch to.
    pub plans: Vec<PlanHeader>,
    pub today: Date,
    pub tasks: LightCounts,
    pub categories: Vec<CategoryLights>,
    pub units: Vec<UnitFigures>,
    pub targets: Vec<TargetProgress>,
    pub reports: Vec<RecentReport>,
    pub situations: Vec<RecentSituation>,
    /// The plan's live tasks in document order, and every live assignment
    /// with what the rule read of it and its light (the bulletin says why
    /// a task is red from them), lit with these thresholds.
    pub task_rows: Vec<TaskRow>,
    pub lit: Vec<(AssignmentRow, Record, Light)>,
    pub thresholds: Thresholds,
}

/// Who may open the cockpit.
pub(super) const READERS: &[Role] = &[Role::Admin, Role::Supervisor, Role::Leader, Role::Viewer];

/// The cockpit of a plan (the one asked for, else the reader's default, as
/// the ledger chooses it), units worst light first; `None` when no plan
/// has been imported yet (and none was asked for).
pub async fn cockpit(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: Option<i64>,
) -> ServiceResult<Option<Cockpit>> {
    require(actor, READERS, "open the cockpit")?;
    let today = china_date(clock.now_millis())
        .ok_or_else(|| ServiceError::Invalid("the clock is out of range".into()))?;
    if plan_id.is_none() && super::plans::visible(db, actor).await?.is_empty() {
        return Ok(None);
    }
    cockpit_on(db, actor, plan_id, today, today).await.map(Some)
}

/// The cockpit on `today`, its targets against their trajectory on
/// `targets_on` (a bulletin reads them at its period's end).
pub async fn cockpit_on(
    db: &Db,
    actor: &Actor,
    plan_id: Option<i64>,
    today: Date,
    targets_on: Date,
) -> ServiceResult<Cockpit> {
    require(actor, READERS, "open the cockpit")?;
    let (plan, plans) = super::ledger::plan_for(db, actor, plan_id).await?;
    build(db, plan, plans, today, targets_on).await
}

/// The cockpit of a plan already chosen for a reader who may open it.
pub(super) async fn build(
    db: &Db,
    plan: PlanHeader,
    plans: Vec<PlanHeader>,
    today: Date,
    targets_on: Date,
) -> ServiceResult<Cockpit> {
    let year = plan.year.and_then(|y| i16::try_from(y).ok());
    let (tasks, _) = tasks::tasks_page(db, plan.id, &TaskFilter::default(), i64::MAX, 0).await?;
    let categories = plans::categories_of(db, plan.id).await?;
    let assignments = store::assignments_of_plan(db, plan.id).await?;
    let (inputs, actuals) = store::light_inputs_of_plan(db, plan.id).await?;
    // The thresholds are settings (service::settings): read once for the page.
    let (thresholds, _) = super::settings::thresholds(db).await?;
    let deadlines: HashMap<i64, String> = tasks
        .iter()
        .filter_map(|t| Some((t.id, t.deadline_date.clone()?)))
        .collect();
    let lit = super::lights::light_all(&assignments, &inputs, &deadlines, year, today, &thresholds);

    let mut task_lights: HashMap<i64, Vec<Light>> = HashMap::new();
    let mut units: Vec<UnitFigures> = Vec::new();
    let mut unit_index: HashMap<i64, usize> = HashMap::new();
    for (a, (record, light)) in assignments.iter().zip(&lit) {
        task_lights.entry(a.task_id).or_default().push(*light);
        let i = *unit_index.entry(a.unit_id).or_insert_with(|| {
            units.push(UnitFigures {
                name: a.unit_name.clone(),
                lead: 0,
                co: 0,
                verified: 0,
                declared: 0,
                overdue_measures: 0,
                missed_reports: 0,
                open_findings: 0,
                worst: Light::Done,
            });
            units.len() - 1
        });
        let unit = &mut units[i];
        if a.role == "lead" {
            unit.lead += 1;
        } else {
            unit.co += 1;
        }
        match record.state {
            State::Verified => unit.verified += 1,
            State::Done => unit.declared += 1,
            _ => {}
        }
        unit.overdue_measures += record
            .measures
            .iter()
            .filter(|&&(deadline, done)| !done && deadline < today)
            .count() as i64;
        unit.missed_reports += missed_reports(record, today, &thresholds) as i64;
        unit.open_findings += record.open_findings.len() as i64;
        unit.worst = unit.worst.max(*light);
    }
    sort_units(&mut units, UnitSort::Light, true);

    let mut overall = LightCounts::default();
    let mut by_category: HashMap<String, LightCounts> = HashMap::new();
    for task in &tasks {
        let light = task_light(task_lights.get(&task.id).map_or(&[], Vec::as_slice));
        overall.add(light);
        if let Some(ordinal) = &task.category_ordinal {
            by_category.entry(ordinal.clone()).or_default().add(light);
        }
    }
    let categories = categories
        .into_iter()
        .map(|(ordinal, title)| CategoryLights {
            tasks: by_category.get(&ordinal).copied().unwrap_or_default(),
            ordinal,
            title,
        })
        .collect();

    let numbers: HashMap<i64, &str> = tasks.iter().map(|t| (t.id, t.number.as_str())).collect();
    let milestones = crate::store::targets::milestones_of_plan(db, plan.id).await?;
    let targets = store::targets_of_plan(db, plan.id)
        .await?
        .into_iter()
        .filter_map(|target| {
            let value = target.value?;
            // Each unit reports its own share of a target: the task's actual
            // is the sum of each assignment's latest figure (a unit that has
            // not reported adds nothing yet).
            let figures: Vec<f64> = actuals
                .iter()
                .filter(|x| x.target_id == target.id)
                .filter_map(|x| x.actual)
                .collect();
            let actual = (!figures.is_empty()).then(|| figures.iter().sum::<f64>());
            let own = milestones.iter().filter(|m| m.target_id == target.id);
            let trajectory = super::trajectories::trajectory_of(
                year,
                &target.op,
                Some(value),
                own.map(|m| (m.due_on.as_str(), m.value)),
            );
            let expected = trajectory
                .as_ref()
                .filter(|t| t.direction() == Direction::Floor)
                .map(|t| t.planned_at(targets_on));
            let pace = trajectory
                .as_ref()
                .zip(actual)
                .map(|(t, a)| t.status(a, targets_on));
            Some(TargetProgress {
                task_id: target.task_id,
                task_number: numbers
                    .get(&target.task_id)
                    .map_or_else(String::new, |n| n.to_string()),
                metric: target.metric,
                op: target.op,
                value,
                unit: target.unit,
                actual,
                expected,
                pace,
            })
        })
        .collect();

    let lit = assignments
        .into_iter()
        .zip(lit)
        .map(|(a, (record, light))| (a, record, light))
        .collect();
    Ok(Cockpit {
        reports: store::recent_reports(db, plan.id, RECENT).await?,
        situations: store::recent_situations(db, plan.id, RECENT).await?,
        plan,
        plans,
        today,
        tasks: overall,
        categories,
        units,
        targets,
        task_rows: tasks,
        lit,
        thresholds,
    })
}

/// The columns the unit table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitSort {
    Name,
    Assignments,
    Completion,
    Overdue,
    Missed,
    Findings,
    Light,
}

impl UnitSort {
    pub const ALL: [UnitSort; 7] = [
        UnitSort::Name,
        UnitSort::Assignments,
        UnitSort::Completion,
        UnitSort::Overdue,
        UnitSort::Missed,
        UnitSort::Findings,
        UnitSort::Light,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitSort::Name => "name",
            UnitSort::Assignments => "assignments",
            UnitSort::Completion => "completion",
            UnitSort::Overdue => "overdue",
            UnitSort::Missed => "missed",
            UnitSort::Findings => "findings",
            UnitSort::Light => "light",
        }
    }

    /// A column name from a query string; unknown names are `None`.
    pub fn parse(text: &str) -> Option<UnitSort> {
        UnitSort::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Sorts the unit table by a column; ties keep the units in name order.
pub fn sort_units(units: &mut [UnitFigures], by: UnitSort, descending: bool) {
    units.sort_by(|a, b| {
        let order = match by {
            UnitSort::Name => a.name.cmp(&b.name),
            UnitSort::Assignments => a.assignments().cmp(&b.assignments()),
            UnitSort::Completion => {
                (a.verified * b.assignments().max(1)).cmp(&(b.verified * a.assignments().max(1)))
            }
            UnitSort::Overdue => a.overdue_measures.cmp(&b.overdue_measures),
            UnitSort::Missed => a.missed_reports.cmp(&b.missed_reports),
            UnitSort::Findings => a.open_findings.cmp(&b.open_findings),
            UnitSort::Light => a.worst.cmp(&b.worst),
        };
        let order = if descending { order.reverse() } else { order };
        order.then_with(|| a.name.cmp(&b.name))
    });
}
