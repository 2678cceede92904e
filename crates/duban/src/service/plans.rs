//! Reading plans and their tasks, as each role may see them.

use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::domain::assignment::State;
use crate::domain::light::{Light, Record, Thresholds, assignment_light, china_date, task_light};
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::{self, AssignmentRow};
use crate::store::plans::{PlanSummary, TargetRow, TaskFilter, TaskRow};
use crate::store::{Db, plans};

/// Drafts are for the office that prepares them; units see published plans.
fn sees_drafts(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Supervisor | Role::Leader)
}

pub async fn list(db: &Db, actor: &Actor) -> ServiceResult<Vec<PlanSummary>> {
    let all = plans::summaries(db).await?;
    Ok(all
        .into_iter()
        .filter(|plan| sees_drafts(actor) || plan.state != "draft")
        .collect())
}

/// A task with its assignments.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskWithUnits {
    pub task: TaskRow,
    pub assignments: Vec<AssignmentRow>,
    pub targets: Vec<TargetRow>,
    /// The light of each assignment, in the same order.
    pub lights: Vec<Light>,
    /// The worst of them.
    pub light: Light,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskPage {
    pub tasks: Vec<TaskWithUnits>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

pub const MAX_PER_PAGE: i64 = 200;

/// Tasks with their assignments, targets and lights.
async fn with_units(
    db: &Db,
    rows: Vec<TaskRow>,
    year: Option<i16>,
    today: jiff::civil::Date,
    thresholds: &Thresholds,
) -> ServiceResult<Vec<TaskWithUnits>> {
    let ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
    let mut by_task: std::collections::HashMap<i64, Vec<AssignmentRow>> =
        std::collections::HashMap::new();
    for assignment in assignments::of_tasks(db, &ids).await? {
        by_task
            .entry(assignment.task_id)
            .or_default()
            .push(assignment);
    }
    let mut targets_by_task: std::collections::HashMap<i64, Vec<TargetRow>> =
        std::collections::HashMap::new();
    for target in plans::targets_of(db, &ids).await? {
        targets_by_task
            .entry(target.task_id)
            .or_default()
            .push(target);
    }
    let assignment_ids: Vec<i64> = by_task.values().flatten().map(|a| a.id).collect();
    let inputs = assignments::light_inputs(db, &assignment_ids).await?;
    Ok(rows
        .into_iter()
        .map(|task| {
            let assignments = by_task.remove(&task.id).unwrap_or_default();
            let targets = targets_by_task.remove(&task.id).unwrap_or_default();
            let lights: Vec<Light> = assignments
                .iter()
                .map(|a| assignment_light(&record_of(a, &inputs, year), today, thresholds))
                .collect();
            let light = task_light(&lights);
            TaskWithUnits {
                task,
                assignments,
                targets,
                lights,
                light,
            }
        })
        .collect())
}

/// Every assignment given, lit by the rule: what the rule read of each (its
/// record) and its light, in the same order. For views over a whole plan
/// (the cockpit) that read the inputs in bulk: each assignment's inputs are
/// picked out once, so the work grows with the plan, not with its square.
pub fn light_all(
    rows: &[AssignmentRow],
    inputs: &assignments::LightInputs,
    year: Option<i16>,
    today: jiff::civil::Date,
    thresholds: &Thresholds,
) -> Vec<(Record, Light)> {
    use std::collections::HashMap;
    let mut own: HashMap<i64, assignments::LightInputs> = HashMap::new();
    for m in &inputs.measures {
        own.entry(m.0).or_default().measures.push(m.clone());
    }
    for r in &inputs.reports {
        own.entry(r.0).or_default().reports.push(r.clone());
    }
    for f in &inputs.open_findings {
        own.entry(f.0).or_default().open_findings.push(f.clone());
    }
    for g in &inputs.targets {
        own.entry(g.0).or_default().targets.push(*g);
    }
    let none = assignments::LightInputs::default();
    rows.iter()
        .map(|a| {
            let record = record_of(a, own.get(&a.id).unwrap_or(&none), year);
            let light = assignment_light(&record, today, thresholds);
            (record, light)
        })
        .collect()
}

/// What the light rule reads of one assignment, from the rows fetched for the page.
fn record_of(a: &AssignmentRow, inputs: &assignments::LightInputs, year: Option<i16>) -> Record {
    let date = |text: &str| text.parse::<jiff::civil::Date>().ok();
    Record {
        state: a.state.parse().unwrap_or(State::Assigned),
        assigned_on: china_date(a.assigned_at).unwrap_or(jiff::civil::Date::constant(2000, 1, 1)),
        measures: inputs
            .measures
            .iter()
            .filter(|(id, _, _)| *id == a.id)
            .filter_map(|(_, deadline, done)| Some((date(deadline)?, *done)))
            .collect(),
        reported: inputs
            .reports
            .iter()
            .filter(|(id, _)| *id == a.id)
            .filter_map(|(_, period)| period.parse().ok())
            .collect(),
        open_findings: inputs
            .open_findings
            .iter()
            .filter(|(id, _, _)| *id == a.id)
            .map(|(_, action, deadline)| {
                (
                    action == "rectification",
                    deadline.as_deref().and_then(date),
                )
            })
            .collect(),
        targets: inputs
            .targets
            .iter()
            .filter(|(id, _, _)| *id == a.id)
            .map(|&(_, value, actual)| (value, actual))
            .collect(),
        plan_year: year,
    }
}

/// Which page of which tasks: the filters, and the light wanted if any.
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub filter: TaskFilter,
    /// green, yellow, red or done.
    pub light: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

pub async fn tasks(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: i64,
    query: &TaskQuery,
) -> ServiceResult<TaskPage> {
    // The thresholds are settings (service::settings): read once for the request.
    let (thresholds, _) = super::settings::thresholds(db).await?;
    tasks_lit(db, clock, actor, plan_id, query, &thresholds).await
}

/// [`tasks`] lit with thresholds the caller has read already.
pub async fn tasks_lit(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: i64,
    query: &TaskQuery,
    thresholds: &Thresholds,
) -> ServiceResult<TaskPage> {
    let (filter, page, per_page) = (&query.filter, query.page, query.per_page);
    let light = match query.light.as_deref() {
        None => None,
        Some("done") => Some(Light::Done),
        Some("green") => Some(Light::Green),
        Some("yellow") => Some(Light::Yellow),
        Some("red") => Some(Light::Red),
        Some(other) => {
            return Err(ServiceError::Field {
                field: "light",
                message: format!("'{other}' is not a light: green, yellow, red or done"),
            });
        }
    };
    let state = plans::state(db, plan_id).await?;
    match state.as_deref() {
        None => return Err(ServiceError::NotFound(format!("plan {plan_id}"))),
        // A draft is not shown to those who may not see it: it does not exist for them.
        Some("draft") if !sees_drafts(actor) => {
            return Err(ServiceError::NotFound(format!("plan {plan_id}")));
        }
        Some(_) => {}
    }
    if page < 1 {
        return Err(ServiceError::Field {
            field: "page",
            message: "page starts at 1".into(),
        });
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ServiceError::Field {
            field: "per_page",
            message: format!("per_page is between 1 and {MAX_PER_PAGE}"),
        });
    }
    let year = plans::year(db, plan_id)
        .await?
        .and_then(|y| i16::try_from(y).ok());
    let today = china_date(clock.now_millis())
        .ok_or_else(|| ServiceError::Invalid("the clock is out of range".into()))?;
    let offset = (page - 1) * per_page;
    let (tasks, total) = match light {
        None => {
            let (rows, total) = plans::tasks_page(db, plan_id, filter, per_page, offset).await?;
            (with_units(db, rows, year, today, thresholds).await?, total)
        }
        // A light is computed, not stored: every matching task is lit, then
        // the page is cut. (#6 keeps lights stored so this reads an index.)
        Some(wanted) => {
            let (rows, _) = plans::tasks_page(db, plan_id, filter, i64::MAX, 0).await?;
            let mut lit = Vec::new();
            for chunk in rows.chunks(500) {
                lit.extend(
                    with_units(db, chunk.to_vec(), year, today, thresholds)
                        .await?
                        .into_iter()
                        .filter(|t| t.light == wanted),
                );
            }
            let total = lit.len() as i64;
            let start = usize::try_from(offset).unwrap_or(usize::MAX).min(lit.len());
            let end = start
                .saturating_add(usize::try_from(per_page).unwrap_or(0))
                .min(lit.len());
            (lit.drain(start..end).collect(), total)
        }
    };
    Ok(TaskPage {
        tasks,
        total,
        page,
        per_page,
    })
}

/// One task with its units, targets and lights, and the plan it belongs to.
/// A task of a draft plan does not exist for those who may not see drafts.
pub async fn task(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    task_id: i64,
) -> ServiceResult<(PlanSummary, TaskWithUnits)> {
    let (thresholds, _) = super::settings::thresholds(db).await?;
    task_lit(db, clock, actor, task_id, &thresholds).await
}

/// [`task`] lit with thresholds the caller has read already.
pub async fn task_lit(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    task_id: i64,
    thresholds: &Thresholds,
) -> ServiceResult<(PlanSummary, TaskWithUnits)> {
    let missing = || ServiceError::NotFound(format!("task {task_id}"));
    let (plan_id, row) = plans::task_by_id(db, task_id).await?.ok_or_else(missing)?;
    let plan = list(db, actor)
        .await?
        .into_iter()
        .find(|p| p.id == plan_id)
        .ok_or_else(missing)?;
    let year = plan.year.and_then(|y| i16::try_from(y).ok());
    let today = china_date(clock.now_millis())
        .ok_or_else(|| ServiceError::Invalid("the clock is out of range".into()))?;
    let task = with_units(db, vec![row], year, today, thresholds)
        .await?
        .pop()
        .ok_or_else(missing)?;
    Ok((plan, task))
}
