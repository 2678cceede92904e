//! Progress reports on an assignment.

use axum::Json;
use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::body::Bytes;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::views::{
    AttachmentView, AttachmentsBody, ErrorBody, ReportRequest, ReportView, ReportsBody,
};
use super::{ApiJson, ApiQuery, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::reports::{self, ReportInput};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, submit))
        .routes(routes!(attachments, attach))
        .routes(routes!(download))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FileName {
    /// The file's name; its extension must match its content (.pdf, .docx, .xlsx, .jpg, .png, .txt).
    name: String,
}

/// A report's evidence files.
#[utoipa::path(
    get, path = "/reports/{id}/attachments", tag = "reports",
    params(("id" = i64, Path)),
    responses((status = 200, body = AttachmentsBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
async fn attachments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<AttachmentsBody>, ApiError> {
    let rows = reports::attachments(&state.db, &caller.actor, id).await?;
    Ok(Json(AttachmentsBody {
        attachments: rows.iter().map(AttachmentView::from).collect(),
    }))
}

/// Attach an evidence file: the raw bytes as the body, the name in `?name=`.
#[utoipa::path(
    post, path = "/reports/{id}/attachments", tag = "reports",
    params(("id" = i64, Path), FileName),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, body = AttachmentView),
        (status = 403, body = ErrorBody),
        (status = 413, description = "Larger than the server's body limit", body = ErrorBody),
        (status = 422, description = "An empty file, a kind not accepted, or content that is not what the name says", body = ErrorBody),
    )
)]
async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(file): ApiQuery<FileName>,
    body: Bytes,
) -> Result<Json<AttachmentView>, ApiError> {
    let row = reports::attach(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        &file.name,
        &body,
    )
    .await?;
    Ok(Json(AttachmentView::from(&row)))
}

/// Download an evidence file.
#[utoipa::path(
    get, path = "/attachments/{id}", tag = "reports",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (row, content) = reports::download(&state.db, &caller.actor, id).await?;
    Ok(super::file_response(
        &row.file_name,
        &row.content_type,
        content,
    ))
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
