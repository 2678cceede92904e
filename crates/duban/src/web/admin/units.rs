//! Units, their aliases and groups, and the supervision bodies: one page
//! each, every change a small form whose messages show beside it.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{again, field_errors, only_admin};
use crate::app::AppState;
use crate::service::channels::{self, UnitChannels};
use crate::service::{ServiceError, units};
use crate::store::units::UnitListing;
use crate::web::error::WebError;
use crate::web::form::FieldErrors;
use crate::web::page::{Ctx, Page, Posted};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/units", get(show).post(add_unit))
        .route("/admin/units/alias", post(add_alias))
        .route("/admin/units/parent", post(set_parent))
        .route("/admin/units/alias/remove", post(remove_alias))
        .route("/admin/units/member", post(add_member))
        .route("/admin/units/member/remove", post(remove_member))
        .route("/admin/bodies", get(bodies).post(add_body))
}

/// Every field any of the page's forms sends; the one that failed is shown
/// again with what was typed.
#[derive(Debug, Default, Deserialize)]
pub(super) struct UnitForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    /// "unit" or "group", for the add form.
    #[serde(default)]
    what: String,
    #[serde(default)]
    pub(super) unit: String,
    #[serde(default)]
    alias: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    member: String,
    /// The unit a unit sits under (its name; empty for none).
    #[serde(default)]
    parent: String,
    /// The unit's head (a user id, or empty for none): `unit_channels.rs`.
    #[serde(default)]
    pub(super) head: String,
    #[serde(default)]
    pub(super) quiet_hours: String,
    #[serde(default)]
    pub(super) version: String,
}

#[derive(Template)]
#[template(path = "admin/units.html")]
struct UnitsPage {
    ctx: Ctx,
    units: Vec<UnitListing>,
    groups: Vec<UnitListing>,
    /// Each unit's head and quiet hours.
    channels: Vec<UnitChannels>,
    /// Which form the messages and typed values belong to.
    failed: &'static str,
    form: UnitForm,
    errors: FieldErrors,
    done: bool,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn units_page(
    state: &AppState,
    page: &Page,
    failed: &'static str,
    form: UnitForm,
    errors: FieldErrors,
    done: bool,
) -> Result<UnitsPage, WebError> {
    only_admin(page)?;
    let (groups, units) = units::listing(&state.db, &page.actor)
        .await?
        .into_iter()
        .partition(|u| u.is_group);
    Ok(UnitsPage {
        ctx: page.ctx(),
        channels: channels::of_units(&state.db, &page.actor).await?,
        units,
        groups,
        failed,
        form,
        errors,
        done,
    })
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let view = units_page(
        &state,
        &page,
        "",
        UnitForm::default(),
        FieldErrors::new(),
        done.done.is_some(),
    )
    .await?;
    Ok(crate::web::render(&view)?.into_response())
}

/// A unit or group chosen in a select, by id.
pub(super) fn id_in(field: &'static str, text: &str) -> Result<i64, ServiceError> {
    text.trim().parse().map_err(|_| ServiceError::Field {
        field,
        message: format!("choose the {field}"),
    })
}

/// After a change: the page again, or the form again with its messages.
pub(super) async fn after(
    state: &AppState,
    page: &Page,
    failed: &'static str,
    form: UnitForm,
    outcome: Result<(), ServiceError>,
) -> Result<Response, WebError> {
    match outcome {
        Ok(()) => Ok(Redirect::to("/admin/units?done=1").into_response()),
        Err(e) => {
            let errors = field_errors(page.lang, vec![e])?;
            again(&units_page(state, page, failed, form, errors, false).await?)
        }
    }
}

async fn add_unit(
    State(state): State<AppState>,
    Posted(page, form): Posted<UnitForm>,
) -> Result<Response, WebError> {
    let group = form.what == "group";
    let outcome = units::add_unit(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        &form.name,
        &form.kind,
        group,
    )
    .await
    .map(|_| ());
    after(&state, &page, "unit", form, outcome).await
}

async fn add_alias(
    State(state): State<AppState>,
    Posted(page, form): Posted<UnitForm>,
) -> Result<Response, WebError> {
    let outcome = match id_in("unit", &form.unit) {
        Ok(unit) => {
            units::add_alias(
                &state.db,
                state.clock.as_ref(),
                &page.actor,
                unit,
                &form.alias,
            )
            .await
        }
        Err(e) => Err(e),
    };
    after(&state, &page, "alias", form, outcome).await
}

/// Places a unit under another (a residents' committee under its street),
/// or under none; a loop is refused (`service::cascades`).
async fn set_parent(
    State(state): State<AppState>,
    Posted(page, form): Posted<UnitForm>,
) -> Result<Response, WebError> {
    let parent = Some(form.parent.as_str()).filter(|p| !p.trim().is_empty());
    let outcome = crate::service::cascades::set_parent(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        &form.unit,
        parent,
    )
    .await;
    after(&state, &page, "parent", form, outcome).await
}

async fn remove_alias(
    State(state): State<AppState>,
    Posted(page, form): Posted<UnitForm>,
) -> Result<Response, WebError> {
    let unit = id_in("unit", &form.unit).map_err(WebError::from)?;
    let outcome = units::remove_alias(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        unit,
        &form.alias,
    )
    .await;
    after(&state, &page, "alias", form, outcome).await
}

async fn add_member(
    State(state): State<AppState>,
    Posted(page, form): Posted<UnitForm>,
) -> Result<Response, WebError> {
    let outcome = match (id_in("group", &form.group), id_in("member", &form.member)) {
        (Ok(group), Ok(member)) => {
            units::add_member(&state.db, state.clock.as_ref(), &page.actor, group, member).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    after(&state, &page, "member", form, outcome).await
}

async fn remove_member(
    State(state): State<AppState>,
    Posted(page, form): Posted<UnitForm>,
) -> Result<Response, WebError> {
    let group = id_in("group", &form.group).map_err(WebError::from)?;
    let member = id_in("member", &form.member).map_err(WebError::from)?;
    let outcome =
        units::remove_member(&state.db, state.clock.as_ref(), &page.actor, group, member).await;
    after(&state, &page, "member", form, outcome).await
}

#[derive(Template)]
#[template(path = "admin/bodies.html")]
struct BodiesPage {
    ctx: Ctx,
    bodies: Vec<(i64, String)>,
    name: String,
    errors: FieldErrors,
    done: bool,
}

async fn bodies_page(
    state: &AppState,
    page: &Page,
    name: String,
    errors: FieldErrors,
    done: bool,
) -> Result<BodiesPage, WebError> {
    only_admin(page)?;
    Ok(BodiesPage {
        ctx: page.ctx(),
        bodies: units::bodies(&state.db, &page.actor).await?,
        name,
        errors,
        done,
    })
}

async fn bodies(
    State(state): State<AppState>,
    page: Page,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let view = bodies_page(
        &state,
        &page,
        String::new(),
        FieldErrors::new(),
        done.done.is_some(),
    )
    .await?;
    Ok(crate::web::render(&view)?.into_response())
}

#[derive(Deserialize)]
struct BodyForm {
    #[serde(default)]
    name: String,
}

async fn add_body(
    State(state): State<AppState>,
    Posted(page, form): Posted<BodyForm>,
) -> Result<Response, WebError> {
    match units::add_body(&state.db, state.clock.as_ref(), &page.actor, &form.name).await {
        Ok(_) => Ok(Redirect::to("/admin/bodies?done=1").into_response()),
        Err(e) => {
            let errors = field_errors(page.lang, vec![e])?;
            again(&bodies_page(&state, &page, form.name, errors, false).await?)
        }
    }
}
