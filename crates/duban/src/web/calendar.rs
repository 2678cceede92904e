//! The calendar subscriptions page (`/calendar`): a person's own feed, and
//! their unit's (a liaison) or any unit's (an admin), each made, reset or
//! stopped here, with how to subscribe in Outlook and on a phone. Only the
//! token's hash is kept, so a feed's URL is shown once, on the page that
//! answers making or resetting it.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::calendar_ics::base_url;
use super::error::WebError;
use super::page::{Ctx, Page, Posted};
use super::render;
use crate::app::AppState;
use crate::service::calendar_feeds::{self, FeedStatus, subscriptions};
use crate::store::calendar_feeds::FeedOwner;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calendar", get(show))
        .route("/calendar/issue", post(issue))
        .route("/calendar/revoke", post(revoke))
        .merge(super::calendar_ics::router())
}

#[derive(Deserialize)]
struct CalendarQuery {
    unit: Option<String>,
    done: Option<String>,
}

/// Which feed a button is for: `owner` "me" (one's own) or "unit" with `unit`.
#[derive(Deserialize)]
struct FeedForm {
    #[serde(default)]
    owner: String,
    #[serde(default)]
    unit: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    ctx: Ctx,
    /// The unit's feed (if any) first, then one's own.
    feeds: Vec<Line>,
    /// The unit shown (0: none), which every form sends back so the page
    /// drawn after it shows the same unit; for an admin, the units to pick.
    unit_id: i64,
    unit_choices: Vec<(i64, String)>,
    /// The URL just made: shown this once.
    fresh: Option<Fresh>,
    done: String,
}

struct Line {
    /// "me" or "unit", as the forms send it.
    owner: &'static str,
    unit_id: i64,
    label: String,
    live: bool,
    created_at: i64,
    created_by: String,
}

struct Fresh {
    owner: &'static str,
    url: String,
    webcal: String,
}

fn line(status: &FeedStatus) -> Line {
    let (owner, unit_id) = match status.owner {
        FeedOwner::Unit(id) => ("unit", id),
        FeedOwner::User(_) => ("me", 0),
    };
    Line {
        owner,
        unit_id,
        label: status.label.clone(),
        live: status.live.is_some(),
        created_at: status.live.as_ref().map_or(0, |l| l.created_at),
        created_by: status
            .live
            .as_ref()
            .map_or_else(String::new, |l| l.created_by.clone()),
    }
}

/// An id as a form or query sends it; 0 (no unit on the page) is none.
fn number(text: Option<&str>) -> Option<i64> {
    text.and_then(|t| t.trim().parse().ok())
        .filter(|&id| id > 0)
}

async fn calendar_page(
    state: &AppState,
    page: &Page,
    unit: Option<i64>,
    fresh: Option<Fresh>,
    done: String,
) -> Result<Html<String>, WebError> {
    let s = subscriptions(&state.db, &page.actor, page.user_id, unit).await?;
    let feeds: Vec<Line> = s.unit.iter().chain([&s.own]).map(line).collect();
    render(&CalendarPage {
        ctx: page.ctx(),
        unit_id: feeds.first().map_or(0, |l| l.unit_id),
        feeds,
        unit_choices: s.unit_choices,
        fresh,
        done,
    })
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<CalendarQuery>,
) -> Result<Html<String>, WebError> {
    let done = query.done.unwrap_or_default();
    calendar_page(&state, &page, number(query.unit.as_deref()), None, done).await
}

fn owner_of(page: &Page, form: &FeedForm) -> Result<FeedOwner, WebError> {
    match form.owner.as_str() {
        "me" => Ok(FeedOwner::User(page.user_id)),
        "unit" => number(Some(&form.unit))
            .map(FeedOwner::Unit)
            .ok_or_else(|| WebError::bad_request("the form names no unit")),
        _ => Err(WebError::bad_request("the form names no calendar feed")),
    }
}

/// The unit the page shows after a form: the feed's, or the one it was on.
fn shown_unit(owner: FeedOwner, form: &FeedForm) -> Option<i64> {
    match owner {
        FeedOwner::Unit(id) => Some(id),
        FeedOwner::User(_) => number(Some(&form.unit)),
    }
}

/// Makes or resets a feed and shows its new URL, this once.
async fn issue(
    State(state): State<AppState>,
    headers: HeaderMap,
    Posted(page, form): Posted<FeedForm>,
) -> Result<Html<String>, WebError> {
    let owner = owner_of(&page, &form)?;
    let token = calendar_feeds::issue(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        page.user_id,
        owner,
    )
    .await?;
    let base = base_url(&headers);
    let path = format!("/calendar/{}.ics", token.expose());
    let host = base.split_once("://").map_or(base.as_str(), |(_, h)| h);
    let fresh = Fresh {
        owner: if form.owner == "unit" { "unit" } else { "me" },
        url: format!("{base}{path}"),
        webcal: format!("webcal://{host}{path}"),
    };
    let unit = shown_unit(owner, &form);
    calendar_page(&state, &page, unit, Some(fresh), String::new()).await
}

/// Stops a feed; its URL answers 404 from now on.
async fn revoke(
    State(state): State<AppState>,
    Posted(page, form): Posted<FeedForm>,
) -> Result<Response, WebError> {
    let owner = owner_of(&page, &form)?;
    calendar_feeds::revoke(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        page.user_id,
        owner,
    )
    .await?;
    let unit = shown_unit(owner, &form).map_or_else(String::new, |id| format!("&unit={id}"));
    Ok(Redirect::to(&format!("/calendar?done=revoked{unit}")).into_response())
}
