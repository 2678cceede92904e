//! Importing a new plan: the upload form, the preview of what was read, and
//! its outcome (publish, save as draft, discard).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use duban_plan::Registry;

use super::marked::{MarkedLine, mark};
use super::messages::{upload_message, warning_message};
use super::office_only;
use crate::app::AppState;
use crate::service::ServiceError;
use crate::service::imports::{ImportPreview, apply_import, discard, import_preview, keep_upload};
use crate::web::WebError;
use crate::web::i18n::Lang;
use crate::web::page::{Ctx, Page, Posted, PostedMultipart};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/import", get(form).post(upload))
        .route("/plans/import/{id}", get(preview).post(decide))
}

#[derive(Template)]
#[template(path = "plan_upload.html")]
pub struct UploadPage {
    pub ctx: Ctx,
    pub action: String,
    pub heading: &'static str,
    /// The plan a re-import revises.
    pub plan_title: Option<String>,
    pub error: Option<String>,
}

async fn form(page: Page) -> Result<Response, WebError> {
    office_only(&page)?;
    let view = UploadPage {
        heading: page.lang.t("导入新计划", "Import a new plan"),
        action: "/plans/import".into(),
        plan_title: None,
        error: None,
        ctx: page.ctx(),
    };
    Ok(crate::web::render(&view)?.into_response())
}

/// The uploaded document, or the message for the form when there is none to
/// read (nothing chosen, or the upload broke off, e.g. past the size limit).
pub fn chosen_file(
    lang: Lang,
    posted: &Result<PostedMultipart, WebError>,
) -> Result<(String, axum::body::Bytes), String> {
    let Ok(posted) = posted else {
        return Err(lang
            .t(
                "上传未能完成：文件可能超过了服务器允许的大小，或传输中断。请检查文件后重试。",
                "The upload did not complete: the file may exceed the server's limit, or the transfer broke off.",
            )
            .to_string());
    };
    match posted.files.iter().find(|(field, _)| field == "document") {
        Some((_, file)) if !file.name.is_empty() => Ok((file.name.clone(), file.bytes.clone())),
        _ => Err(lang
            .t(
                "请选择要导入的计划文件。",
                "Choose the plan document to import.",
            )
            .to_string()),
    }
}

/// Sign-in and form-token failures stay errors; anything else about a broken
/// upload is told on the form.
pub fn keep_auth_errors(
    posted: Result<PostedMultipart, WebError>,
) -> Result<Result<PostedMultipart, WebError>, WebError> {
    match posted {
        Err(e @ (WebError::SignIn { .. } | WebError::Csrf)) => Err(e),
        other => Ok(other),
    }
}

pub fn refused(view: &impl Template) -> Result<Response, WebError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::web::render(view)?).into_response())
}

async fn upload(
    State(state): State<AppState>,
    page: Page,
    posted: Result<PostedMultipart, WebError>,
) -> Result<Response, WebError> {
    office_only(&page)?;
    let posted = keep_auth_errors(posted)?;
    let again = |error: String| UploadPage {
        heading: page.lang.t("导入新计划", "Import a new plan"),
        action: "/plans/import".into(),
        plan_title: None,
        error: Some(error),
        ctx: page.ctx(),
    };
    let (name, bytes) = match chosen_file(page.lang, &posted) {
        Ok(file) => file,
        Err(message) => return refused(&again(message)),
    };
    let kept = keep_upload(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        &Registry::builtin(),
        None,
        &name,
        &bytes,
    )
    .await;
    match kept {
        Ok(id) => Ok(Redirect::to(&format!("/plans/import/{id}")).into_response()),
        Err(error) => match upload_message(page.lang, &error) {
            Some(message) => refused(&again(message)),
            None => Err(error.into()),
        },
    }
}

#[derive(Template)]
#[template(path = "plan_preview.html")]
struct PreviewPage {
    ctx: Ctx,
    id: i64,
    file_name: String,
    size_kb: String,
    title: String,
    year: String,
    categories: usize,
    tasks: usize,
    units: usize,
    targets: usize,
    lines: Vec<MarkedLine>,
    warnings: Vec<(u32, String)>,
    /// Unknown names, each with the unit chosen for it ("" = create as new).
    unknown: Vec<(String, String)>,
    unit_options: Vec<(String, String)>,
    open_groups: Vec<(String, String)>,
    error: Option<String>,
}

fn preview_page(
    page: &Page,
    found: ImportPreview,
    chosen: &[(String, String)],
    error: Option<String>,
) -> PreviewPage {
    let draft = &found.draft;
    let mut unit_names: Vec<&str> = draft
        .tasks
        .iter()
        .flat_map(|t| t.units.iter().map(|u| u.name.as_str()))
        .collect();
    unit_names.sort_unstable();
    unit_names.dedup();
    PreviewPage {
        ctx: page.ctx(),
        id: found.upload.id,
        file_name: found.upload.file_name.clone(),
        size_kb: format!("{:.1}", found.upload.size as f64 / 1024.0),
        title: draft
            .title
            .clone()
            .unwrap_or_else(|| found.upload.file_name.clone()),
        year: draft.year.map(|y| y.to_string()).unwrap_or_default(),
        categories: draft.categories.len(),
        tasks: draft.tasks.len(),
        units: unit_names.len(),
        targets: draft
            .tasks
            .iter()
            .map(|t| t.targets.len() + t.directions.len())
            .sum(),
        lines: mark(&found.lines, draft, &found.unknown_units),
        warnings: draft
            .warnings
            .iter()
            .map(|w| (w.line, warning_message(page.lang, &w.message)))
            .collect(),
        unknown: found
            .unknown_units
            .iter()
            .map(|name| {
                let picked = chosen
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                (name.clone(), picked)
            })
            .collect(),
        unit_options: found
            .units
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect(),
        open_groups: found
            .open_groups
            .iter()
            .map(|(name, tasks)| (name.clone(), tasks.join("、")))
            .collect(),
        error,
    }
}

async fn preview(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    office_only(&page)?;
    let found = import_preview(&state.db, &page.actor, &Registry::builtin(), id).await?;
    Ok(crate::web::render(&preview_page(&page, found, &[], None))?.into_response())
}

/// The preview's buttons: `action` is publish, draft or discard; each
/// `unit:NAME` field maps an unknown name to a unit id ("" = a new unit).
async fn decide(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, fields): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    office_only(&page)?;
    let action = fields
        .iter()
        .find(|(k, _)| k == "action")
        .map_or("", |(_, v)| v.as_str());
    let chosen: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("unit:")?.to_string(), v.trim().to_string())))
        .collect();
    let registry = Registry::builtin();
    let publish = match action {
        "publish" => true,
        "draft" => false,
        "discard" => {
            discard(&state.db, state.clock.as_ref(), &page.actor, id).await?;
            return Ok(Redirect::to("/plans?notice=discarded").into_response());
        }
        other => return Err(WebError::bad_request(format!("unknown action '{other}'"))),
    };
    let mut mappings = Vec::new();
    for (name, value) in chosen.iter().filter(|(_, v)| !v.is_empty()) {
        let unit_id = value
            .parse::<i64>()
            .map_err(|_| WebError::bad_request(format!("'{value}' is not a unit id")))?;
        mappings.push((name.clone(), unit_id));
    }
    let applied = apply_import(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        &registry,
        id,
        &mappings,
        publish,
    )
    .await;
    match applied {
        Ok(imported) => {
            let notice = if publish { "imported" } else { "drafted" };
            let to = format!("/ledger?plan={}&notice={notice}", imported.plan_id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(ServiceError::Field { message, .. }) => {
            let found = import_preview(&state.db, &page.actor, &registry, id).await?;
            let message = format!(
                "{}{message}",
                page.lang
                    .t("单位对应关系有误：", "A unit mapping is wrong: ")
            );
            refused(&preview_page(&page, found, &chosen, Some(message)))
        }
        Err(other) => Err(other.into()),
    }
}
