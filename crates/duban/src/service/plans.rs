//! Reading plans and their tasks, as each role may see them.

use super::{ServiceError, ServiceResult};
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
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskPage {
    pub tasks: Vec<TaskWithUnits>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

pub const MAX_PER_PAGE: i64 = 200;

pub async fn tasks(
    db: &Db,
    actor: &Actor,
    plan_id: i64,
    filter: &TaskFilter,
    page: i64,
    per_page: i64,
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
    let (rows, total) =
        plans::tasks_page(db, plan_id, filter, per_page, (page - 1) * per_page).await?;
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
    let tasks = rows
        .into_iter()
        .map(|task| {
            let assignments = by_task.remove(&task.id).unwrap_or_default();
            let targets = targets_by_task.remove(&task.id).unwrap_or_default();
            TaskWithUnits {
                task,
                assignments,
                targets,
            }
        })
        .collect();
    Ok(TaskPage {
        tasks,
        total,
        page,
        per_page,
    })
}
