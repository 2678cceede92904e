//! Duban's own webhook: a plain JSON body, signed for any receiver that wants to check it.
//!
//! Body: `{"subject","body","link","sent_at"}` with `sent_at` in RFC 3339. With a secret,
//! `X-Duban-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`; the signed body holds
//! `sent_at`, so a receiver can refuse replays. `X-Duban-Timestamp` repeats it in Unix
//! seconds for receivers that check the age before parsing.

use jiff::Timestamp;
use serde_json::json;

use super::Message;
use super::webhook::hmac_sha256;

pub(super) const SIGNATURE_HEADER: &str = "X-Duban-Signature";
pub(super) const TIMESTAMP_HEADER: &str = "X-Duban-Timestamp";

/// The exact bytes sent (and signed).
pub(super) fn body(message: &Message, now: Timestamp) -> Vec<u8> {
    let value = json!({
        "subject": message.subject,
        "body": message.body,
        "link": message.link,
        "sent_at": now.to_string(),
    });
    // A Value's Display is its JSON text: no error path to handle.
    value.to_string().into_bytes()
}

/// `sha256=` and the lowercase hex HMAC-SHA256 of the raw body.
pub(super) fn signature(secret: &str, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(hmac_sha256(secret.as_bytes(), body))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hex_hmac_of_the_raw_body() {
        // Python: hmac.new(b"whsec", b'{"subject":"x"}', sha256).hexdigest()
        assert_eq!(
            signature("whsec", br#"{"subject":"x"}"#),
            "sha256=0023e92e9b440dcfad2b10ba3c32c8dab1c235bacbba72cdd7368d3ba18684a8"
        );
    }

    #[test]
    fn body_carries_the_message_and_the_instant() {
        let message = Message {
            subject: "催办".into(),
            body: "请报送".into(),
            link: None,
        };
        let now: Timestamp = "2025-03-31T16:00:00Z".parse().unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body(&message, now)).unwrap();
        assert_eq!(
            value,
            json!({"subject": "催办", "body": "请报送", "link": null, "sent_at": "2025-03-31T16:00:00Z"})
        );
    }
}
