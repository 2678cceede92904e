//! One assignment from the office's side: the task, the unit's state,
//! measures, latest reports and findings; raising a finding, 催办, 销号 or
//! 驳回 of declared work, reopening a locked report period, the light
//! history, and the evaluation with the record-derived indicators beside
//! each of the four dimensions.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::error::WebError;
use super::form::FieldErrors;
use super::i18n::Lang;
use super::page::{Ctx, Page, Posted};
use super::supervision::{
    FindingView, MoveForm, back_to, form_errors, id_field, unprocessable, version_field,
};
use super::supervision_inspection::RaiseForm;
use super::supervision_view::{Dimension, EvaluationLine, dimensions, evaluation_lines};
use crate::app::AppState;
use crate::domain::assignment::Move;
use crate::domain::evaluation::Scores;
use crate::domain::light::china_date;
use crate::service::ServiceError;
use crate::service::assignments::act;
use crate::service::evaluations::{EvaluationInput, evaluate};
use crate::service::reminders::{WithReceipts, of_assignment as reminders_of, urge};
use crate::service::supervision_board::{AssignmentView, assignment};
use crate::store::supervision_board::InspectionLine;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/supervision/assignments/{id}", get(show))
        .route("/supervision/assignments/{id}/findings", post(raise))
        .route("/supervision/assignments/{id}/remind", post(remind))
        .route(
            "/supervision/assignments/{id}/reopen-period",
            post(reopen_period),
        )
        .route("/supervision/assignments/{id}/verify", post(verify))
        .route("/supervision/assignments/{id}/reject", post(reject))
        .route(
            "/supervision/assignments/{id}/evaluate",
            post(evaluate_form),
        )
}

#[derive(Deserialize, Default, Clone)]
pub struct RemindForm {
    #[serde(default)]
    message: String,
    /// "on" when the unit's head is told too.
    #[serde(default)]
    to_head: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct EvalForm {
    #[serde(default)]
    pub body_id: String,
    #[serde(default)]
    pub round: String,
    #[serde(default)]
    pub completion: String,
    #[serde(default)]
    pub innovation: String,
    #[serde(default)]
    pub effect: String,
    #[serde(default)]
    pub attitude: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct ReopenForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    reason: String,
}

/// What each form on the page holds and what was wrong with it.
#[derive(Default)]
struct Forms {
    reopen: ReopenForm,
    reopen_errors: FieldErrors,
    raise: RaiseForm,
    raise_errors: FieldErrors,
    remind: RemindForm,
    remind_errors: FieldErrors,
    reason: String,
    decide_errors: FieldErrors,
    eval: EvalForm,
    eval_errors: FieldErrors,
}

struct MeasureLine {
    description: String,
    person: String,
    deadline: String,
    done_on: String,
    late: bool,
}

struct ReportLine {
    period: String,
    narrative: String,
    submitted_on: String,
}

#[derive(Template)]
#[template(path = "supervision_assignment.html")]
struct AssignmentPage {
    ctx: Ctx,
    v: AssignmentView,
    may_act: bool,
    done: bool,
    measures: Vec<MeasureLine>,
    reports: Vec<ReportLine>,
    findings: Vec<FindingView>,
    inspections: Vec<InspectionLine>,
    /// Reminders and 催办 on this assignment, newest first, with who read them.
    reminders: Vec<WithReceipts>,
    /// The light history: every span it showed red, newest first.
    red_spans: Vec<crate::store::lights::RedSpan>,
    /// Locked report periods the office reopened, newest first.
    reopenings: Vec<crate::store::report_periods::ReopeningRow>,
    dimensions: Vec<Dimension>,
    evaluations: Vec<EvaluationLine>,
    weights_text: String,
    forms: Forms,
    back: String,
}

/// What the record keeps of the assignment's light and report periods.
struct History {
    red_spans: Vec<crate::store::lights::RedSpan>,
    reopenings: Vec<crate::store::report_periods::ReopeningRow>,
}

fn day_of(millis: i64) -> String {
    china_date(millis)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

fn assignment_page(
    page: &Page,
    v: AssignmentView,
    reminders: Vec<WithReceipts>,
    history: History,
    mut forms: Forms,
) -> AssignmentPage {
    let lang: Lang = page.lang;
    let may_act = !v.bodies.is_empty();
    let acts_for = |body: i64| v.bodies.iter().any(|(id, _)| *id == body);
    let findings = v
        .findings
        .iter()
        .cloned()
        .map(|f| {
            let may = acts_for(f.body_id);
            FindingView::of(f, v.today, lang, may)
        })
        .collect();
    let measures = v
        .measures
        .iter()
        .map(|m| {
            let done_on = m.done_at.map(day_of).unwrap_or_default();
            let late = if done_on.is_empty() {
                m.deadline.as_str() < v.today.to_string().as_str()
            } else {
                done_on.as_str() > m.deadline.as_str()
            };
            MeasureLine {
                description: m.description.clone(),
                person: m.responsible_person.clone(),
                deadline: m.deadline.clone(),
                done_on,
                late,
            }
        })
        .collect();
    let reports = v
        .reports
        .iter()
        .map(|r| ReportLine {
            period: r.period.clone(),
            narrative: r.narrative.clone(),
            submitted_on: day_of(r.submitted_at),
        })
        .collect();
    if forms.eval.round.is_empty() && forms.eval_errors.is_empty() {
        forms.eval.round = v.task.plan_year.map(|y| y.to_string()).unwrap_or_default();
    }
    if forms.raise.action.is_empty() {
        forms.raise.action = "rectification".into();
    }
    let w = v.weights;
    AssignmentPage {
        ctx: page.ctx(),
        may_act,
        done: v.assignment.state == "done",
        measures,
        reports,
        findings,
        inspections: v.inspections.clone(),
        reminders,
        red_spans: history.red_spans,
        reopenings: history.reopenings,
        dimensions: dimensions(lang, &v, &forms.eval, &forms.eval_errors),
        evaluations: evaluation_lines(&v),
        weights_text: format!(
            "{} {} · {} {} · {} {} · {} {}",
            lang.t("完成情况", "Completion"),
            w.completion,
            lang.t("方法创新", "Innovation"),
            w.innovation,
            lang.t("实际效果", "Effect"),
            w.effect,
            lang.t("工作状态", "Attitude"),
            w.attitude
        ),
        back: format!("/supervision/assignments/{}", v.assignment.id),
        forms,
        v,
    }
}

async fn render_with(
    state: &AppState,
    page: &Page,
    id: i64,
    forms: Forms,
) -> Result<Html<String>, WebError> {
    let view = assignment(&state.db, state.clock.as_ref(), &page.actor, id).await?;
    let reminders = reminders_of(&state.db, &page.actor, id).await?;
    let history = History {
        red_spans: crate::service::lights::history(&state.db, &page.actor, id).await?,
        reopenings: crate::service::report_periods::reopenings(&state.db, &page.actor, id).await?,
    };
    super::render(&assignment_page(page, view, reminders, history, forms))
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    render_with(&state, &page, id, Forms::default()).await
}

fn to_page(id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/supervision/assignments/{id}#{anchor}")).into_response()
}

async fn raise(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<RaiseForm>,
) -> Result<Response, WebError> {
    match form.raise(&state, &page, None, Some(id)).await {
        Ok(()) => Ok(to_page(id, "findings")),
        Err(error) => {
            let forms = Forms {
                raise_errors: form_errors(page.lang, error)?,
                raise: form,
                ..Forms::default()
            };
            Ok(unprocessable(render_with(&state, &page, id, forms).await?))
        }
    }
}

/// 催办: a reminder to the unit's liaisons (and its head), delivered in the
/// app at once and by e-mail and robots by the scheduler, woken for it.
async fn remind(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<RemindForm>,
) -> Result<Response, WebError> {
    let to_head = form.to_head.as_deref() == Some("on");
    match urge(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        &form.message,
        to_head,
    )
    .await
    {
        Ok(_) => {
            state.wake_scheduler();
            Ok(to_page(id, "remind"))
        }
        Err(error) => {
            let forms = Forms {
                remind_errors: form_errors(page.lang, error)?,
                remind: form,
                ..Forms::default()
            };
            Ok(unprocessable(render_with(&state, &page, id, forms).await?))
        }
    }
}

/// Reopens a locked report period of this assignment, with a reason.
async fn reopen_period(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<ReopenForm>,
) -> Result<Response, WebError> {
    let done = crate::service::report_periods::reopen(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        &form.period,
        &form.reason,
    )
    .await;
    match done {
        Ok(_) => Ok(to_page(id, "periods")),
        Err(error) => {
            let forms = Forms {
                reopen_errors: FieldErrors::from_service(page.lang, error)?,
                reopen: form,
                ..Forms::default()
            };
            Ok(unprocessable(render_with(&state, &page, id, forms).await?))
        }
    }
}

async fn verify(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<MoveForm>,
) -> Result<Response, WebError> {
    decide(state, page, id, form, Move::Verify).await
}

async fn reject(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<MoveForm>,
) -> Result<Response, WebError> {
    decide(state, page, id, form, Move::Reject).await
}

/// 销号 or 驳回 of work declared done.
async fn decide(
    state: AppState,
    page: Page,
    id: i64,
    form: MoveForm,
    mv: Move,
) -> Result<Response, WebError> {
    let result = async {
        let version = version_field(&form.version)?;
        let reason = (mv == Move::Reject).then_some(form.reason.as_str());
        act(
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
        Ok(_) => Ok(back_to(
            &form.back,
            &format!("/supervision/assignments/{id}"),
        )),
        Err(error) => {
            let forms = Forms {
                decide_errors: form_errors(page.lang, error)?,
                reason: form.reason,
                ..Forms::default()
            };
            Ok(unprocessable(render_with(&state, &page, id, forms).await?))
        }
    }
}

/// A score as typed: a number, or the message for its field.
fn score(value: &str, field: &'static str) -> Result<f64, ServiceError> {
    value
        .trim()
        .parse::<f64>()
        .map_err(|_| ServiceError::Field {
            field,
            message: format!("{field} is scored from 0 to 100"),
        })
}

fn scores(form: &EvalForm) -> Result<Scores, ServiceError> {
    Ok(Scores {
        completion: score(&form.completion, "completion")?,
        innovation: score(&form.innovation, "innovation")?,
        effect: score(&form.effect, "effect")?,
        attitude: score(&form.attitude, "attitude")?,
    })
}

async fn evaluate_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<EvalForm>,
) -> Result<Response, WebError> {
    let parsed = id_field(&form.body_id, "body_id").and_then(|body| Ok((body, scores(&form)?)));
    let result = match parsed {
        Ok((body_id, scores)) => {
            let input = EvaluationInput {
                assignment_id: id,
                round: &form.round,
                body_id,
                scores,
                comment: &form.comment,
            };
            evaluate(&state.db, state.clock.as_ref(), &page.actor, &input)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(to_page(id, "evaluations")),
        Err(error) => {
            let eval_errors = match error {
                // The one evaluation per body and round is there already.
                ServiceError::Transition(message) => {
                    let mut errors = FieldErrors::new();
                    let zh = "本督查主体已在该轮次评价过此项工作，请填写其他轮次";
                    errors.add("round", page.lang.t(zh, &message));
                    errors
                }
                other => form_errors(page.lang, other)?,
            };
            let forms = Forms {
                eval_errors,
                eval: form,
                ..Forms::default()
            };
            Ok(unprocessable(render_with(&state, &page, id, forms).await?))
        }
    }
}
