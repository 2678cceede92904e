//! A unit's work page on one assignment (`/assignments/{id}`): the record
//! read for this reader, the lead's view of its co-units (汇总), the parts
//! passed down (分解下达), and the forms with what was typed into the one
//! that failed. The forms' handlers are `assignments.rs`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::WebError;
use super::form::FieldErrors;
use super::page::{Ctx, Page};
use super::render;
use super::view::{self, DetailView, TargetLine};
use crate::app::AppState;
use crate::service::ServiceError;
use crate::service::tasks::{self, PeriodChoice};

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
pub(super) struct Drafts {
    /// "state", "measure", "measure-edit", "report", "difficulty", "respond".
    pub(super) form: &'static str,
    pub(super) errors: FieldErrors,
    pub(super) measure: MeasureDraft,
    /// The measure whose edit failed.
    pub(super) edited: Option<(i64, MeasureDraft)>,
    pub(super) period: String,
    pub(super) narrative: String,
    /// (target id, figure as typed)
    pub(super) actuals: Vec<(i64, String)>,
    pub(super) difficulty: String,
    pub(super) routed_to: String,
    /// (finding id, answer)
    pub(super) response: Option<(i64, String)>,
}

#[derive(Default, Clone, Deserialize)]
pub(super) struct MeasureDraft {
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) responsible_person: String,
    #[serde(default)]
    pub(super) deadline: String,
    #[serde(default)]
    pub(super) done: Option<String>,
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

pub(super) async fn show(
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

pub(super) fn to_page(assignment_id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/assignments/{assignment_id}#{anchor}")).into_response()
}

/// Shows the page again with the error as messages, or fails as a page
/// when editing the form cannot help.
pub(super) async fn again(
    state: &AppState,
    page: &Page,
    assignment_id: i64,
    error: ServiceError,
    mut drafts: Drafts,
) -> Result<Response, WebError> {
    drafts.errors = FieldErrors::from_service(page.lang, error)?;
    show_with(state, page, assignment_id, drafts).await
}
