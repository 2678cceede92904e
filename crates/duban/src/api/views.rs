//! What the API answers with: typed bodies, so the OpenAPI document is
//! generated from the same types the handlers return.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::plans::TaskWithUnits;
use crate::store::plans::PlanSummary;

/// `{"error": {"code", "message", "field"}}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: unauthenticated, forbidden, not_found, conflict, invalid, bad_request, rate_limited, …
    pub code: String,
    /// For people.
    pub message: String,
    /// The request field at fault, when there is one.
    pub field: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedInBody {
    pub user: UserView,
    /// The session token, also set as the `duban_session` cookie; send it as
    /// `Authorization: Bearer TOKEN` from scripts.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// admin, supervisor, leader, liaison or viewer.
    pub role: String,
    pub unit_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeBody {
    pub actor: String,
    pub role: String,
    pub unit_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedOutBody {
    pub signed_out: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthBody {
    pub status: String,
    /// sqlite or postgres.
    pub database: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlansBody {
    pub plans: Vec<PlanView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: i64,
    pub year: Option<i64>,
    pub title: String,
    /// draft, published or closed.
    pub state: String,
    pub categories: i64,
    pub tasks: i64,
    pub targets: i64,
    pub assignments: i64,
}

impl From<&PlanSummary> for PlanView {
    fn from(p: &PlanSummary) -> PlanView {
        PlanView {
            id: p.id,
            year: p.year,
            title: p.title.clone(),
            state: p.state.clone(),
            categories: p.categories,
            tasks: p.tasks,
            targets: p.targets,
            assignments: p.assignments,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskPageBody {
    pub tasks: Vec<TaskView>,
    /// Tasks matching the filters, on all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub id: i64,
    /// As printed: "18", "（五）".
    pub number: String,
    pub category: Option<CategoryView>,
    pub title: String,
    pub text: String,
    pub deadline: Option<DeadlineView>,
    pub units: Vec<AssignmentView>,
    pub targets: Vec<TargetView>,
    /// green, yellow, red or done: the worst of its units' lights, by rule.
    pub light: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetView {
    pub id: i64,
    pub metric: String,
    /// >=, <=, = for a figure; up or down for a direction without one.
    pub op: String,
    pub value: Option<f64>,
    pub unit: Option<String>,
    /// 力争 or 左右 when the plan hedges.
    pub qualifier: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub ordinal: String,
    pub title: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    /// ISO date, when the text names one.
    pub date: Option<String>,
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub assignment_id: i64,
    pub unit_id: i64,
    pub name: String,
    /// lead or co.
    pub role: String,
    /// assigned, claimed, in_progress, done or verified.
    pub state: String,
    /// Send it back with an edit; a stale one is refused with 409.
    pub version: i64,
    /// This unit's light on the task (none outside a plan listing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub light: Option<String>,
    /// 签收时限 (YYYY-MM-DD), when the office gave one.
    pub sign_by: Option<String>,
    /// When the unit signed (签收), milliseconds since the epoch.
    pub claimed_at: Option<i64>,
    /// True while the unit's return (退回) waits for the office's decision.
    pub returned: bool,
    /// The unit's deadline after a granted extension (延期); the task's own
    /// deadline stays as published.
    pub extended_to: Option<String>,
}

impl AssignmentView {
    pub fn of(
        a: &crate::store::assignments::AssignmentRow,
        light: Option<String>,
    ) -> AssignmentView {
        AssignmentView {
            assignment_id: a.id,
            unit_id: a.unit_id,
            name: a.unit_name.clone(),
            role: a.role.clone(),
            state: a.state.clone(),
            version: a.version,
            light,
            sign_by: a.sign_by.clone(),
            claimed_at: a.claimed_at,
            returned: a.returned_at.is_some(),
            extended_to: a.extended_to.clone(),
        }
    }
}

impl From<&TaskWithUnits> for TaskView {
    fn from(t: &TaskWithUnits) -> TaskView {
        TaskView {
            id: t.task.id,
            number: t.task.number.clone(),
            category: t
                .task
                .category_ordinal
                .as_ref()
                .map(|ordinal| CategoryView {
                    ordinal: ordinal.clone(),
                    title: t.task.category_title.clone(),
                }),
            title: t.task.title.clone(),
            text: t.task.body.clone(),
            deadline: t.task.deadline_text.as_ref().map(|text| DeadlineView {
                date: t.task.deadline_date.clone(),
                text: text.clone(),
            }),
            units: t
                .assignments
                .iter()
                .zip(&t.lights)
                .map(|(a, light)| AssignmentView::of(a, Some(light.as_str().to_string())))
                .collect(),
            light: t.light.as_str().to_string(),
            targets: t
                .targets
                .iter()
                .map(|g| TargetView {
                    id: g.id,
                    metric: g.metric.clone(),
                    op: g.op.clone(),
                    value: g.value,
                    unit: g.unit.clone(),
                    qualifier: g.qualifier.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentDetailBody {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub unit: String,
    pub role: String,
    pub state: String,
    pub version: i64,
    /// Why a declared completion was sent back.
    pub note: Option<String>,
    /// 签收时限 (YYYY-MM-DD), when the office gave one.
    pub sign_by: Option<String>,
    /// When the unit signed (签收), milliseconds since the epoch.
    pub claimed_at: Option<i64>,
    /// True while the unit's return (退回) waits for the office's decision.
    pub returned: bool,
    /// The unit's deadline after a granted extension (延期).
    pub extended_to: Option<String>,
    pub measures: Vec<MeasureView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureView {
    pub id: i64,
    pub assignment_id: i64,
    pub description: String,
    pub responsible_person: String,
    /// YYYY-MM-DD.
    pub deadline: String,
    pub done: bool,
    pub version: i64,
}

impl From<&crate::store::assignments::MeasureRow> for MeasureView {
    fn from(m: &crate::store::assignments::MeasureRow) -> MeasureView {
        MeasureView {
            id: m.id,
            assignment_id: m.assignment_id,
            description: m.description.clone(),
            responsible_person: m.responsible_person.clone(),
            deadline: m.deadline.clone(),
            done: m.done_at.is_some(),
            version: m.version,
        }
    }
}

impl AssignmentDetailBody {
    pub fn new(
        a: &crate::store::assignments::AssignmentRow,
        measures: Vec<MeasureView>,
    ) -> AssignmentDetailBody {
        AssignmentDetailBody {
            id: a.id,
            task_id: a.task_id,
            unit_id: a.unit_id,
            unit: a.unit_name.clone(),
            role: a.role.clone(),
            state: a.state.clone(),
            version: a.version,
            note: a.note.clone(),
            sign_by: a.sign_by.clone(),
            claimed_at: a.claimed_at,
            returned: a.returned_at.is_some(),
            extended_to: a.extended_to.clone(),
            measures,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitAssignmentsBody {
    pub assignments: Vec<AssignmentDetailBody>,
}

/// A move on an assignment, made on the version the caller last read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    pub version: i64,
    /// Required to send work back (reject).
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureRequest {
    pub description: String,
    pub responsible_person: String,
    /// YYYY-MM-DD.
    pub deadline: String,
    #[serde(default)]
    pub done: bool,
    /// Required when editing: the version last read.
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// 2021-03 for a month, 2021-Q1 for a quarter, 2021-W05 for a week,
    /// 2021-03-H1 for a half month: the office's rhythm.
    pub period: String,
    pub narrative: String,
    #[serde(default)]
    pub actuals: Vec<ActualView>,
    /// The lead unit's report: ids of the co-units' reports of the same
    /// period it consolidates (汇总).
    #[serde(default)]
    pub consolidates: Vec<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualView {
    pub target_id: i64,
    /// The figure reached so far, in the target's unit (台, 公里, %…).
    pub actual: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: i64,
    pub assignment_id: i64,
    pub period: String,
    pub narrative: String,
    /// Milliseconds since the epoch (UTC).
    pub submitted_at: i64,
    pub submitted_by: String,
    pub actuals: Vec<ActualView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportsBody {
    pub reports: Vec<ReportView>,
}

impl From<&crate::store::reports::ReportRow> for ReportView {
    fn from(r: &crate::store::reports::ReportRow) -> ReportView {
        ReportView {
            id: r.id,
            assignment_id: r.assignment_id,
            period: r.period.clone(),
            narrative: r.narrative.clone(),
            submitted_at: r.submitted_at,
            submitted_by: r.submitted_by.clone(),
            actuals: r
                .actuals
                .iter()
                .map(|&(target_id, actual)| ActualView { target_id, actual })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BodiesBody {
    pub bodies: Vec<BodyView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BodyView {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionRequest {
    pub body_id: i64,
    pub plan_id: i64,
    pub title: String,
    /// YYYY-MM-DD.
    pub inspected_on: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedBody {
    pub id: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingRequest {
    pub assignment_id: i64,
    /// reminder (提醒), service (服务) or rectification (整改).
    pub action: String,
    pub description: String,
    /// YYYY-MM-DD; required for a rectification.
    pub deadline: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingMoveRequest {
    pub version: i64,
    /// The unit's answer (respond) or why it is not accepted (reopen).
    pub text: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingView {
    pub id: i64,
    pub inspection_id: i64,
    pub assignment_id: i64,
    pub unit_id: i64,
    pub action: String,
    pub description: String,
    pub deadline: Option<String>,
    /// open, answered or closed (销号).
    pub state: String,
    pub response: Option<String>,
    pub verified_by: Option<String>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingsBody {
    pub findings: Vec<FindingView>,
}

impl From<&crate::store::supervision::FindingRow> for FindingView {
    fn from(f: &crate::store::supervision::FindingRow) -> FindingView {
        FindingView {
            id: f.id,
            inspection_id: f.inspection_id,
            assignment_id: f.assignment_id,
            unit_id: f.unit_id,
            action: f.action.clone(),
            description: f.description.clone(),
            deadline: f.deadline.clone(),
            state: f.state.clone(),
            response: f.response.clone(),
            verified_by: f.verified_by.clone(),
            version: f.version,
        }
    }
}

/// Scores (0–100) or weights (percent, adding up to 100) of the four dimensions.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DimensionsView {
    /// 完成情况
    pub completion: f64,
    /// 方法创新
    pub innovation: f64,
    /// 实际效果
    pub effect: f64,
    /// 工作状态
    pub attitude: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WeightsBody {
    pub weights: DimensionsView,
    /// Send it back to change the weights; 0 while the defaults apply.
    pub version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightsRequest {
    pub weights: DimensionsView,
    pub version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRequest {
    /// 2021, 2021-H1 or 2021-H2.
    pub round: String,
    pub body_id: i64,
    pub scores: DimensionsView,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationView {
    pub id: i64,
    pub assignment_id: i64,
    pub round: String,
    pub body_id: i64,
    pub evaluator: String,
    pub scores: DimensionsView,
    /// The weights in force when it was scored.
    pub weights: DimensionsView,
    pub weighted: f64,
    pub comment: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationsBody {
    pub evaluations: Vec<EvaluationView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DifficultyRequest {
    pub description: String,
    /// Whom the unit needs: units or leaders, as text.
    pub routed_to: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    pub version: i64,
    pub answer: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DifficultyView {
    pub id: i64,
    pub assignment_id: i64,
    pub description: String,
    pub routed_to: String,
    pub raised_by: String,
    /// open or resolved.
    pub state: String,
    pub answer: Option<String>,
    pub resolved_by: Option<String>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DifficultiesBody {
    pub difficulties: Vec<DifficultyView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextRequest {
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionRequest {
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SituationView {
    pub id: i64,
    pub task_id: i64,
    /// The reporting unit; none when the office filed it.
    pub unit_id: Option<i64>,
    pub description: String,
    pub reported_by: String,
    pub acknowledged_by: Option<String>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SituationsBody {
    pub situations: Vec<SituationView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    pub id: i64,
    pub task_id: i64,
    /// instruction (批示) or comment.
    pub kind: String,
    pub body: String,
    pub author: String,
    /// Milliseconds since the epoch (UTC).
    pub written_at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotesBody {
    pub notes: Vec<NoteView>,
}

impl From<&crate::store::coordination::DifficultyRow> for DifficultyView {
    fn from(d: &crate::store::coordination::DifficultyRow) -> DifficultyView {
        DifficultyView {
            id: d.id,
            assignment_id: d.assignment_id,
            description: d.description.clone(),
            routed_to: d.routed_to.clone(),
            raised_by: d.raised_by.clone(),
            state: d.state.clone(),
            answer: d.answer.clone(),
            resolved_by: d.resolved_by.clone(),
            version: d.version,
        }
    }
}

impl From<&crate::store::coordination::SituationRow> for SituationView {
    fn from(s: &crate::store::coordination::SituationRow) -> SituationView {
        SituationView {
            id: s.id,
            task_id: s.task_id,
            unit_id: s.unit_id,
            description: s.description.clone(),
            reported_by: s.reported_by.clone(),
            acknowledged_by: s.acknowledged_by.clone(),
            version: s.version,
        }
    }
}

impl From<&crate::store::coordination::NoteRow> for NoteView {
    fn from(n: &crate::store::coordination::NoteRow) -> NoteView {
        NoteView {
            id: n.id,
            task_id: n.task_id,
            kind: n.kind.clone(),
            body: n.body.clone(),
            author: n.author.clone(),
            written_at: n.written_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// A unit or a group with fixed members, by name or alias.
    pub unit: String,
    /// lead or co.
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskAssignmentsBody {
    pub units: Vec<AssignmentView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub report_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content, also in the audit chain.
    pub sha256: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentsBody {
    pub attachments: Vec<AttachmentView>,
}

impl From<&crate::store::reports::AttachmentRow> for AttachmentView {
    fn from(a: &crate::store::reports::AttachmentRow) -> AttachmentView {
        AttachmentView {
            id: a.id,
            report_id: a.report_id,
            file_name: a.file_name.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionBody {
    /// The revision written, or (dry run) the one the diff starts from.
    pub revision: i64,
    pub applied: bool,
    /// Numbers of tasks added.
    pub added: Vec<String>,
    /// Numbers of tasks removed (kept on the record, out of the listings).
    pub removed: Vec<String>,
    /// Numbers of tasks whose text changed.
    pub reworded: Vec<String>,
    /// Numbers of tasks whose units or roles changed.
    pub units_moved: Vec<String>,
    pub assignments_added: usize,
    pub assignments_withdrawn: u64,
}
