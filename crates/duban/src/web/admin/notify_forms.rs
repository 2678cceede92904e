//! The notification page's setting forms: the SMTP server and its test mail,
//! the office's defaults, the reminder rules, the holiday file and the demo's
//! date. A save goes back to the page with a notice; a refusal shows the page
//! again with the form as typed and its messages.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde::Deserialize;

use super::notify::{NotifyPage, OfficeForm, Outcome, RulesForm, SmtpForm, load};
use super::notify_messages::messages;
use super::{again, only_admin, version_of};
use crate::app::AppState;
use crate::domain::reminders::ReminderRules;
use crate::notify::{Secret, SmtpSecurity, SmtpSettings};
use crate::service::notify_settings::{self, OfficeSettings};
use crate::service::{ServiceError, calendar, notify_admin};
use crate::web::error::WebError;
use crate::web::page::{Page, Posted};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/notify/smtp", post(save_smtp))
        .route("/admin/notify/smtp/test", post(test_mail))
        .route("/admin/notify/office", post(save_office))
        .route("/admin/notify/rules", post(save_rules))
        .route("/admin/notify/holidays", post(save_holidays))
        .route("/admin/notify/demo-date", post(demo_date))
}

/// Back to the page, the notice for `what` shown at its section.
pub(super) fn saved(what: &str) -> Response {
    Redirect::to(&format!("/admin/notify?done={what}#{what}")).into_response()
}

/// The page again after a refusal: `put_back` restores the typed form.
pub(super) async fn refused(
    state: &AppState,
    page: &Page,
    failed: &'static str,
    problem: ServiceError,
    holidays: Option<&str>,
    put_back: impl FnOnce(&mut NotifyPage),
) -> Result<Response, WebError> {
    let errors = messages(page.lang, problem, holidays)?;
    let mut view = load(state, page, false).await?;
    put_back(&mut view);
    view.failed = failed;
    view.errors = errors;
    again(&view)
}

fn field(field: &'static str, message: &str) -> ServiceError {
    ServiceError::Field {
        field,
        message: message.into(),
    }
}

fn smtp_settings(form: &SmtpForm) -> Result<SmtpSettings, ServiceError> {
    let port = form.port.trim().parse::<u16>().ok().filter(|p| *p > 0);
    let security = match form.security.as_str() {
        "none" => SmtpSecurity::None,
        "starttls" => SmtpSecurity::StartTls,
        "tls" => SmtpSecurity::Tls,
        _ => return Err(field("security", "none, starttls or tls")),
    };
    let optional = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
    Ok(SmtpSettings {
        host: form.host.trim().to_string(),
        port: port.ok_or_else(|| field("port", "a port from 1 to 65535"))?,
        security,
        username: optional(&form.username),
        password: Some(&form.password)
            .filter(|p| !p.is_empty())
            .map(|p| Secret::new(p.as_str())),
        from: form.from.trim().to_string(),
        ca_pem: optional(&form.ca_pem),
        accept_invalid_certs: !form.accept_invalid_certs.is_empty(),
        timeout_secs: 30,
    })
}

async fn save_smtp(
    State(state): State<AppState>,
    Posted(page, form): Posted<SmtpForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let version = version_of(&form.version)?;
    let outcome = match smtp_settings(&form) {
        Ok(settings) => {
            notify_admin::save_smtp(
                &state.db,
                state.clock.as_ref(),
                &page.actor,
                settings,
                version,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(saved("smtp")),
        Err(e) => {
            refused(&state, &page, "smtp", e, None, |view| {
                let version = std::mem::take(&mut view.smtp.version);
                // The password typed is not sent back into the page.
                view.smtp = SmtpForm {
                    version,
                    password: String::new(),
                    ..form
                };
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct TestMailForm {
    #[serde(default)]
    to: String,
}

async fn test_mail(
    State(state): State<AppState>,
    Posted(page, form): Posted<TestMailForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let sent =
        notify_admin::send_test_email(&state.db, state.clock.as_ref(), &page.actor, &form.to).await;
    match sent {
        Ok(result) => {
            let mut view = load(&state, &page, false).await?;
            view.test_to = form.to;
            view.outcome = Some(Outcome {
                of: "mail".into(),
                ok: result.is_ok(),
                text: result.err().unwrap_or_default(),
            });
            Ok(crate::web::render(&view)?.into_response())
        }
        Err(e) => {
            refused(&state, &page, "mail", e, None, |view| {
                view.test_to = form.to
            })
            .await
        }
    }
}

async fn save_office(
    State(state): State<AppState>,
    Posted(page, form): Posted<OfficeForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let version = version_of(&form.version)?;
    let settings = OfficeSettings {
        base_url: form.base_url.trim().to_string(),
        quiet_hours: form.quiet_hours.trim().to_string(),
        proxy: form.proxy.trim().to_string(),
    };
    let outcome = notify_settings::set_office(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        &settings,
        version,
    )
    .await;
    match outcome {
        Ok(_) => Ok(saved("office")),
        Err(e) => {
            refused(&state, &page, "office", e, None, |view| {
                let version = std::mem::take(&mut view.office.version);
                view.office = OfficeForm { version, ..form };
            })
            .await
        }
    }
}

fn number<T: std::str::FromStr>(field: &'static str, text: &str) -> Result<T, ServiceError> {
    text.trim().parse().map_err(|_| ServiceError::Field {
        field,
        message: format!("{field} must be a whole number"),
    })
}

fn rules_of(form: &RulesForm) -> Result<ReminderRules, ServiceError> {
    Ok(ReminderRules {
        measure_due_days: number("measure_due_days", &form.measure_due_days)?,
        report_closing_days: number("report_closing_days", &form.report_closing_days)?,
        rectification_due_days: number("rectification_due_days", &form.rectification_due_days)?,
        difficulty_days: number("difficulty_days", &form.difficulty_days)?,
        repeat_every_days: number("repeat_every_days", &form.repeat_every_days)?,
        head_from: number("head_from", &form.head_from)?,
        leader_from: number("leader_from", &form.leader_from)?,
    })
}

async fn save_rules(
    State(state): State<AppState>,
    Posted(page, form): Posted<RulesForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let version = version_of(&form.version)?;
    let outcome = match rules_of(&form) {
        Ok(rules) => {
            notify_settings::set_rules(
                &state.db,
                state.clock.as_ref(),
                &page.actor,
                &rules,
                version,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(saved("rules")),
        Err(e) => {
            refused(&state, &page, "rules", e, None, |view| {
                let version = std::mem::take(&mut view.rules.version);
                view.rules = RulesForm { version, ..form };
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct HolidaysForm {
    #[serde(default)]
    holidays: String,
    #[serde(default)]
    version: String,
}

async fn save_holidays(
    State(state): State<AppState>,
    Posted(page, form): Posted<HolidaysForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let version = version_of(&form.version)?;
    // Browsers send a textarea's lines with CRLF; the file keeps plain LF.
    let text = form.holidays.replace("\r\n", "\n");
    match calendar::set(&state.db, state.clock.as_ref(), &page.actor, &text, version).await {
        Ok(_) => Ok(saved("holidays")),
        Err(e) => {
            let typed = text.clone();
            refused(&state, &page, "holidays", e, Some(&text), |view| {
                view.holidays.text = typed;
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct DemoForm {
    #[serde(default)]
    date: String,
}

/// Only the demo has a movable clock; anywhere else there is no such page.
async fn demo_date(
    State(state): State<AppState>,
    Posted(page, form): Posted<DemoForm>,
) -> Result<Response, WebError> {
    let Some(clock) = state.demo_clock.clone() else {
        return Err(WebError::not_found("the date moves only in the demo"));
    };
    only_admin(&page)?;
    let outcome = match form.date.trim().parse::<jiff::civil::Date>() {
        Ok(day) => notify_admin::set_demo_date(&state.db, &clock, &page.actor, day).await,
        Err(_) => Err(field("date", "a date such as 2021-06-15")),
    };
    match outcome {
        Ok(()) => {
            state.wake_scheduler();
            Ok(saved("demo"))
        }
        Err(e) => {
            refused(&state, &page, "demo", e, None, |view| {
                view.demo_day = Some(form.date);
            })
            .await
        }
    }
}
