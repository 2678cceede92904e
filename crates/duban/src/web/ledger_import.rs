//! Importing an edited ledger: the upload form (with every refused cell
//! listed), the preview of the measures it adds and edits and the progress
//! reports it submits, and its outcome
//! (apply or discard).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::plans::import::{keep_auth_errors, refused};
use super::render;
use crate::app::AppState;
use crate::domain::words::period_zh;
use crate::service::ledger_diff::{ChangeKind, MeasureText};
use crate::service::ledger_import::{apply, discard, keep_upload, may_import, preview};
use crate::web::WebError;
use crate::web::i18n::Lang;
use crate::web::page::{Ctx, Page, Posted, PostedMultipart};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ledger/import", get(form).post(upload))
        .route("/ledger/import/{id}", get(show).post(decide))
}

fn allowed(page: &Page) -> Result<(), WebError> {
    if may_import(&page.actor) {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "a ledger is imported by a unit's liaison or the administrator",
        ))
    }
}

#[derive(Template)]
#[template(path = "ledger_import.html")]
struct FormPage {
    ctx: Ctx,
    errors: Vec<String>,
    done: Option<String>,
    done_plan: Option<i64>,
}

#[derive(Deserialize)]
struct Done {
    plan: Option<i64>,
    added: Option<usize>,
    edited: Option<usize>,
    reported: Option<usize>,
}

async fn form(page: Page, Query(done): Query<Done>) -> Result<Response, WebError> {
    allowed(&page)?;
    let r = done.reported.unwrap_or(0);
    let message = match (done.added, done.edited) {
        (Some(a), Some(e)) => Some(match page.lang {
            Lang::Zh if r > 0 => {
                format!("台账已导入：新增 {a} 条措施，修改 {e} 条措施，报送 {r} 条进展。")
            }
            Lang::Zh => format!("台账已导入：新增 {a} 条措施，修改 {e} 条措施。"),
            _ => format!(
                "The ledger was imported: {a} measures added, {e} edited, {r} progress reports submitted."
            ),
        }),
        _ => None,
    };
    let view = FormPage {
        ctx: page.ctx(),
        errors: Vec::new(),
        done_plan: message.as_ref().and(done.plan),
        done: message,
    };
    Ok(render(&view)?.into_response())
}

async fn upload(
    State(state): State<AppState>,
    page: Page,
    posted: Result<PostedMultipart, WebError>,
) -> Result<Response, WebError> {
    allowed(&page)?;
    let posted = keep_auth_errors(posted)?;
    let again = |errors: Vec<String>| FormPage {
        ctx: page.ctx(),
        errors,
        done: None,
        done_plan: None,
    };
    let file = match &posted {
        Ok(posted) => posted.file("workbook"),
        Err(_) => None,
    };
    let Some(file) = file else {
        let message = page.lang.t(
            "请选择要导入的台账文件（.xlsx）；文件过大或传输中断时也会看到这条提示。",
            "Choose the ledger workbook (.xlsx); a file past the size limit or a broken upload shows this too.",
        );
        return refused(&again(vec![message.to_string()]));
    };
    let kept = keep_upload(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        &file.name,
        &file.bytes,
    )
    .await?;
    match kept {
        Ok(id) => Ok(Redirect::to(&format!("/ledger/import/{id}")).into_response()),
        Err(errors) => refused(&again(errors)),
    }
}

#[derive(Template)]
#[template(path = "ledger_import_preview.html")]
struct PreviewPage {
    ctx: Ctx,
    id: i64,
    file_name: String,
    plan_title: String,
    errors: Vec<String>,
    fingerprint: String,
    added: usize,
    edited: usize,
    unchanged: usize,
    changes: Vec<ChangeLine>,
    progress: Vec<ProgressLine>,
}

/// A progress report the import submits.
struct ProgressLine {
    row: u32,
    task: String,
    unit: String,
    /// 2021年6月.
    period: String,
    narrative: String,
}

struct ChangeLine {
    row: u32,
    task: String,
    unit: String,
    kind: &'static str,
    fields: Vec<Field>,
}

struct Field {
    before: String,
    after: String,
    changed: bool,
}

fn fields(before: Option<&MeasureText>, after: &MeasureText) -> Vec<Field> {
    let show = |m: &MeasureText| {
        [
            m.description.clone(),
            m.responsible_person.clone(),
            m.deadline.to_string(),
            if m.done { "✓".into() } else { String::new() },
        ]
    };
    let after = show(after);
    let before = before.map(show);
    after
        .into_iter()
        .enumerate()
        .map(|(i, after)| {
            let before = before.as_ref().map(|b| b[i].clone());
            Field {
                changed: before.as_ref().is_none_or(|b| *b != after),
                before: before.unwrap_or_default(),
                after,
            }
        })
        .collect()
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    allowed(&page)?;
    let (file_name, checked) = preview(&state.db, state.clock.as_ref(), &page.actor, id).await?;
    let mut view = PreviewPage {
        ctx: page.ctx(),
        id,
        file_name,
        plan_title: String::new(),
        errors: Vec::new(),
        fingerprint: String::new(),
        added: 0,
        edited: 0,
        unchanged: 0,
        changes: Vec::new(),
        progress: Vec::new(),
    };
    match checked {
        Err(errors) => view.errors = errors,
        Ok(diff) => {
            view.plan_title = diff.plan.title.clone();
            view.fingerprint = diff.fingerprint.clone();
            view.unchanged = diff.unchanged;
            for c in &diff.changes {
                let (kind, before) = match &c.kind {
                    ChangeKind::Add => ("add", None),
                    ChangeKind::Edit { before, .. } => ("edit", Some(before)),
                };
                if kind == "add" {
                    view.added += 1;
                } else {
                    view.edited += 1;
                }
                view.changes.push(ChangeLine {
                    row: c.row,
                    task: c.task_number.clone(),
                    unit: c.unit.clone(),
                    kind,
                    fields: fields(before, &c.after),
                });
            }
            view.progress = diff
                .progress
                .iter()
                .map(|p| ProgressLine {
                    row: p.row,
                    task: p.task_number.clone(),
                    unit: p.unit.clone(),
                    period: period_zh(p.period),
                    narrative: p.narrative.clone(),
                })
                .collect();
        }
    }
    Ok(render(&view)?.into_response())
}

async fn decide(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(page, fields): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    allowed(&page)?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let (db, clock) = (&state.db, state.clock.as_ref());
    match field("action") {
        "apply" => {
            let done = apply(db, clock, &page.actor, id, field("fingerprint")).await?;
            let to = format!(
                "/ledger/import?plan={}&added={}&edited={}&reported={}",
                done.plan_id, done.added, done.edited, done.reported
            );
            Ok(Redirect::to(&to).into_response())
        }
        "discard" => {
            discard(db, clock, &page.actor, id).await?;
            Ok(Redirect::to("/ledger/import").into_response())
        }
        other => Err(WebError::bad_request(format!("unknown action '{other}'"))),
    }
}
