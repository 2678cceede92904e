//! What a robot's answer means: its HTTP status first, then its own result code.
//!
//! Status 429 and 5xx are worth retrying, other 4xx are not. A 2xx from a chat robot
//! still carries its verdict: `errcode` (WeCom, DingTalk) or `code` (Feishu) must be 0;
//! any other code is a refusal (bad signature, unknown key) except the documented
//! "busy" and rate-limit codes. The generic webhook succeeds on any 2xx.

use super::webhook::truncate_to_bytes;
use super::{DeliveryError, Robot};

/// The robot's verdict from its HTTP status and body.
pub(super) fn judge(robot: Robot, status: u16, body: &str) -> Result<(), DeliveryError> {
    let name = robot.display_name();
    let answer = Answer::parse(robot, body);
    if !(200..300).contains(&status) {
        let reason = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map(|r| format!(" {r}"))
            .unwrap_or_default();
        let detail = match &answer {
            Some(a) => format!(", {} {}: {}", a.word, a.code, a.message),
            None if body.trim().is_empty() => String::new(),
            None => format!(": {}", snippet(body)),
        };
        let message = format!("{name} answered HTTP {status}{reason}{detail}");
        return Err(if status == 429 || status >= 500 {
            DeliveryError::retryable(message)
        } else {
            DeliveryError::permanent(message)
        });
    }
    match (robot, answer) {
        (Robot::Generic, _) => Ok(()),
        (_, Some(a)) if a.code == 0 => Ok(()),
        (_, Some(a)) => Err(DeliveryError {
            retryable: busy_code(robot, a.code),
            message: format!("{name} answered {} {}: {}", a.word, a.code, a.message),
        }),
        (_, None) => Err(DeliveryError::permanent(format!(
            "{name} answered HTTP {status} without a result code: {}",
            snippet(body)
        ))),
    }
}

/// The robots' documented "busy, try later" codes.
fn busy_code(robot: Robot, code: i64) -> bool {
    match robot {
        // -1 系统繁忙; 45009 接口调用超过限制 (20 messages a minute per robot)
        Robot::WeCom => matches!(code, -1 | 45009),
        // -1 系统繁忙; 130101 send too fast (20 messages a minute per robot)
        Robot::DingTalk => matches!(code, -1 | 130101),
        // 11232 frequency limited
        Robot::Feishu => code == 11232,
        Robot::Generic => false,
    }
}

/// A robot's result code and message: `errcode`/`errmsg` for WeCom and DingTalk,
/// `code`/`msg` for Feishu (older deployments: `StatusCode`/`StatusMessage`).
struct Answer {
    word: &'static str,
    code: i64,
    message: String,
}

impl Answer {
    fn parse(robot: Robot, body: &str) -> Option<Answer> {
        let value: serde_json::Value = serde_json::from_str(body).ok()?;
        let (word, code, message) = match robot {
            Robot::WeCom | Robot::DingTalk => ("errcode", &value["errcode"], &value["errmsg"]),
            Robot::Feishu if value["code"].is_i64() => ("code", &value["code"], &value["msg"]),
            Robot::Feishu => ("code", &value["StatusCode"], &value["StatusMessage"]),
            Robot::Generic => return None,
        };
        Some(Answer {
            word,
            code: code.as_i64()?,
            message: message.as_str().unwrap_or_default().to_owned(),
        })
    }
}

/// At most 200 characters of a body, on one line.
fn snippet(body: &str) -> String {
    let one_line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate_to_bytes(&one_line, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_answers_are_judged_by_their_own_codes() {
        assert!(judge(Robot::WeCom, 200, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert!(judge(Robot::DingTalk, 200, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert!(
            judge(
                Robot::Feishu,
                200,
                r#"{"code":0,"msg":"success","data":{}}"#
            )
            .is_ok()
        );
        assert!(
            judge(
                Robot::Feishu,
                200,
                r#"{"StatusCode":0,"StatusMessage":"success"}"#
            )
            .is_ok()
        );
        assert!(judge(Robot::Generic, 204, "").is_ok());

        let err = judge(
            Robot::DingTalk,
            200,
            r#"{"errcode":310000,"errmsg":"sign not match"}"#,
        )
        .unwrap_err();
        assert_eq!(
            err,
            DeliveryError::permanent("DingTalk answered errcode 310000: sign not match")
        );
        let err = judge(
            Robot::WeCom,
            200,
            r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#,
        )
        .unwrap_err();
        assert!(err.retryable, "{err}");
        let err = judge(
            Robot::Feishu,
            200,
            r#"{"code":11232,"msg":"frequency limited"}"#,
        )
        .unwrap_err();
        assert!(err.retryable, "{err}");
        let err = judge(Robot::WeCom, 200, "<html>portal</html>").unwrap_err();
        assert_eq!(
            err,
            DeliveryError::permanent(
                "WeCom answered HTTP 200 without a result code: <html>portal</html>"
            )
        );
    }

    #[test]
    fn http_status_decides_before_the_body() {
        let err = judge(Robot::Feishu, 400, r#"{"code":9499,"msg":"Bad Request"}"#).unwrap_err();
        assert_eq!(
            err,
            DeliveryError::permanent(
                "Feishu answered HTTP 400 Bad Request, code 9499: Bad Request"
            )
        );
        let err = judge(Robot::Generic, 503, "").unwrap_err();
        assert_eq!(
            err,
            DeliveryError::retryable("webhook answered HTTP 503 Service Unavailable")
        );
        assert!(
            judge(Robot::Generic, 429, "slow down")
                .unwrap_err()
                .retryable
        );
        assert!(!judge(Robot::Generic, 404, "").unwrap_err().retryable);
    }
}
