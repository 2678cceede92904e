//! A unit's assignments, their moves and measures.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{
    AssignRequest, AssignmentDetailBody, AssignmentView, ErrorBody, MeasureRequest, MeasureView,
    MoveRequest, TaskAssignmentsBody, UnitAssignmentsBody,
};
use super::{ApiJson, Caller};
use crate::app::AppState;
use crate::domain::assignment::Move;
use crate::error::ApiError;
use crate::service::assignments::{self, MeasureInput};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(detail))
        .routes(routes!(make_move))
        .routes(routes!(add_measure))
        .routes(routes!(update_measure))
        .routes(routes!(of_unit))
        .routes(routes!(assign))
        .routes(routes!(light_history))
}

/// One span of days an assignment showed red (滞后).
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct RedSpanView {
    /// The first day it was red (YYYY-MM-DD).
    pub from_day: String,
    /// The day it left red; absent while it is red.
    pub until_day: Option<String>,
    /// Why the rule turned it red: `deadline_passed`, `year_over`,
    /// `overdue_measure`, `overdue_rectification`, `missed_report`, or
    /// `before_history` (red before the history was kept).
    pub reason: String,
}

/// The assignment's light history.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct LightHistoryBody {
    /// Newest first. A catch-up does not erase a miss: every span stays.
    pub red_spans: Vec<RedSpanView>,
}

/// The light history of an assignment: every span of days it showed red.
#[utoipa::path(
    get, path = "/assignments/{id}/light-history", tag = "assignments",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = LightHistoryBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Another unit's assignment", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
async fn light_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<LightHistoryBody>, ApiError> {
    let spans = crate::service::lights::history(&state.db, &caller.actor, id).await?;
    let red_spans = spans
        .into_iter()
        .map(|s| RedSpanView {
            from_day: s.from_day,
            until_day: s.until_day,
            reason: s.reason,
        })
        .collect();
    Ok(Json(LightHistoryBody { red_spans }))
}

/// Assign a unit (or a group's members) to a task by hand (supervisors).
#[utoipa::path(
    post, path = "/tasks/{id}/assignments", tag = "assignments",
    params(("id" = i64, Path)),
    request_body = AssignRequest,
    responses(
        (status = 200, description = "The task's assignments after the change", body = TaskAssignmentsBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "The unit already holds the task", body = ErrorBody),
        (status = 422, description = "Unknown unit, open group, or bad role", body = ErrorBody),
    )
)]
async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<AssignRequest>,
) -> Result<Json<TaskAssignmentsBody>, ApiError> {
    let rows = assignments::assign(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        &request.unit,
        &request.role,
    )
    .await?;
    let units = rows.iter().map(|a| AssignmentView::of(a, None)).collect();
    Ok(Json(TaskAssignmentsBody { units }))
}

/// An assignment with its measures.
#[utoipa::path(
    get, path = "/assignments/{id}", tag = "assignments",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = AssignmentDetailBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Another unit's assignment", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<AssignmentDetailBody>, ApiError> {
    let detail = assignments::detail(&state.db, &caller.actor, id).await?;
    let measures = detail.measures.iter().map(MeasureView::from).collect();
    Ok(Json(AssignmentDetailBody::new(
        &detail.assignment,
        measures,
    )))
}

/// The moves of an assignment's life.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
enum Action {
    /// 认领: the unit takes the task on (liaison of the unit).
    Claim,
    /// The unit starts work (also implied by its first measure).
    Start,
    /// 办结: the unit declares the work done.
    DeclareDone,
    /// 销号: the supervisors accept the completion.
    Verify,
    /// 驳回: the supervisors send the completion back, with a reason.
    Reject,
}

impl From<Action> for Move {
    fn from(action: Action) -> Move {
        match action {
            Action::Claim => Move::Claim,
            Action::Start => Move::Start,
            Action::DeclareDone => Move::DeclareDone,
            Action::Verify => Move::Verify,
            Action::Reject => Move::Reject,
        }
    }
}

/// Make a move on an assignment; `version` is the one last read.
#[utoipa::path(
    post, path = "/assignments/{id}/{action}", tag = "assignments",
    params(("id" = i64, Path), ("action" = inline(Action), Path)),
    request_body = MoveRequest,
    responses(
        (status = 200, body = AssignmentDetailBody),
        (status = 403, description = "Not the caller's unit, or not the caller's role", body = ErrorBody),
        (status = 409, description = "Stale version (conflict) or a move out of turn (invalid_transition)", body = ErrorBody),
        (status = 422, description = "A reject without a reason", body = ErrorBody),
    )
)]
async fn make_move(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(i64, Action)>,
    ApiJson(request): ApiJson<MoveRequest>,
) -> Result<Json<AssignmentDetailBody>, ApiError> {
    let updated = assignments::act(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        request.version,
        action.into(),
        request.reason.as_deref(),
    )
    .await?;
    let measures = assignments::detail(&state.db, &caller.actor, id)
        .await?
        .measures;
    Ok(Json(AssignmentDetailBody::new(
        &updated,
        measures.iter().map(MeasureView::from).collect(),
    )))
}

fn input(request: &MeasureRequest) -> Result<MeasureInput, ApiError> {
    Ok(MeasureInput::parse(
        &request.description,
        &request.responsible_person,
        &request.deadline,
        request.done,
    )?)
}

/// Add a measure: what, who answers for it, by when.
#[utoipa::path(
    post, path = "/assignments/{id}/measures", tag = "assignments",
    params(("id" = i64, Path)),
    request_body = MeasureRequest,
    responses(
        (status = 200, body = MeasureView),
        (status = 403, body = ErrorBody),
        (status = 409, description = "The task is not claimed yet, or already done", body = ErrorBody),
        (status = 422, description = "A field is missing or malformed; `field` names it", body = ErrorBody),
    )
)]
async fn add_measure(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<MeasureRequest>,
) -> Result<Json<MeasureView>, ApiError> {
    let measure = assignments::add_measure(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        &input(&request)?,
    )
    .await?;
    Ok(Json(MeasureView::from(&measure)))
}

/// Edit a measure (mark it done with `done: true`); `version` is required.
#[utoipa::path(
    put, path = "/measures/{id}", tag = "assignments",
    params(("id" = i64, Path)),
    request_body = MeasureRequest,
    responses(
        (status = 200, body = MeasureView),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Someone changed it since `version`", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
async fn update_measure(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<MeasureRequest>,
) -> Result<Json<MeasureView>, ApiError> {
    let version = request
        .version
        .ok_or_else(|| ApiError::bad_request(Some("version"), "send the version you last read"))?;
    let measure = assignments::update_measure(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        version,
        &input(&request)?,
    )
    .await?;
    Ok(Json(MeasureView::from(&measure)))
}

/// A unit's task list (a liaison reads its own unit's only).
#[utoipa::path(
    get, path = "/units/{id}/assignments", tag = "assignments",
    params(("id" = i64, Path)),
    responses((status = 200, body = UnitAssignmentsBody), (status = 403, body = ErrorBody))
)]
async fn of_unit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<UnitAssignmentsBody>, ApiError> {
    let rows = assignments::of_unit(&state.db, &caller.actor, id).await?;
    Ok(Json(UnitAssignmentsBody {
        assignments: rows
            .iter()
            .map(|a| AssignmentDetailBody::new(a, Vec::new()))
            .collect(),
    }))
}
