//! `/api/v1`: JSON over the service layer. Each module owns its routes;
//! handlers extract, make one service call, and answer.

pub mod assignments;
pub mod auth;
pub mod cascades;
pub mod coordination;
pub mod directory;
pub mod evaluations;
pub mod item_views;
pub mod items;
pub mod notices;
pub mod plans;
pub mod public_page;
pub mod reminders;
pub mod report_periods;
pub mod reports;
pub mod supervision;
pub mod views;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;
use crate::domain::roles::Actor;
use crate::error::ApiError;
use crate::service::auth::authenticate;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "duban_session";

/// The API's routes, each registered with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::router())
        .merge(plans::router())
        .merge(assignments::router())
        .merge(reports::router())
        .merge(supervision::router())
        .merge(evaluations::router())
        .merge(coordination::router())
        .merge(reminders::router())
        .merge(items::router())
        .merge(notices::router())
        .merge(report_periods::router())
        .merge(public_page::router())
        .merge(cascades::router())
        .merge(directory::router())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Duban (督办) API",
        description = "The supervision office's record: plans, tasks, units and their work. \
            Sign in with POST /api/v1/login; send the session cookie or `Authorization: Bearer TOKEN`."
    ),
    tags(
        (name = "auth", description = "Signing in and out"),
        (name = "plans", description = "Plans and their tasks"),
        (name = "assignments", description = "A unit's work: claim, measures, completion, verification"),
        (name = "reports", description = "Progress reports with the figures reached"),
        (name = "supervision", description = "Bodies, inspections, findings, rectification and 销号"),
        (name = "evaluations", description = "完成情况、方法创新、实际效果、工作状态, weighted"),
        (name = "coordination", description = "Difficulties, urgent situation reports, instructions (批示) and comments"),
        (name = "reminders", description = "Reminders by rule and 催办, the inbox and its read receipts"),
        (name = "items", description = "Items opened from any source (立项), leaders' approval, returns (退回) and extensions (延期)"),
        (name = "directory", description = "Sign-in and accounts from LDAP / Active Directory: settings, last sync, sync now"),
    )
)]
pub struct ApiDoc;

/// A signed-in caller: the session cookie, or `Authorization: Bearer TOKEN`.
/// Anything else is 401.
pub struct Caller {
    pub actor: Actor,
    pub token: String,
}

pub fn token_of(parts: &Parts) -> Option<String> {
    if let Some(bearer) = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_string());
    }
    cookie(&parts.headers, SESSION_COOKIE)
}

/// One cookie's value from the request headers (the session's, the
/// language's, the login form's).
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let token = token_of(parts).ok_or_else(ApiError::unauthenticated)?;
        match authenticate(&state.db, state.clock.as_ref(), &token).await? {
            Some((actor, _)) => Ok(Caller { actor, token }),
            None => Err(ApiError::unauthenticated()),
        }
    }
}

/// JSON bodies whose errors are ours: malformed JSON, a wrong type or a
/// missing field is a 400 that names the problem.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError {
                status: rejection.status(),
                ..ApiError::bad_request(None, rejection.body_text())
            }),
        }
    }
}

/// Query strings with our error body.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    axum::extract::Query<T>: FromRequestParts<S, Rejection = QueryRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::bad_request(None, rejection.body_text())),
        }
    }
}

/// An evidence file as a download. RFC 6266: the UTF-8 name percent-encoded,
/// so Chinese names survive.
pub fn file_response(
    file_name: &str,
    content_type: &str,
    content: Vec<u8>,
) -> axum::response::Response {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    use axum::response::IntoResponse;
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let headers = [
        (CONTENT_TYPE, content_type.to_string()),
        (
            CONTENT_DISPOSITION,
            format!("attachment; filename*=UTF-8''{encoded}"),
        ),
    ];
    (headers, content).into_response()
}
