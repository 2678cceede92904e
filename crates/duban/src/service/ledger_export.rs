//! The ledger (台账) as an .xlsx file: the tasks the ledger page would show
//! for the same filters, all of them (not a page), one row per measure. A
//! liaison exports its own unit's ledger only.

use std::collections::HashMap;

use super::plans::{TaskQuery, TaskWithUnits};
use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::domain::roles::{Actor, Role};
use crate::export::ledger_layout::progress_text;
use crate::export::ledger_xlsx::{LedgerMeasure, LedgerSheet, LedgerTask, LedgerUnit};
use crate::store::assignments::MeasureRow;
use crate::store::tasks::TaskFilter;
use crate::store::{Db, assignments, reports, units};

/// Which ledger: the ledger page's filters; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct LedgerExportQuery {
    pub plan: Option<i64>,
    pub unit: Option<String>,
    /// green, yellow, red or done: the task's light.
    pub light: Option<String>,
    pub category: Option<String>,
    pub state: Option<String>,
    pub text: Option<String>,
}

/// A written ledger and the name to save it under.
#[derive(Debug, Clone)]
pub struct LedgerFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub tasks: usize,
}

/// A liaison's ledger is its unit's: the unit it may ask for, or refusal.
async fn unit_for(db: &Db, actor: &Actor, asked: Option<String>) -> ServiceResult<Option<String>> {
    if actor.role != Role::Liaison {
        return Ok(asked);
    }
    let own = units::all_units(db)
        .await?
        .into_iter()
        .find(|(id, _)| Some(*id) == actor.unit_id)
        .map(|(_, name)| name)
        .ok_or_else(|| ServiceError::Forbidden("a liaison without a unit has no ledger".into()))?;
    match asked {
        Some(other) if other != own => Err(ServiceError::Forbidden(format!(
            "a liaison exports its own unit's ledger ({own}), not {other}'s"
        ))),
        _ => Ok(Some(own)),
    }
}

/// Every task matching the query, page by page.
pub(crate) async fn all_tasks(
    db: &Db,
    actor: &Actor,
    plan_id: i64,
    filter: TaskFilter,
    light: Option<String>,
) -> ServiceResult<Vec<TaskWithUnits>> {
    let mut query = TaskQuery {
        filter,
        light,
        page: 1,
        per_page: super::plans::MAX_PER_PAGE,
    };
    let mut tasks = Vec::new();
    loop {
        let page = super::plans::tasks(db, actor, plan_id, &query).await?;
        let got = page.tasks.len();
        tasks.extend(page.tasks);
        if got == 0 || tasks.len() as i64 >= page.total {
            return Ok(tasks);
        }
        query.page += 1;
    }
}

pub async fn export_ledger(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    query: &LedgerExportQuery,
) -> ServiceResult<LedgerFile> {
    let unit = unit_for(db, actor, query.unit.clone()).await?;
    let (plan, _) = super::ledger::plan_for(db, actor, query.plan).await?;
    let filter = TaskFilter {
        category: query.category.clone(),
        unit: unit.clone(),
        state: query.state.clone(),
        text: query.text.clone(),
        light: None,
    };
    let tasks = all_tasks(db, actor, plan.id, filter, query.light.clone()).await?;
    let shown = |unit_name: &str| unit.as_deref().is_none_or(|u| u == unit_name);
    let ids: Vec<i64> = tasks
        .iter()
        .flat_map(|t| t.assignments.iter())
        .filter(|a| shown(&a.unit_name))
        .map(|a| a.id)
        .collect();
    let mut measures: HashMap<i64, Vec<MeasureRow>> = HashMap::new();
    for m in assignments::measures_of_many(db, &ids).await? {
        measures.entry(m.assignment_id).or_default().push(m);
    }
    let latest: HashMap<i64, String> = reports::latest_of_many(db, &ids)
        .await?
        .into_iter()
        .map(|(id, period, narrative, _)| (id, progress_text(&period, &narrative)))
        .collect();
    let count = tasks.len();
    let rows = tasks
        .into_iter()
        .map(|t| {
            let mut units: Vec<(bool, LedgerUnit)> = Vec::new();
            for (a, light) in t.assignments.iter().zip(&t.lights) {
                if !shown(&a.unit_name) {
                    continue;
                }
                units.push((
                    a.role != "lead",
                    LedgerUnit {
                        name: a.unit_name.clone(),
                        progress: latest.get(&a.id).cloned().unwrap_or_default(),
                        light: *light,
                        measures: measures
                            .remove(&a.id)
                            .unwrap_or_default()
                            .into_iter()
                            .map(measure)
                            .collect::<ServiceResult<_>>()?,
                    },
                ));
            }
            units.sort_by_key(|(co, _)| *co);
            Ok(LedgerTask {
                category: match (&t.task.category_ordinal, &t.task.category_title) {
                    (Some(o), Some(title)) => format!("{o}、{title}"),
                    _ => String::new(),
                },
                number: t.task.number.clone(),
                text: t.task.body.clone(),
                leads: t
                    .assignments
                    .iter()
                    .filter(|a| a.role == "lead")
                    .map(|a| a.unit_name.clone())
                    .collect(),
                units: units.into_iter().map(|(_, u)| u).collect(),
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let today = super::lights::today(clock)?;
    let sheet = LedgerSheet {
        plan_id: plan.id,
        plan_title: plan.title.clone(),
        exported_on: today,
        scope: scope(unit.as_deref(), query),
        tasks: rows,
    };
    let bytes = crate::export::ledger_xlsx::write(&sheet)
        .map_err(|e| ServiceError::Invalid(format!("the ledger could not be written: {e}")))?;
    let mut file_name = format!("{}重点任务推进台账", plan.title);
    if let Some(unit) = &unit {
        file_name.push_str(&format!("-{unit}"));
    }
    file_name.push_str(&format!("-{}.xlsx", today.strftime("%Y%m%d")));
    Ok(LedgerFile {
        file_name,
        bytes,
        tasks: count,
    })
}

fn measure(m: MeasureRow) -> ServiceResult<LedgerMeasure> {
    Ok(LedgerMeasure {
        id: m.id,
        deadline: m.deadline.parse().map_err(|_| {
            ServiceError::Invalid(format!("measure {} has no valid deadline", m.id))
        })?,
        done: m.done_at.is_some(),
        description: m.description,
        responsible_person: m.responsible_person,
    })
}

/// The filters as the title block says them.
fn scope(unit: Option<&str>, query: &LedgerExportQuery) -> String {
    let mut parts = Vec::new();
    if let Some(unit) = unit {
        parts.push(format!("单位：{unit}"));
    }
    if let Some(category) = &query.category {
        parts.push(format!("类别：{category}"));
    }
    if let Some(light) = &query.light {
        let word = match light.as_str() {
            "green" => "正常推进",
            "yellow" => "预警",
            "red" => "滞后",
            "done" => "已办结",
            other => other,
        };
        parts.push(format!("亮灯：{word}"));
    }
    if let Some(text) = &query.text {
        parts.push(format!("含“{text}”"));
    }
    parts.join("；")
}
