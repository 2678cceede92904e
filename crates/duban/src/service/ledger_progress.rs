//! 进展情况 in an imported ledger: a unit's cell whose text differs from its
//! latest report becomes the report of the current period of its task's
//! rhythm (the open window due soonest on the import day, else the latest
//! ended), written as
//! `service::reports` writes one. A period already reported is refused:
//! reports are not edited, here or elsewhere.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use super::reports::ReportInput;
use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::domain::assignment::State;
use crate::domain::period::{Frequency, Period};
use crate::domain::report_window;
use crate::domain::roles::{Actor, Role};
use crate::export::ledger_layout::{COL_NUMBER, COL_PROGRESS, COL_UNIT};
use crate::export::ledger_read::{CellError, SheetProgress};
use crate::store::assignments::AssignmentRow;
use crate::store::audit::{self, NewEvent};
use crate::store::{Db, Tx, reports};

/// A new report the ledger carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressChange {
    /// 1-based.
    pub row: u32,
    pub task_number: String,
    pub unit: String,
    pub assignment_id: i64,
    pub period: Period,
    pub narrative: String,
}

/// The reports the progress cells would add; each refused cell goes to
/// `errors` (a message already there is not repeated).
pub async fn changes(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_year: Option<i64>,
    cells: &[SheetProgress],
    by_task: &HashMap<&str, &[AssignmentRow]>,
    errors: &mut Vec<String>,
) -> ServiceResult<Vec<ProgressChange>> {
    let ids: Vec<i64> = by_task
        .values()
        .flat_map(|u| u.iter().map(|a| a.id))
        .collect();
    let latest: HashMap<i64, String> = reports::latest_of_many(db, &ids)
        .await?
        .into_iter()
        .map(|(id, _, narrative, _)| (id, narrative.trim().to_string()))
        .collect();
    let reported: HashSet<(i64, String)> = reports::periods_of_many(db, &ids)
        .await?
        .into_iter()
        .collect();
    let today = super::lights::today(clock)?;
    let (thresholds, _) = super::settings::thresholds(db).await?;
    let year = plan_year.and_then(|y| i16::try_from(y).ok());
    let windows = current_windows(db, year, today, &thresholds, by_task).await?;
    let mut found = Vec::new();
    for cell in cells {
        let mut fail = |col: u16, message: String| {
            let message = CellError::at(cell.row, col, message).to_string();
            if !errors.contains(&message) {
                errors.push(message);
            }
        };
        let Some(units) = by_task.get(cell.task_number.as_str()) else {
            fail(
                COL_NUMBER,
                format!("计划中没有序号为“{}”的任务", cell.task_number),
            );
            continue;
        };
        let Some(a) = units.iter().find(|a| a.unit_name == cell.unit) else {
            fail(
                COL_UNIT,
                format!("{} 不承担第{}项任务", cell.unit, cell.task_number),
            );
            continue;
        };
        let before = latest.get(&a.id).map_or("", String::as_str);
        if cell.narrative == before {
            continue;
        }
        if cell.narrative.is_empty() {
            fail(
                COL_PROGRESS,
                "进展情况被清空：已报送的进展不能通过台账删除，请恢复原文或填写本期进展".into(),
            );
            continue;
        }
        let holds_task = units.iter().any(|u| Some(u.unit_id) == actor.unit_id);
        if let Some(message) = refusal(actor, a, holds_task) {
            fail(COL_PROGRESS, message);
            continue;
        }
        let rhythm = a.rhythm.own.unwrap_or(thresholds.report_period);
        let Some(window) = windows.get(&rhythm) else {
            // Every rhythm of the rows read has its window (current_windows).
            fail(
                COL_PROGRESS,
                "该任务的报送周期无法确定，进展情况暂不能导入".into(),
            );
            continue;
        };
        let Some(period) = window.period else {
            fail(
                COL_PROGRESS,
                "计划年度还没有结束或开放报送的报告期：进展情况暂不能导入".into(),
            );
            continue;
        };
        if let Some(due) = window.locked_since
            && !window.reopened.contains_key(&(a.id, period.to_string()))
        {
            fail(
                COL_PROGRESS,
                format!(
                    "{} {}：报送窗口已于{due}关闭，该期已锁定，不能通过台账补报；确需补报的，请联系督查室重新开放",
                    a.unit_name,
                    crate::domain::words::period_zh(period)
                ),
            );
            continue;
        }
        if reported.contains(&(a.id, period.to_string())) {
            fail(
                COL_PROGRESS,
                format!(
                    "{} {}：该期进展已报送，请在系统中修改",
                    a.unit_name,
                    crate::domain::words::period_zh(period)
                ),
            );
            continue;
        }
        let Ok(input) = ReportInput::parse(&period.to_string(), &cell.narrative, &[]) else {
            fail(COL_PROGRESS, "进展情况请写 1–10000 字".into());
            continue;
        };
        found.push(ProgressChange {
            row: cell.row + 1,
            task_number: cell.task_number.clone(),
            unit: cell.unit.clone(),
            assignment_id: a.id,
            period,
            narrative: input.narrative,
        });
    }
    Ok(found)
}

/// The current period of one report rhythm on the import day.
struct CurrentWindow {
    /// The latest whose window is open, else the latest ended; none before
    /// the plan year's first period ends.
    period: Option<Period>,
    /// Set when no window is open: the current period's window closed on
    /// that day, and it is locked except where the office reopened it.
    locked_since: Option<jiff::civil::Date>,
    /// (assignment, period) → reopened until, for the locked period.
    reopened: HashMap<(i64, String), String>,
}

/// The current window of each report rhythm the plan's assignments follow
/// (the office's, and any task's or item's own).
async fn current_windows(
    db: &Db,
    year: Option<i16>,
    today: jiff::civil::Date,
    thresholds: &crate::domain::light::Thresholds,
    by_task: &HashMap<&str, &[AssignmentRow]>,
) -> ServiceResult<HashMap<Frequency, CurrentWindow>> {
    let mut ids_by_rhythm: HashMap<Frequency, Vec<i64>> = HashMap::new();
    for a in by_task.values().flat_map(|units| units.iter()) {
        let rhythm = a.rhythm.own.unwrap_or(thresholds.report_period);
        ids_by_rhythm.entry(rhythm).or_default().push(a.id);
    }
    let mut windows = HashMap::new();
    for (rhythm, ids) in ids_by_rhythm {
        let t = thresholds.of_frequency(rhythm);
        let period = year.and_then(|year| report_window::current(year, today, &t));
        let locked_since = period
            .map(|p| report_window::window(p.last_day(), &t).1)
            .filter(|due| today > *due);
        let reopened = match (locked_since, period) {
            (Some(_), Some(period)) => {
                crate::store::report_periods::reopened_until(db, &ids, &period.to_string(), today)
                    .await?
            }
            _ => HashMap::new(),
        };
        windows.insert(
            rhythm,
            CurrentWindow {
                period,
                locked_since,
                reopened,
            },
        );
    }
    Ok(windows)
}

/// Why this unit's progress may not be reported by `actor`, as
/// `reports::submit` decides it: the unit's liaison or the administrator,
/// on claimed work not yet verified.
fn refusal(actor: &Actor, a: &AssignmentRow, holds_task: bool) -> Option<String> {
    let own = actor.role == Role::Liaison && actor.unit_id == Some(a.unit_id);
    if !(own || actor.role == Role::Admin) {
        return Some(if holds_task {
            format!("这一行是{}的进展：只能填写本单位的进展情况", a.unit_name)
        } else {
            "本单位不承担这项任务：只能填写本单位任务的进展情况".into()
        });
    }
    match a.state.parse::<State>() {
        Ok(State::Assigned) => Some(format!(
            "{}尚未认领这项任务：请先认领，再填写进展",
            a.unit_name
        )),
        Ok(State::Verified) => Some(format!("{}的这项任务已销号：进展不能再填写", a.unit_name)),
        Ok(_) => None,
        Err(e) => Some(e),
    }
}

/// Writes one new report and its audit event in the import's transaction,
/// with the store calls `reports::submit` makes.
pub async fn apply(
    tx: &mut Tx,
    lights: &super::lights::Refresher,
    now: i64,
    actor: &Actor,
    upload_id: i64,
    change: &ProgressChange,
) -> ServiceResult<i64> {
    // Confirmed on another day than the preview, the period may have locked.
    let assignment = crate::store::assignments::get(tx, change.assignment_id).await?;
    super::report_periods::check_open(
        tx,
        &lights.thresholds,
        &assignment,
        change.period,
        lights.today,
    )
    .await?;
    let period = change.period.to_string();
    let id = reports::create(
        tx,
        change.assignment_id,
        &period,
        &change.narrative,
        &actor.name,
        now,
        &[],
    )
    .await?
    .ok_or_else(|| {
        ServiceError::Transition(format!("the report for {period} is already submitted"))
    })?;
    let event = NewEvent {
        actor: &actor.name,
        action: "report.submit",
        entity: "progress_report",
        entity_id: Some(id),
        before: None,
        after: Some(json!({
            "assignment_id": change.assignment_id, "period": period,
            "narrative": change.narrative, "actuals": [],
            "via": "ledger import", "ledger_upload": upload_id, "row": change.row,
        })),
    };
    audit::append(tx, now, event).await?;
    Ok(id)
}
