//! Delivery channels: one message over one channel (e-mail or a chat robot), and a verdict the outbox can act on.
//!
//! No database and no clock here: the caller passes the settings, the recipients and
//! `now`. Settings types are stored as JSON, so they (de)serialize; their `Debug`
//! never prints a password, a signing secret or a webhook's token.

mod answer;
mod dingtalk;
mod email;
mod feishu;
mod generic;
mod webhook;
mod wecom;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use email::send_email;
pub use webhook::{http_client, origin, send_webhook};

/// What is sent: the same text on every channel, each channel shaping it its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    /// Plain text, may be multi-line.
    pub body: String,
    /// Absolute URL back to the item.
    pub link: Option<String>,
}

impl Message {
    /// The body with the link on its own line after a blank one: the plain-text form.
    pub(crate) fn body_with_link(&self) -> String {
        match &self.link {
            Some(link) => format!("{}\n\n{link}", self.body.trim_end()),
            None => self.body.clone(),
        }
    }
}

/// How a delivery failed: `retryable` says whether trying again later may succeed
/// (the peer was busy or unreachable) or a person must fix something first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryError {
    pub retryable: bool,
    /// English key facts and the peer's own answer, e.g.
    /// "DingTalk answered errcode 310000: sign not match".
    pub message: String,
}

impl DeliveryError {
    pub(crate) fn retryable(message: impl Into<String>) -> Self {
        Self {
            retryable: true,
            message: message.into(),
        }
    }

    pub(crate) fn permanent(message: impl Into<String>) -> Self {
        Self {
            retryable: false,
            message: message.into(),
        }
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeliveryError {}

/// A password or signing key: (de)serialized as the plain string, never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Which robot's format a webhook speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Robot {
    /// 企业微信群机器人
    WeCom,
    /// 钉钉自定义机器人 (加签)
    DingTalk,
    /// 飞书自定义机器人 (签名校验)
    Feishu,
    /// Duban's own JSON, for any receiver (signed with `X-Duban-Signature`).
    #[serde(rename = "webhook")]
    Generic,
}

impl Robot {
    pub const ALL: [Robot; 4] = [Robot::WeCom, Robot::DingTalk, Robot::Feishu, Robot::Generic];

    pub fn as_str(self) -> &'static str {
        match self {
            Robot::WeCom => "wecom",
            Robot::DingTalk => "dingtalk",
            Robot::Feishu => "feishu",
            Robot::Generic => "webhook",
        }
    }

    /// The inverse of `as_str`; `None` for anything else.
    pub fn parse(value: &str) -> Option<Robot> {
        Robot::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// The name used in error messages.
    pub(crate) fn display_name(self) -> &'static str {
        match self {
            Robot::WeCom => "WeCom",
            Robot::DingTalk => "DingTalk",
            Robot::Feishu => "Feishu",
            Robot::Generic => "webhook",
        }
    }
}

/// One robot in one group. The URL carries the robot's token (`key=`, `access_token=`
/// or the hook's path), so `Debug` shows only its scheme and host.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTarget {
    pub robot: Robot,
    pub url: String,
    /// DingTalk's 加签 and Feishu's 签名校验 secret, or the generic webhook's HMAC key.
    /// WeCom robots have no signature and ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<Secret>,
}

impl fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("robot", &self.robot)
            .field("url", &format_args!("{}/***", webhook::origin(&self.url)))
            .field("secret", &self.secret)
            .finish()
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain text (an intranet relay on port 25).
    None,
    /// STARTTLS, required: the mail is not sent if the server cannot upgrade (port 587).
    StartTls,
    /// Implicit TLS from the first byte (port 465).
    Tls,
}

/// The office's mail server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<Secret>,
    /// e.g. "区督查室 <duban@district.gov.cn>"
    pub from: String,
    /// An extra trusted CA (PEM) for an intranet server's certificate.
    #[serde(default)]
    pub ca_pem: Option<String>,
    #[serde(default)]
    pub accept_invalid_certs: bool,
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
}

fn default_timeout_secs() -> u64 {
    30
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug_but_not_out_of_json() {
        let target = WebhookTarget {
            robot: Robot::DingTalk,
            url: "https://oapi.dingtalk.com/robot/send?access_token=tok123".into(),
            secret: Some(Secret::new("SECabc")),
        };
        let debug = format!("{target:?}");
        assert!(
            !debug.contains("tok123") && !debug.contains("SECabc"),
            "{debug}"
        );
        assert!(debug.contains("https://oapi.dingtalk.com/***"), "{debug}");
        let json = serde_json::to_string(&target).unwrap();
        assert_eq!(
            json,
            r#"{"robot":"dingtalk","url":"https://oapi.dingtalk.com/robot/send?access_token=tok123","secret":"SECabc"}"#
        );
        assert_eq!(
            serde_json::from_str::<WebhookTarget>(&json).unwrap(),
            target
        );

        let smtp: SmtpSettings = serde_json::from_str(
            r#"{"host":"mail.gov.cn","port":587,"security":"starttls","username":"duban",
                "password":"pa55","from":"区督查室 <duban@district.gov.cn>"}"#,
        )
        .unwrap();
        assert_eq!(smtp.timeout_secs, 30);
        assert_eq!(smtp.password.as_ref().unwrap().expose(), "pa55");
        assert!(!format!("{smtp:?}").contains("pa55"));
    }

    #[test]
    fn robots_round_trip_their_names() {
        for robot in Robot::ALL {
            assert_eq!(Robot::parse(robot.as_str()), Some(robot));
            let json = serde_json::to_string(&robot).unwrap();
            assert_eq!(json, format!("\"{}\"", robot.as_str()));
        }
        assert_eq!(Robot::parse("slack"), None);
    }

    #[test]
    fn the_link_goes_on_its_own_line() {
        let message = Message {
            subject: "催办".into(),
            body: "请于本周内报送进展。\n".into(),
            link: Some("https://duban.example/tasks/7".into()),
        };
        assert_eq!(
            message.body_with_link(),
            "请于本周内报送进展。\n\nhttps://duban.example/tasks/7"
        );
    }
}
