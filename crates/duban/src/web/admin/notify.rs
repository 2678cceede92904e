//! Notifications (通知设置), one page: the SMTP server and a test mail, the
//! office's defaults, the reminder rules, the chat robots, the holiday file,
//! the delivery log and (in the demo only) the demo's date. The page is built
//! from what is stored; a form that failed is put back as it was typed, with
//! its messages (`notify_forms.rs`, `notify_robots.rs` post to it).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::only_admin;
use crate::app::AppState;
use crate::notify::{Robot, SmtpSecurity};
use crate::service::notify_admin::{self, HolidayFile, LogLine, Standing};
use crate::service::notify_settings;
use crate::service::robots::{self, RobotLine};
use crate::web::error::WebError;
use crate::web::form::FieldErrors;
use crate::web::i18n::Lang;
use crate::web::page::{Ctx, Page};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/notify", get(show))
        .merge(super::notify_forms::router())
        .merge(super::notify_robots::router())
}

/// A text field or checkbox as forms send them (`""` when left out).
type Text = String;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SmtpForm {
    pub host: Text,
    pub port: Text,
    pub security: Text,
    pub username: Text,
    /// Never filled in by the page: blank keeps the stored password.
    pub password: Text,
    pub from: Text,
    pub accept_invalid_certs: Text,
    pub ca_pem: Text,
    pub version: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct OfficeForm {
    pub base_url: Text,
    pub quiet_hours: Text,
    pub proxy: Text,
    pub version: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RulesForm {
    pub measure_due_days: Text,
    pub report_closing_days: Text,
    pub rectification_due_days: Text,
    pub difficulty_days: Text,
    pub repeat_every_days: Text,
    pub head_from: Text,
    pub leader_from: Text,
    pub version: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RobotForm {
    /// "office" or a unit's id.
    pub owner: Text,
    pub kind: Text,
    pub name: Text,
    pub url: Text,
    pub secret: Text,
}

/// What a test send came back with.
pub(super) struct Outcome {
    /// "mail", or the robot's id.
    pub of: String,
    pub ok: bool,
    pub text: String,
}

#[derive(Template)]
#[template(path = "admin/notify.html")]
pub(super) struct NotifyPage {
    pub ctx: Ctx,
    pub smtp: SmtpForm,
    pub has_password: bool,
    pub test_to: String,
    pub office: OfficeForm,
    pub rules: RulesForm,
    pub robots: Vec<RobotLine>,
    pub owners: Vec<(i64, String)>,
    pub robot: RobotForm,
    pub holidays: HolidayFile,
    pub log: Vec<LogLine>,
    pub troubled: bool,
    /// The demo's day ("2021-06-15"); `None` outside the demo.
    pub demo_day: Option<String>,
    /// The form the messages belong to: smtp, mail, office, rules, robot,
    /// holidays or demo.
    pub failed: &'static str,
    pub errors: FieldErrors,
    pub outcome: Option<Outcome>,
    pub done: String,
}

impl NotifyPage {
    /// The messages not tied to a field, for the form that failed.
    fn general(&self, form: &str) -> Vec<&str> {
        if self.failed == form {
            self.errors.general()
        } else {
            Vec::new()
        }
    }

    /// A field's message, for the form that failed.
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        (self.failed == form)
            .then(|| self.errors.get(field))
            .flatten()
    }

    fn invalid(&self, form: &str, field: &str) -> &'static str {
        if self.error(form, field).is_some() {
            "true"
        } else {
            "false"
        }
    }

    fn kinds(&self) -> [Robot; 4] {
        Robot::ALL
    }

    fn done_text(&self) -> &'static str {
        let t = |zh, en| self.ctx.t(zh, en);
        match self.done.as_str() {
            "smtp" => t("邮件服务器已保存。", "The mail server is saved."),
            "office" => t("默认设置已保存。", "The defaults are saved."),
            "rules" => t(
                "提醒规则已保存，此后的提醒按新规则发送。",
                "The rules are saved; reminders follow them from now on.",
            ),
            "robots" => t("机器人已保存。", "The robot is saved."),
            "holidays" => t(
                "节假日文件已保存，亮灯和提醒已按新日历重新计算。",
                "The holiday file is saved; lights and reminders are counted by it now.",
            ),
            "demo" => t(
                "演示日期已更改，亮灯和提醒随之更新。",
                "The demo's date has moved; lights and reminders follow it.",
            ),
            _ => t("已保存。", "Saved."),
        }
    }

    fn robot_label(&self, robot: &Robot) -> &'static str {
        robot_label(self.ctx.lang, robot.as_str())
    }

    fn channel_label(&self, channel: &str) -> &'static str {
        match channel {
            "email" => self.ctx.t("邮件", "E-mail"),
            robot => robot_label(self.ctx.lang, robot),
        }
    }

    fn standing_label(&self, standing: &Standing) -> &'static str {
        standing_label(self.ctx.lang, *standing)
    }
}

pub(super) fn robot_label(lang: Lang, robot: &str) -> &'static str {
    match robot {
        "wecom" => lang.t("企业微信", "WeCom"),
        "dingtalk" => lang.t("钉钉", "DingTalk"),
        "feishu" => lang.t("飞书", "Feishu"),
        _ => lang.t("通用Webhook", "Generic webhook"),
    }
}

pub(super) fn standing_label(lang: Lang, standing: Standing) -> &'static str {
    match standing {
        Standing::Sent => lang.t("已发送", "Sent"),
        Standing::Pending => lang.t("待发送", "Pending"),
        Standing::Retrying => lang.t("重试中", "Retrying"),
        Standing::Failed => lang.t("失败", "Failed"),
    }
}

fn security_str(security: SmtpSecurity) -> &'static str {
    match security {
        SmtpSecurity::None => "none",
        SmtpSecurity::StartTls => "starttls",
        SmtpSecurity::Tls => "tls",
    }
}

/// The page as stored; `troubled` limits the log to failures and retries.
pub(super) async fn load(
    state: &AppState,
    page: &Page,
    troubled: bool,
) -> Result<NotifyPage, WebError> {
    only_admin(page)?;
    let (db, actor) = (&state.db, &page.actor);
    let (smtp, smtp_version) = notify_settings::smtp(db).await?;
    let (office, office_version) = notify_settings::office(db).await?;
    let (rules, rules_version) = notify_settings::rules(db).await?;
    let smtp_form = match &smtp {
        Some(s) => SmtpForm {
            host: s.host.clone(),
            port: s.port.to_string(),
            security: security_str(s.security).into(),
            username: s.username.clone().unwrap_or_default(),
            password: String::new(),
            from: s.from.clone(),
            accept_invalid_certs: if s.accept_invalid_certs { "on" } else { "" }.into(),
            ca_pem: s.ca_pem.clone().unwrap_or_default(),
            version: smtp_version.to_string(),
        },
        None => SmtpForm {
            port: "587".into(),
            security: "starttls".into(),
            version: smtp_version.to_string(),
            ..SmtpForm::default()
        },
    };
    let demo_day = state.demo_clock.as_ref().map(|clock| {
        use crate::clock::Clock;
        jiff::tz::offset(8)
            .to_datetime(clock.now())
            .date()
            .to_string()
    });
    Ok(NotifyPage {
        ctx: page.ctx(),
        has_password: smtp.as_ref().is_some_and(|s| s.password.is_some()),
        smtp: smtp_form,
        test_to: String::new(),
        office: OfficeForm {
            base_url: office.base_url,
            quiet_hours: office.quiet_hours,
            proxy: office.proxy,
            version: office_version.to_string(),
        },
        rules: RulesForm {
            measure_due_days: rules.measure_due_days.to_string(),
            report_closing_days: rules.report_closing_days.to_string(),
            rectification_due_days: rules.rectification_due_days.to_string(),
            difficulty_days: rules.difficulty_days.to_string(),
            repeat_every_days: rules.repeat_every_days.to_string(),
            head_from: rules.head_from.to_string(),
            leader_from: rules.leader_from.to_string(),
            version: rules_version.to_string(),
        },
        robots: robots::list(db, actor).await?,
        owners: robots::owners(db, actor).await?,
        robot: RobotForm {
            owner: "office".into(),
            kind: "wecom".into(),
            ..RobotForm::default()
        },
        holidays: notify_admin::holiday_file(db, actor).await?,
        log: notify_admin::log(db, actor, troubled).await?,
        troubled,
        demo_day,
        failed: "",
        errors: FieldErrors::new(),
        outcome: None,
        done: String::new(),
    })
}

#[derive(Deserialize)]
struct Shown {
    done: Option<String>,
    troubled: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(shown): Query<Shown>,
) -> Result<Response, WebError> {
    let mut view = load(&state, &page, shown.troubled.is_some()).await?;
    view.done = shown.done.unwrap_or_default();
    Ok(crate::web::render(&view)?.into_response())
}
