//! The ledger (台账) as people read it: a plan's tasks, each with its units,
//! their measures and latest progress, and the lights by rule.

use std::collections::HashMap;

use super::plans::{TaskPage, TaskQuery};
use super::{ServiceError, ServiceResult};
use crate::domain::roles::Actor;
use crate::store::assignments::{self, MeasureRow};
use crate::store::plans::PlanHeader;
use crate::store::{Db, plans, reports, units};

/// One page of the ledger with what its filters offer.
pub struct Ledger {
    pub plan: PlanHeader,
    /// The plans the reader may switch to.
    pub plans: Vec<PlanHeader>,
    /// (ordinal, title)
    pub categories: Vec<(String, String)>,
    pub units: Vec<String>,
    pub page: TaskPage,
    /// Measures by assignment id.
    pub measures: HashMap<i64, Vec<MeasureRow>>,
    /// The latest report by assignment id: (period, narrative).
    pub latest: HashMap<i64, (String, String)>,
    /// The year's supervised items beside an annual plan's tasks, on the
    /// ledger's last page (their measures and reports are in the maps above).
    pub register: Option<Register>,
}

/// The register of supervised items (督办事项) shown beside the annual plan.
pub struct Register {
    pub plan: PlanHeader,
    pub tasks: Vec<super::plans::TaskWithUnits>,
    /// Each item's number (督〔2021〕3号) by its task.
    pub numbers: HashMap<i64, String>,
}

/// The plan a reader lands on: the one asked for, else the newest published
/// one they may see, else the newest they may see; and the plans they may
/// pick from. Headers only: the pages need no counting.
pub async fn plan_for(
    db: &Db,
    actor: &Actor,
    wanted: Option<i64>,
) -> ServiceResult<(PlanHeader, Vec<PlanHeader>)> {
    let visible = super::plans::visible(db, actor).await?;
    let chosen = match wanted {
        Some(id) => visible.iter().find(|p| p.id == id),
        None => visible
            .iter()
            .rev()
            .find(|p| p.state == "published")
            .or(visible.last()),
    };
    match chosen {
        Some(plan) => Ok((plan.clone(), visible)),
        None => Err(ServiceError::NotFound(match wanted {
            Some(id) => format!("plan {id}"),
            None => "a plan".to_string(),
        })),
    }
}

pub async fn ledger(
    db: &Db,
    actor: &Actor,
    plan_id: Option<i64>,
    query: &TaskQuery,
) -> ServiceResult<Ledger> {
    let (plan, plans) = plan_for(db, actor, plan_id).await?;
    let page = super::plans::tasks_of_visible_plan(db, plan.id, query).await?;
    let register = register_beside(db, &plan, &page, query).await?;
    let ids: Vec<i64> = page
        .tasks
        .iter()
        .chain(register.iter().flat_map(|r| r.tasks.iter()))
        .flat_map(|t| t.assignments.iter().map(|a| a.id))
        .collect();
    let mut measures: HashMap<i64, Vec<MeasureRow>> = HashMap::new();
    for measure in assignments::measures_of_many(db, &ids).await? {
        measures
            .entry(measure.assignment_id)
            .or_default()
            .push(measure);
    }
    let latest = reports::latest_of_many(db, &ids)
        .await?
        .into_iter()
        .map(|(id, period, narrative, _)| (id, (period, narrative)))
        .collect();
    Ok(Ledger {
        categories: plans::categories_of(db, plan.id).await?,
        units: units::all_units(db)
            .await?
            .into_iter()
            .map(|(_, n)| n)
            .collect(),
        plan,
        plans,
        page,
        measures,
        latest,
        register,
    })
}

/// The year's items, filtered like the plan's tasks, after the plan's last
/// page; none under a category filter (items have no category).
async fn register_beside(
    db: &Db,
    plan: &PlanHeader,
    page: &super::plans::TaskPage,
    query: &TaskQuery,
) -> ServiceResult<Option<Register>> {
    let last_page = page.page * page.per_page >= page.total;
    if !last_page || query.filter.category.is_some() {
        return Ok(None);
    }
    let Some(register) = plans::register_beside(db, plan.id).await? else {
        return Ok(None);
    };
    let tasks = super::plans::all_tasks_of_visible_plan(db, register.id, query).await?;
    let numbers = crate::store::items::list(db, register.year, None)
        .await?
        .into_iter()
        .map(|i| (i.task_id, i.number))
        .collect();
    Ok(Some(Register {
        plan: register,
        tasks,
        numbers,
    }))
}
