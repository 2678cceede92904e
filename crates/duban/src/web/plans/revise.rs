//! Re-importing a changed edition of a plan: the upload form, the preview of
//! what the new revision changes, and applying or discarding it.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use duban_plan::Registry;
use serde::Deserialize;

use super::import::{UploadPage, chosen_file, keep_auth_errors, refused};
use super::messages::upload_message;
use super::office_only;
use crate::app::AppState;
use crate::domain::revision::{Reworded, UnitsMoved};
use crate::service::imports::{apply_revision, discard, keep_upload, revision_preview};
use crate::service::publishing::overview;
use crate::web::WebError;
use crate::web::page::{Ctx, Page, Posted, PostedMultipart};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/revise", get(form).post(upload))
        .route("/plans/{id}/revise/{pending}", get(preview).post(decide))
}

async fn plan_title(state: &AppState, page: &Page, id: i64) -> Result<String, WebError> {
    overview(&state.db, &page.actor)
        .await?
        .into_iter()
        .find(|p| p.plan.id == id)
        .map(|p| p.plan.title)
        .ok_or_else(|| WebError::not_found(format!("plan {id}")))
}

fn upload_page(page: &Page, id: i64, title: String, error: Option<String>) -> UploadPage {
    UploadPage {
        heading: page
            .lang
            .t("重新导入（新版本）", "Re-import a changed edition"),
        action: format!("/plans/{id}/revise"),
        plan_title: Some(title),
        error,
        ctx: page.ctx(),
    }
}

async fn form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    office_only(&page)?;
    let title = plan_title(&state, &page, id).await?;
    Ok(crate::web::render(&upload_page(&page, id, title, None))?.into_response())
}

async fn upload(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    posted: Result<PostedMultipart, WebError>,
) -> Result<Response, WebError> {
    office_only(&page)?;
    let posted = keep_auth_errors(posted)?;
    let title = plan_title(&state, &page, id).await?;
    let (name, bytes) = match chosen_file(page.lang, &posted) {
        Ok(file) => file,
        Err(message) => return refused(&upload_page(&page, id, title, Some(message))),
    };
    let kept = keep_upload(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        &Registry::builtin(),
        Some(id),
        &name,
        &bytes,
    )
    .await;
    match kept {
        Ok(pending) => Ok(Redirect::to(&format!("/plans/{id}/revise/{pending}")).into_response()),
        Err(error) => match upload_message(page.lang, &error) {
            Some(message) => refused(&upload_page(&page, id, title, Some(message))),
            None => Err(error.into()),
        },
    }
}

#[derive(Template)]
#[template(path = "plan_revision.html")]
struct RevisionPage {
    ctx: Ctx,
    plan_id: i64,
    pending: i64,
    plan_title: String,
    file_name: String,
    revision: i64,
    added: Vec<(String, String)>,
    removed: Vec<String>,
    reworded: Vec<Reworded>,
    moved: Vec<UnitsMoved>,
}

async fn preview(
    State(state): State<AppState>,
    page: Page,
    Path((id, pending)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    office_only(&page)?;
    let found = revision_preview(&state.db, &page.actor, &Registry::builtin(), pending).await?;
    if found.plan_id != id {
        return Err(WebError::not_found(format!(
            "upload {pending} of plan {id}"
        )));
    }
    let view = RevisionPage {
        ctx: page.ctx(),
        plan_id: id,
        pending,
        plan_title: found.plan_title,
        file_name: found.upload.file_name,
        revision: found.revision,
        added: found.added,
        removed: found.diff.removed,
        reworded: found.diff.reworded,
        moved: found.diff.units_moved,
    };
    Ok(crate::web::render(&view)?.into_response())
}

#[derive(Deserialize)]
struct DecideForm {
    action: String,
}

async fn decide(
    State(state): State<AppState>,
    Path((id, pending)): Path<(i64, i64)>,
    Posted(page, form): Posted<DecideForm>,
) -> Result<Response, WebError> {
    office_only(&page)?;
    match form.action.as_str() {
        "apply" => {
            let revised = apply_revision(
                &state.db,
                state.clock.as_ref(),
                &page.actor,
                &Registry::builtin(),
                pending,
            )
            .await?;
            tracing::info!(
                plan_id = id,
                revision = revised.revision,
                "plan revised from the browser"
            );
            Ok(Redirect::to("/plans?notice=revised").into_response())
        }
        "discard" => {
            discard(&state.db, state.clock.as_ref(), &page.actor, pending).await?;
            Ok(Redirect::to("/plans?notice=discarded").into_response())
        }
        other => Err(WebError::bad_request(format!("unknown action '{other}'"))),
    }
}
