//! The supervision board (督查督办): a plan's inspections, the findings
//! awaiting the office (answered ones to verify, open ones with their
//! deadlines) and the work declared done awaiting 销号 or 驳回; opening an
//! inspection. The shared pieces of the supervision pages live here too: a
//! finding as the pages show it, and form errors in the reader's language.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use serde::Deserialize;

use super::error::WebError;
use super::form::FieldErrors;
use super::i18n::Lang;
use super::page::{Ctx, Page, Posted};
use crate::app::AppState;
use crate::service::ServiceError;
use crate::service::supervision::open_inspection;
use crate::service::supervision_board::{Board, board};
use crate::store::supervision_board::{AssignmentLine, FindingLine, InspectionLine};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/supervision", get(show))
        .route("/supervision/inspections", post(open))
        .merge(super::supervision_inspection::router())
        .merge(super::supervision_assignment::router())
        .merge(super::report_periods::router())
}

/// What a 催办 reminder's description starts with, so it reads as one.
pub const URGE_PREFIX: &str = "【催办】";

/// A finding as the supervision pages list it.
pub struct FindingView {
    pub id: i64,
    pub version: i64,
    pub inspection_id: i64,
    pub inspection: String,
    pub body: String,
    pub assignment_id: i64,
    pub task_number: String,
    pub task_title: String,
    pub unit: String,
    pub action: String,
    /// 催办 for a manual reminder, else the action's word.
    pub label: String,
    pub description: String,
    pub deadline: String,
    pub state: String,
    pub response: String,
    pub verified_by: String,
    /// Open past its deadline.
    pub overdue: bool,
    /// The reader may close it now (销号).
    pub can_verify: bool,
    /// The reader may refuse the unit's answer.
    pub can_reopen: bool,
}

impl FindingView {
    /// `may_act`: the reader acts for the finding's body.
    pub fn of(line: FindingLine, today: Date, lang: Lang, may_act: bool) -> FindingView {
        let overdue = line.state != "closed"
            && line
                .deadline
                .as_deref()
                .and_then(|d| d.parse::<Date>().ok())
                .is_some_and(|d| d < today);
        let urged = line.action == "reminder" && line.description.starts_with(URGE_PREFIX);
        let label = if urged {
            lang.t("催办", "Urged").to_string()
        } else {
            lang.finding(&line.action).to_string()
        };
        let answered = line.state == "answered";
        let open = line.state == "open";
        FindingView {
            can_verify: may_act && (answered || (open && line.action != "rectification")),
            can_reopen: may_act && answered,
            overdue,
            label,
            id: line.id,
            version: line.version,
            inspection_id: line.inspection_id,
            inspection: line.inspection,
            body: line.body,
            assignment_id: line.assignment_id,
            task_number: line.task_number,
            task_title: line.task_title,
            unit: line.unit,
            action: line.action,
            description: line.description,
            deadline: line.deadline.unwrap_or_default(),
            state: line.state,
            response: line.response.unwrap_or_default(),
            verified_by: line.verified_by.unwrap_or_default(),
        }
    }
}

/// A service error on one of the supervision forms: messages next to the
/// fields these forms have, in the reader's language; pages for the rest.
pub fn form_errors(lang: Lang, error: ServiceError) -> Result<FieldErrors, WebError> {
    if let ServiceError::Field { field, message } = &error
        && let Some(zh) = zh_message(field)
    {
        let mut errors = FieldErrors::new();
        let text = if lang.is_en() {
            message.clone()
        } else {
            zh.to_string()
        };
        errors.add(field, text);
        return Ok(errors);
    }
    FieldErrors::from_service(lang, error)
}

fn zh_message(field: &str) -> Option<&'static str> {
    Some(match field {
        "deadline" => "整改须填写整改期限，格式为 年-月-日（如 2021-06-30）",
        "inspected_on" => "请填写督查日期，格式为 年-月-日（如 2021-06-15）",
        "body_id" => "请选择督查主体",
        "assignment_id" => "请选择被督查的单位任务",
        "inspection_id" => "请选择所属的督查活动",
        "action" => "请选择方式：提醒、服务或整改",
        "description" => "请填写督查意见（1–4000 字）",
        "message" => "请填写催办内容",
        "reason" => "请说明理由",
        "round" => "请填写评价轮次，如 2021 或 2021-H1",
        "comment" => "评语不超过 4000 字",
        "completion" | "innovation" | "effect" | "attitude" => "请填写 0–100 之间的分数",
        _ => return None,
    })
}

/// An id typed into a form, or the message for its field.
pub fn id_field(value: &str, field: &'static str) -> Result<i64, ServiceError> {
    value.trim().parse().map_err(|_| ServiceError::Field {
        field,
        message: "choose one".into(),
    })
}

/// The version a 销号/reopen/驳回 form was drawn at; without one the reader
/// has to reload the page.
pub fn version_field(value: &str) -> Result<i64, ServiceError> {
    value
        .trim()
        .parse::<i64>()
        .map_err(|_| ServiceError::Invalid("the form carries no version; reload the page".into()))
}

/// 销号, reopening or 驳回 as posted: the version the page was drawn at, the
/// reason (for reopening or 驳回) and the page to return to.
#[derive(Deserialize, Default, Clone)]
pub struct MoveForm {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub back: String,
}

/// After a move: back to the page the form came from when it is a page of
/// this site, else to `fallback`.
pub fn back_to(back: &str, fallback: &str) -> Response {
    Redirect::to(&safe_back(back, fallback)).into_response()
}

/// A page shown again with its form's messages.
pub fn unprocessable(html: Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

/// Only a path on this site.
pub fn safe_back(back: &str, fallback: &str) -> String {
    if back.starts_with('/') && !back.starts_with("//") && !back.contains('\\') {
        back.to_string()
    } else {
        fallback.to_string()
    }
}

#[derive(Deserialize, Default)]
struct BoardQuery {
    plan: Option<String>,
}

/// The form that opens an inspection, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct OpenForm {
    #[serde(default)]
    plan_id: String,
    #[serde(default)]
    body_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    inspected_on: String,
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct BoardPage {
    ctx: Ctx,
    plan_id: i64,
    plan_title: String,
    plans: Vec<(i64, String)>,
    today: String,
    inspections: Vec<InspectionLine>,
    answered: Vec<FindingView>,
    open: Vec<FindingView>,
    /// Open findings past their deadline.
    overdue: usize,
    declared_done: Vec<AssignmentLine>,
    bodies: Vec<(i64, String)>,
    may_act: bool,
    form: OpenForm,
    errors: FieldErrors,
    back: String,
}

fn board_page(page: &Page, found: Board, form: OpenForm, errors: FieldErrors) -> BoardPage {
    let lang = page.lang;
    let today = found.today;
    let acts_for = |body: i64| found.bodies.iter().any(|(id, _)| *id == body);
    let (mut answered, mut open) = (Vec::new(), Vec::new());
    for line in found.findings.iter().cloned() {
        let may = acts_for(line.body_id);
        let view = FindingView::of(line, today, lang, may);
        if view.state == "answered" {
            answered.push(view);
        } else {
            open.push(view);
        }
    }
    let form = OpenForm {
        inspected_on: if form.inspected_on.is_empty() && errors.is_empty() {
            today.to_string()
        } else {
            form.inspected_on
        },
        ..form
    };
    BoardPage {
        ctx: page.ctx(),
        back: format!("/supervision?plan={}", found.plan.id),
        plan_id: found.plan.id,
        plan_title: found.plan.title.clone(),
        plans: found
            .plans
            .iter()
            .map(|p| (p.id, p.title.clone()))
            .collect(),
        today: today.to_string(),
        inspections: found.inspections,
        overdue: open.iter().filter(|f| f.overdue).count(),
        answered,
        open,
        declared_done: found.declared_done,
        may_act: !found.bodies.is_empty(),
        bodies: found.bodies,
        form,
        errors,
    }
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<BoardQuery>,
) -> Result<Html<String>, WebError> {
    let plan = query.plan.as_deref().and_then(|p| p.trim().parse().ok());
    let found = board(&state.db, state.clock.as_ref(), &page.actor, plan).await?;
    super::render(&board_page(
        &page,
        found,
        OpenForm::default(),
        FieldErrors::new(),
    ))
}

async fn open(
    State(state): State<AppState>,
    Posted(page, form): Posted<OpenForm>,
) -> Result<Response, WebError> {
    let plan = form.plan_id.trim().parse::<i64>().ok();
    let result = match (plan, id_field(&form.body_id, "body_id")) {
        (None, _) => Err(ServiceError::Invalid("the form names no plan".into())),
        (_, Err(e)) => Err(e),
        (Some(plan), Ok(body)) => {
            open_inspection(
                &state.db,
                state.clock.as_ref(),
                &page.actor,
                body,
                plan,
                &form.title,
                &form.inspected_on,
            )
            .await
        }
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/supervision/inspections/{id}")).into_response()),
        Err(error) => {
            let errors = form_errors(page.lang, error)?;
            let found = board(&state.db, state.clock.as_ref(), &page.actor, plan).await?;
            let html = super::render(&board_page(&page, found, form, errors))?;
            Ok(unprocessable(html))
        }
    }
}
