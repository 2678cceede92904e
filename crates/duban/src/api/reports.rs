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
        .routes(routes!(co_reports))
}

/// A co-unit's report as the lead unit consolidates it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CoReportView {
    pub assignment_id: i64,
    pub unit: String,
    /// Its report of the period; absent when it has not sent one.
    pub report: Option<ReportView>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CoPeriodView {
    pub period: String,
    /// The lead unit's own report of the period.
    pub lead_report: Option<ReportView>,
    /// The co-unit reports the lead's report consolidates.
    pub consolidates: Vec<i64>,
    pub co_units: Vec<CoReportView>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CoReportsBody {
    pub lead_assignment_id: i64,
    /// Newest period first.
    pub periods: Vec<CoPeriodView>,
}

/// The co-units' reports on a lead assignment's task, period by period, with
/// what the lead's report consolidated (the lead unit and the office).
#[utoipa::path(
    get, path = "/assignments/{id}/co-reports", tag = "reports",
    params(("id" = i64, Path)),
    responses((status = 200, body = CoReportsBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Not a lead assignment", body = ErrorBody))
)]
async fn co_reports(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<CoReportsBody>, ApiError> {
    let c = crate::service::consolidation::of_lead(&state.db, &caller.actor, id).await?;
    Ok(Json(CoReportsBody {
        lead_assignment_id: c.lead.id,
        periods: c
            .periods
            .iter()
            .map(|p| CoPeriodView {
                period: p.period.clone(),
                lead_report: p.lead.as_ref().map(|(r, _)| ReportView::from(r)),
                consolidates: p.lead.as_ref().map(|(_, s)| s.clone()).unwrap_or_default(),
                co_units: p
                    .co
                    .iter()
                    .map(|(a, r)| CoReportView {
                        assignment_id: a.id,
                        unit: a.unit_name.clone(),
                        report: r.as_ref().map(ReportView::from),
                    })
                    .collect(),
            })
            .collect(),
    }))
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
    let input = ReportInput::parse(&request.period, &request.narrative, &actuals)?
        .consolidating(&request.consolidates);
    let report =
        reports::submit(&state.db, state.clock.as_ref(), &caller.actor, id, &input).await?;
    Ok(Json(ReportView::from(&report)))
}
