//! Sign in, sign out, who am I.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{Credentials, ErrorBody, MeBody, SignedInBody, SignedOutBody, UserView};
use super::{ApiJson, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::auth::{login_with_directory, logout};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(me))
}

/// Sign in with a username and password; sets the session cookie.
#[utoipa::path(
    post, path = "/login", tag = "auth",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SignedInBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins for this account or address", body = ErrorBody),
        (status = 503, description = "A directory account, and the directory (LDAP) cannot be reached now", body = ErrorBody),
    )
)]
async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(credentials): ApiJson<Credentials>,
) -> Result<impl IntoResponse, ApiError> {
    let signed_in = login_with_directory(
        &state.db,
        state.clock.as_ref(),
        state.directory.as_deref(),
        &credentials.username,
        &credentials.password,
        &peer.ip().to_string(),
    )
    .await?;
    let cookie = crate::web::cookies::session(&signed_in.token, &headers);
    let body = SignedInBody {
        user: UserView {
            id: signed_in.user_id,
            username: credentials.username,
            display_name: signed_in.display_name,
            role: signed_in.actor.role.as_str().to_string(),
            unit_id: signed_in.actor.unit_id,
        },
        token: signed_in.token,
    };
    Ok((AppendHeaders([(SET_COOKIE, cookie)]), Json(body)))
}

/// End the session.
#[utoipa::path(
    post, path = "/logout", tag = "auth",
    responses(
        (status = 200, body = SignedOutBody),
        (status = 401, body = ErrorBody),
    )
)]
async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
) -> Result<impl IntoResponse, ApiError> {
    logout(&state.db, state.clock.as_ref(), &caller.token).await?;
    let expired = crate::web::cookies::session_ended(&headers);
    Ok((
        AppendHeaders([(SET_COOKIE, expired)]),
        Json(SignedOutBody { signed_out: true }),
    ))
}

/// The signed-in caller.
#[utoipa::path(
    get, path = "/me", tag = "auth",
    responses((status = 200, body = MeBody), (status = 401, body = ErrorBody))
)]
async fn me(caller: Caller) -> Json<MeBody> {
    Json(MeBody {
        actor: caller.actor.name,
        role: caller.actor.role.as_str().to_string(),
        unit_id: caller.actor.unit_id,
    })
}
