//! Progress reports on an assignment.

use axum::Json;
use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{ErrorBody, ReportRequest, ReportView, ReportsBody};
use super::{ApiJson, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::reports::{self, ReportInput};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, submit))
}

/// An assignment's progress reports, newest period first.
#[utoipa::path(
    get, path = "/assignments/{id}/reports", tag = "reports",
    params(("id" = i64, Path)),
    responses((status = 200, body = ReportsBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ReportsBody>, ApiError> {
    let rows = reports::of_assignment(&state.db, &caller.actor, id).await?;
    Ok(Json(ReportsBody {
        reports: rows.iter().map(ReportView::from).collect(),
    }))
}

/// Submit the report of a period, with the actual figures for the task's targets.
#[utoipa::path(
    post, path = "/assignments/{id}/reports", tag = "reports",
    params(("id" = i64, Path)),
    request_body = ReportRequest,
    responses(
        (status = 200, body = ReportView),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Already reported for the period, or the task is not claimed", body = ErrorBody),
        (status = 422, description = "A bad period, narrative or figure; `field` names it", body = ErrorBody),
    )
)]
async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<ReportRequest>,
) -> Result<Json<ReportView>, ApiError> {
    let actuals: Vec<(i64, f64)> = request
        .actuals
        .iter()
        .map(|a| (a.target_id, a.actual))
        .collect();
    let input = ReportInput::parse(&request.period, &request.narrative, &actuals)?;
    let report =
        reports::submit(&state.db, state.clock.as_ref(), &caller.actor, id, &input).await?;
    Ok(Json(ReportView::from(&report)))
}
