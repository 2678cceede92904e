//! Reminders (提醒) and 催办 over the API: a supervisor urges a unit, anyone
//! reads their inbox and opens an item (the read receipt), and the office
//! reads an assignment's reminders with who received and read each.

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
use crate::service::{ServiceError, inbox, reminders};
use crate::store::deliveries::DeliveryRow;
use crate::store::reminders::ReminderRow;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(of_assignment, urge))
        .routes(routes!(inbox))
        .routes(routes!(read))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UrgeRequest {
    /// What the unit is asked to do.
    pub message: String,
    /// Tell the unit's head too.
    #[serde(default)]
    pub to_head: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderView {
    pub id: i64,
    /// unclaimed, measure_due, measure_overdue, report_open, report_closing,
    /// report_missed, rectification_due, rectification_overdue,
    /// difficulty_unanswered, behind_trajectory or manual (催办).
    pub cause: String,
    /// The escalation round: 1 liaison, 2 with the unit's head, 3 leaders in copy.
    pub level: i64,
    pub subject: String,
    pub body: String,
    pub link: String,
    pub due_on: String,
    pub created_at: i64,
}

impl From<&ReminderRow> for ReminderView {
    fn from(r: &ReminderRow) -> ReminderView {
        ReminderView {
            id: r.id,
            cause: r.cause.clone(),
            level: r.level,
            subject: r.subject.clone(),
            body: r.body.clone(),
            link: r.link.clone(),
            due_on: r.due_on.clone(),
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    /// inbox, email, wecom, dingtalk, feishu or webhook.
    pub channel: String,
    pub recipient: Option<String>,
    pub in_copy: bool,
    /// pending, sending, sent or failed.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
    /// When the recipient first opened it (inbox only).
    pub read_at: Option<i64>,
}

impl From<&DeliveryRow> for DeliveryView {
    fn from(d: &DeliveryRow) -> DeliveryView {
        DeliveryView {
            id: d.id,
            channel: d.channel.clone(),
            recipient: d.recipient.clone(),
            in_copy: d.in_copy,
            status: d.status.clone(),
            attempts: d.attempts,
            last_error: d.last_error.clone(),
            sent_at: d.sent_at,
            read_at: d.read_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderWithReceipts {
    pub reminder: ReminderView,
    pub deliveries: Vec<DeliveryView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RemindersBody {
    pub reminders: Vec<ReminderWithReceipts>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxItem {
    /// The delivery's id: open it with POST /inbox/{id}/read.
    pub id: i64,
    pub reminder: ReminderView,
    pub in_copy: bool,
    pub read_at: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxBody {
    pub unread: i64,
    pub items: Vec<InboxItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadBody {
    /// Where the reminder points.
    pub link: String,
}

/// The reminders and 催办 of an assignment, each with its deliveries and read receipts.
#[utoipa::path(get, path = "/assignments/{id}/reminders", tag = "reminders", params(("id" = i64, Path)),
    responses((status = 200, body = RemindersBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn of_assignment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<RemindersBody>, ApiError> {
    let found = reminders::of_assignment(&state.db, &caller.actor, id).await?;
    Ok(Json(RemindersBody {
        reminders: found
            .iter()
            .map(|r| ReminderWithReceipts {
                reminder: ReminderView::from(&r.reminder),
                deliveries: r.deliveries.iter().map(DeliveryView::from).collect(),
            })
            .collect(),
    }))
}

/// 催办: a supervisor urges the unit holding the assignment, with a message.
#[utoipa::path(post, path = "/assignments/{id}/reminders", tag = "reminders", params(("id" = i64, Path)), request_body = UrgeRequest,
    responses((status = 200, body = ReminderView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn urge(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<UrgeRequest>,
) -> Result<Json<ReminderView>, ApiError> {
    let reminder = reminders::urge(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        &r.message,
        r.to_head,
    )
    .await?;
    state.wake_scheduler();
    Ok(Json(ReminderView::from(&reminder)))
}

/// The caller's user id, from the session's actor.
async fn user_id(state: &AppState, caller: &Caller) -> Result<i64, ApiError> {
    let username = caller.actor.name.strip_prefix("user:").unwrap_or_default();
    let user = crate::store::users::by_username(&state.db, username)
        .await
        .map_err(ServiceError::from)?
        .ok_or_else(|| ServiceError::Unauthorized("no such user".into()))?;
    Ok(user.id)
}

/// The caller's inbox, newest first.
#[utoipa::path(get, path = "/inbox", tag = "reminders",
    responses((status = 200, body = InboxBody), (status = 401, body = ErrorBody)))]
async fn inbox(State(state): State<AppState>, caller: Caller) -> Result<Json<InboxBody>, ApiError> {
    let user = user_id(&state, &caller).await?;
    let (items, unread) = inbox::inbox(&state.db, user).await?;
    Ok(Json(InboxBody {
        unread,
        items: items
            .iter()
            .map(|(d, r)| InboxItem {
                id: d.id,
                reminder: ReminderView::from(r),
                in_copy: d.in_copy,
                read_at: d.read_at,
            })
            .collect(),
    }))
}

/// Opens one of the caller's inbox items: the first opening is the read receipt.
#[utoipa::path(post, path = "/inbox/{id}/read", tag = "reminders", params(("id" = i64, Path)),
    responses((status = 200, body = ReadBody), (status = 404, body = ErrorBody)))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ReadBody>, ApiError> {
    let user = user_id(&state, &caller).await?;
    let link = inbox::open(&state.db, state.clock.as_ref(), user, id).await?;
    Ok(Json(ReadBody { link }))
}
