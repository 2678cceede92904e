//! A unit's work on one assignment: claim it, add and edit measures (what,
//! who, by when), report progress with the figures reached and evidence
//! files, raise a difficulty, answer findings, declare the work done. Every
//! form failing shows the page again with its messages and what was typed.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::error::WebError;
use super::form::FieldErrors;
use super::page::{Ctx, Page, Posted, PostedMultipart};
use super::render;
use super::view::{self, DetailView, TargetLine};
use crate::app::AppState;
use crate::domain::assignment::Move;
use crate::service::assignments::{self as work, MeasureInput};
use crate::service::reports::{self, ReportInput};
use crate::service::supervision::{FindingMove, move_finding};
use crate::service::tasks::{self, PeriodChoice};
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

#[derive(Template)]
#[template(path = "assignment.html")]
struct AssignmentPage {
    ctx: Ctx,
    assignment_id: i64,
    task_id: i64,
    number: String,
    title: String,
    plan_title: String,
    unit: String,
    role: String,
    state: String,
    light: &'static str,
    version: i64,
    note: Option<String>,
    deadline: String,
    targets: Vec<TargetLine>,
    /// The reader is this unit's liaison (or an admin): the forms are theirs.
    works_here: bool,
    d: DetailView,
    periods: Vec<PeriodChoice>,
    /// A lead unit's view of its co-units' reports (汇总), period by period.
    co: Option<crate::service::consolidation::Consolidation>,
    /// The parts passed down from this one (分解下达), rolled up.
    below: crate::service::cascades::Subtree,
    /// Units directly under this unit, to pass the part down to: (id, name).
    sub_units: Vec<(i64, String)>,
    drafts: Drafts,
}

/// What was typed into the form that failed.
#[derive(Default)]
struct Drafts {
    /// "state", "measure", "measure-edit", "report", "difficulty", "respond".
    form: &'static str,
    errors: FieldErrors,
    measure: MeasureDraft,
    /// The measure whose edit failed.
    edited: Option<(i64, MeasureDraft)>,
    period: String,
    narrative: String,
    /// (target id, figure as typed)
    actuals: Vec<(i64, String)>,
    difficulty: String,
    routed_to: String,
    /// (finding id, answer)
    response: Option<(i64, String)>,
}

#[derive(Default, Clone, Deserialize)]
struct MeasureDraft {
    #[serde(default)]
    description: String,
    #[serde(default)]
    responsible_person: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    done: Option<String>,
}

impl AssignmentPage {
    /// What the report form shows in a target's field.
    fn actual_of(&self, target: &i64) -> &str {
        self.drafts
            .actuals
            .iter()
            .find(|(id, _)| id == target)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The period the report form proposes: the one typed, else the oldest
    /// one owed, else the latest begun and not yet reported.
    fn proposed_period(&self) -> &str {
        if !self.drafts.period.is_empty() {
            return &self.drafts.period;
        }
        self.periods
            .iter()
            .find(|p| p.owed && !p.locked)
            .or_else(|| self.periods.iter().rev().find(|p| !p.reported && !p.locked))
            .map_or("", |p| p.period.as_str())
    }
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    show_with(&state, &page, id, Drafts::default()).await
}

async fn show_with(
    state: &AppState,
    page: &Page,
    assignment_id: i64,
    drafts: Drafts,
) -> Result<Response, WebError> {
    let record =
        tasks::assignment_record(&state.db, state.clock.as_ref(), &page.actor, assignment_id)
            .await?;
    let assignment = &record.task.assignments[record.index];
    let task = &record.task.task;
    let status = if drafts.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut ctx = page.ctx();
    ctx.names = record.names.clone();
    // The record was read for this reader already: the task's assignments too.
    let all = &record.task.assignments;
    let links = crate::store::cascades::of_task(&state.db, task.id).await?;
    let co = if assignment.role == "lead" && all.len() > 1 {
        let lead = assignment.clone();
        Some(crate::service::consolidation::of_lead_among(&state.db, lead, all, &links).await?)
    } else {
        None
    };
    let below =
        crate::service::cascades::subtree_among(&state.db, assignment.clone(), all, &links).await?;
    let works_here = view::works_on(page, assignment);
    let sub_units = if works_here {
        crate::store::cascades::children(&state.db, assignment.unit_id).await?
    } else {
        Vec::new()
    };
    let view = AssignmentPage {
        ctx,
        assignment_id,
        task_id: task.id,
        number: task.number.clone(),
        title: task.title.clone(),
        plan_title: record.plan.title.clone(),
        unit: assignment.unit_name.clone(),
        role: assignment.role.clone(),
        state: assignment.state.clone(),
        light: record.task.lights[record.index].as_str(),
        version: assignment.version,
        note: assignment.note.clone(),
        deadline: task.deadline_text.clone().unwrap_or_default(),
        targets: view::targets(&record.task.targets, page.lang),
        works_here,
        d: view::detail_view(&record.detail, &record.task.targets),
        periods: record.periods,
        co,
        below,
        sub_units,
        drafts,
    };
    Ok((status, render(&view)?).into_response())
}

fn to_page(assignment_id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/assignments/{assignment_id}#{anchor}")).into_response()
}

/// Shows the page again with the error as messages, or fails as a page
/// when editing the form cannot help.
async fn again(
    state: &AppState,
    page: &Page,
    assignment_id: i64,
    error: ServiceError,
    mut drafts: Drafts,
) -> Result<Response, WebError> {
    drafts.errors = FieldErrors::from_service(page.lang, error)?;
    show_with(state, page, assignment_id, drafts).await
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
