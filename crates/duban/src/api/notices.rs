//! 三色督办单: issue a numbered notice to a unit, list them, acknowledge one.

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
use crate::service::notices::{self, IssueNotice};
use crate::store::notices::NoticeRow;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(all))
        .routes(routes!(of_assignment, issue))
        .routes(routes!(acknowledge))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// blue (reminder), yellow (behind schedule or poor quality) or red (overdue).
    pub color: String,
    pub reason: String,
    pub required_action: String,
    /// YYYY-MM-DD, today or later.
    pub respond_by: String,
    #[serde(default)]
    pub to_head: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeRequest {
    /// The unit's answer: what it will do, by when.
    pub response: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: i64,
    /// 红色督办单〔2021〕3号.
    pub number: String,
    pub color: String,
    pub assignment_id: i64,
    pub unit: String,
    pub task_id: i64,
    pub task_title: String,
    pub reason: String,
    pub required_action: String,
    pub respond_by: String,
    /// The assignment's light when issued.
    pub light: String,
    pub issued_by: String,
    pub issued_at: i64,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<i64>,
    pub response: Option<String>,
}

impl From<&NoticeRow> for NoticeView {
    fn from(n: &NoticeRow) -> NoticeView {
        NoticeView {
            id: n.id,
            number: n.number.clone(),
            color: n.color.clone(),
            assignment_id: n.assignment_id,
            unit: n.unit_name.clone(),
            task_id: n.task_id,
            task_title: n.task_title.clone(),
            reason: n.reason.clone(),
            required_action: n.required_action.clone(),
            respond_by: n.respond_by.clone(),
            light: n.light.clone(),
            issued_by: n.issued_by.clone(),
            issued_at: n.issued_at,
            acknowledged_by: n.acknowledged_by.clone(),
            acknowledged_at: n.acknowledged_at,
            response: n.response.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticesBody {
    pub notices: Vec<NoticeView>,
}

fn body(rows: &[NoticeRow]) -> Json<NoticesBody> {
    Json(NoticesBody {
        notices: rows.iter().map(NoticeView::from).collect(),
    })
}

/// Every notice, newest first (the ledger of 督办单); a liaison sees its unit's.
#[utoipa::path(get, path = "/notices", tag = "items",
    responses((status = 200, body = NoticesBody)))]
async fn all(State(state): State<AppState>, caller: Caller) -> Result<Json<NoticesBody>, ApiError> {
    Ok(body(&notices::list(&state.db, &caller.actor, None).await?))
}

/// An assignment's notices.
#[utoipa::path(get, path = "/assignments/{id}/notices", tag = "items", params(("id" = i64, Path)),
    responses((status = 200, body = NoticesBody)))]
async fn of_assignment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<NoticesBody>, ApiError> {
    Ok(body(
        &notices::list(&state.db, &caller.actor, Some(id)).await?,
    ))
}

/// The office issues a 督办单 to the assignment's unit; it goes out like a 催办.
#[utoipa::path(post, path = "/assignments/{id}/notices", tag = "items", params(("id" = i64, Path)), request_body = IssueRequest,
    responses((status = 200, body = NoticeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn issue(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<IssueRequest>,
) -> Result<Json<NoticeView>, ApiError> {
    let new = IssueNotice {
        color: r.color,
        reason: r.reason,
        required_action: r.required_action,
        respond_by: r.respond_by,
        to_head: r.to_head,
    };
    let row = notices::issue(&state.db, state.clock.as_ref(), &caller.actor, id, &new).await?;
    Ok(Json(NoticeView::from(&row)))
}

/// The unit acknowledges a notice (签收) with its answer; once.
#[utoipa::path(post, path = "/notices/{id}/acknowledge", tag = "items", params(("id" = i64, Path)), request_body = AcknowledgeRequest,
    responses((status = 200, body = NoticeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<AcknowledgeRequest>,
) -> Result<Json<NoticeView>, ApiError> {
    let row = notices::acknowledge(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        &r.response,
    )
    .await?;
    Ok(Json(NoticeView::from(&row)))
}
