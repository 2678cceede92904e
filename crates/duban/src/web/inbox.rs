//! The in-app inbox (`/inbox`): the reminders and 催办 that reached the
//! signed-in person, newest first. Opening one records the read receipt
//! that the office sees on the 催办, then goes to the work it is about.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use axum::routing::get;

use super::error::WebError;
use super::page::{Ctx, Page};
use super::render;
use crate::app::AppState;
use crate::service::inbox;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(show))
        .route("/inbox/{id}", get(open))
}

struct Item {
    id: i64,
    subject: String,
    body: String,
    at: i64,
    read_at: Option<i64>,
    in_copy: bool,
    manual: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    ctx: Ctx,
    items: Vec<Item>,
    unread: i64,
}

async fn show(State(state): State<AppState>, page: Page) -> Result<Html<String>, WebError> {
    let (found, unread) = inbox::inbox(&state.db, page.user_id).await?;
    let items = found
        .into_iter()
        .map(|(delivery, reminder)| Item {
            id: delivery.id,
            subject: reminder.subject,
            body: reminder.body,
            at: reminder.created_at,
            read_at: delivery.read_at,
            in_copy: delivery.in_copy,
            manual: reminder.cause == "manual",
        })
        .collect();
    render(&InboxPage {
        ctx: page.ctx(),
        items,
        unread,
    })
}

/// Opens an item: the first opening is its read receipt.
async fn open(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Redirect, WebError> {
    let link = inbox::open(&state.db, state.clock.as_ref(), page.user_id, id).await?;
    // A liaison works on /assignments/…; the office on its own page of it.
    let link = match (page.actor.role, link.strip_prefix("/assignments/")) {
        (crate::domain::roles::Role::Liaison, _) | (_, None) => link,
        (_, Some(rest)) => format!("/supervision/assignments/{rest}"),
    };
    Ok(Redirect::to(&link))
}
