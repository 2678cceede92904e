//! The ledger of 督办单 (every notice, its colour, its unit, whether it was
//! acknowledged) and one notice as a printable page and as .docx.

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
use crate::domain::light::china_date;
use crate::domain::notice::Color;
use crate::export::supervision_notice;
use crate::service::notices;
use crate::store::notices::NoticeRow;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notices", get(ledger))
        .route("/notices/{id}", get(printable))
        .route("/notices/{id}/docx", get(docx))
}

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage {
    ctx: Ctx,
    notices: Vec<NoticeRow>,
}

impl NoticesPage {
    fn color_label(&self, color: &str) -> &'static str {
        color
            .parse::<Color>()
            .map(|c| self.ctx.lang.t(c.zh(), c.en()))
            .unwrap_or("")
    }
}

async fn ledger(State(state): State<AppState>, page: Page) -> Result<Response, WebError> {
    let rows = notices::list(&state.db, &page.actor, None).await?;
    let view = NoticesPage {
        ctx: page.ctx(),
        notices: rows,
    };
    Ok(render(&view)?.into_response())
}

/// The notice as a document.
async fn document(
    state: &AppState,
    page: &Page,
    id: i64,
) -> Result<(NoticeRow, crate::export::bulletin_text::BulletinDoc), WebError> {
    let n = notices::read(&state.db, &page.actor, id).await?;
    let issued_on = china_date(n.issued_at)
        .ok_or_else(|| WebError::bad_request("the notice's date is out of range"))?;
    let doc = supervision_notice::document(&n, crate::service::bulletin::DEFAULT_OFFICE, issued_on);
    Ok((n, doc))
}

#[derive(Template)]
#[template(path = "notice_print.html")]
struct PrintPage {
    ctx: Ctx,
    n: NoticeRow,
    doc: HtmlDoc,
}

async fn printable(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (n, doc) = document(&state, &page, id).await?;
    let view = PrintPage {
        ctx: page.ctx(),
        n,
        doc: html(doc),
    };
    Ok(render(&view)?.into_response())
}

async fn docx(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (n, doc) = document(&state, &page, id).await?;
    docx_download(
        &doc,
        &format!("notice-{id}.docx"),
        &format!("{}.docx", n.number),
    )
}
