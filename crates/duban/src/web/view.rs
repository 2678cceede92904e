//! View models shared by the task page and the unit's work page: the record
//! as it is read, with figures, labels and links worked out once.

use super::i18n::Lang;
use super::page::Page;
use crate::domain::roles::Role;
use crate::service::tasks::{TaskRecord, UnitDetail};
use crate::store::assignments::{AssignmentRow, MeasureRow};
use crate::store::coordination::DifficultyRow;
use crate::store::evaluations::EvaluationRow;
use crate::store::supervision::FindingRow;
use crate::store::targets::TargetRow;

/// A target as the plan states it: "既有多层住宅加装电梯新开工 ≥ 185 台".
pub struct TargetLine {
    pub id: i64,
    pub metric: String,
    pub text: String,
    /// A figure to report against (directions such as 同比下降 have none).
    pub has_value: bool,
    pub unit: String,
}

pub fn targets(rows: &[TargetRow], lang: Lang) -> Vec<TargetLine> {
    rows.iter()
        .map(|t| {
            let op = match t.op.as_str() {
                ">=" => "≥",
                "<=" => "≤",
                "=" => "=",
                "up" => lang.t("上升", "up"),
                "down" => lang.t("下降", "down"),
                other => other,
            };
            let value = t.value.map(figure).unwrap_or_default();
            let unit = t.unit.clone().unwrap_or_default();
            let hedge = t.qualifier.as_deref().unwrap_or_default();
            TargetLine {
                id: t.id,
                metric: t.metric.clone(),
                text: format!("{} {op} {hedge}{value} {unit}", t.metric)
                    .trim()
                    .to_string(),
                has_value: t.value.is_some(),
                unit,
            }
        })
        .collect()
}

pub use crate::domain::words::figure;

/// One unit on a task.
pub struct UnitView {
    pub assignment_id: i64,
    pub name: String,
    pub role: String,
    pub state: String,
    pub light: &'static str,
    pub version: i64,
    /// Why a declared completion was sent back, if it was.
    pub note: Option<String>,
    /// The reader works on this assignment (its liaison, or an admin).
    pub works_here: bool,
    /// What the reader may see of the unit's records.
    pub detail: Option<DetailView>,
}

pub struct DetailView {
    pub measures: Vec<MeasureRow>,
    pub reports: Vec<ReportView>,
    pub findings: Vec<FindingRow>,
    pub difficulties: Vec<DifficultyRow>,
    pub evaluations: Vec<EvaluationRow>,
}

pub struct ReportView {
    pub id: i64,
    pub period: String,
    pub narrative: String,
    pub submitted_at: i64,
    pub submitted_by: String,
    /// "既有多层住宅加装电梯新开工：120 台"
    pub actuals: Vec<String>,
    /// (attachment id, file name)
    pub files: Vec<(i64, String)>,
}

/// Whether `page`'s reader works on `assignment` (its unit's liaison, or an admin).
pub fn works_on(page: &Page, assignment: &AssignmentRow) -> bool {
    match page.actor.role {
        Role::Admin => true,
        Role::Liaison => page.actor.unit_id == Some(assignment.unit_id),
        _ => false,
    }
}

pub fn units(record: &TaskRecord, page: &Page) -> Vec<UnitView> {
    record
        .task
        .assignments
        .iter()
        .zip(&record.task.lights)
        .zip(&record.details)
        .map(|((a, light), detail)| UnitView {
            assignment_id: a.id,
            name: a.unit_name.clone(),
            role: a.role.clone(),
            state: a.state.clone(),
            light: light.as_str(),
            version: a.version,
            note: a.note.clone(),
            works_here: works_on(page, a),
            detail: detail
                .as_ref()
                .map(|d| detail_view(d, &record.task.targets)),
        })
        .collect()
}

pub fn detail_view(detail: &UnitDetail, targets: &[TargetRow]) -> DetailView {
    let label = |id: i64| {
        targets
            .iter()
            .find(|t| t.id == id)
            .map(|t| (t.metric.clone(), t.unit.clone().unwrap_or_default()))
            .unwrap_or_else(|| (format!("#{id}"), String::new()))
    };
    DetailView {
        measures: detail.measures.clone(),
        reports: detail
            .reports
            .iter()
            .map(|(r, files)| ReportView {
                id: r.id,
                period: r.period.clone(),
                narrative: r.narrative.clone(),
                submitted_at: r.submitted_at,
                submitted_by: r.submitted_by.clone(),
                actuals: r
                    .actuals
                    .iter()
                    .map(|&(id, actual)| {
                        let (metric, unit) = label(id);
                        format!("{metric}：{} {unit}", figure(actual))
                            .trim()
                            .to_string()
                    })
                    .collect(),
                files: files.iter().map(|f| (f.id, f.file_name.clone())).collect(),
            })
            .collect(),
        findings: detail.findings.clone(),
        difficulties: detail.difficulties.clone(),
        evaluations: detail.evaluations.clone(),
    }
}
