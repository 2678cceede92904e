//! 企业微信群机器人: the markdown message. No signature: the URL's `key` is the credential.
//!
//! Body: `{"msgtype":"markdown","markdown":{"content":"…"}}`, content at most 4096 bytes
//! of UTF-8 (the robot refuses longer ones, so the body is cut to fit).

use serde_json::{Value, json};

use super::Message;
use super::webhook::truncate_to_bytes;

const MAX_CONTENT_BYTES: usize = 4096;

pub(super) fn payload(message: &Message) -> Value {
    json!({ "msgtype": "markdown", "markdown": { "content": content(message) } })
}

/// The subject in bold, the body line by line (WeCom breaks lines on `\n`), the link last.
fn content(message: &Message) -> String {
    let head = format!("**{}**\n", message.subject.trim());
    let tail = match &message.link {
        Some(link) => format!("\n[查看详情]({link})"),
        None => String::new(),
    };
    let room = MAX_CONTENT_BYTES.saturating_sub(head.len() + tail.len());
    format!(
        "{head}{}{tail}",
        truncate_to_bytes(message.body.trim_end(), room)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_with_subject_body_and_link() {
        let message = Message {
            subject: "【催办】加装电梯".into(),
            body: "第一行\n第二行\n".into(),
            link: Some("https://duban.example/t/1".into()),
        };
        assert_eq!(
            payload(&message),
            json!({"msgtype": "markdown", "markdown": {
                "content": "**【催办】加装电梯**\n第一行\n第二行\n[查看详情](https://duban.example/t/1)"
            }})
        );
    }

    #[test]
    fn long_bodies_are_cut_to_the_robots_limit() {
        let message = Message {
            subject: "催办".into(),
            body: "督".repeat(3000),
            link: Some("https://duban.example/t/1".into()),
        };
        let content = content(&message);
        assert!(content.len() <= MAX_CONTENT_BYTES, "{}", content.len());
        assert!(content.ends_with("…\n[查看详情](https://duban.example/t/1)"));
    }
}
