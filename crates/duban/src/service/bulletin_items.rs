//! The bulletin's section on supervised items (督办事项办理情况): the year's
//! register beside the annual plan, each item with its result (按期办结,
//! 逾期办结, 逾期未办结, 办理中) by the same rule as the item's page.

use std::collections::HashMap;

use jiff::civil::Date;

use super::ServiceResult;
use super::completions::{item_result, results_of};
use crate::domain::item::{ItemState, Source};
use crate::store::{Db, assignments, completions, items, plans};

/// One item as the bulletin lists it.
pub struct ItemLine {
    pub number: String,
    pub title: String,
    /// 会议交办, 领导批示 ….
    pub source: &'static str,
    pub lead: Vec<String>,
    pub deadline: String,
    /// on_time, late, not_completed or running.
    pub result: &'static str,
}

/// The register's figures and lines.
pub struct ItemsSection {
    pub register_title: String,
    /// Items handed to units (those awaiting or refused approval are not work).
    pub total: usize,
    /// Of them, opened in the bulletin's period.
    pub opened_in_period: usize,
    pub on_time: usize,
    pub late: usize,
    pub not_completed: usize,
    pub running: usize,
    /// In their numbers' order.
    pub lines: Vec<ItemLine>,
}

/// The section for an annual plan, if its year has a register with items
/// handed out; `from..until` (milliseconds) is the bulletin's period.
pub async fn section(
    db: &Db,
    plan_id: i64,
    from: i64,
    until: i64,
    today: Date,
) -> ServiceResult<Option<ItemsSection>> {
    let Some(register) = plans::register_beside(db, plan_id).await? else {
        return Ok(None);
    };
    let mut handed: Vec<items::ItemRow> = items::list(db, register.year, None)
        .await?
        .into_iter()
        .filter(|i| i.state == ItemState::Assigned.as_str())
        .collect();
    if handed.is_empty() {
        return Ok(None);
    }
    handed.sort_by_key(|i| i.seq);
    let task_ids: Vec<i64> = handed.iter().map(|i| i.task_id).collect();
    let all = assignments::of_tasks(db, &task_ids).await?;
    let ids: Vec<i64> = all.iter().map(|a| a.id).collect();
    let done = completions::of_assignments(db, &ids).await?;
    let mut by_task: HashMap<i64, Vec<assignments::AssignmentRow>> = HashMap::new();
    for a in all {
        by_task.entry(a.task_id).or_default().push(a);
    }
    let mut section = ItemsSection {
        register_title: register.title,
        total: handed.len(),
        opened_in_period: handed
            .iter()
            .filter(|i| (from..until).contains(&i.opened_at))
            .count(),
        on_time: 0,
        late: 0,
        not_completed: 0,
        running: 0,
        lines: Vec::new(),
    };
    for item in handed {
        let units = by_task.remove(&item.task_id).unwrap_or_default();
        let result = item_result(&results_of(&item, &units, &done, today));
        match result {
            "on_time" => section.on_time += 1,
            "late" => section.late += 1,
            "not_completed" => section.not_completed += 1,
            _ => section.running += 1,
        }
        section.lines.push(ItemLine {
            lead: units
                .iter()
                .filter(|a| a.role == "lead")
                .map(|a| a.unit_name.clone())
                .collect(),
            source: item.source.parse::<Source>().map_or("", Source::zh),
            deadline: item.deadline.clone().unwrap_or_default(),
            number: item.number,
            title: item.title,
            result,
        });
    }
    Ok(Some(section))
}
