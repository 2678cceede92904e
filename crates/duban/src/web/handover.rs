//! One assignment's handover page: 签收 or 退回 by the unit, the office's
//! re-assignment or keeping of a return, 延期申请 and its decision, with the
//! whole history of each. Forms that fail show the page again with messages.

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
use crate::app::AppState;
use crate::domain::item::ReturnReason;
use crate::service::handover::{self, HandoverRecord, ReturnDecision};
use crate::service::item_rules;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assignments/{id}/handover", get(show))
        .route("/assignments/{id}/return", post(return_it))
        .route("/assignments/{id}/extensions", post(ask_extension))
        .route("/returns/{id}/decision", post(decide_return))
        .route("/extensions/{id}/decision", post(decide_extension))
        .route("/assignments/{id}/completion", post(complete))
        .route("/assignments/{id}/notices", post(issue_notice))
        .route("/notices/{id}/acknowledge", post(acknowledge_notice))
}

#[derive(Template)]
#[template(path = "handover.html")]
struct HandoverPage {
    ctx: Ctx,
    r: HandoverRecord,
    /// The unit's liaison (or an admin): signs, returns, asks for time.
    works_here: bool,
    /// The office: decides returns.
    decides_returns: bool,
    /// The role the office chose to decide extensions (or an admin).
    decides_extensions: bool,
    reasons: Vec<(&'static str, &'static str)>,
    colors: Vec<(&'static str, &'static str)>,
    /// The office issues 督办单.
    issues_notices: bool,
    /// Which form failed: "return", "extension", "return-decision", "extension-decision".
    form: &'static str,
    errors: FieldErrors,
    typed: Typed,
    units: Vec<String>,
}

/// What was typed into the form that failed.
#[derive(Default, Deserialize)]
struct Typed {
    #[serde(default)]
    reason_kind: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    suggested_unit: String,
    #[serde(default)]
    requested_to: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    color: String,
    #[serde(default)]
    required_action: String,
    #[serde(default)]
    respond_by: String,
    #[serde(default)]
    to_head: Option<String>,
    #[serde(default)]
    response: String,
}

impl HandoverPage {
    fn reason_label(&self, kind: &str) -> &'static str {
        kind.parse::<ReturnReason>()
            .map(|r| self.ctx.lang.t(r.zh(), r.en()))
            .unwrap_or("")
    }

    fn open_for_time(&self) -> bool {
        !matches!(self.r.assignment.state.as_str(), "done" | "verified")
            && !self.r.extensions.iter().any(|e| e.state == "pending")
    }

    /// The unit may submit its completion report (办结).
    fn may_complete(&self) -> bool {
        self.works_here && matches!(self.r.assignment.state.as_str(), "claimed" | "in_progress")
    }

    /// The office reviews a completion waiting on work declared done.
    fn reviews(&self) -> bool {
        self.decides_returns && self.r.assignment.state == "done"
    }

    /// The colour the issue form proposes: the one typed, else the one the light calls for.
    fn proposed_color(&self) -> &str {
        if self.typed.color.is_empty() {
            crate::domain::notice::Color::for_light(&self.r.assignment.light).as_str()
        } else {
            &self.typed.color
        }
    }

    fn color_label(&self, color: &str) -> &'static str {
        color
            .parse::<crate::domain::notice::Color>()
            .map(|c| self.ctx.lang.t(c.zh(), c.en()))
            .unwrap_or("")
    }

    fn deadline(&self) -> String {
        self.r.deadline.map(|d| d.to_string()).unwrap_or_default()
    }
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    show_with(&state, &page, id, "", FieldErrors::new(), Typed::default()).await
}

async fn show_with(
    state: &AppState,
    page: &Page,
    assignment_id: i64,
    form: &'static str,
    errors: FieldErrors,
    typed: Typed,
) -> Result<Response, WebError> {
    let r = handover::record_of(&state.db, &page.actor, assignment_id).await?;
    let (rules, _) = item_rules::rules(&state.db).await?;
    let works_here = handover::acts_for(&page.actor, &r.assignment);
    let decides_returns = handover::decides_returns(&page.actor);
    let decides_extensions = handover::decides_extensions(&page.actor, &rules);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut ctx = page.ctx();
    let actors = r
        .returns
        .iter()
        .flat_map(|x| [Some(&x.returned_by), x.decided_by.as_ref()])
        .chain(
            r.extensions
                .iter()
                .flat_map(|x| [Some(&x.requested_by), x.decided_by.as_ref()]),
        )
        .flatten()
        .filter_map(|a| a.strip_prefix("user:"))
        .map(str::to_string)
        .collect();
    ctx.names = crate::service::tasks::display_names(&state.db, actors).await?;
    let units = if decides_returns {
        crate::store::units::known_names(&state.db).await?
    } else {
        Vec::new()
    };
    let view = HandoverPage {
        ctx,
        r,
        works_here,
        decides_returns,
        decides_extensions,
        colors: crate::domain::notice::Color::ALL
            .iter()
            .map(|c| (c.as_str(), page.lang.t(c.zh(), c.en())))
            .collect(),
        issues_notices: crate::service::notices::may_issue(&page.actor),
        reasons: ReturnReason::ALL
            .iter()
            .map(|x| (x.as_str(), page.lang.t(x.zh(), x.en())))
            .collect(),
        form,
        errors,
        typed,
        units,
    };
    Ok((status, render(&view)?).into_response())
}

fn back_to(assignment_id: i64) -> Response {
    Redirect::to(&format!("/assignments/{assignment_id}/handover")).into_response()
}

#[derive(Deserialize)]
struct ReturnForm {
    version: i64,
    #[serde(flatten)]
    typed: Typed,
}

async fn return_it(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<ReturnForm>,
) -> Result<Response, WebError> {
    let t = &form.typed;
    let done = handover::return_assignment(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        form.version,
        &t.reason_kind,
        &t.reason,
        Some(&t.suggested_unit),
    )
    .await;
    match done {
        Ok(_) => Ok(back_to(id)),
        Err(e) => {
            let errors = FieldErrors::from_service(page.lang, e)?;
            show_with(&state, &page, id, "return", errors, form.typed).await
        }
    }
}

async fn ask_extension(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, typed): Posted<Typed>,
) -> Result<Response, WebError> {
    let done = handover::request_extension(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        &typed.requested_to,
        &typed.reason,
    )
    .await;
    match done {
        Ok(_) => Ok(back_to(id)),
        Err(e) => {
            let errors = FieldErrors::from_service(page.lang, e)?;
            show_with(&state, &page, id, "extension", errors, typed).await
        }
    }
}

#[derive(Deserialize)]
struct DecisionForm {
    version: i64,
    /// The assignment whose page to show again.
    assignment_id: i64,
    /// "reassign" / "keep" for returns, "approve" / "refuse" for extensions.
    decision: String,
    #[serde(flatten)]
    typed: Typed,
}

async fn decide_return(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<DecisionForm>,
) -> Result<Response, WebError> {
    let decision = if form.decision == "keep" {
        ReturnDecision::Keep
    } else {
        ReturnDecision::Reassign(form.typed.unit.clone())
    };
    let done = handover::decide_return(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        form.version,
        &decision,
        Some(&form.typed.note),
    )
    .await;
    match done {
        Ok(_) => Ok(back_to(form.assignment_id)),
        Err(e) => {
            let errors = FieldErrors::from_service(page.lang, e)?;
            show_with(
                &state,
                &page,
                form.assignment_id,
                "return-decision",
                errors,
                form.typed,
            )
            .await
        }
    }
}

async fn decide_extension(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<DecisionForm>,
) -> Result<Response, WebError> {
    let done = handover::decide_extension(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        form.version,
        form.decision == "approve",
        Some(&form.typed.note),
    )
    .await;
    match done {
        Ok(_) => Ok(back_to(form.assignment_id)),
        Err(e) => {
            let errors = FieldErrors::from_service(page.lang, e)?;
            show_with(
                &state,
                &page,
                form.assignment_id,
                "extension-decision",
                errors,
                form.typed,
            )
            .await
        }
    }
}

/// The unit's completion report with its evidence files (multipart).
async fn complete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    posted: PostedMultipart,
) -> Result<Response, WebError> {
    let summary = posted.field("summary").unwrap_or_default().to_string();
    let version = posted
        .field("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| WebError::bad_request("the form lacks its version"))?;
    let files: Vec<(&str, &[u8])> = posted
        .files
        .iter()
        .filter(|(name, file)| name == "evidence" && !file.bytes.is_empty())
        .map(|(_, file)| (file.name.as_str(), file.bytes.as_ref()))
        .collect();
    let page = &posted.page;
    let done = crate::service::completions::complete(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        version,
        &summary,
        &files,
    )
    .await;
    match done {
        Ok(_) => Ok(back_to(id)),
        Err(e) => {
            let errors = FieldErrors::from_service(page.lang, e)?;
            let typed = Typed {
                summary,
                ..Typed::default()
            };
            show_with(&state, page, id, "completion", errors, typed).await
        }
    }
}

async fn issue_notice(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, typed): Posted<Typed>,
) -> Result<Response, WebError> {
    let new = crate::service::notices::IssueNotice {
        color: typed.color.clone(),
        reason: typed.reason.clone(),
        required_action: typed.required_action.clone(),
        respond_by: typed.respond_by.clone(),
        to_head: typed.to_head.is_some(),
    };
    match crate::service::notices::issue(&state.db, state.clock.as_ref(), &page.actor, id, &new)
        .await
    {
        Ok(_) => Ok(back_to(id)),
        Err(e) => {
            let errors = FieldErrors::from_service(page.lang, e)?;
            show_with(&state, &page, id, "notice", errors, typed).await
        }
    }
}

#[derive(Deserialize)]
struct AcknowledgeForm {
    /// The assignment whose page to show again.
    assignment_id: i64,
    #[serde(default)]
    response: String,
}

async fn acknowledge_notice(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<AcknowledgeForm>,
) -> Result<Response, WebError> {
    let done = crate::service::notices::acknowledge(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        &form.response,
    )
    .await;
    match done {
        Ok(_) => Ok(back_to(form.assignment_id)),
        Err(e) => {
            let errors = FieldErrors::from_service(page.lang, e)?;
            let typed = Typed {
                response: form.response,
                ..Typed::default()
            };
            show_with(
                &state,
                &page,
                form.assignment_id,
                "acknowledge",
                errors,
                typed,
            )
            .await
        }
    }
}
