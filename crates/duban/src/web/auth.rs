//! Signing in and out, changing one's password, choosing the language.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::error::WebError;
use super::i18n::Lang;
use super::page::{Ctx, Page, Posted};
use super::{cookies, csrf};
use crate::api::{SESSION_COOKIE, cookie};
use crate::app::AppState;
use crate::domain::secrets::NewPassword;
use crate::service::ServiceError;
use crate::service::auth::{check_password, login_with_directory, logout, open_session};
use crate::service::users::set_password;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(sign_in))
        .route("/logout", post(sign_out))
        .route("/password", get(password_form).post(change_password))
        .route("/lang/{code}", get(switch_language))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only a path on this site: never a redirect elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

fn render(page: &impl Template) -> Result<Html<String>, WebError> {
    Ok(Html(page.render()?))
}

async fn login_form(
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, WebError> {
    let token = csrf::login_token().map_err(WebError::bad_request)?;
    let lang = Lang::of(&headers);
    let next = safe_next(query.next.as_deref());
    // Switching the language keeps where the person was going.
    let here = format!("/login?next={}", super::url_encode(&next));
    let page = LoginPage {
        ctx: Ctx::anonymous(lang, &here, token.clone()),
        next,
        username: String::new(),
        error: None,
    };
    let cookie = cookies::login_csrf(&token, &headers);
    Ok((AppendHeaders([(SET_COOKIE, cookie)]), render(&page)?).into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = cookie(&headers, csrf::LOGIN_COOKIE).unwrap_or_default();
    if !csrf::matches(&expected, &form.csrf) {
        return Err(WebError::Csrf);
    }
    let lang = Lang::of(&headers);
    let next = safe_next(form.next.as_deref());
    match login_with_directory(
        &state.db,
        state.clock.as_ref(),
        state.directory.as_deref(),
        form.username.trim(),
        &form.password,
        &peer.ip().to_string(),
    )
    .await
    {
        Ok(signed_in) => {
            let session = cookies::session(&signed_in.token, &headers);
            let spent = cookies::login_csrf_spent(&headers);
            let to = if next == "/" {
                super::start_of(signed_in.actor.role).to_string()
            } else {
                next
            };
            Ok((
                AppendHeaders([(SET_COOKIE, session), (SET_COOKIE, spent)]),
                Redirect::to(&to),
            )
                .into_response())
        }
        Err(
            error @ (ServiceError::Unauthorized(_)
            | ServiceError::RateLimited(_)
            | ServiceError::Unavailable(_)),
        ) => {
            let (status, message) = match error {
                ServiceError::RateLimited(_) => (
                    axum::http::StatusCode::UNAUTHORIZED,
                    lang.t(
                        "登录失败次数过多，请 15 分钟后再试。",
                        "Too many failed sign-ins; try again in 15 minutes.",
                    ),
                ),
                ServiceError::Unavailable(_) => (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    lang.t(
                        "统一身份认证目录暂不可用，目录账号暂时无法登录，请稍后再试；本地账号不受影响。",
                        "The directory (LDAP) is unavailable: directory accounts cannot sign in now; try again later. Local accounts are not affected.",
                    ),
                ),
                _ => (
                    axum::http::StatusCode::UNAUTHORIZED,
                    lang.t("用户名或密码不正确。", "Wrong username or password."),
                ),
            };
            let page = LoginPage {
                ctx: Ctx::anonymous(lang, "/login", form.csrf.clone()),
                next,
                username: form.username,
                error: Some(message.to_string()),
            };
            Ok((status, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
struct PlainForm {}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Posted(_page, PlainForm {}): Posted<PlainForm>,
) -> Result<Response, WebError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        logout(&state.db, state.clock.as_ref(), &token).await?;
    }
    let expired = cookies::session_ended(&headers);
    Ok((
        AppendHeaders([(SET_COOKIE, expired)]),
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    ctx: Ctx,
    error: Option<String>,
    done: bool,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn password_form(
    page: Page,
    Query(query): Query<DoneQuery>,
) -> Result<Html<String>, WebError> {
    render(&PasswordPage {
        ctx: page.ctx(),
        error: None,
        done: query.done.is_some(),
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new_password: String,
    repeat: String,
}

async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Posted(page, form): Posted<PasswordForm>,
) -> Result<Response, WebError> {
    let lang = page.lang;
    let again = |message: &str| -> Result<Response, WebError> {
        let view = PasswordPage {
            ctx: page.ctx(),
            error: Some(message.to_string()),
            done: false,
        };
        Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
    };
    // The current password proves it is the owner at the keyboard.
    let user = match check_password(
        &state.db,
        state.clock.as_ref(),
        state.directory.as_deref(),
        &page.username,
        &form.current,
        &peer.ip().to_string(),
    )
    .await
    {
        Ok(user) => user,
        Err(ServiceError::Unauthorized(_)) => {
            return again(lang.t("当前密码不正确。", "The current password is wrong."));
        }
        Err(ServiceError::Unavailable(_)) => {
            return again(lang.t(
                "统一身份认证目录暂不可用，请稍后再试。",
                "The directory (LDAP) is unavailable; try again later.",
            ));
        }
        Err(other) => return Err(other.into()),
    };
    if user.directory {
        return again(lang.t(
            "目录账号的密码在统一身份认证目录中修改，不在本系统修改。",
            "A directory account's password is changed in the directory, not here.",
        ));
    }
    if form.new_password != form.repeat {
        return again(lang.t("两次输入的新密码不一致。", "The new passwords differ."));
    }
    let Ok(password) = NewPassword::parse(&form.new_password) else {
        return again(lang.t(
            "新密码至少需要 8 个字符。",
            "A password needs at least 8 characters.",
        ));
    };
    set_password(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        &page.username,
        &password,
    )
    .await?;
    // Every session of the account ended with the old password, this one
    // too: the owner, who just proved it, goes on in a new one.
    let renewed = open_session(
        &state.db,
        state.clock.as_ref(),
        &user,
        &peer.ip().to_string(),
    )
    .await?;
    // Shown again from the new session, whose forms carry its CSRF token.
    let cookie = cookies::session(&renewed.token, &headers);
    Ok((
        AppendHeaders([(SET_COOKIE, cookie)]),
        Redirect::to("/password?done=1"),
    )
        .into_response())
}

#[derive(Deserialize)]
struct BackQuery {
    back: Option<String>,
}

/// The language is the browser's choice, kept for a year.
async fn switch_language(
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(query): Query<BackQuery>,
) -> Result<Response, WebError> {
    let lang = Lang::parse(&code).ok_or_else(|| WebError::not_found(format!("language {code}")))?;
    let code = if lang.is_en() { "en" } else { "zh" };
    let cookie = cookies::language(code, &headers);
    Ok((
        AppendHeaders([(SET_COOKIE, cookie)]),
        Redirect::to(&safe_next(query.back.as_deref())),
    )
        .into_response())
}
