//! The 未报送 board: who has not reported in a plan's current windows (one
//! per report rhythm its tasks follow), with one 催办 to all of them.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::error::WebError;
use super::form::FieldErrors;
use super::page::{Ctx, Page, Posted};
use super::render;
use super::supervision::unprocessable;
use crate::app::AppState;
use crate::domain::period::Period;
use crate::domain::roles::Role;
use crate::service::report_periods::{Board, board, urge_all};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/supervision/unreported", get(show))
        .route("/supervision/unreported/urge", post(urge))
}

#[derive(Template)]
#[template(path = "unreported.html")]
struct UnreportedPage {
    ctx: Ctx,
    board: Board,
    /// Other plans to switch to: (id, title).
    plans: Vec<(i64, String)>,
    may_urge: bool,
    /// How many were just sent a 催办.
    sent: Option<usize>,
    message: String,
    errors: FieldErrors,
}

impl UnreportedPage {
    fn period_label(&self, period: &Period) -> String {
        crate::domain::words::period_zh(*period)
    }

    /// How many units owe a report, across the windows.
    fn unit_count(&self) -> usize {
        let mut units: Vec<i64> = self
            .board
            .windows
            .iter()
            .flat_map(|w| w.rows.iter().map(|r| r.unit_id))
            .collect();
        units.sort_unstable();
        units.dedup();
        units.len()
    }
}

#[derive(Deserialize, Default)]
struct BoardQuery {
    plan: Option<String>,
    sent: Option<usize>,
}

async fn page_of(
    state: &AppState,
    page: &Page,
    plan: Option<i64>,
    sent: Option<usize>,
    message: String,
    errors: FieldErrors,
) -> Result<UnreportedPage, WebError> {
    let (chosen, plans) = crate::service::ledger::plan_for(&state.db, &page.actor, plan).await?;
    let board = board(&state.db, state.clock.as_ref(), &page.actor, chosen.id).await?;
    Ok(UnreportedPage {
        ctx: page.ctx(),
        board,
        plans: plans.into_iter().map(|p| (p.id, p.title)).collect(),
        may_urge: matches!(page.actor.role, Role::Admin | Role::Supervisor),
        sent,
        message,
        errors,
    })
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<BoardQuery>,
) -> Result<Response, WebError> {
    let plan = q.plan.as_deref().and_then(|p| p.trim().parse().ok());
    let view = page_of(
        &state,
        &page,
        plan,
        q.sent,
        String::new(),
        FieldErrors::new(),
    )
    .await?;
    Ok(render(&view)?.into_response())
}

#[derive(Deserialize, Default)]
struct UrgeForm {
    #[serde(default)]
    plan_id: i64,
    #[serde(default)]
    message: String,
}

async fn urge(
    State(state): State<AppState>,
    Posted(page, form): Posted<UrgeForm>,
) -> Result<Response, WebError> {
    match urge_all(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        form.plan_id,
        &form.message,
    )
    .await
    {
        Ok(sent) => {
            state.wake_scheduler();
            Ok(Redirect::to(&format!(
                "/supervision/unreported?plan={}&sent={sent}",
                form.plan_id
            ))
            .into_response())
        }
        Err(error) => {
            let errors = FieldErrors::from_service(page.lang, error)?;
            let view = page_of(
                &state,
                &page,
                Some(form.plan_id),
                None,
                form.message,
                errors,
            )
            .await?;
            Ok(unprocessable(render(&view)?))
        }
    }
}
