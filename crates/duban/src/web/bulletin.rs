//! The supervision bulletin (督查通报) page: a form to choose the plan, the
//! period and the 文号, the bulletin below it laid out for print (A4 with the
//! official margins), and the same bulletin as a Word file at `/bulletin.docx`.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::civil::Date;
use serde::Deserialize;

use super::error::WebError;
use super::page::{Ctx, Page};
use super::url_encode;
use crate::app::AppState;
use crate::domain::bulletin_period::BulletinPeriod;
use crate::export::bulletin_text::{Block, BulletinDoc, document};
use crate::service::bulletin::{BulletinRequest, bulletin};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bulletin", get(show))
        .route("/bulletin.docx", get(download))
}

#[derive(Debug, Default, Deserialize)]
pub struct BulletinQuery {
    plan: Option<String>,
    /// 2021-06, 2021-Q2 or 2021-06-01..2021-06-30; empty: last month.
    period: Option<String>,
    number: Option<String>,
    office: Option<String>,
}

#[derive(Template)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    ctx: Ctx,
    /// (id, title, chosen)
    plans: Vec<(i64, String, bool)>,
    period: String,
    number: String,
    office: String,
    /// The message beside the period field.
    period_error: Option<String>,
    docx_href: String,
    doc: Option<HtmlDoc>,
}

pub(super) struct HtmlDoc {
    pub(super) title: String,
    pub(super) number: Option<String>,
    pub(super) office: String,
    pub(super) date: String,
    pub(super) blocks: Vec<HtmlBlock>,
}

/// A block as the template reads it: kind is heading, subheading, paragraph or table.
pub(super) struct HtmlBlock {
    pub(super) kind: &'static str,
    pub(super) text: String,
    pub(super) header: Vec<String>,
    pub(super) rows: Vec<Vec<String>>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The month before `today`, the period a bulletin usually covers.
fn last_month(today: Date) -> String {
    let first = today.first_of_month();
    let previous = first.yesterday().unwrap_or(first);
    format!("{:04}-{:02}", previous.year(), previous.month())
}

/// What the query asks for, or the period's message.
fn request(query: &BulletinQuery, today: Date) -> Result<BulletinRequest, (String, String)> {
    let text = given(&query.period).unwrap_or_else(|| last_month(today));
    let period: BulletinPeriod = text.parse().map_err(|e: String| (text.clone(), e))?;
    Ok(BulletinRequest {
        // A plan that is not a number is no plan: the service answers 404.
        plan_id: given(&query.plan).map(|p| p.parse().unwrap_or(-1)),
        period,
        number: given(&query.number),
        office: given(&query.office),
    })
}

fn period_message(page: &Page, detail: &str) -> String {
    format!(
        "{}（{detail}）",
        page.lang.t(
            "报告期格式不正确：月份写作 2021-06，季度写作 2021-Q2，起止日期写作 2021-06-01..2021-06-30",
            "Not a period: write 2021-06 for a month, 2021-Q2 for a quarter, or 2021-06-01..2021-06-30",
        )
    )
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<BulletinQuery>,
) -> Result<Response, WebError> {
    let today = crate::service::lights::today(state.clock.as_ref())?;
    let (number, office) = (given(&query.number), given(&query.office));
    let request = match request(&query, today) {
        Ok(request) => request,
        Err((text, detail)) => {
            // Refused before any figure: the reader still must be one who may draw it up.
            crate::service::require(
                &page.actor,
                &[
                    crate::domain::roles::Role::Admin,
                    crate::domain::roles::Role::Supervisor,
                    crate::domain::roles::Role::Leader,
                ],
                "draw up a bulletin",
            )?;
            let wanted: Option<i64> = given(&query.plan).and_then(|p| p.parse().ok());
            let plans = crate::service::plans::visible(&state.db, &page.actor).await?;
            let view = BulletinPage {
                ctx: page.ctx(),
                plans: plans
                    .into_iter()
                    .map(|p| (p.id, p.title, Some(p.id) == wanted))
                    .collect(),
                period: text,
                number: number.unwrap_or_default(),
                office: office.unwrap_or_default(),
                period_error: Some(period_message(&page, &detail)),
                docx_href: String::new(),
                doc: None,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, super::render(&view)?).into_response());
        }
    };
    let found = bulletin(&state.db, state.clock.as_ref(), &page.actor, request).await?;
    let doc = document(&found);
    let mut docx_href = format!(
        "/bulletin.docx?plan={}&period={}",
        found.plan_id,
        url_encode(&found.period.to_string())
    );
    for (key, value) in [("number", &number), ("office", &office)] {
        if let Some(value) = value {
            docx_href.push_str(&format!("&{key}={}", url_encode(value)));
        }
    }
    let view = BulletinPage {
        ctx: page.ctx(),
        plans: found
            .plans
            .iter()
            .map(|p| (p.id, p.title.clone(), p.id == found.plan_id))
            .collect(),
        period: found.period.to_string(),
        number: number.unwrap_or_default(),
        office: office.unwrap_or_default(),
        period_error: None,
        docx_href,
        doc: Some(html(doc)),
    };
    Ok(super::render(&view)?.into_response())
}

async fn download(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<BulletinQuery>,
) -> Result<Response, WebError> {
    let today = crate::service::lights::today(state.clock.as_ref())?;
    let request = request(&query, today).map_err(|(_, detail)| WebError::Status {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        detail: period_message(&page, &detail),
    })?;
    let found = bulletin(&state.db, state.clock.as_ref(), &page.actor, request).await?;
    let ascii = format!(
        "bulletin-{}.docx",
        found.period.to_string().replace("..", "_")
    );
    docx_download(
        &document(&found),
        &ascii,
        &format!("督查通报-{}.docx", found.period),
    )
}

/// A document written as .docx and sent as a download: `ascii_name` for old
/// clients, `name` (UTF-8, percent-encoded) for the rest.
pub(super) fn docx_download(
    doc: &BulletinDoc,
    ascii_name: &str,
    name: &str,
) -> Result<Response, WebError> {
    let bytes = crate::export::bulletin_docx::write(doc).map_err(|error| {
        tracing::error!(%error, "document not written");
        WebError::Status {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            detail: "the document could not be written".into(),
        }
    })?;
    let disposition = format!(
        "attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
        url_encode(name)
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                crate::export::bulletin_docx::CONTENT_TYPE.to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

pub(super) fn html(doc: BulletinDoc) -> HtmlDoc {
    let blocks = doc
        .blocks
        .into_iter()
        .map(|block| {
            let (kind, text) = match &block {
                Block::Heading(t) => ("heading", t.clone()),
                Block::Subheading(t) => ("subheading", t.clone()),
                Block::Paragraph(t) => ("paragraph", t.clone()),
                Block::Table { .. } => ("table", String::new()),
                Block::Fields(_) => ("fields", String::new()),
            };
            let (header, rows) = match block {
                Block::Table { header, rows, .. } => (header, rows),
                Block::Fields(fields) => (
                    Vec::new(),
                    fields.into_iter().map(|(l, v)| vec![l, v]).collect(),
                ),
                _ => (Vec::new(), Vec::new()),
            };
            HtmlBlock {
                kind,
                text,
                header,
                rows,
            }
        })
        .collect();
    HtmlDoc {
        title: doc.title,
        number: doc.number,
        office: doc.office,
        date: doc.date,
        blocks,
    }
}
