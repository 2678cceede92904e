//! 飞书自定义机器人: 签名校验 and the rich-text (`post`) message.
//!
//! Signing: `string_to_sign = "{timestamp_s}\n{secret}"`,
//! `sign = base64(HmacSHA256(key = string_to_sign, msg = ""))`: the string is the key
//! and the message is empty (unlike DingTalk). `timestamp` (seconds, as a string) and
//! `sign` go into the JSON body. The robot refuses a timestamp more than an hour off.
//! A `post` message has a title and clickable links, which `text` lacks.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use super::Message;
use super::webhook::hmac_sha256;

/// `base64(HmacSHA256(key = "{timestamp_s}\n{secret}", msg = ""))`.
pub(super) fn sign(secret: &str, timestamp_s: i64) -> String {
    let string_to_sign = format!("{timestamp_s}\n{secret}");
    BASE64.encode(hmac_sha256(string_to_sign.as_bytes(), b""))
}

/// The `post` message, with `timestamp` and `sign` when the robot has a secret.
pub(super) fn payload(message: &Message, secret: Option<&str>, timestamp_s: i64) -> Value {
    let mut paragraphs: Vec<Value> = message
        .body
        .trim_end()
        .lines()
        .map(|line| json!([{ "tag": "text", "text": line }]))
        .collect();
    if let Some(link) = &message.link {
        paragraphs.push(json!([{ "tag": "a", "text": "查看详情", "href": link }]));
    }
    let mut body = json!({
        "msg_type": "post",
        "content": { "post": { "zh_cn": {
            "title": message.subject.trim(),
            "content": paragraphs,
        } } },
    });
    if let Some(secret) = secret {
        body["timestamp"] = json!(timestamp_s.to_string());
        body["sign"] = json!(sign(secret, timestamp_s));
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_keys_the_hmac_with_the_string_to_sign() {
        // Python: base64.b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"", sha256).digest())
        assert_eq!(
            sign("demo-secret", 1_599_360_473),
            "3/MaVZ8JLIy4TUG+7KSFJqvUkTKd+HWY8g+56DZWq8s="
        );
        assert_eq!(
            sign("Zs0TsgnKUw6EVxbWXBaZ8b", 1_599_360_473),
            "kPnRYqfIMwgmurOenAdw1ow3PduUCJK5B+Dr3DXZwqI="
        );
    }

    #[test]
    fn post_message_with_paragraphs_link_and_signature() {
        let message = Message {
            subject: "催办提醒".into(),
            body: "第一行\n第二行".into(),
            link: Some("https://duban.example/t/1".into()),
        };
        assert_eq!(
            payload(&message, Some("demo-secret"), 1_599_360_473),
            json!({
                "timestamp": "1599360473",
                "sign": "3/MaVZ8JLIy4TUG+7KSFJqvUkTKd+HWY8g+56DZWq8s=",
                "msg_type": "post",
                "content": { "post": { "zh_cn": {
                    "title": "催办提醒",
                    "content": [
                        [{ "tag": "text", "text": "第一行" }],
                        [{ "tag": "text", "text": "第二行" }],
                        [{ "tag": "a", "text": "查看详情", "href": "https://duban.example/t/1" }],
                    ],
                } } },
            })
        );
        let unsigned = payload(&message, None, 1_599_360_473);
        assert!(unsigned.get("sign").is_none() && unsigned.get("timestamp").is_none());
    }
}
