//! Supervision bodies, inspections, findings and their closing (销号).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{
    BodiesBody, BodyView, CreatedBody, ErrorBody, FindingMoveRequest, FindingRequest, FindingView,
    FindingsBody, InspectionRequest,
};
use super::{ApiJson, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::supervision::{self, FindingInput, FindingMove};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(bodies))
        .routes(routes!(open_inspection))
        .routes(routes!(raise_finding))
        .routes(routes!(move_finding))
        .routes(routes!(of_assignment))
}

/// The supervision bodies that share the record.
#[utoipa::path(get, path = "/bodies", tag = "supervision", responses((status = 200, body = BodiesBody), (status = 401, body = ErrorBody)))]
async fn bodies(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<BodiesBody>, ApiError> {
    let rows = supervision::bodies(&state.db).await?;
    Ok(Json(BodiesBody {
        bodies: rows
            .into_iter()
            .map(|(id, name)| BodyView { id, name })
            .collect(),
    }))
}

/// Open an inspection of a plan by a body (supervisors).
#[utoipa::path(
    post, path = "/inspections", tag = "supervision",
    request_body = InspectionRequest,
    responses((status = 200, body = CreatedBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
async fn open_inspection(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<InspectionRequest>,
) -> Result<Json<CreatedBody>, ApiError> {
    let id = supervision::open_inspection(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        request.body_id,
        request.plan_id,
        &request.title,
        &request.inspected_on,
    )
    .await?;
    Ok(Json(CreatedBody { id }))
}

/// Raise a finding on an assignment: a reminder, an offer of service, or a rectification with a deadline.
#[utoipa::path(
    post, path = "/inspections/{id}/findings", tag = "supervision",
    params(("id" = i64, Path)),
    request_body = FindingRequest,
    responses((status = 200, body = FindingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
async fn raise_finding(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<FindingRequest>,
) -> Result<Json<FindingView>, ApiError> {
    let input = FindingInput {
        inspection_id: id,
        assignment_id: request.assignment_id,
        action: &request.action,
        description: &request.description,
        deadline: request.deadline.as_deref(),
    };
    let row =
        supervision::raise_finding(&state.db, state.clock.as_ref(), &caller.actor, &input).await?;
    Ok(Json(FindingView::from(&row)))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
enum FindingAction {
    /// The unit answers (its liaison), with `text`.
    Respond,
    /// 销号: a supervisor closes it; a rectification only once answered.
    Verify,
    /// A supervisor does not accept the answer, with `text` saying why.
    Reopen,
}

/// Answer, verify (销号) or reopen a finding; `version` is the one last read.
#[utoipa::path(
    post, path = "/findings/{id}/{action}", tag = "supervision",
    params(("id" = i64, Path), ("action" = inline(FindingAction), Path)),
    request_body = FindingMoveRequest,
    responses(
        (status = 200, body = FindingView),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Stale version, or a move out of turn", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
async fn move_finding(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(i64, FindingAction)>,
    ApiJson(request): ApiJson<FindingMoveRequest>,
) -> Result<Json<FindingView>, ApiError> {
    let mv = match action {
        FindingAction::Respond => FindingMove::Respond,
        FindingAction::Verify => FindingMove::Verify,
        FindingAction::Reopen => FindingMove::Reopen,
    };
    let row = supervision::move_finding(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        request.version,
        mv,
        request.text.as_deref(),
    )
    .await?;
    Ok(Json(FindingView::from(&row)))
}

/// The findings on an assignment.
#[utoipa::path(
    get, path = "/assignments/{id}/findings", tag = "supervision",
    params(("id" = i64, Path)),
    responses((status = 200, body = FindingsBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
async fn of_assignment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<FindingsBody>, ApiError> {
    let rows = supervision::of_assignment(&state.db, &caller.actor, id).await?;
    Ok(Json(FindingsBody {
        findings: rows.iter().map(FindingView::from).collect(),
    }))
}
