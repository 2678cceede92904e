//! The task page: the text with its targets and deadline, each unit's
//! assignment and state, measures, reports over time, findings, difficulties,
//! evaluations, situation reports, leaders' instructions (批示), comments, and
//! the history from the audit chain, and each target against its trajectory
//! (`trajectories.rs`). Notes, situation reports and the answers to
//! difficulties are written here.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::error::WebError;
use super::form::FieldErrors;
use super::page::{Ctx, Page, Posted};
use super::render;
use super::trajectories::TargetCard;
use super::view::{self, TargetLine, UnitView};
use crate::app::AppState;
use crate::domain::period::Frequency;
use crate::domain::roles::Role;
use crate::service::{coordination, tasks, trajectories};
use crate::store::audit::HistoryRow;
use crate::store::coordination::{NoteRow, SituationRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks/{id}", get(show))
        .route("/tasks/{id}/notes", post(write_note))
        .route("/tasks/{id}/report-rhythm", post(set_rhythm))
        .route("/tasks/{id}/situations", post(report_situation))
        .route("/situations/{id}/acknowledge", post(acknowledge))
        .route("/difficulties/{id}/resolve", post(resolve))
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    ctx: Ctx,
    plan_id: i64,
    plan_title: String,
    task_id: i64,
    number: String,
    category: String,
    title: String,
    text: String,
    deadline: String,
    light: &'static str,
    /// The task's own report rhythm, if it sets one.
    rhythm: Option<Frequency>,
    /// The office's, which it follows otherwise.
    office_rhythm: Frequency,
    targets: Vec<TargetLine>,
    /// Each target's status, figures and chart (web::trajectories).
    tracks: Vec<TargetCard>,
    /// The figures are the reader's own unit's (a liaison's).
    tracks_own: bool,
    units: Vec<UnitView>,
    situations: Vec<SituationRow>,
    instructions: Vec<NoteRow>,
    comments: Vec<NoteRow>,
    history: Vec<HistoryRow>,
    may: May,
    drafts: Drafts,
}

impl TaskPage {
    fn rhythms(&self) -> &'static [Frequency] {
        &Frequency::ALL
    }

    fn is_own(&self, rhythm: &Frequency) -> bool {
        self.rhythm == Some(*rhythm)
    }
}

/// Which forms this reader gets (the services decide again on submission).
struct May {
    instruct: bool,
    comment: bool,
    report_situation: bool,
    acknowledge: bool,
    resolve: bool,
    supervise: bool,
}

/// What was typed into a form that failed, shown again with its messages.
#[derive(Default)]
pub(super) struct Drafts {
    note_kind: String,
    note_text: String,
    situation_text: String,
    /// (difficulty id, answer)
    answer: Option<(i64, String)>,
    /// (target id, its milestones as typed)
    milestones: Option<(i64, String)>,
    errors: FieldErrors,
    /// Which form the errors belong to: "note", "situation", "answer",
    /// "ack", "milestones".
    form: &'static str,
}

impl Drafts {
    /// A target's milestones as typed into its form.
    pub(super) fn milestones(target_id: i64, text: String) -> Drafts {
        Drafts {
            milestones: Some((target_id, text)),
            form: "milestones",
            ..Drafts::default()
        }
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
    task_id: i64,
    drafts: Drafts,
) -> Result<Response, WebError> {
    let record = tasks::record(&state.db, &page.actor, task_id).await?;
    let tracks =
        trajectories::of_record(&state.db, state.clock.as_ref(), &page.actor, &record).await?;
    let role = page.actor.role;
    let own_unit_assigned = page
        .actor
        .unit_id
        .is_some_and(|u| record.task.assignments.iter().any(|a| a.unit_id == u));
    let may = May {
        instruct: matches!(role, Role::Admin | Role::Leader),
        comment: match role {
            Role::Viewer => false,
            Role::Liaison => own_unit_assigned,
            _ => true,
        },
        report_situation: match role {
            Role::Admin | Role::Supervisor => true,
            Role::Liaison => own_unit_assigned,
            _ => false,
        },
        acknowledge: matches!(role, Role::Admin | Role::Supervisor),
        resolve: matches!(role, Role::Admin | Role::Supervisor | Role::Leader),
        supervise: matches!(role, Role::Admin | Role::Supervisor),
    };
    let (instructions, comments) = record
        .notes
        .iter()
        .cloned()
        .partition(|n| n.kind == "instruction");
    let status = if drafts.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let task = &record.task.task;
    let mut ctx = page.ctx();
    ctx.names = record.names.clone();
    let view = TaskPage {
        ctx,
        plan_id: record.plan.id,
        plan_title: record.plan.title.clone(),
        task_id,
        number: task.number.clone(),
        category: match (&task.category_ordinal, &task.category_title) {
            (Some(o), Some(t)) => format!("（{o}）{t}"),
            _ => String::new(),
        },
        title: task.title.clone(),
        text: task.body.clone(),
        deadline: task.deadline_text.clone().unwrap_or_default(),
        light: record.task.light.as_str(),
        rhythm: task.rhythm.own,
        office_rhythm: crate::service::settings::thresholds(&state.db)
            .await?
            .0
            .report_period,
        targets: view::targets(&record.task.targets, page.lang),
        tracks: super::trajectories::cards(&tracks, page.lang, drafts.milestones.as_ref()),
        tracks_own: tracks.own_unit_only,
        units: view::units(&record, page),
        situations: record.situations.clone(),
        instructions,
        comments,
        history: record.history.clone(),
        may,
        drafts,
    };
    Ok((status, render(&view)?).into_response())
}

/// Shows the task page again with the error as messages next to the form,
/// or fails as a page when editing the form cannot help.
pub(super) async fn again(
    state: &AppState,
    page: &Page,
    task_id: i64,
    error: crate::service::ServiceError,
    mut drafts: Drafts,
) -> Result<Response, WebError> {
    drafts.errors = FieldErrors::from_service(page.lang, error)?;
    show_with(state, page, task_id, drafts).await
}

fn back_to(task_id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/tasks/{task_id}#{anchor}")).into_response()
}

#[derive(Deserialize)]
struct RhythmForm {
    #[serde(default)]
    frequency: String,
}

/// 报送周期: the office gives the task its own report rhythm, or returns
/// it to the office's.
async fn set_rhythm(
    State(state): State<AppState>,
    Path(task_id): Path<i64>,
    Posted(page, form): Posted<RhythmForm>,
) -> Result<Response, WebError> {
    match crate::service::report_periods::set_rhythm(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        task_id,
        &form.frequency,
    )
    .await
    {
        Ok(_) => Ok(back_to(task_id, "summary")),
        Err(error) => {
            let drafts = Drafts {
                form: "rhythm",
                ..Drafts::default()
            };
            again(&state, &page, task_id, error, drafts).await
        }
    }
}

#[derive(Deserialize)]
struct NoteForm {
    kind: String,
    text: String,
}

async fn write_note(
    State(state): State<AppState>,
    Path(task_id): Path<i64>,
    Posted(page, form): Posted<NoteForm>,
) -> Result<Response, WebError> {
    let instruction = form.kind == "instruction";
    match coordination::write_note(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        task_id,
        instruction,
        &form.text,
    )
    .await
    {
        Ok(_) => Ok(back_to(task_id, "notes")),
        Err(error) => {
            let drafts = Drafts {
                note_kind: form.kind,
                note_text: form.text,
                form: "note",
                ..Drafts::default()
            };
            again(&state, &page, task_id, error, drafts).await
        }
    }
}

#[derive(Deserialize)]
struct SituationForm {
    text: String,
}

async fn report_situation(
    State(state): State<AppState>,
    Path(task_id): Path<i64>,
    Posted(page, form): Posted<SituationForm>,
) -> Result<Response, WebError> {
    match coordination::report_situation(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        task_id,
        &form.text,
    )
    .await
    {
        Ok(_) => Ok(back_to(task_id, "situations")),
        Err(error) => {
            let drafts = Drafts {
                situation_text: form.text,
                form: "situation",
                ..Drafts::default()
            };
            again(&state, &page, task_id, error, drafts).await
        }
    }
}

#[derive(Deserialize)]
struct AcknowledgeForm {
    version: i64,
    task_id: i64,
}

async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<AcknowledgeForm>,
) -> Result<Response, WebError> {
    match coordination::acknowledge_situation(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        form.version,
    )
    .await
    {
        Ok(row) => Ok(back_to(row.task_id, "situations")),
        Err(error) => {
            let drafts = Drafts {
                form: "ack",
                ..Drafts::default()
            };
            again(&state, &page, form.task_id, error, drafts).await
        }
    }
}

#[derive(Deserialize)]
struct ResolveForm {
    version: i64,
    task_id: i64,
    answer: String,
}

async fn resolve(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<ResolveForm>,
) -> Result<Response, WebError> {
    match coordination::resolve_difficulty(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        form.version,
        &form.answer,
    )
    .await
    {
        Ok(_) => Ok(back_to(form.task_id, "units")),
        Err(error) => {
            let drafts = Drafts {
                answer: Some((id, form.answer)),
                form: "answer",
                ..Drafts::default()
            };
            again(&state, &page, form.task_id, error, drafts).await
        }
    }
}
