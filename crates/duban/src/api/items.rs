//! Items opened from any source (立项), leaders' approval, and how
//! assignments change hands and dates: returns (退回) and extensions (延期).

use axum::Json;
use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::item_views::{
    CompletionRequest, CompletionView, CompletionsBody, DecisionRequest, ExtensionRequest,
    ExtensionView, HandoverBody, ItemDetailBody, ItemView, ItemsBody, ItemsQuery, OpenItemRequest,
    ReturnDecisionRequest, ReturnRequest, ReturnView,
};
use super::views::ErrorBody;
use super::{ApiJson, ApiQuery, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::handover::{self, ReturnDecision};
use crate::service::items::{self, OpenItem};
use crate::service::{ServiceError, completions, item_rules};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, open))
        .routes(routes!(detail))
        .routes(routes!(decide))
        .routes(routes!(return_assignment))
        .routes(routes!(decide_return))
        .routes(routes!(request_extension))
        .routes(routes!(decide_extension))
        .routes(routes!(history))
        .routes(routes!(waiting))
        .routes(routes!(rules, set_rules))
        .routes(routes!(complete))
        .routes(routes!(completions))
        .routes(routes!(completion_file))
}

/// The unit's completion report (办结): a summary and evidence files (base64),
/// which declares the work done. The office reviews it with the assignment's
/// verify (accepted, on time or late) or reject (驳回, with a reason).
#[utoipa::path(post, path = "/assignments/{id}/completion", tag = "items", params(("id" = i64, Path)), request_body = CompletionRequest,
    responses((status = 200, body = CompletionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<CompletionRequest>,
) -> Result<Json<CompletionView>, ApiError> {
    use base64::Engine;
    let mut decoded = Vec::with_capacity(r.evidence.len());
    for file in &r.evidence {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(file.content_base64.trim())
            .map_err(|e| ServiceError::Field {
                field: "evidence",
                message: format!("{}: the content is not base64 ({e})", file.name),
            })?;
        decoded.push((file.name.as_str(), bytes));
    }
    let files: Vec<(&str, &[u8])> = decoded.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let row = completions::complete(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        r.version,
        &r.summary,
        &files,
    )
    .await?;
    Ok(Json(CompletionView::new(&row, &[])))
}

/// An assignment's completion reports with their evidence files.
#[utoipa::path(get, path = "/assignments/{id}/completions", tag = "items", params(("id" = i64, Path)),
    responses((status = 200, body = CompletionsBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn completions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<CompletionsBody>, ApiError> {
    let rows = completions::of_assignment(&state.db, &caller.actor, id).await?;
    Ok(Json(CompletionsBody {
        completions: rows
            .iter()
            .map(|(c, files)| CompletionView::new(c, files))
            .collect(),
    }))
}

/// Download a completion's evidence file.
#[utoipa::path(get, path = "/completion-files/{id}", tag = "items", params(("id" = i64, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn completion_file(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let (row, content) = completions::file(&state.db, &caller.actor, id).await?;
    Ok(super::file_response(
        &row.file_name,
        &row.content_type,
        content,
    ))
}

/// Items, newest first; a liaison sees those given to its unit.
#[utoipa::path(get, path = "/items", tag = "items", params(ItemsQuery),
    responses((status = 200, body = ItemsBody), (status = 401, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ItemsQuery>,
) -> Result<Json<ItemsBody>, ApiError> {
    let rows = items::list(&state.db, &caller.actor, query.year).await?;
    Ok(Json(ItemsBody {
        items: rows.iter().map(ItemView::from).collect(),
    }))
}

/// Open an item (立项) with its source, numbered in the office's series.
/// Without approval it is assigned (交办) at once.
#[utoipa::path(post, path = "/items", tag = "items", request_body = OpenItemRequest,
    responses((status = 200, body = ItemView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn open(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<OpenItemRequest>,
) -> Result<Json<ItemView>, ApiError> {
    let new = OpenItem {
        source: r.source,
        source_ref: r.source_ref,
        title: r.title,
        content: r.content,
        required_result: r.required_result,
        deadline: r.deadline,
        lead_units: r.lead_units,
        co_units: r.co_units,
        needs_approval: r.needs_approval,
        evidence_required: r.evidence_required,
        report_frequency: r.report_frequency.unwrap_or_default(),
    };
    let row = items::open(&state.db, state.clock.as_ref(), &caller.actor, &new).await?;
    Ok(Json(ItemView::from(&row)))
}

/// One item with its units, assignments, returns and extensions.
#[utoipa::path(get, path = "/items/{id}", tag = "items", params(("id" = i64, Path)),
    responses((status = 200, body = ItemDetailBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ItemDetailBody>, ApiError> {
    let found = items::detail(&state.db, state.clock.as_ref(), &caller.actor, id).await?;
    Ok(Json(ItemDetailBody::from(&found)))
}

/// A leader approves an item (领导审核), which assigns it, or refuses it with a note.
#[utoipa::path(post, path = "/items/{id}/decision", tag = "items", params(("id" = i64, Path)), request_body = DecisionRequest,
    responses((status = 200, body = ItemView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<DecisionRequest>,
) -> Result<Json<ItemView>, ApiError> {
    let row = items::decide(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        r.version,
        r.approve,
        r.note.as_deref(),
    )
    .await?;
    Ok(Json(ItemView::from(&row)))
}

/// The unit hands back (退回) an assignment it has not signed for, with its reason.
#[utoipa::path(post, path = "/assignments/{id}/return", tag = "items", params(("id" = i64, Path)), request_body = ReturnRequest,
    responses((status = 200, body = ReturnView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn return_assignment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ReturnRequest>,
) -> Result<Json<ReturnView>, ApiError> {
    let row = handover::return_assignment(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        r.version,
        &r.reason_kind,
        &r.reason,
        r.suggested_unit.as_deref(),
    )
    .await?;
    Ok(Json(ReturnView::from(&row)))
}

/// The office re-assigns (改派) a returned assignment to another unit, or keeps it with a note.
#[utoipa::path(post, path = "/returns/{id}/decision", tag = "items", params(("id" = i64, Path)), request_body = ReturnDecisionRequest,
    responses((status = 200, body = ReturnView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide_return(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ReturnDecisionRequest>,
) -> Result<Json<ReturnView>, ApiError> {
    let decision = match r.decision.as_str() {
        "keep" => ReturnDecision::Keep,
        "reassign" => ReturnDecision::Reassign(r.unit.unwrap_or_default()),
        other => {
            return Err(ServiceError::Field {
                field: "decision",
                message: format!("'{other}' is not a decision: reassign or keep"),
            }
            .into());
        }
    };
    let row = handover::decide_return(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        r.version,
        &decision,
        r.note.as_deref(),
    )
    .await?;
    Ok(Json(ReturnView::from(&row)))
}

/// The unit asks for more time (延期申请); after the deadline it is allowed and flagged late.
#[utoipa::path(post, path = "/assignments/{id}/extensions", tag = "items", params(("id" = i64, Path)), request_body = ExtensionRequest,
    responses((status = 200, body = ExtensionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn request_extension(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ExtensionRequest>,
) -> Result<Json<ExtensionView>, ApiError> {
    let row = handover::request_extension(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        &r.requested_to,
        &r.reason,
    )
    .await?;
    Ok(Json(ExtensionView::from(&row)))
}

/// A supervisor (or a leader, by setting) grants or refuses an extension;
/// never the one who asked.
#[utoipa::path(post, path = "/extensions/{id}/decision", tag = "items", params(("id" = i64, Path)), request_body = DecisionRequest,
    responses((status = 200, body = ExtensionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide_extension(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<DecisionRequest>,
) -> Result<Json<ExtensionView>, ApiError> {
    let row = handover::decide_extension(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        r.version,
        r.approve,
        r.note.as_deref(),
    )
    .await?;
    Ok(Json(ExtensionView::from(&row)))
}

/// An assignment's returns and extension requests.
#[utoipa::path(get, path = "/assignments/{id}/handover", tag = "items", params(("id" = i64, Path)),
    responses((status = 200, body = HandoverBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<HandoverBody>, ApiError> {
    let (returns, extensions) = handover::history(&state.db, &caller.actor, id).await?;
    Ok(Json(HandoverBody::new(&returns, &extensions)))
}

/// Returns and extension requests waiting for the office's decision.
#[utoipa::path(get, path = "/handover/waiting", tag = "items",
    responses((status = 200, body = HandoverBody), (status = 403, body = ErrorBody)))]
async fn waiting(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<HandoverBody>, ApiError> {
    let (returns, extensions) = handover::waiting(&state.db, &caller.actor).await?;
    Ok(Json(HandoverBody::new(&returns, &extensions)))
}

/// The office's item rules: number format, days to sign, who decides extensions.
#[utoipa::path(get, path = "/settings/items", tag = "items",
    responses((status = 200, body = ItemRulesBody)))]
async fn rules(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<ItemRulesBody>, ApiError> {
    let (rules, version) = item_rules::rules(&state.db).await?;
    Ok(Json(ItemRulesBody::new(&rules, version)))
}

/// An admin changes the item rules on the version last read.
#[utoipa::path(put, path = "/settings/items", tag = "items", request_body = ItemRulesBody,
    responses((status = 200, body = ItemRulesBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_rules(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<ItemRulesBody>,
) -> Result<Json<ItemRulesBody>, ApiError> {
    let approver = match r.extension_approver.as_str() {
        "supervisor" => item_rules::ExtensionApprover::Supervisor,
        "leader" => item_rules::ExtensionApprover::Leader,
        other => {
            return Err(ServiceError::Field {
                field: "extension_approver",
                message: format!("'{other}' is not an approver: supervisor or leader"),
            }
            .into());
        }
    };
    let new = item_rules::ItemRules {
        number_format: r.number_format,
        sign_days: r.sign_days,
        extension_approver: approver,
    };
    let (rules, version) = item_rules::set_rules(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        new,
        r.version,
    )
    .await?;
    Ok(Json(ItemRulesBody::new(&rules, version)))
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemRulesBody {
    /// `{year}` and `{seq}` are filled in: 督〔{year}〕{seq}号.
    pub number_format: String,
    /// Working days a unit has to sign for an assignment.
    pub sign_days: i32,
    /// supervisor or leader.
    pub extension_approver: String,
    /// 0 until first saved.
    pub version: i64,
}

impl ItemRulesBody {
    fn new(rules: &item_rules::ItemRules, version: i64) -> ItemRulesBody {
        ItemRulesBody {
            number_format: rules.number_format.clone(),
            sign_days: rules.sign_days,
            extension_approver: rules.extension_approver.as_str().to_string(),
            version,
        }
    }
}
