//! A unit's work on one assignment: claim it, add and edit measures (what,
//! who, by when), report progress with the figures reached and evidence
//! files, raise a difficulty, answer findings, declare the work done. Every
//! form failing shows the page again with its messages and what was typed.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::assignment_page::{Drafts, MeasureDraft, again, show, to_page};
use super::error::WebError;
use super::page::{Page, Posted, PostedMultipart};
use crate::app::AppState;
use crate::domain::assignment::Move;
use crate::service::assignments::{self as work, MeasureInput};
use crate::service::reports::{self, ReportInput};
use crate::service::supervision::{FindingMove, move_finding};
use crate::service::{ServiceError, coordination};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assignments/{id}", get(show))
        .route("/assignments/{id}/claim", post(claim))
        .route("/assignments/{id}/declare-done", post(declare_done))
        .route("/assignments/{id}/measures", post(add_measure))
        .route("/measures/{id}", post(edit_measure))
        .route("/assignments/{id}/reports", post(submit_report))
        .route("/assignments/{id}/difficulties", post(raise_difficulty))
        .route("/assignments/{id}/cascade", post(cascade))
        .route("/findings/{id}/respond", post(respond))
}

#[derive(Deserialize)]
struct VersionForm {
    version: i64,
}

async fn claim(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<VersionForm>,
) -> Result<Response, WebError> {
    act(&state, &page, id, form.version, Move::Claim).await
}

async fn declare_done(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<VersionForm>,
) -> Result<Response, WebError> {
    act(&state, &page, id, form.version, Move::DeclareDone).await
}

async fn act(
    state: &AppState,
    page: &Page,
    id: i64,
    version: i64,
    mv: Move,
) -> Result<Response, WebError> {
    match work::act(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        version,
        mv,
        None,
    )
    .await
    {
        Ok(_) => Ok(to_page(id, "state")),
        Err(e) => {
            let drafts = Drafts {
                form: "state",
                ..Drafts::default()
            };
            again(state, page, id, e, drafts).await
        }
    }
}

async fn add_measure(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<MeasureDraft>,
) -> Result<Response, WebError> {
    let saved = match MeasureInput::parse(
        &form.description,
        &form.responsible_person,
        &form.deadline,
        false,
    ) {
        Ok(input) => work::add_measure(&state.db, state.clock.as_ref(), &page.actor, id, &input)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Ok(to_page(id, "measures")),
        Err(e) => {
            let drafts = Drafts {
                form: "measure",
                measure: form,
                ..Drafts::default()
            };
            again(&state, &page, id, e, drafts).await
        }
    }
}

#[derive(Deserialize)]
struct EditMeasureForm {
    version: i64,
    assignment_id: i64,
    #[serde(flatten)]
    fields: MeasureDraft,
}

async fn edit_measure(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<EditMeasureForm>,
) -> Result<Response, WebError> {
    let f = &form.fields;
    let saved = match MeasureInput::parse(
        &f.description,
        &f.responsible_person,
        &f.deadline,
        f.done.is_some(),
    ) {
        Ok(input) => work::update_measure(
            &state.db,
            state.clock.as_ref(),
            &page.actor,
            id,
            form.version,
            &input,
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Ok(to_page(form.assignment_id, "measures")),
        Err(e) => {
            let drafts = Drafts {
                form: "measure-edit",
                edited: Some((id, form.fields.clone())),
                ..Drafts::default()
            };
            again(&state, &page, form.assignment_id, e, drafts).await
        }
    }
}

/// A progress report with its figures and evidence files (multipart).
async fn submit_report(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    posted: PostedMultipart,
) -> Result<Response, WebError> {
    let period = posted.field("period").unwrap_or_default().to_string();
    let narrative = posted.field("narrative").unwrap_or_default().to_string();
    let typed: Vec<(i64, String)> = posted
        .fields
        .iter()
        .filter_map(|(name, value)| {
            let target = name.strip_prefix("actual_")?.parse().ok()?;
            Some((target, value.trim().to_string()))
        })
        .collect();
    let files: Vec<(&str, &[u8])> = posted
        .files
        .iter()
        .filter(|(name, file)| name == "evidence" && !file.bytes.is_empty())
        .map(|(_, file)| (file.name.as_str(), file.bytes.as_ref()))
        .collect();
    let consolidates: Vec<i64> = posted
        .fields
        .iter()
        .filter(|(name, _)| name == "consolidates")
        .filter_map(|(_, value)| value.trim().parse().ok())
        .collect();
    let page = &posted.page;
    let result = match figures(&typed) {
        Err(e) => Err(e),
        Ok(actuals) => match ReportInput::parse(&period, &narrative, &actuals) {
            Err(e) => Err(e),
            Ok(input) => reports::submit_with_evidence(
                &state.db,
                state.clock.as_ref(),
                &page.actor,
                id,
                &input.consolidating(&consolidates),
                &files,
            )
            .await
            .map(|_| ()),
        },
    };
    match result {
        Ok(()) => Ok(to_page(id, "reports")),
        Err(e) => {
            let drafts = Drafts {
                form: "report",
                period,
                narrative,
                actuals: typed,
                ..Drafts::default()
            };
            again(&state, page, id, e, drafts).await
        }
    }
}

/// The figures typed for targets; a field left empty gives no figure.
fn figures(typed: &[(i64, String)]) -> Result<Vec<(i64, f64)>, ServiceError> {
    typed
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(target, value)| {
            value
                .replace([',', '，'], "")
                .parse::<f64>()
                .map(|figure| (*target, figure))
                .map_err(|_| ServiceError::Field {
                    field: "actuals",
                    message: format!("'{value}' is not a number"),
                })
        })
        .collect()
}

#[derive(Deserialize)]
struct DifficultyForm {
    description: String,
    routed_to: String,
}

async fn raise_difficulty(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<DifficultyForm>,
) -> Result<Response, WebError> {
    match coordination::raise_difficulty(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        &form.description,
        &form.routed_to,
    )
    .await
    {
        Ok(_) => Ok(to_page(id, "difficulties")),
        Err(e) => {
            let drafts = Drafts {
                form: "difficulty",
                difficulty: form.description,
                routed_to: form.routed_to,
                ..Drafts::default()
            };
            again(&state, &page, id, e, drafts).await
        }
    }
}

#[derive(Deserialize)]
struct CascadeForm {
    #[serde(default)]
    unit: String,
}

/// 分解下达: the part passed down to a unit directly under this one.
async fn cascade(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<CascadeForm>,
) -> Result<Response, WebError> {
    let done = crate::service::cascades::cascade(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        &form.unit,
    )
    .await;
    match done {
        Ok(_) => Ok(to_page(id, "below")),
        Err(e) => {
            let drafts = Drafts {
                form: "cascade",
                ..Drafts::default()
            };
            again(&state, &page, id, e, drafts).await
        }
    }
}

#[derive(Deserialize)]
struct RespondForm {
    version: i64,
    assignment_id: i64,
    response: String,
}

async fn respond(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<RespondForm>,
) -> Result<Response, WebError> {
    match move_finding(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        form.version,
        FindingMove::Respond,
        Some(&form.response),
    )
    .await
    {
        Ok(_) => Ok(to_page(form.assignment_id, "findings")),
        Err(e) => {
            let drafts = Drafts {
                form: "respond",
                response: Some((id, form.response)),
                ..Drafts::default()
            };
            again(&state, &page, form.assignment_id, e, drafts).await
        }
    }
}
