//! A user's notification settings as the admin sets them on the user's
//! page: the same form the user has at /me/notifications.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;

use super::users::user_page;
use super::{again, field_errors, only_admin};
use crate::app::AppState;
use crate::service::channels;
use crate::web::error::WebError;
use crate::web::me::ChannelsForm;
use crate::web::page::Posted;
use crate::web::url_encode;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/users/{username}/channels", post(save))
}

async fn save(
    State(state): State<AppState>,
    Path(username): Path<String>,
    Posted(page, form): Posted<ChannelsForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let version = form.version()?;
    let outcome = match form.input() {
        Ok(input) => channels::set_for_user(
            &state.db,
            state.clock.as_ref(),
            &page.actor,
            &username,
            &input,
            version,
        )
        .await
        .map_err(|e| vec![e]),
        Err(problems) => Err(problems),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/users/{}?done=channels",
            url_encode(&username)
        ))
        .into_response()),
        Err(problems) => {
            let errors = field_errors(page.lang, problems)?;
            let mut view = user_page(
                &state,
                &page,
                &username,
                "channels",
                errors,
                String::new(),
                None,
            )
            .await?;
            // What was typed, drawn at the stored version: sending again means it.
            let version = std::mem::take(&mut view.channels.version);
            view.channels = ChannelsForm { version, ..form };
            again(&view)
        }
    }
}
