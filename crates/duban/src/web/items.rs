//! 督办事项: the register of items opened from any source, the 立项 form, one
//! item's page with its leader's decision (领导审核), its units, their 交办单,
//! returns and extensions; and what waits for the office's decision.

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
use crate::app::AppState;
use crate::domain::item::{ItemState, Source};
use crate::domain::period::Frequency;
use crate::domain::roles::Role;
use crate::service::{handover, items};
use crate::store::handover::{ExtensionRow, ReturnRow};
use crate::store::items::ItemRow;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/items", get(list))
        .route("/items/new", get(new_form).post(open))
        .route("/items/{id}", get(show))
        .route("/items/{id}/decision", post(decide))
}

/// A source as the pages show it.
fn source_label(lang: super::i18n::Lang, source: &str) -> &'static str {
    source
        .parse::<Source>()
        .map(|s| lang.t(s.zh(), s.en()))
        .unwrap_or("")
}

fn item_state_label(lang: super::i18n::Lang, state: &str) -> &'static str {
    match state.parse::<ItemState>() {
        Ok(ItemState::AwaitingApproval) => lang.t("待领导审核", "Awaiting approval"),
        Ok(ItemState::Refused) => lang.t("未通过审核", "Refused"),
        Ok(ItemState::Assigned) => lang.t("已交办", "Assigned"),
        Err(_) => "",
    }
}

#[derive(Template)]
#[template(path = "items.html")]
struct ItemsPage {
    ctx: Ctx,
    items: Vec<ItemRow>,
    may_open: bool,
    returns: Vec<ReturnRow>,
    extensions: Vec<ExtensionRow>,
}

impl ItemsPage {
    fn source(&self, item: &ItemRow) -> &'static str {
        source_label(self.ctx.lang, &item.source)
    }

    fn state(&self, item: &ItemRow) -> &'static str {
        item_state_label(self.ctx.lang, &item.state)
    }
}

async fn list(State(state): State<AppState>, page: Page) -> Result<Response, WebError> {
    let rows = items::list(&state.db, &page.actor, None).await?;
    let (returns, extensions) = if matches!(
        page.actor.role,
        Role::Admin | Role::Supervisor | Role::Leader
    ) {
        handover::waiting(&state.db, &page.actor).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let view = ItemsPage {
        ctx: page.ctx(),
        items: rows,
        may_open: items::may_open(&page.actor),
        returns,
        extensions,
    };
    Ok(render(&view)?.into_response())
}

/// What the 立项 form holds, as typed.
#[derive(Default, Deserialize)]
struct OpenForm {
    #[serde(default)]
    source: String,
    #[serde(default)]
    source_ref: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    required_result: String,
    #[serde(default)]
    deadline: String,
    /// Unit names separated by 、，, or new lines.
    #[serde(default)]
    lead_units: String,
    #[serde(default)]
    co_units: String,
    #[serde(default)]
    needs_approval: Option<String>,
    #[serde(default)]
    evidence_required: Option<String>,
    /// Empty: the office's rhythm.
    #[serde(default)]
    report_frequency: String,
}

/// Unit names as typed into one field.
fn split_units(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', '\n', ';', '；'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "item_new.html")]
struct NewItemPage {
    ctx: Ctx,
    sources: Vec<(&'static str, &'static str, &'static str)>,
    form: OpenForm,
    errors: FieldErrors,
    units: Vec<String>,
    /// The office's report rhythm, which an item follows unless it sets its own.
    office_rhythm: Frequency,
}

impl NewItemPage {
    fn rhythms(&self) -> &'static [Frequency] {
        &Frequency::ALL
    }
}

async fn new_form(State(state): State<AppState>, page: Page) -> Result<Response, WebError> {
    let form = OpenForm {
        evidence_required: Some("1".into()),
        ..OpenForm::default()
    };
    new_page(&state, &page, form, FieldErrors::new()).await
}

async fn new_page(
    state: &AppState,
    page: &Page,
    form: OpenForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    if !items::may_open(&page.actor) {
        return Err(WebError::forbidden(
            "督查室或管理员方可立项 / only the office opens items",
        ));
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = NewItemPage {
        ctx: page.ctx(),
        sources: Source::ALL
            .iter()
            .map(|s| (s.as_str(), page.lang.t(s.zh(), s.en()), s.reference_hint()))
            .collect(),
        form,
        errors,
        units: crate::store::units::known_names(&state.db).await?,
        office_rhythm: crate::service::settings::thresholds(&state.db)
            .await?
            .0
            .report_period,
    };
    Ok((status, render(&view)?).into_response())
}

async fn open(
    State(state): State<AppState>,
    Posted(page, form): Posted<OpenForm>,
) -> Result<Response, WebError> {
    let new = items::OpenItem {
        source: form.source.clone(),
        source_ref: form.source_ref.clone(),
        title: form.title.clone(),
        content: form.content.clone(),
        required_result: form.required_result.clone(),
        deadline: form.deadline.clone(),
        lead_units: split_units(&form.lead_units),
        co_units: split_units(&form.co_units),
        needs_approval: form.needs_approval.is_some(),
        evidence_required: form.evidence_required.is_some(),
        report_frequency: form.report_frequency.clone(),
    };
    match items::open(&state.db, state.clock.as_ref(), &page.actor, &new).await {
        Ok(item) => Ok(Redirect::to(&format!("/items/{}", item.id)).into_response()),
        Err(e) => {
            let errors = FieldErrors::from_service(page.lang, e)?;
            new_page(&state, &page, form, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    ctx: Ctx,
    d: items::ItemDetail,
    /// The reader may approve or refuse (a leader, not the opener).
    may_decide: bool,
    errors: FieldErrors,
    note: String,
}

impl ItemPage {
    fn source(&self) -> &'static str {
        source_label(self.ctx.lang, &self.d.item.source)
    }

    fn state(&self) -> &'static str {
        item_state_label(self.ctx.lang, &self.d.item.state)
    }

    /// The result of the assignment at `index`: 按期完成, 逾期完成, 未完成, or nothing yet.
    fn result(&self, index: &usize) -> &'static str {
        let lang = self.ctx.lang;
        match self.d.results.get(*index).copied().flatten() {
            Some("on_time") => lang.t("按期完成", "On time"),
            Some("late") => lang.t("逾期完成", "Late"),
            Some("not_completed") => lang.t("未完成", "Not completed"),
            _ => "",
        }
    }
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    show_with(&state, &page, id, FieldErrors::new(), String::new()).await
}

async fn show_with(
    state: &AppState,
    page: &Page,
    id: i64,
    errors: FieldErrors,
    note: String,
) -> Result<Response, WebError> {
    let d = items::detail(&state.db, state.clock.as_ref(), &page.actor, id).await?;
    let may_decide = d.item.state == ItemState::AwaitingApproval.as_str()
        && items::may_decide(&page.actor, &d.item);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut ctx = page.ctx();
    let actors = [Some(&d.item.opened_by), d.item.decided_by.as_ref()]
        .into_iter()
        .flatten()
        .chain(d.returns.iter().map(|r| &r.returned_by))
        .chain(d.extensions.iter().map(|e| &e.requested_by))
        .filter_map(|a| a.strip_prefix("user:"))
        .map(str::to_string)
        .collect();
    ctx.names = crate::service::tasks::display_names(&state.db, actors).await?;
    let view = ItemPage {
        ctx,
        d,
        may_decide,
        errors,
        note,
    };
    Ok((status, render(&view)?).into_response())
}

#[derive(Deserialize)]
struct DecisionForm {
    version: i64,
    /// "approve" or "refuse".
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decide(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<DecisionForm>,
) -> Result<Response, WebError> {
    let approve = form.decision == "approve";
    match items::decide(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        form.version,
        approve,
        Some(&form.note),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/items/{id}")).into_response()),
        Err(e) => {
            let errors = FieldErrors::from_service(page.lang, e)?;
            show_with(&state, &page, id, errors, form.note).await
        }
    }
}
