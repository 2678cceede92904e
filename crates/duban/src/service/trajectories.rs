//! Targets and their trajectories (issue #7): the office sets a target's
//! milestones (节点目标), and the task's assignments are relit in the same
//! transaction, since the light rule reads them; the task page reads each
//! target's planned line, the figures reported against it period by period,
//! and where the latest stands (`domain::trajectory`).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::json;

use super::plans::TaskWithUnits;
use super::tasks::TaskRecord;
use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::milestones::parse_milestones;
use crate::domain::period::Period;
use crate::domain::roles::{Actor, Role};
use crate::domain::trajectory::{Milestone, Pace, Trajectory};
use crate::store::Db;
use crate::store::audit::{self, NewEvent};
use crate::store::plans::PlanSummary;
use crate::store::targets::TargetRow;
use crate::store::targets::{self, MilestoneRow, ReportedActual};

/// A stored target's trajectory: `None` without a plan year or a figure,
/// or for a trend. Milestones whose date does not read are left out.
pub fn trajectory_of<'a>(
    year: Option<i16>,
    op: &str,
    value: Option<f64>,
    milestones: impl IntoIterator<Item = (&'a str, f64)>,
) -> Option<Trajectory> {
    let milestones = milestones
        .into_iter()
        .filter_map(|(day, value)| {
            Some(Milestone {
                due_on: day.parse().ok()?,
                value,
            })
        })
        .collect();
    Trajectory::of_target(year?, op, value?, milestones)
}

/// One target as the task page draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetTrack {
    pub target: TargetRow,
    pub trajectory: Option<Trajectory>,
    /// Each report period's end and the sum, over the units shown, of each
    /// one's latest figure by then: the actual as it stood, period by period.
    pub actuals: Vec<(Date, f64)>,
    /// The latest of them, the cockpit's actual.
    pub actual: Option<f64>,
    /// Where the actual stands today, once there is one.
    pub status: Option<Pace>,
}

/// A task's targets on a day.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskTargets {
    pub today: Date,
    pub targets: Vec<TargetTrack>,
    /// A liaison's figures are its own unit's only, as the rest of the
    /// page shows it; everyone else's are every unit's together.
    pub own_unit_only: bool,
}

/// The targets of a task as `actor` may see them on `clock`'s day.
pub async fn of_task(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    task_id: i64,
) -> ServiceResult<TaskTargets> {
    let (plan, task) = super::plans::task(db, actor, task_id).await?;
    tracks(db, clock, actor, &plan, &task).await
}

/// The same for the task of a record already read for `actor` (the task
/// page), without reading the task and its plan again.
pub async fn of_record(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    record: &TaskRecord,
) -> ServiceResult<TaskTargets> {
    tracks(db, clock, actor, &record.plan, &record.task).await
}

async fn tracks(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan: &PlanSummary,
    task: &TaskWithUnits,
) -> ServiceResult<TaskTargets> {
    let task_id = task.task.id;
    let today = super::lights::today(clock)?;
    let year = plan.year.and_then(|y| i16::try_from(y).ok());
    let ids: Vec<i64> = task.targets.iter().map(|t| t.id).collect();
    let milestones = targets::milestones_of(db, &ids).await?;
    let own_unit_only = actor.role == Role::Liaison;
    let figures: Vec<ReportedActual> = targets::actuals_of_task(db, task_id)
        .await?
        .into_iter()
        .filter(|x| !own_unit_only || actor.unit_id == Some(x.unit_id))
        .collect();
    let targets = task
        .targets
        .iter()
        .cloned()
        .map(|target| {
            let own = milestones.iter().filter(|m| m.target_id == target.id);
            let trajectory = trajectory_of(
                year,
                &target.op,
                target.value,
                own.map(|m| (m.due_on.as_str(), m.value)),
            );
            let actuals = cumulative(figures.iter().filter(|x| x.target_id == target.id));
            let actual = actuals.last().map(|&(_, sum)| sum);
            let status = trajectory
                .as_ref()
                .zip(actual)
                .map(|(t, actual)| t.status(actual, today));
            TargetTrack {
                target,
                trajectory,
                actuals,
                actual,
                status,
            }
        })
        .collect();
    Ok(TaskTargets {
        today,
        targets,
        own_unit_only,
    })
}

/// The actual period by period: at each period's end, the sum of each
/// unit's latest figure by then (a unit that has not reported yet adds
/// nothing, as in the cockpit).
fn cumulative<'a>(figures: impl Iterator<Item = &'a ReportedActual>) -> Vec<(Date, f64)> {
    let mut by_end: BTreeMap<Date, Vec<(i64, f64)>> = BTreeMap::new();
    for x in figures {
        if let Some(end) = x.period.parse().ok().and_then(period_end) {
            by_end
                .entry(end)
                .or_default()
                .push((x.assignment_id, x.actual));
        }
    }
    let mut latest: BTreeMap<i64, f64> = BTreeMap::new();
    by_end
        .into_iter()
        .map(|(end, reported)| {
            latest.extend(reported);
            (end, latest.values().sum())
        })
        .collect()
}

/// The last day of a report period.
fn period_end(period: Period) -> Option<Date> {
    period.bounds().map(|(_, last)| last)
}

/// Sets a target's milestones from the office's lines (`2021-06-30 80`, one
/// a line; empty text clears them, back to pro rata by month), audited, and
/// relights the task's assignments in the same transaction. A bad line is
/// refused as the field `milestones` with its line number, and nothing changes.
pub async fn set_milestones(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    target_id: i64,
    text: &str,
) -> ServiceResult<Vec<Milestone>> {
    require(
        actor,
        &[Role::Admin, Role::Supervisor],
        "set a target's milestones",
    )?;
    let refresher = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    let found = targets::get(&mut tx, target_id).await?;
    let year = found
        .year
        .and_then(|y| i16::try_from(y).ok())
        .ok_or_else(|| {
            ServiceError::Invalid("the plan has no year to plan a trajectory in".into())
        })?;
    let target = &found.target;
    let milestones = parse_milestones(text, year, &target.op, target.value).map_err(|e| {
        ServiceError::Field {
            field: "milestones",
            message: e.to_string(),
        }
    })?;
    let before = targets::milestones_in(&mut tx, target_id).await?;
    let rows: Vec<(String, f64)> = milestones
        .iter()
        .map(|m| (m.due_on.to_string(), m.value))
        .collect();
    targets::replace_milestones(&mut tx, target_id, &rows).await?;
    audit::append(
        &mut tx,
        clock.now_millis(),
        NewEvent {
            actor: &actor.name,
            action: "target.milestones",
            entity: "target",
            entity_id: Some(target_id),
            before: Some(json!({ "milestones": pairs(&before) })),
            after: Some(
                json!({ "task_id": target.task_id, "metric": target.metric, "milestones": rows }),
            ),
        },
    )
    .await?;
    refresher.task(&mut tx, target.task_id).await?;
    tx.commit().await?;
    tracing::info!(
        target_id,
        task_id = target.task_id,
        count = rows.len(),
        "milestones set"
    );
    Ok(milestones)
}

fn pairs(rows: &[MilestoneRow]) -> Vec<(&str, f64)> {
    rows.iter().map(|m| (m.due_on.as_str(), m.value)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(assignment_id: i64, period: &str, actual: f64) -> ReportedActual {
        ReportedActual {
            target_id: 1,
            assignment_id,
            unit_id: assignment_id,
            period: period.into(),
            actual,
        }
    }

    #[test]
    fn the_actual_period_by_period_sums_each_unit_s_latest_figure() {
        let figures = [
            figure(1, "2021-05", 30.0),
            figure(2, "2021-05", 10.0),
            figure(1, "2021-06", 60.0),
            figure(2, "2021-08", 25.0),
        ];
        let days = |text: &str| text.parse::<Date>().unwrap();
        assert_eq!(
            cumulative(figures.iter()),
            vec![
                (days("2021-05-31"), 40.0),
                (days("2021-06-30"), 70.0),
                (days("2021-08-31"), 85.0)
            ]
        );
        assert_eq!(
            period_end("2021-Q2".parse().unwrap()),
            Some(days("2021-06-30"))
        );
    }
}
