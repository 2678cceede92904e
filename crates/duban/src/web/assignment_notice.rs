//! The 交办单 of one assignment: a printable page and the same document as
//! .docx, both from `export::assignment_notice`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::bulletin::{HtmlDoc, docx_download, html};
use super::error::WebError;
use super::page::{Ctx, Page};
use super::render;
use crate::app::AppState;
use crate::domain::item::Source;
use crate::domain::light::china_date;
use crate::export::assignment_notice::{NoticeFacts, document};
use crate::service::handover;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assignments/{id}/notice", get(page))
        .route("/assignments/{id}/notice.docx", get(docx))
}

/// The facts of an assignment's notice, as the reader may see them.
async fn facts(state: &AppState, page: &Page, id: i64) -> Result<NoticeFacts, WebError> {
    let r = handover::record_of(&state.db, &page.actor, id).await?;
    let (office, _) = crate::service::settings::thresholds(&state.db).await?;
    let all = crate::store::assignments::of_tasks(&state.db, &[r.task.id]).await?;
    let mut units: Vec<(String, String)> = all
        .iter()
        .map(|a| (a.unit_name.clone(), a.role.clone()))
        .collect();
    units.sort_by_key(|(_, role)| role != "lead");
    let date = |text: &Option<String>| text.as_deref().and_then(|t| t.parse().ok());
    let source = match &r.item {
        Some(item) => {
            let kind = item.source.parse::<Source>().map(Source::zh).unwrap_or("");
            format!("{kind} · {}", item.source_ref)
        }
        None => format!("{} · 第{}项", r.plan_title, r.task.number),
    };
    Ok(NoticeFacts {
        number: r.item.as_ref().map(|i| i.number.clone()),
        office: crate::service::bulletin::DEFAULT_OFFICE.to_string(),
        unit: r.assignment.unit_name.clone(),
        role: r.assignment.role.clone(),
        title: r.task.title.clone(),
        source,
        content: r.task.body.clone(),
        required_result: r.item.as_ref().map(|i| i.required_result.clone()),
        deadline: date(&r.task.deadline_date),
        extended_to: date(&r.assignment.extended_to),
        sign_by: date(&r.assignment.sign_by),
        report: (
            r.task.rhythm.own.unwrap_or(office.report_period),
            office.report_grace_days,
        ),
        units,
        assigned_on: china_date(r.assignment.assigned_at)
            .ok_or_else(|| WebError::bad_request("the assignment's date is out of range"))?,
    })
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    ctx: Ctx,
    assignment_id: i64,
    doc: HtmlDoc,
}

async fn page(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let facts = facts(&state, &page, id).await?;
    let view = NoticePage {
        ctx: page.ctx(),
        assignment_id: id,
        doc: html(document(&facts)),
    };
    Ok(render(&view)?.into_response())
}

async fn docx(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let facts = facts(&state, &page, id).await?;
    docx_download(
        &document(&facts),
        &format!("notice-{id}.docx"),
        &format!("交办单-{}-{}.docx", facts.unit, facts.title),
    )
}
