//! Administration (系统管理), for admins only: users and roles, units with
//! their aliases and groups, supervision bodies, the settings (light
//! thresholds, evaluation weights), the notifications (mail server,
//! robots, reminder rules, holidays, delivery log) and the directory (LDAP). Every other role gets the
//! 403 page; every write goes through a service that checks the role again.

mod deliveries;
mod directory;
mod notify;
mod notify_forms;
mod notify_messages;
mod notify_robots;
mod settings;
mod unit_channels;
mod units;
mod user_channels;
mod users;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use super::error::WebError;
use super::form::FieldErrors;
use super::i18n::{Lang, field_message};
use super::page::{Ctx, Page};
use crate::app::AppState;
use crate::domain::roles::Role;
use crate::service::ServiceError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(overview))
        .merge(users::router())
        .merge(units::router())
        .merge(settings::router())
        .merge(notify::router())
        .merge(deliveries::router())
        .merge(directory::router())
        .merge(unit_channels::router())
        .merge(user_channels::router())
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct Overview {
    ctx: Ctx,
}

async fn overview(page: Page) -> Result<Html<String>, WebError> {
    only_admin(&page)?;
    super::render(&Overview { ctx: page.ctx() })
}

/// The administration pages are the admin's: anyone else sees the 403 page
/// (the services refuse them too; this keeps read-only pages closed as well).
fn only_admin(page: &Page) -> Result<(), WebError> {
    if page.is(&[Role::Admin]) {
        Ok(())
    } else {
        Err(WebError::forbidden("administration is for administrators"))
    }
}

/// A form shown again with its messages: 422, everything typed kept.
fn again(page: &impl Template) -> Result<Response, WebError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

/// The version a form was drawn at (for stale-edit checks); a form without
/// one was not drawn by these pages.
fn version_of(text: &str) -> Result<i64, WebError> {
    text.trim()
        .parse()
        .map_err(|_| WebError::bad_request("the form's version is missing"))
}

/// Service problems as messages next to fields, in the reader's language;
/// anything a form cannot fix becomes an error page.
pub(crate) fn field_errors(
    lang: Lang,
    problems: Vec<ServiceError>,
) -> Result<FieldErrors, WebError> {
    let mut errors = FieldErrors::new();
    for problem in problems {
        match problem {
            ServiceError::Field { field, message } => {
                errors.add(field, admin_message(lang, field, &message));
            }
            ServiceError::Invalid(message) => errors.add("", invalid_message(lang, &message)),
            other => {
                let one = FieldErrors::from_service(lang, other)?;
                for message in one.general() {
                    errors.add("", message);
                }
            }
        }
    }
    Ok(errors)
}

/// The administration's fields, said in Chinese; the rest as the shared
/// translation says them.
fn admin_message(lang: Lang, field: &str, message: &str) -> String {
    if lang.is_en() {
        return message.to_string();
    }
    let zh = match field {
        "username" if message.contains("is taken") => "该用户名已被使用",
        "username" => "用户名为 2–64 位字母、数字或 _ - . @",
        "display_name" => "请填写姓名（1–100 字）",
        "unit" if message.contains("not a known unit") => "请选择登记在册的单位",
        "unit" => "单位联络员须选择所属单位",
        "body" => "请选择督查主体",
        "name" if message.contains("exists already") || message.contains("already names") => {
            "该名称已被使用"
        }
        "name" => "请填写名称（1–100 字）",
        "kind" => "类别不超过 50 字",
        "alias" if message.contains("already") => "该别名已指向某个单位",
        "alias" => "请填写别名（1–100 字）",
        "member" if message.contains("already") => "该单位已在此组中",
        "member" => "组的成员须为单位",
        "group" => "请选择一个单位组",
        "claim_days" | "measure_warning_days" | "report_grace_days" => "请填写 0–60 之间的天数",
        "report_period" => "请选择报告周期",
        "weights" => "四项权重均在 0–100 之间，合计须为 100",
        "role" => "请选择角色",
        _ => return field_message(lang, field, message),
    };
    zh.to_string()
}

fn invalid_message(lang: Lang, message: &str) -> String {
    if lang.is_en() {
        return message.to_string();
    }
    if message.contains("own account") {
        "不能停用自己的账号".to_string()
    } else if message.contains("directory account") {
        "目录账号的密码在统一身份认证目录中修改，不在本系统重置".to_string()
    } else if message.contains("needs a unit") {
        "单位联络员须有所属单位".to_string()
    } else {
        message.to_string()
    }
}
