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
        .routes(routes!(set_rhythm))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RhythmRequest {
    /// weekly, half_monthly, monthly or quarterly; null or empty: the office's.
    pub frequency: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RhythmBody {
    pub task_id: i64,
    /// The task's own rhythm; null: it follows the office's.
    pub frequency: Option<String>,
    /// The rhythm its reports are due on: its own, else the office's.
    pub in_force: String,
}

/// Give a task or item its own report rhythm (报送周期), or return it to
/// the office's. Reports already made keep counting for the periods they
/// cover; its lights are relit at once.
#[utoipa::path(put, path = "/tasks/{id}/report-rhythm", tag = "reports", params(("id" = i64, Path)), request_body = RhythmRequest,
    responses((status = 200, body = RhythmBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_rhythm(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<RhythmRequest>,
) -> Result<Json<RhythmBody>, ApiError> {
    let set = report_periods::set_rhythm(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        r.frequency.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(Json(RhythmBody {
        task_id: id,
        frequency: set.own.map(|f| f.as_str().to_string()),
        in_force: set.frequency.as_str().to_string(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenRequest {
    /// The locked period: 2021-03, 2021-Q1, 2021-W05 or 2021-03-H1, by the
    /// assignment's report rhythm (its task's or item's own, else the
    /// office's).
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
    /// One window per report rhythm the plan's tasks follow (the office's,
    /// and any task's or item's own), most frequent first; empty before the
    /// plan year's first period ends.
    pub windows: Vec<UnreportedWindow>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreportedWindow {
    /// weekly, half_monthly, monthly or quarterly.
    pub frequency: String,
    /// The period of the open window, else the last that ended.
    pub period: String,
    /// The last day its report is on time.
    pub due: String,
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

/// Who has not reported (未报送) in the plan's current windows, one per report rhythm.
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
        windows: board
            .windows
            .into_iter()
            .map(|w| UnreportedWindow {
                frequency: w.rhythm.as_str().into(),
                period: w.period.to_string(),
                due: w.due.to_string(),
                closed: w.closed,
                assignments: w
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
            })
            .collect(),
    }))
}

/// One 催办 to every assignment that has not reported in its current window.
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
