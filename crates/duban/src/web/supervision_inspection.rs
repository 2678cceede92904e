//! One inspection: its findings and the form to raise one on an assignment
//! of the plan; and one finding, where its 销号 or reopening lands when it
//! cannot be done (someone moved it meanwhile, a reason is missing).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::error::WebError;
use super::form::FieldErrors;
use super::page::{Ctx, Page, Posted};
use super::supervision::{
    FindingView, MoveForm, back_to, form_errors, id_field, safe_back, unprocessable, version_field,
};
use crate::app::AppState;
use crate::service::ServiceError;
use crate::service::supervision::{FindingInput, FindingMove, move_finding, raise_finding};
use crate::service::supervision_board::{InspectionView, finding, inspection};
use crate::store::supervision_board::InspectionLine;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/supervision/inspections/{id}", get(show))
        .route("/supervision/inspections/{id}/findings", post(raise))
        .route("/supervision/findings/{id}", get(show_finding))
        .route("/supervision/findings/{id}/verify", post(verify))
        .route("/supervision/findings/{id}/reopen", post(reopen))
}

/// A finding as the supervisor types it.
#[derive(Deserialize, Default, Clone)]
pub struct RaiseForm {
    #[serde(default)]
    pub assignment_id: String,
    #[serde(default)]
    pub inspection_id: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub description: String,
}

impl RaiseForm {
    /// Raises the finding typed here. The page's URL names the inspection
    /// (on an inspection's page) or the assignment (on an assignment's page);
    /// the one it does not name (`None`) is read from the form's select.
    pub async fn raise(
        &self,
        state: &AppState,
        page: &Page,
        inspection: Option<i64>,
        assignment: Option<i64>,
    ) -> Result<(), ServiceError> {
        let inspection_id = match inspection {
            Some(id) => id,
            None => id_field(&self.inspection_id, "inspection_id")?,
        };
        let assignment_id = match assignment {
            Some(id) => id,
            None => id_field(&self.assignment_id, "assignment_id")?,
        };
        let deadline = self.deadline.trim();
        let input = FindingInput {
            inspection_id,
            assignment_id,
            action: self.action.trim(),
            description: &self.description,
            deadline: (!deadline.is_empty()).then_some(deadline),
        };
        raise_finding(&state.db, state.clock.as_ref(), &page.actor, &input)
            .await
            .map(|_| ())
    }
}

/// The plan's assignments grouped by task, for the <optgroup>s of the form.
pub struct TaskGroup {
    pub label: String,
    /// (assignment id, "number · unit")
    pub options: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "supervision_inspection.html")]
struct InspectionPage {
    ctx: Ctx,
    inspection: InspectionLine,
    findings: Vec<FindingView>,
    groups: Vec<TaskGroup>,
    may_raise: bool,
    form: RaiseForm,
    errors: FieldErrors,
    back: String,
}

fn inspection_page(
    page: &Page,
    view: InspectionView,
    form: RaiseForm,
    errors: FieldErrors,
) -> InspectionPage {
    let mut groups: Vec<TaskGroup> = Vec::new();
    let mut current = None;
    for a in &view.assignments {
        if current != Some(a.task_id) {
            current = Some(a.task_id);
            let title: String = a.task_title.chars().take(40).collect();
            groups.push(TaskGroup {
                label: format!("{}、{title}", a.task_number),
                options: Vec::new(),
            });
        }
        if let Some(group) = groups.last_mut() {
            let role = page.lang.unit_role(&a.role);
            group
                .options
                .push((a.id, format!("{} · {}（{role}）", a.task_number, a.unit)));
        }
    }
    let form = RaiseForm {
        action: if form.action.is_empty() {
            "rectification".into()
        } else {
            form.action
        },
        ..form
    };
    let may = view.may_raise;
    InspectionPage {
        ctx: page.ctx(),
        findings: view
            .findings
            .into_iter()
            .map(|f| FindingView::of(f, view.today, page.lang, may))
            .collect(),
        back: format!("/supervision/inspections/{}", view.inspection.id),
        inspection: view.inspection,
        may_raise: may,
        groups,
        form,
        errors,
    }
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let view = inspection(&state.db, state.clock.as_ref(), &page.actor, id).await?;
    super::render(&inspection_page(
        &page,
        view,
        RaiseForm::default(),
        FieldErrors::new(),
    ))
}

async fn raise(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<RaiseForm>,
) -> Result<Response, WebError> {
    match form.raise(&state, &page, Some(id), None).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/supervision/inspections/{id}#findings")).into_response())
        }
        Err(error) => {
            let errors = form_errors(page.lang, error)?;
            let view = inspection(&state.db, state.clock.as_ref(), &page.actor, id).await?;
            let html = super::render(&inspection_page(&page, view, form, errors))?;
            Ok(unprocessable(html))
        }
    }
}

#[derive(Template)]
#[template(path = "supervision_finding.html")]
struct FindingPage {
    ctx: Ctx,
    f: FindingView,
    reason: String,
    errors: FieldErrors,
    /// Where a successful move returns to.
    back: String,
}

async fn finding_page(
    state: &AppState,
    page: &Page,
    id: i64,
    reason: String,
    errors: FieldErrors,
    back: String,
) -> Result<Html<String>, WebError> {
    let (line, may) = finding(&state.db, &page.actor, id).await?;
    let today = crate::domain::light::china_date(state.clock.now_millis())
        .ok_or_else(|| WebError::bad_request("the clock is out of range"))?;
    super::render(&FindingPage {
        ctx: page.ctx(),
        f: FindingView::of(line, today, page.lang, may),
        reason,
        errors,
        back: safe_back(&back, &format!("/supervision/findings/{id}")),
    })
}

async fn show_finding(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let back = format!("/supervision/findings/{id}");
    finding_page(&state, &page, id, String::new(), FieldErrors::new(), back).await
}

async fn verify(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<MoveForm>,
) -> Result<Response, WebError> {
    moved(state, page, id, form, FindingMove::Verify).await
}

async fn reopen(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<MoveForm>,
) -> Result<Response, WebError> {
    moved(state, page, id, form, FindingMove::Reopen).await
}

async fn moved(
    state: AppState,
    page: Page,
    id: i64,
    form: MoveForm,
    mv: FindingMove,
) -> Result<Response, WebError> {
    let result = async {
        let version = version_field(&form.version)?;
        let reason = (mv == FindingMove::Reopen).then_some(form.reason.as_str());
        move_finding(
            &state.db,
            state.clock.as_ref(),
            &page.actor,
            id,
            version,
            mv,
            reason,
        )
        .await
    };
    match result.await {
        Ok(_) => Ok(back_to(&form.back, &format!("/supervision/findings/{id}"))),
        Err(error) => {
            let errors = form_errors(page.lang, error)?;
            let html = finding_page(&state, &page, id, form.reason, errors, form.back).await?;
            Ok(unprocessable(html))
        }
    }
}
