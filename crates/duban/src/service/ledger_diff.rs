//! What an edited ledger would change: its measure rows set against the
//! record, each row either unchanged, a measure edited, a measure added, or
//! refused with its sheet, row and column (another unit's work, a task not
//! claimed, a verified one, an id that is not the plan's); its progress
//! cells through `ledger_progress`.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use sha2::{Digest, Sha256};

use super::ServiceResult;
use super::ledger_progress::{self, ProgressChange};
use crate::clock::Clock;
use crate::domain::roles::{Actor, Role};
use crate::export::ledger_layout::{COL_ID, COL_MEASURE, COL_NUMBER, COL_UNIT};
use crate::export::ledger_read::{self, CellError, SheetMeasure};
use crate::store::assignments::{AssignmentRow, MeasureRow};
use crate::store::plans::PlanHeader;
use crate::store::tasks::TaskFilter;
use crate::store::{Db, assignments};

/// A measure's fields as the ledger carries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureText {
    pub description: String,
    pub responsible_person: String,
    pub deadline: Date,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    Add,
    Edit {
        measure_id: i64,
        version: i64,
        before: MeasureText,
    },
}

/// One change, with the row (1-based) it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub row: u32,
    pub task_number: String,
    pub unit: String,
    pub assignment_id: i64,
    pub kind: ChangeKind,
    pub after: MeasureText,
}

/// The changes an edited ledger makes to one plan.
#[derive(Debug, Clone)]
pub struct LedgerDiff {
    pub plan: PlanHeader,
    pub changes: Vec<Change>,
    /// New progress reports (进展情况).
    pub progress: Vec<ProgressChange>,
    /// Measure rows that change nothing.
    pub unchanged: usize,
    /// Names these exact changes: the confirmation must match it.
    pub fingerprint: String,
}

/// The diff, or every reason the workbook is refused (as people read them).
pub type Checked = Result<LedgerDiff, Vec<String>>;

fn text_of(m: &MeasureRow) -> Option<MeasureText> {
    Some(MeasureText {
        description: m.description.clone(),
        responsible_person: m.responsible_person.clone(),
        deadline: m.deadline.parse().ok()?,
        done: m.done_at.is_some(),
    })
}

pub async fn check(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    bytes: &[u8],
) -> ServiceResult<Checked> {
    let plan_id = match ledger_read::plan_of(bytes) {
        Ok(id) => id,
        Err(e) => return Ok(Err(vec![e.to_string()])),
    };
    let Some(plan) = super::plans::visible(db, actor)
        .await?
        .into_iter()
        .find(|p| p.id == plan_id)
    else {
        return Ok(Err(vec![format!(
            "这份台账所属的计划（编号 {plan_id}）不存在，或您无权查看"
        )]));
    };
    let year = plan.year.and_then(|y| i16::try_from(y).ok());
    let (rows, progress) = match ledger_read::read(bytes, year) {
        Ok((_, rows, progress)) => (rows, progress),
        Err(errors) => return Ok(Err(errors.iter().map(ToString::to_string).collect())),
    };
    let tasks =
        super::ledger_export::all_tasks(db, actor, plan.id, TaskFilter::default(), None).await?;
    let mut by_task: HashMap<&str, &[AssignmentRow]> = HashMap::new();
    for t in &tasks {
        by_task.insert(t.task.number.as_str(), &t.assignments);
    }
    let ids: Vec<i64> = tasks
        .iter()
        .flat_map(|t| t.assignments.iter().map(|a| a.id))
        .collect();
    let measures: HashMap<i64, MeasureRow> = assignments::measures_of_many(db, &ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut unchanged = 0;
    for row in &rows {
        let fail = |col: u16, message: String| CellError::at(row.row, col, message).to_string();
        let Some(units) = by_task.get(row.task_number.as_str()) else {
            errors.push(fail(
                COL_NUMBER,
                format!("计划中没有序号为“{}”的任务", row.task_number),
            ));
            continue;
        };
        let Some(assignment) = units.iter().find(|a| a.unit_name == row.unit) else {
            errors.push(fail(
                COL_UNIT,
                format!("{} 不承担第{}项任务", row.unit, row.task_number),
            ));
            continue;
        };
        let after = MeasureText {
            description: row.description.clone(),
            responsible_person: row.responsible_person.clone(),
            deadline: row.deadline,
            done: row.done,
        };
        let kind = match row.id {
            Some(id) => {
                if !seen.insert(id) {
                    errors.push(fail(
                        COL_ID,
                        format!("编号 {id} 出现了两次：复制行时请清空隐藏的编号列"),
                    ));
                    continue;
                }
                let Some((m, before)) = measures.get(&id).and_then(|m| Some((m, text_of(m)?)))
                else {
                    errors.push(fail(
                        COL_ID,
                        format!("编号 {id} 不是本计划的措施：请勿修改隐藏的编号列"),
                    ));
                    continue;
                };
                if m.assignment_id != assignment.id {
                    errors.push(fail(
                        COL_UNIT,
                        "这条措施属于另一项任务或另一个单位：措施不能移动，请改回原处".into(),
                    ));
                    continue;
                }
                if before == after {
                    unchanged += 1;
                    continue;
                }
                ChangeKind::Edit {
                    measure_id: id,
                    version: m.version,
                    before,
                }
            }
            None => {
                // The same file imported twice adds nothing twice.
                let same = measures.values().find(|m| {
                    m.assignment_id == assignment.id && m.description == after.description
                });
                match same.and_then(|m| Some((m.id, text_of(m)?))) {
                    Some((_, before)) if before == after => {
                        unchanged += 1;
                        continue;
                    }
                    Some((id, _)) => {
                        errors.push(fail(COL_MEASURE, format!("{}已有这条措施（编号 {id}）：要修改它，请从系统重新下载台账后在原行修改", row.unit)));
                        continue;
                    }
                    None => ChangeKind::Add,
                }
            }
        };
        let holds_task = units.iter().any(|a| Some(a.unit_id) == actor.unit_id);
        if let Some(message) = refusal(actor, assignment, &kind, holds_task) {
            errors.push(fail(
                if kind == ChangeKind::Add {
                    COL_MEASURE
                } else {
                    COL_UNIT
                },
                message,
            ));
            continue;
        }
        changes.push(change(row, assignment, kind, after));
    }
    let progress = ledger_progress::changes(
        db,
        clock,
        actor,
        plan.year,
        &progress,
        &by_task,
        &mut errors,
    )
    .await?;
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    if changes.is_empty() && progress.is_empty() {
        return Ok(Err(vec![
            "台账中的细化措施和进展情况与系统记录一致，没有需要导入的变更".into(),
        ]));
    }
    let fingerprint = hex::encode(Sha256::digest(format!("{plan_id}{changes:?}{progress:?}")));
    Ok(Ok(LedgerDiff {
        plan,
        changes,
        progress,
        unchanged,
        fingerprint,
    }))
}

fn change(
    row: &SheetMeasure,
    assignment: &AssignmentRow,
    kind: ChangeKind,
    after: MeasureText,
) -> Change {
    Change {
        row: row.row + 1,
        task_number: row.task_number.clone(),
        unit: row.unit.clone(),
        assignment_id: assignment.id,
        kind,
        after,
    }
}

/// Why this change may not be made, if it may not; `holds_task`: the
/// actor's unit holds the row's task (another unit's row of it, or not at all).
fn refusal(
    actor: &Actor,
    a: &AssignmentRow,
    kind: &ChangeKind,
    holds_task: bool,
) -> Option<String> {
    if actor.role == Role::Liaison && actor.unit_id != Some(a.unit_id) {
        return Some(if holds_task {
            format!("这一行是{}的措施：只能修改本单位的细化措施", a.unit_name)
        } else {
            "本单位不承担这项任务：只能修改本单位任务的细化措施".into()
        });
    }
    if !crate::domain::assignment::may_edit_measures(actor, a.unit_id) {
        return Some("只有本单位联络员或管理员可以修改细化措施".into());
    }
    match (kind, a.state.as_str()) {
        (_, "verified") => Some(format!("{}的这项任务已销号：措施不能再修改", a.unit_name)),
        (ChangeKind::Add, "assigned") => Some(format!(
            "{}尚未认领这项任务：请先认领，再添加措施",
            a.unit_name
        )),
        (ChangeKind::Add, "done") => {
            Some(format!("{}已申报办结这项任务：不能再添加措施", a.unit_name))
        }
        _ => None,
    }
}
