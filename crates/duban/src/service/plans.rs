//! Reading plans and their tasks, as each role may see them.

use super::{ServiceError, ServiceResult};
use crate::domain::light::{Light, task_light};
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::{self, AssignmentRow};
use crate::store::plans::{PlanHeader, PlanSummary};
use crate::store::targets::{self, TargetRow};
use crate::store::tasks::{self, TaskFilter, TaskRow};
use crate::store::{Db, plans};

/// Drafts are for the office that prepares them; units see published plans.
fn sees_drafts(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Supervisor | Role::Leader)
}

/// The plans this reader may see, without their sizes (for pickers).
pub async fn visible(db: &Db, actor: &Actor) -> ServiceResult<Vec<PlanHeader>> {
    let all = plans::headers(db).await?;
    Ok(all
        .into_iter()
        .filter(|plan| sees_drafts(actor) || plan.state != "draft")
        .collect())
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
async fn with_units(db: &Db, rows: Vec<TaskRow>) -> ServiceResult<Vec<TaskWithUnits>> {
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
    for target in targets::targets_of(db, &ids).await? {
        targets_by_task
            .entry(target.task_id)
            .or_default()
            .push(target);
    }
    Ok(rows
        .into_iter()
        .map(|task| {
            let assignments = by_task.remove(&task.id).unwrap_or_default();
            let targets = targets_by_task.remove(&task.id).unwrap_or_default();
            // Stored, kept current by service::lights.
            let lights: Vec<Light> = assignments
                .iter()
                .map(|a| super::lights::parse_light(&a.light))
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

/// Which page of which tasks: the filters, and the light wanted if any.
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub filter: TaskFilter,
    /// green, yellow, red or done.
    pub light: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

/// One page of a plan's tasks with their units, targets and stored lights.
pub async fn tasks(
    db: &Db,
    actor: &Actor,
    plan_id: i64,
    query: &TaskQuery,
) -> ServiceResult<TaskPage> {
    let state = plans::state(db, plan_id).await?;
    match state.as_deref() {
        None => return Err(ServiceError::NotFound(format!("plan {plan_id}"))),
        // A draft is not shown to those who may not see it: it does not exist for them.
        Some("draft") if !sees_drafts(actor) => {
            return Err(ServiceError::NotFound(format!("plan {plan_id}")));
        }
        Some(_) => {}
    }
    tasks_of_visible_plan(db, plan_id, query).await
}

/// [`tasks`] of a plan the caller has already found visible (the ledger
/// picks it through `ledger::plan_for`), without asking again.
/// Every task of a plan the caller may see that `query`'s filters match,
/// page after page, in document order.
pub async fn all_tasks_of_visible_plan(
    db: &Db,
    plan_id: i64,
    query: &TaskQuery,
) -> ServiceResult<Vec<TaskWithUnits>> {
    let mut query = TaskQuery {
        page: 1,
        per_page: MAX_PER_PAGE,
        ..query.clone()
    };
    let mut tasks = Vec::new();
    loop {
        let page = tasks_of_visible_plan(db, plan_id, &query).await?;
        let got = page.tasks.len();
        tasks.extend(page.tasks);
        if got == 0 || tasks.len() as i64 >= page.total {
            return Ok(tasks);
        }
        query.page += 1;
    }
}

pub async fn tasks_of_visible_plan(
    db: &Db,
    plan_id: i64,
    query: &TaskQuery,
) -> ServiceResult<TaskPage> {
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
    let (filter, page, per_page) = (&query.filter, query.page, query.per_page);
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
    // A page number past any list is refused rather than left to overflow.
    let Some(offset) = (page - 1).checked_mul(per_page) else {
        return Err(ServiceError::Field {
            field: "page",
            message: format!("page {page} is beyond any list"),
        });
    };
    // Lights are stored (service::lights): the filter reads an index.
    let filter = tasks::TaskFilter {
        light: light.map(|l| l.as_str().to_string()),
        ..filter.clone()
    };
    let (rows, total) = tasks::tasks_page(db, plan_id, &filter, per_page, offset).await?;
    let tasks = with_units(db, rows).await?;
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
    actor: &Actor,
    task_id: i64,
) -> ServiceResult<(PlanSummary, TaskWithUnits)> {
    let missing = || ServiceError::NotFound(format!("task {task_id}"));
    let (plan_id, row) = tasks::task_by_id(db, task_id).await?.ok_or_else(missing)?;
    let plan = plans::summary(db, plan_id)
        .await?
        .filter(|plan| sees_drafts(actor) || plan.state != "draft")
        .ok_or_else(missing)?;
    let task = with_units(db, vec![row]).await?.pop().ok_or_else(missing)?;
    Ok((plan, task))
}
