//! 钉钉自定义机器人: 加签 (the signed URL) and the markdown message.
//!
//! Signing: `string_to_sign = "{timestamp_ms}\n{secret}"`,
//! `sign = urlencode(base64(HmacSHA256(key = secret, msg = string_to_sign)))`, appended to
//! the webhook URL (which already carries `?access_token=…`) as `&timestamp=…&sign=…`.
//! The robot refuses a timestamp more than an hour away from its clock.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use super::Message;
use super::webhook::hmac_sha256;

/// `base64(HmacSHA256(secret, "{timestamp_ms}\n{secret}"))`, before URL-encoding.
pub(super) fn sign(secret: &str, timestamp_ms: i64) -> String {
    let string_to_sign = format!("{timestamp_ms}\n{secret}");
    BASE64.encode(hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes()))
}

/// The webhook URL with `timestamp` and the URL-encoded `sign` appended.
pub(super) fn signed_url(url: &str, secret: &str, timestamp_ms: i64) -> String {
    let sign: String =
        form_urlencoded::byte_serialize(sign(secret, timestamp_ms).as_bytes()).collect();
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}timestamp={timestamp_ms}&sign={sign}")
}

/// `title` is what the conversation list shows; `text` is markdown, where DingTalk
/// breaks a line only on two trailing spaces.
pub(super) fn payload(message: &Message) -> Value {
    let subject = message.subject.trim();
    let mut text = format!("#### {subject}\n\n");
    text.push_str(
        &message
            .body
            .trim_end()
            .lines()
            .collect::<Vec<_>>()
            .join("  \n"),
    );
    if let Some(link) = &message.link {
        text.push_str(&format!("\n\n[查看详情]({link})"));
    }
    json!({ "msgtype": "markdown", "markdown": { "title": subject, "text": text } })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "SECd1e0c9c1a1b2c3d4e5f60718293a4b5c6d7e8f9";

    #[test]
    fn sign_follows_the_documented_recipe() {
        // Python: base64.b64encode(hmac.new(secret, f"{ts}\n{secret}", sha256).digest())
        assert_eq!(
            sign(SECRET, 1_700_000_000_000),
            "OfHogi7tSxr22pkJ+l6IfJaFov7dpHo+Vx+Qp2oDiRk="
        );
    }

    #[test]
    fn the_signature_is_url_encoded_after_the_access_token() {
        assert_eq!(
            signed_url(
                "https://oapi.dingtalk.com/robot/send?access_token=abc",
                SECRET,
                1_700_000_000_000
            ),
            "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000\
             &sign=OfHogi7tSxr22pkJ%2Bl6IfJaFov7dpHo%2BVx%2BQp2oDiRk%3D"
        );
        assert!(
            signed_url("http://robot.intranet/send", SECRET, 1)
                .starts_with("http://robot.intranet/send?timestamp=1&sign=")
        );
    }

    #[test]
    fn markdown_with_title_and_hard_line_breaks() {
        let message = Message {
            subject: "催办提醒".into(),
            body: "第一行\n第二行".into(),
            link: Some("https://duban.example/t/1".into()),
        };
        assert_eq!(
            payload(&message),
            json!({"msgtype": "markdown", "markdown": {
                "title": "催办提醒",
                "text": "#### 催办提醒\n\n第一行  \n第二行\n\n[查看详情](https://duban.example/t/1)"
            }})
        );
    }
}
