//! The office's plans (admin and supervisor): the list with each plan's size,
//! state and latest revision; publishing a draft; importing a new plan and
//! re-importing a changed edition, each through a preview. Everyone else
//! gets the 403 page.

pub(crate) mod import;
mod marked;
mod messages;
mod revise;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;

use super::error::WebError;
use super::page::{Ctx, Page, Posted};
use crate::app::AppState;
use crate::domain::roles::Role;
use crate::service::publishing::{overview, publish};

pub use messages::notice;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans", get(list))
        .route("/plans/{id}/publish", post(publish_draft))
        .merge(super::public_page::router())
        .merge(import::router())
        .merge(revise::router())
}

/// The upload and preview pages are the office's: others are refused before
/// anything is read.
fn office_only(page: &Page) -> Result<(), WebError> {
    if page.is(&[Role::Admin, Role::Supervisor]) {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "plans are imported by the administrator and the supervision office",
        ))
    }
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    ctx: Ctx,
    notice: Option<&'static str>,
    plans: Vec<PlanLine>,
}

struct PlanLine {
    id: i64,
    title: String,
    year: String,
    state: String,
    categories: i64,
    tasks: i64,
    targets: i64,
    assignments: i64,
    revision: Option<(i64, String)>,
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, WebError> {
    let plans = overview(&state.db, &page.actor).await?;
    let view = PlansPage {
        ctx: page.ctx(),
        notice: query.notice.as_deref().and_then(|n| notice(page.lang, n)),
        plans: plans
            .into_iter()
            .map(|p| PlanLine {
                id: p.plan.id,
                title: p.plan.title,
                year: p.plan.year.map(|y| y.to_string()).unwrap_or_default(),
                state: p.plan.state,
                categories: p.plan.categories,
                tasks: p.plan.tasks,
                targets: p.plan.targets,
                assignments: p.plan.assignments,
                revision: p.revision,
            })
            .collect(),
    };
    super::render(&view)
}

#[derive(Deserialize)]
struct PlainForm {}

async fn publish_draft(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, PlainForm {}): Posted<PlainForm>,
) -> Result<Redirect, WebError> {
    publish(&state.db, state.clock.as_ref(), &page.actor, id).await?;
    Ok(Redirect::to("/plans?notice=published"))
}
