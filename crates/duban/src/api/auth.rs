//! Sign in, sign out, who am I.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::{ApiJson, Caller, SESSION_COOKIE};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::auth::{SESSION_HOURS, login, logout};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", post(sign_in))
        .route("/logout", post(sign_out))
        .route("/me", get(me))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    username: String,
    password: String,
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(credentials): ApiJson<Credentials>,
) -> Result<impl IntoResponse, ApiError> {
    let signed_in = login(
        &state.db,
        state.clock.as_ref(),
        &credentials.username,
        &credentials.password,
        &peer.ip().to_string(),
    )
    .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}",
        signed_in.token,
        SESSION_HOURS * 3600
    );
    Ok((
        AppendHeaders([(SET_COOKIE, cookie)]),
        Json(json!({
            "user": {
                "id": signed_in.user_id,
                "username": credentials.username,
                "display_name": signed_in.display_name,
                "role": signed_in.actor.role.as_str(),
                "unit_id": signed_in.actor.unit_id,
            },
            "token": signed_in.token,
        })),
    ))
}

async fn sign_out(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<impl IntoResponse, ApiError> {
    logout(&state.db, state.clock.as_ref(), &caller.token).await?;
    let expired = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    Ok((
        AppendHeaders([(SET_COOKIE, expired)]),
        Json(json!({"signed_out": true})),
    ))
}

async fn me(caller: Caller) -> Json<serde_json::Value> {
    Json(json!({
        "actor": caller.actor.name,
        "role": caller.actor.role.as_str(),
        "unit_id": caller.actor.unit_id,
    }))
}
