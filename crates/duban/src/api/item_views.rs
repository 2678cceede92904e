//! What the items API takes and answers: items (立项), returns (退回) and
//! extensions (延期).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::views::AssignmentView;
use crate::service::items::ItemDetail;
use crate::store::completions::{CompletionRow, FileRow};
use crate::store::handover::{ExtensionRow, ReturnRow};
use crate::store::items::{ItemRow, ItemUnit};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenItemRequest {
    /// meeting, leader_instruction, higher_document, npc_suggestion, cppcc_proposal or public_clue.
    pub source: String,
    /// The meeting, the instruction's author and date, the document's number…
    pub source_ref: String,
    pub title: String,
    pub content: String,
    pub required_result: String,
    /// YYYY-MM-DD, today or later.
    pub deadline: String,
    pub lead_units: Vec<String>,
    #[serde(default)]
    pub co_units: Vec<String>,
    /// A leader approves the item before it goes to its units.
    #[serde(default)]
    pub needs_approval: bool,
    /// Completion must carry evidence to be accepted.
    #[serde(default = "yes")]
    pub evidence_required: bool,
    /// Its own report rhythm: weekly, half_monthly, monthly or quarterly;
    /// absent or empty: the office's.
    #[serde(default)]
    pub report_frequency: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    pub id: i64,
    /// The office's number: 督〔2021〕12号.
    pub number: String,
    pub year: i64,
    pub source: String,
    pub source_ref: String,
    pub title: String,
    pub content: String,
    pub required_result: String,
    /// YYYY-MM-DD, as opened.
    pub deadline: Option<String>,
    pub evidence_required: bool,
    /// Its own report rhythm (weekly, half_monthly, monthly, quarterly);
    /// absent: the office's.
    pub report_frequency: Option<String>,
    /// awaiting_approval, refused or assigned.
    pub state: String,
    /// The task that carries the work (its page, its reports, its light).
    pub task_id: i64,
    pub plan_id: i64,
    pub light: String,
    pub opened_by: String,
    pub opened_at: i64,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
    pub version: i64,
}

impl From<&ItemRow> for ItemView {
    fn from(i: &ItemRow) -> ItemView {
        ItemView {
            id: i.id,
            number: i.number.clone(),
            year: i.year,
            source: i.source.clone(),
            source_ref: i.source_ref.clone(),
            title: i.title.clone(),
            content: i.body.clone(),
            required_result: i.required_result.clone(),
            deadline: i.deadline.clone(),
            evidence_required: i.evidence_required,
            report_frequency: i.rhythm.own.map(|f| f.as_str().to_string()),
            state: i.state.clone(),
            task_id: i.task_id,
            plan_id: i.plan_id,
            light: i.light.clone(),
            opened_by: i.opened_by.clone(),
            opened_at: i.opened_at,
            decided_by: i.decided_by.clone(),
            decision_note: i.decision_note.clone(),
            version: i.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemsBody {
    pub items: Vec<ItemView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemUnitView {
    pub unit_id: i64,
    pub name: String,
    /// lead or co.
    pub role: String,
}

impl From<&ItemUnit> for ItemUnitView {
    fn from(u: &ItemUnit) -> ItemUnitView {
        ItemUnitView {
            unit_id: u.unit_id,
            name: u.unit_name.clone(),
            role: u.role.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDetailBody {
    pub item: ItemView,
    /// The units named at 立项.
    pub units: Vec<ItemUnitView>,
    /// The assignments as they stand (after any re-assignment).
    pub assignments: Vec<AssignmentView>,
    pub returns: Vec<ReturnView>,
    pub extensions: Vec<ExtensionView>,
    pub completions: Vec<CompletionView>,
    /// Each assignment's result: on time, late, or not completed.
    pub results: Vec<ResultView>,
}

impl From<&ItemDetail> for ItemDetailBody {
    fn from(d: &ItemDetail) -> ItemDetailBody {
        ItemDetailBody {
            item: ItemView::from(&d.item),
            units: d.units.iter().map(ItemUnitView::from).collect(),
            assignments: d
                .assignments
                .iter()
                .map(|a| AssignmentView::of(a, Some(a.light.clone())))
                .collect(),
            returns: d.returns.iter().map(ReturnView::from).collect(),
            extensions: d.extensions.iter().map(ExtensionView::from).collect(),
            completions: d
                .completions
                .iter()
                .map(|(c, files)| CompletionView::new(c, files))
                .collect(),
            results: d
                .assignments
                .iter()
                .zip(&d.results)
                .map(|(a, r)| ResultView {
                    assignment_id: a.id,
                    result: r.map(str::to_string),
                })
                .collect(),
        }
    }
}

/// A decision on the version last read: approve, or refuse with a note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub version: i64,
    pub approve: bool,
    /// Required to refuse.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    pub version: i64,
    /// not_our_remit, wrong_unit or other.
    pub reason_kind: String,
    pub reason: String,
    /// The unit the returning unit thinks is right, if it knows.
    pub suggested_unit: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnDecisionRequest {
    pub version: i64,
    /// reassign (to `unit`) or keep.
    pub decision: String,
    pub unit: Option<String>,
    /// Required to keep.
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnView {
    pub id: i64,
    pub assignment_id: i64,
    /// The unit that returned it.
    pub unit: String,
    pub reason_kind: String,
    pub reason: String,
    pub suggested_unit: Option<String>,
    pub returned_by: String,
    pub returned_at: i64,
    /// reassigned or kept; none while waiting.
    pub decision: Option<String>,
    pub to_unit: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    pub version: i64,
}

impl From<&ReturnRow> for ReturnView {
    fn from(r: &ReturnRow) -> ReturnView {
        ReturnView {
            id: r.id,
            assignment_id: r.assignment_id,
            unit: r.unit_name.clone(),
            reason_kind: r.reason_kind.clone(),
            reason: r.reason.clone(),
            suggested_unit: r.suggested_unit.clone(),
            returned_by: r.returned_by.clone(),
            returned_at: r.returned_at,
            decision: r.decision.clone(),
            to_unit: r.to_unit_name.clone(),
            decided_by: r.decided_by.clone(),
            decided_at: r.decided_at,
            decision_note: r.decision_note.clone(),
            version: r.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRequest {
    /// YYYY-MM-DD, after the deadline in force.
    pub requested_to: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionView {
    pub id: i64,
    pub assignment_id: i64,
    pub task_id: i64,
    pub unit: String,
    /// The deadline in force when asked.
    pub deadline_before: String,
    pub requested_to: String,
    pub reason: String,
    /// Asked after the deadline had passed.
    pub late: bool,
    pub requested_by: String,
    pub requested_at: i64,
    /// pending, approved or refused.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    pub version: i64,
}

impl From<&ExtensionRow> for ExtensionView {
    fn from(e: &ExtensionRow) -> ExtensionView {
        ExtensionView {
            id: e.id,
            assignment_id: e.assignment_id,
            task_id: e.task_id,
            unit: e.unit_name.clone(),
            deadline_before: e.deadline_before.clone(),
            requested_to: e.requested_to.clone(),
            reason: e.reason.clone(),
            late: e.late,
            requested_by: e.requested_by.clone(),
            requested_at: e.requested_at,
            state: e.state.clone(),
            decided_by: e.decided_by.clone(),
            decided_at: e.decided_at,
            decision_note: e.decision_note.clone(),
            version: e.version,
        }
    }
}

/// Returns and extension requests, of one assignment or waiting for the office.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverBody {
    pub returns: Vec<ReturnView>,
    pub extensions: Vec<ExtensionView>,
}

impl HandoverBody {
    pub fn new(returns: &[ReturnRow], extensions: &[ExtensionRow]) -> HandoverBody {
        HandoverBody {
            returns: returns.iter().map(ReturnView::from).collect(),
            extensions: extensions.iter().map(ExtensionView::from).collect(),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ItemsQuery {
    /// Only this year's items.
    pub year: Option<i64>,
}

/// One evidence file, its content in base64.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceUpload {
    /// The file's name: .pdf, .docx, .xlsx, .jpg, .png or .txt, its content what the name says.
    pub name: String,
    pub content_base64: String,
}

/// A completion report (办结申请) on the version last read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionRequest {
    pub version: i64,
    pub summary: String,
    /// Required when the item asks for evidence.
    #[serde(default)]
    pub evidence: Vec<EvidenceUpload>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionFileView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionView {
    pub id: i64,
    pub assignment_id: i64,
    pub summary: String,
    pub submitted_by: String,
    pub submitted_at: i64,
    /// The deadline in force when submitted.
    pub deadline: Option<String>,
    /// accepted or rejected; none while waiting for review.
    pub decision: Option<String>,
    /// on_time or late, once accepted.
    pub outcome: Option<String>,
    pub decided_by: Option<String>,
    /// Why it was sent back.
    pub reason: Option<String>,
    pub files: Vec<CompletionFileView>,
}

impl CompletionView {
    pub fn new(c: &CompletionRow, files: &[FileRow]) -> CompletionView {
        CompletionView {
            id: c.id,
            assignment_id: c.assignment_id,
            summary: c.summary.clone(),
            submitted_by: c.submitted_by.clone(),
            submitted_at: c.submitted_at,
            deadline: c.deadline.clone(),
            decision: c.decision.clone(),
            outcome: c.outcome.clone(),
            decided_by: c.decided_by.clone(),
            reason: c.reason.clone(),
            files: files
                .iter()
                .map(|f| CompletionFileView {
                    id: f.id,
                    file_name: f.file_name.clone(),
                    content_type: f.content_type.clone(),
                    size: f.size,
                    sha256: f.sha256.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionsBody {
    pub completions: Vec<CompletionView>,
}

/// How one unit's work ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultView {
    pub assignment_id: i64,
    /// on_time, late (逾期完成), not_completed; none while the work runs.
    pub result: Option<String>,
}
