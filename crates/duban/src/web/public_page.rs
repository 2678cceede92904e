//! The public progress page of a plan (`/public/plans/{id}`: no sign-in,
//! read-only, only what the office chose), and the office's page that turns
//! it on and chooses its fields (`/plans/{id}/public`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::error::WebError;
use super::form::FieldErrors;
use super::i18n::Lang;
use super::page::{Ctx, Page, Posted};
use super::render;
use super::supervision::unprocessable;
use crate::app::AppState;
use crate::domain::public_page::PublicField;
use crate::service::ServiceError;
use crate::service::public_page::{self, PublicPlan, Settings};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public/plans/{id}", get(public))
        .route("/plans/{id}/public", get(settings).post(save))
}

#[derive(Template)]
#[template(path = "public_plan.html")]
struct PublicPage {
    ctx: Ctx,
    p: PublicPlan,
}

impl PublicPage {
    fn role_label(&self, role: &str) -> &'static str {
        self.ctx.lang.unit_role(role)
    }
}

/// For anyone: not found unless the plan is published and its page is on.
async fn public(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let lang = Lang::of(&headers);
    let p = match public_page::page(&state.db, state.clock.as_ref(), id).await {
        Ok(p) => p,
        Err(ServiceError::NotFound(_)) => {
            return Err(WebError::not_found("no such public page"));
        }
        Err(e) => return Err(e.into()),
    };
    let view = PublicPage {
        ctx: Ctx::anonymous(lang, &format!("/public/plans/{id}"), String::new()),
        p,
    };
    Ok(render(&view)?.into_response())
}

#[derive(Template)]
#[template(path = "public_settings.html")]
struct SettingsPage {
    ctx: Ctx,
    s: Settings,
    fields: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
}

impl SettingsPage {
    fn chosen(&self, field: &str) -> bool {
        self.s.fields.iter().any(|f| f.as_str() == field)
    }
}

fn settings_page(page: &Page, s: Settings, errors: FieldErrors) -> SettingsPage {
    SettingsPage {
        ctx: page.ctx(),
        fields: PublicField::ALL
            .iter()
            .map(|f| (f.as_str(), page.lang.t(f.zh(), f.en())))
            .collect(),
        s,
        errors,
    }
}

async fn settings(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let s = public_page::settings(&state.db, &page.actor, id).await?;
    Ok(render(&settings_page(&page, s, FieldErrors::new()))?.into_response())
}

/// The form as posted: `enabled=on`, one `field=NAME` per box ticked, and
/// the version it was drawn at.
async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let enabled = value("enabled") == Some("on");
    let fields: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "field")
        .map(|(_, v)| v.clone())
        .collect();
    let version = value("version")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1);
    match public_page::save(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        enabled,
        &fields,
        version,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}/public")).into_response()),
        Err(error) => {
            let errors = FieldErrors::from_service(page.lang, error)?;
            let s = public_page::settings(&state.db, &page.actor, id).await?;
            Ok(unprocessable(render(&settings_page(&page, s, errors))?))
        }
    }
}
