//! A unit's head (单位负责人, told from the escalation's later rounds) and
//! the quiet hours of its robots, one small form per unit on /admin/units.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;

use super::units::{UnitForm, after, id_in};
use super::{only_admin, version_of};
use crate::app::AppState;
use crate::service::channels;
use crate::web::error::WebError;
use crate::web::page::Posted;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/units/channels", post(save))
}

async fn save(
    State(state): State<AppState>,
    Posted(page, form): Posted<UnitForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let unit = id_in("unit", &form.unit).map_err(WebError::from)?;
    let version = version_of(&form.version)?;
    let head = match form.head.trim() {
        "" => Ok(None),
        id => id_in("head", id).map(Some),
    };
    let outcome = match (head, channels::quiet_hours_in(&form.quiet_hours)) {
        (Ok(head), Ok(quiet)) => channels::set_for_unit(
            &state.db,
            state.clock.as_ref(),
            &page.actor,
            unit,
            head,
            quiet,
            version,
        )
        .await
        .map(drop),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    after(&state, &page, "channels", form, outcome).await
}
