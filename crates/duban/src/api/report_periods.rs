//! Report periods: reopening a locked one, and who has not reported (未报送)
//! in a plan's current window, with one 催办 to all of them.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::ErrorBody;
use super::{ApiJson, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::report_periods;
use crate::store::report_periods::ReopeningRow;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(unreported))
        .routes(routes!(urge_unreported))
        .routes(routes!(reopenings, reopen))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenRequest {
    /// The locked period: 2021-03, 2021-Q1, 2021-W05 or 2021-03-H1, by the
    /// office's report frequency.
    pub period: String,
    /// Why it is reopened (kept on record).
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReopeningView {
    pub id: i64,
    pub assignment_id: i64,
    pub period: String,
    pub reason: String,
    /// The last day a report for the period is taken (YYYY-MM-DD).
    pub until_day: String,
    pub reopened_by: String,
    pub reopened_at: i64,
}

impl From<ReopeningRow> for ReopeningView {
    fn from(r: ReopeningRow) -> ReopeningView {
        ReopeningView {
            id: r.id,
            assignment_id: r.assignment_id,
            period: r.period,
            reason: r.reason,
            until_day: r.until_day,
            reopened_by: r.reopened_by,
            reopened_at: r.reopened_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReopeningsBody {
    pub reopenings: Vec<ReopeningView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreportedView {
    pub assignment_id: i64,
    pub unit_id: i64,
    pub unit: String,
    pub task_id: i64,
    pub task_number: String,
    pub task_title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreportedBody {
    pub plan_id: i64,
    /// The period of the open window, else the last that ended; absent
    /// before the plan year's first period ends.
    pub period: Option<String>,
    /// The last day its report is on time.
    pub due: Option<String>,
    /// The window has closed: these reports are missed.
    pub closed: bool,
    pub assignments: Vec<UnreportedView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgeAllRequest {
    /// What the 催办 asks, 1–2000 characters.
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UrgeAllBody {
    /// How many assignments were sent a 催办.
    pub sent: usize,
}

/// Who has not reported (未报送) for the plan's current period.
#[utoipa::path(get, path = "/plans/{id}/unreported", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = UnreportedBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn unreported(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<UnreportedBody>, ApiError> {
    let board = report_periods::board(&state.db, state.clock.as_ref(), &caller.actor, id).await?;
    Ok(Json(UnreportedBody {
        plan_id: board.plan.id,
        period: board.period.map(|p| p.to_string()),
        due: board.due.map(|d| d.to_string()),
        closed: board.closed,
        assignments: board
            .rows
            .into_iter()
            .map(|r| UnreportedView {
                assignment_id: r.assignment_id,
                unit_id: r.unit_id,
                unit: r.unit_name,
                task_id: r.task_id,
                task_number: r.task_number,
                task_title: r.task_title,
            })
            .collect(),
    }))
}

/// One 催办 to every assignment that has not reported for the current period.
#[utoipa::path(post, path = "/plans/{id}/unreported/urge", tag = "reports", params(("id" = i64, Path)), request_body = UrgeAllRequest,
    responses((status = 200, body = UrgeAllBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn urge_unreported(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<UrgeAllRequest>,
) -> Result<Json<UrgeAllBody>, ApiError> {
    let sent = report_periods::urge_all(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        &r.message,
    )
    .await?;
    Ok(Json(UrgeAllBody { sent }))
}

/// An assignment's reopened report periods, newest first.
#[utoipa::path(get, path = "/assignments/{id}/period-reopenings", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = ReopeningsBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn reopenings(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ReopeningsBody>, ApiError> {
    let rows = report_periods::reopenings(&state.db, &caller.actor, id).await?;
    Ok(Json(ReopeningsBody {
        reopenings: rows.into_iter().map(ReopeningView::from).collect(),
    }))
}

/// The office reopens a locked report period of one assignment, with a reason.
#[utoipa::path(post, path = "/assignments/{id}/period-reopenings", tag = "reports", params(("id" = i64, Path)), request_body = ReopenRequest,
    responses((status = 200, body = ReopeningView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reopen(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ReopenRequest>,
) -> Result<Json<ReopeningView>, ApiError> {
    let row = report_periods::reopen(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        &r.period,
        &r.reason,
    )
    .await?;
    Ok(Json(ReopeningView::from(row)))
}
