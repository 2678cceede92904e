//! Users and roles: the list, adding a user, and one user's page to change
//! the role, reset the password, deactivate or reactivate.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{again, field_errors, only_admin, version_of};
use crate::app::AppState;
use crate::domain::roles::Role;
use crate::domain::secrets::NewPassword;
use crate::service::users::{self, UserSpec};
use crate::service::{ServiceError, units};
use crate::web::error::WebError;
use crate::web::form::FieldErrors;
use crate::web::me::ChannelsForm;
use crate::web::page::{Ctx, Page, Posted};
use crate::web::url_encode;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(add))
        .route("/admin/users/{username}", get(one))
        .route("/admin/users/{username}/role", post(change_role))
        .route("/admin/users/{username}/password", post(reset_password))
        .route("/admin/users/{username}/active", post(set_active))
        .route("/admin/users/{username}/sessions", post(end_sessions))
}

const ROLES: [&str; 5] = ["admin", "supervisor", "leader", "liaison", "viewer"];

/// The add form as typed; kept when it is shown again.
#[derive(Debug, Default, Deserialize)]
struct AddForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    password: String,
}

struct UserLine {
    username: String,
    display_name: String,
    role: String,
    unit: String,
    body: String,
    active: bool,
    /// Signs in by the directory, kept by its sync.
    directory: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    ctx: Ctx,
    users: Vec<UserLine>,
    units: Vec<String>,
    bodies: Vec<String>,
    roles: [&'static str; 5],
    form: AddForm,
    errors: FieldErrors,
    added: String,
}

#[derive(Deserialize)]
struct Done {
    added: Option<String>,
    done: Option<String>,
}

/// Units (not groups) and bodies by id, for names and the form's choices.
async fn registry(
    state: &AppState,
    page: &Page,
) -> Result<(Vec<(i64, String)>, Vec<(i64, String)>), WebError> {
    let units = units::listing(&state.db, &page.actor)
        .await?
        .into_iter()
        .filter(|u| !u.is_group)
        .map(|u| (u.id, u.name))
        .collect();
    let bodies = units::bodies(&state.db, &page.actor).await?;
    Ok((units, bodies))
}

/// The name `id` has in `list`; empty when there is none.
fn name(list: &[(i64, String)], id: Option<i64>) -> String {
    id.and_then(|id| list.iter().find(|(i, _)| *i == id))
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

async fn users_page(
    state: &AppState,
    page: &Page,
    form: AddForm,
    errors: FieldErrors,
    added: String,
) -> Result<UsersPage, WebError> {
    only_admin(page)?;
    let all = users::list(&state.db, &page.actor).await?;
    let (units, bodies) = registry(state, page).await?;
    Ok(UsersPage {
        ctx: page.ctx(),
        users: all
            .into_iter()
            .map(|u| UserLine {
                unit: name(&units, u.unit_id),
                body: name(&bodies, u.body_id),
                username: u.username,
                display_name: u.display_name,
                role: u.role,
                active: u.active,
                directory: u.directory,
            })
            .collect(),
        units: units.into_iter().map(|(_, n)| n).collect(),
        bodies: bodies.into_iter().map(|(_, n)| n).collect(),
        roles: ROLES,
        form,
        errors,
        added,
    })
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let form = AddForm {
        role: "liaison".into(),
        ..AddForm::default()
    };
    let view = users_page(
        &state,
        &page,
        form,
        FieldErrors::new(),
        done.added.unwrap_or_default(),
    )
    .await?;
    Ok(crate::web::render(&view)?.into_response())
}

fn chosen(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

async fn add(
    State(state): State<AppState>,
    Posted(page, form): Posted<AddForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let Ok(role) = form.role.parse::<Role>() else {
        let mut errors = FieldErrors::new();
        errors.add("role", page.lang.t("请选择角色", "Choose a role"));
        return again(&users_page(&state, &page, form, errors, String::new()).await?);
    };
    let spec = UserSpec {
        username: form.username.trim(),
        display_name: form.display_name.trim(),
        role,
        // A unit belongs to a liaison and a body to a supervisor: a choice
        // left in the other select is not sent on.
        unit: chosen(&form.unit).filter(|_| role == Role::Liaison),
        body: chosen(&form.body).filter(|_| role == Role::Supervisor),
    };
    let mut problems = users::spec_problems(&spec, &form.password);
    if problems.is_empty() {
        let password = NewPassword::parse(&form.password).map_err(WebError::bad_request)?;
        match users::add_user(
            &state.db,
            state.clock.as_ref(),
            &page.actor,
            &spec,
            &password,
        )
        .await
        {
            Ok(_) => {
                let to = format!("/admin/users?added={}", url_encode(spec.username));
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => problems.push(e),
        }
    }
    let errors = field_errors(page.lang, problems)?;
    again(&users_page(&state, &page, form, errors, String::new()).await?)
}

/// One user's page: its forms, the one that failed with its message.
#[derive(Template)]
#[template(path = "admin/user.html")]
pub(super) struct UserPage {
    ctx: Ctx,
    username: String,
    display_name: String,
    role: String,
    unit: String,
    body: String,
    active: bool,
    /// A directory account: its password is the directory's.
    directory: bool,
    version: i64,
    is_self: bool,
    roles: [&'static str; 5],
    /// Which form the messages belong to: "role", "password", "active" or
    /// "channels".
    failed: &'static str,
    errors: FieldErrors,
    done: String,
    /// E-mail and quiet hours (`user_channels.rs` posts them).
    pub(super) channels: ChannelsForm,
    channels_action: String,
}

pub(super) async fn user_page(
    state: &AppState,
    page: &Page,
    username: &str,
    failed: &'static str,
    errors: FieldErrors,
    done: String,
    typed_role: Option<String>,
) -> Result<UserPage, WebError> {
    only_admin(page)?;
    let user = users::get(&state.db, &page.actor, username).await?;
    let (units, bodies) = registry(state, page).await?;
    let channels = ChannelsForm {
        email: user.email.clone().unwrap_or_default(),
        email_enabled: if user.email_enabled { "on" } else { "" }.into(),
        quiet_hours: user.quiet_hours.clone().unwrap_or_default(),
        version: user.version.to_string(),
    };
    Ok(UserPage {
        ctx: page.ctx(),
        channels,
        channels_action: format!("/admin/users/{}/channels", url_encode(&user.username)),
        is_self: page.username == user.username,
        unit: name(&units, user.unit_id),
        body: name(&bodies, user.body_id),
        role: typed_role.unwrap_or(user.role),
        username: user.username,
        display_name: user.display_name,
        active: user.active,
        directory: user.directory,
        version: user.version,
        roles: ROLES,
        failed,
        errors,
        done,
    })
}

async fn one(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let done = done.done.unwrap_or_default();
    let view = user_page(&state, &page, &username, "", FieldErrors::new(), done, None).await?;
    Ok(crate::web::render(&view)?.into_response())
}

/// The user's page again, the message next to the form (`failed`) that was
/// refused; `typed_role` keeps the role chosen in the role form.
async fn refused(
    state: &AppState,
    page: &Page,
    username: &str,
    failed: &'static str,
    problem: ServiceError,
    typed_role: Option<String>,
) -> Result<Response, WebError> {
    let errors = field_errors(page.lang, vec![problem])?;
    let view = user_page(
        state,
        page,
        username,
        failed,
        errors,
        String::new(),
        typed_role,
    )
    .await?;
    again(&view)
}

fn back_to(username: &str, done: &str) -> Response {
    Redirect::to(&format!(
        "/admin/users/{}?done={done}",
        url_encode(username)
    ))
    .into_response()
}

#[derive(Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    version: String,
}

async fn change_role(
    State(state): State<AppState>,
    Path(username): Path<String>,
    Posted(page, form): Posted<RoleForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let version = version_of(&form.version)?;
    let outcome = match form.role.parse::<Role>() {
        Ok(role) => {
            users::set_role(
                &state.db,
                state.clock.as_ref(),
                &page.actor,
                &username,
                role,
                Some(version),
            )
            .await
        }
        Err(e) => Err(ServiceError::Field {
            field: "role",
            message: e,
        }),
    };
    match outcome {
        Ok(()) => Ok(back_to(&username, "role")),
        Err(e) => refused(&state, &page, &username, "role", e, Some(form.role)).await,
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    Path(username): Path<String>,
    Posted(page, form): Posted<PasswordForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let outcome = match NewPassword::parse(&form.password) {
        Ok(password) => {
            users::set_password(
                &state.db,
                state.clock.as_ref(),
                &page.actor,
                &username,
                &password,
            )
            .await
        }
        Err(message) => Err(ServiceError::Field {
            field: "password",
            message,
        }),
    };
    match outcome {
        Ok(()) => Ok(back_to(&username, "password")),
        Err(e) => refused(&state, &page, &username, "password", e, None).await,
    }
}

#[derive(Deserialize)]
struct NoFields {}

async fn end_sessions(
    State(state): State<AppState>,
    Path(username): Path<String>,
    Posted(page, NoFields {}): Posted<NoFields>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    match users::end_sessions(&state.db, state.clock.as_ref(), &page.actor, &username).await {
        Ok(_) => Ok(back_to(&username, "signed_out")),
        Err(e) => refused(&state, &page, &username, "active", e, None).await,
    }
}

#[derive(Deserialize)]
struct ActiveForm {
    #[serde(default)]
    active: String,
    #[serde(default)]
    version: String,
}

async fn set_active(
    State(state): State<AppState>,
    Path(username): Path<String>,
    Posted(page, form): Posted<ActiveForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let active = form.active == "true";
    let version = version_of(&form.version)?;
    match users::set_active(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        &username,
        active,
        version,
    )
    .await
    {
        Ok(_) => Ok(back_to(
            &username,
            if active { "reactivated" } else { "deactivated" },
        )),
        Err(e) => refused(&state, &page, &username, "active", e, None).await,
    }
}
