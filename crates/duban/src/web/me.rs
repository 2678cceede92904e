//! One's own notification settings (/me/notifications), open to everyone
//! signed in: the e-mail address reminders go to, whether they go, and quiet
//! hours. The form is shared with the admin's page of a user.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::admin::field_errors;
use super::error::WebError;
use super::form::FieldErrors;
use super::page::{Ctx, Page, Posted};
use crate::app::AppState;
use crate::service::ServiceError;
use crate::service::channels::{self, ChannelsInput, UserChannels};

pub fn router() -> Router<AppState> {
    Router::new().route("/me/notifications", get(show).post(save))
}

/// A user's channels as the form shows and sends them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChannelsForm {
    pub email: String,
    /// "on" when ticked; absent (empty) when not.
    pub email_enabled: String,
    pub quiet_hours: String,
    pub version: String,
}

impl ChannelsForm {
    pub fn stored(c: &UserChannels) -> ChannelsForm {
        ChannelsForm {
            email: c.email.clone(),
            email_enabled: if c.email_enabled { "on" } else { "" }.into(),
            quiet_hours: c.quiet_hours.clone(),
            version: c.version.to_string(),
        }
    }

    /// The form checked, every problem at once.
    pub fn input(&self) -> Result<ChannelsInput, Vec<ServiceError>> {
        ChannelsInput::parse(
            &self.email,
            !self.email_enabled.is_empty(),
            &self.quiet_hours,
        )
    }

    /// The version the form was drawn at; a form without one was not drawn here.
    pub fn version(&self) -> Result<i64, WebError> {
        self.version
            .trim()
            .parse()
            .map_err(|_| WebError::bad_request("the form's version is missing"))
    }
}

#[derive(Template)]
#[template(path = "me_notifications.html")]
struct MyChannelsPage {
    ctx: Ctx,
    channels: ChannelsForm,
    channels_action: String,
    /// "channels" when the form is shown again with its messages.
    failed: &'static str,
    errors: FieldErrors,
    done: bool,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn page_with(
    state: &AppState,
    page: &Page,
    typed: Option<ChannelsForm>,
    errors: FieldErrors,
    done: bool,
) -> Result<MyChannelsPage, WebError> {
    let stored = channels::of_user(&state.db, &page.actor, &page.username).await?;
    let failed = if errors.is_empty() { "" } else { "channels" };
    let channels = match typed {
        // Typed values, drawn at the stored version: sending again means it.
        Some(typed) => ChannelsForm {
            version: stored.version.to_string(),
            ..typed
        },
        None => ChannelsForm::stored(&stored),
    };
    Ok(MyChannelsPage {
        ctx: page.ctx(),
        channels,
        channels_action: "/me/notifications".into(),
        failed,
        errors,
        done,
    })
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let view = page_with(&state, &page, None, FieldErrors::new(), done.done.is_some()).await?;
    Ok(super::render(&view)?.into_response())
}

async fn save(
    State(state): State<AppState>,
    Posted(page, form): Posted<ChannelsForm>,
) -> Result<Response, WebError> {
    let version = form.version()?;
    let outcome = match form.input() {
        Ok(input) => channels::set_for_user(
            &state.db,
            state.clock.as_ref(),
            &page.actor,
            &page.username,
            &input,
            version,
        )
        .await
        .map_err(|e| vec![e]),
        Err(problems) => Err(problems),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to("/me/notifications?done=1").into_response()),
        Err(problems) => {
            let errors = field_errors(page.lang, problems)?;
            let view = page_with(&state, &page, Some(form), errors, false).await?;
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                super::render(&view)?,
            )
                .into_response())
        }
    }
}
