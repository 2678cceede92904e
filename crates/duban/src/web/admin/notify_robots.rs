//! The notification page's robot forms: add a robot, turn one on or off,
//! and send one a test message whose answer the page then shows.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;

use super::notify::{Outcome, RobotForm, load};
use super::notify_forms::{refused, saved};
use super::{only_admin, version_of};
use crate::app::AppState;
use crate::notify::Robot;
use crate::service::ServiceError;
use crate::service::robots::{self, NewRobot, Owner};
use crate::web::error::WebError;
use crate::web::page::Posted;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/notify/robots", post(add))
        .route("/admin/notify/robots/{id}/enabled", post(set_enabled))
        .route("/admin/notify/robots/{id}/test", post(test))
}

fn owner_of(text: &str) -> Result<Owner, ServiceError> {
    match text.trim() {
        "office" => Ok(Owner::Office),
        id => id
            .parse()
            .map(Owner::Unit)
            .map_err(|_| ServiceError::Field {
                field: "owner",
                message: "choose the office or a unit".into(),
            }),
    }
}

async fn add(
    State(state): State<AppState>,
    Posted(page, form): Posted<RobotForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let robot = Robot::parse(form.kind.trim()).ok_or_else(|| ServiceError::Field {
        field: "robot",
        message: "wecom, dingtalk, feishu or webhook".into(),
    });
    let outcome = match (owner_of(&form.owner), robot) {
        (Ok(owner), Ok(robot)) => {
            let new = NewRobot {
                owner,
                robot,
                name: &form.name,
                url: &form.url,
                secret: &form.secret,
            };
            robots::add(&state.db, state.clock.as_ref(), &page.actor, &new).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(saved("robots")),
        Err(e) => {
            refused(&state, &page, "robot", e, None, |view| {
                // The secret typed is not sent back into the page.
                view.robot = RobotForm {
                    secret: String::new(),
                    ..form
                };
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct EnabledForm {
    #[serde(default)]
    enabled: String,
    #[serde(default)]
    version: String,
}

async fn set_enabled(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, form): Posted<EnabledForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let version = version_of(&form.version)?;
    let enabled = form.enabled == "true";
    let outcome = robots::set_enabled(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        id,
        enabled,
        version,
    )
    .await;
    match outcome {
        Ok(_) => Ok(saved("robots")),
        Err(e) => refused(&state, &page, "robots", e, None, |_| {}).await,
    }
}

/// A form with nothing but its token.
#[derive(Deserialize)]
struct Nothing {}

async fn test(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, _): Posted<Nothing>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let answer = robots::test(&state.db, state.clock.as_ref(), &page.actor, id).await?;
    let mut view = load(&state, &page, false).await?;
    view.outcome = Some(Outcome {
        of: id.to_string(),
        ok: answer.is_ok(),
        text: answer.err().unwrap_or_default(),
    });
    Ok(crate::web::render(&view)?.into_response())
}
