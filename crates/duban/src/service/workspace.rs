//! A unit's workspace: what it has to claim, the measures falling due, the
//! reports it owes in the open windows, and the findings it must answer —
//! for the liaison of that unit (the office may look at any unit's).

use std::collections::HashMap;

use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::domain::light::china_date;
use crate::domain::period::Period;
use crate::domain::report_window::{Owed, owed};
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::{AssignmentRow, MeasureRow};
use crate::store::plans::PlanHeader;
use crate::store::supervision::FindingRow;
use crate::store::tasks::TaskRow;
use crate::store::{Db, supervision, unit_work, units};

/// A measure is listed as due this many days ahead.
pub const MEASURES_AHEAD_DAYS: i32 = 14;

/// One of the unit's tasks.
pub struct Item {
    pub task: TaskRow,
    /// The unit's own assignment on it.
    pub assignment: AssignmentRow,
    pub light: crate::domain::light::Light,
}

pub struct Workspace {
    pub unit_id: i64,
    pub unit_name: String,
    pub plan: PlanHeader,
    pub today: jiff::civil::Date,
    pub items: Vec<Item>,
    /// Not done, due within [`MEASURES_AHEAD_DAYS`] or overdue, soonest first:
    /// (item index, measure).
    pub measures_due: Vec<(usize, MeasureRow)>,
    /// (item index, report owed)
    pub reports_due: Vec<(usize, Owed)>,
    /// Findings not closed: (item index, finding).
    pub findings: Vec<(usize, FindingRow)>,
}

/// The unit the workspace shows: a liaison's own; for the office, the one asked for.
fn unit_for(actor: &Actor, wanted: Option<i64>) -> ServiceResult<i64> {
    match (actor.role, actor.unit_id, wanted) {
        (Role::Liaison, Some(own), None) => Ok(own),
        (Role::Liaison, Some(own), Some(asked)) if asked == own => Ok(own),
        (Role::Liaison, _, _) => Err(ServiceError::Forbidden(
            "a liaison works in its own unit's workspace".into(),
        )),
        (_, _, Some(asked)) => Ok(asked),
        (_, _, None) => Err(ServiceError::Field {
            field: "unit",
            message: "choose a unit".into(),
        }),
    }
}

pub async fn workspace(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    unit: Option<i64>,
    plan: Option<i64>,
) -> ServiceResult<Workspace> {
    let unit_id = unit_for(actor, unit)?;
    let unit_name = units::name_of(db, unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("unit {unit_id}")))?;
    // Without a choice, the newest published plan the unit works in: a city
    // holds many districts' plans, and the newest of them is rarely this unit's.
    let landing = match plan {
        Some(_) => None,
        None => unit_work::newest_published_plan(db, unit_id).await?,
    };
    let plan = match landing {
        Some(plan) => plan,
        None => super::ledger::plan_for(db, actor, plan).await?.0,
    };
    let today = china_date(clock.now_millis())
        .ok_or_else(|| ServiceError::Invalid("the clock is out of range".into()))?;
    let (thresholds, _) = super::settings::thresholds(db).await?;
    let items: Vec<Item> = unit_work::items(db, unit_id, plan.id)
        .await?
        .into_iter()
        .map(|(task, assignment)| Item {
            light: super::lights::parse_light(&assignment.light),
            task,
            assignment,
        })
        .collect();
    let index: HashMap<i64, usize> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.assignment.id, i))
        .collect();

    let horizon = today
        .checked_add(jiff::Span::new().days(MEASURES_AHEAD_DAYS))
        .unwrap_or(today);
    let measures_due: Vec<(usize, MeasureRow)> =
        unit_work::open_measures_due_by(db, unit_id, plan.id, &horizon.to_string())
            .await?
            .into_iter()
            .filter_map(|m| Some((*index.get(&m.assignment_id)?, m)))
            .collect();

    let mut reported: HashMap<i64, Vec<Period>> = HashMap::new();
    for (id, periods) in unit_work::reported_periods(db, unit_id, plan.id).await? {
        reported.insert(id, periods.iter().filter_map(|p| p.parse().ok()).collect());
    }
    let mut reports_due = Vec::new();
    if let Some(year) = plan.year.and_then(|y| i16::try_from(y).ok()) {
        for (i, item) in items.iter().enumerate() {
            let working = matches!(
                item.assignment.state.as_str(),
                "claimed" | "in_progress" | "done"
            );
            let Some(assigned_on) = china_date(item.assignment.assigned_at) else {
                continue;
            };
            if !working {
                continue;
            }
            let done = reported.get(&item.assignment.id).map_or(&[][..], |v| v);
            let t = thresholds.with_rhythm(item.assignment.rhythm);
            for owed_report in owed(year, assigned_on, done, today, &t) {
                reports_due.push((i, owed_report));
            }
        }
    }

    let findings = supervision::open_findings_of_unit(db, unit_id)
        .await?
        .into_iter()
        .filter_map(|f| Some((*index.get(&f.assignment_id)?, f)))
        .collect();
    Ok(Workspace {
        unit_id,
        unit_name,
        plan,
        today,
        items,
        measures_due,
        reports_due,
        findings,
    })
}
