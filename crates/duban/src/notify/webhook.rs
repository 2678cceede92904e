//! Chat-robot webhooks: the HTTP client, dispatch to each robot's format, and transport failures.
//!
//! Timeouts and connection failures are worth retrying, certificate failures are not;
//! `answer.rs` judges what the robot said. Error messages name only the scheme and host
//! of the URL: its path or query is the robot's token.

use std::time::Duration;

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use reqwest::header::CONTENT_TYPE;
use sha2::Sha256;

use super::{
    DeliveryError, Message, Robot, WebhookTarget, answer, dingtalk, feishu, generic, wecom,
};

/// A client for every robot: an explicit proxy or none (the environment's proxy
/// variables are ignored: the proxy is a setting), no redirects (a robot that redirects
/// is misconfigured, and a redirected POST would turn into a GET).
pub fn http_client(
    proxy: Option<&str>,
    timeout: Duration,
) -> Result<reqwest::Client, DeliveryError> {
    let builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("duban/", env!("CARGO_PKG_VERSION")));
    let builder = match proxy.map(str::trim).filter(|p| !p.is_empty()) {
        Some(proxy) => {
            let proxy = reqwest::Proxy::all(proxy).map_err(|e| {
                DeliveryError::permanent(format!("invalid HTTP proxy: {}", e.without_url()))
            })?;
            builder.proxy(proxy)
        }
        None => builder.no_proxy(),
    };
    builder
        .build()
        .map_err(|e| DeliveryError::permanent(format!("HTTP client could not be built: {e}")))
}

/// Posts `message` to the robot in its own format, signed with `now` where the robot
/// wants a signature, and reads the robot's answer.
pub async fn send_webhook(
    client: &reqwest::Client,
    target: &WebhookTarget,
    message: &Message,
    now: Timestamp,
) -> Result<(), DeliveryError> {
    let name = target.robot.display_name();
    match reqwest::Url::parse(&target.url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => {}
        _ => {
            return Err(DeliveryError::permanent(format!(
                "{name} URL is not an http(s) URL"
            )));
        }
    }
    let outgoing = outgoing(target, message, now);
    let mut request = client
        .post(&outgoing.url)
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .body(outgoing.body);
    for (header, value) in outgoing.headers {
        request = request.header(header, value);
    }
    let host = origin(&target.url);
    let response = request
        .send()
        .await
        .map_err(|e| transport_error(name, &host, e))?;
    let status = response.status().as_u16();
    let body = response
        .text()
        .await
        .map_err(|e| transport_error(name, &host, e))?;
    answer::judge(target.robot, status, &body)
}

/// One request, ready to send.
struct Outgoing {
    url: String,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

fn outgoing(target: &WebhookTarget, message: &Message, now: Timestamp) -> Outgoing {
    let secret = target.secret.as_ref().map(|s| s.expose());
    // A Value's Display is its JSON text: no error path to handle.
    let json = |value: serde_json::Value| value.to_string().into_bytes();
    match target.robot {
        Robot::WeCom => Outgoing {
            url: target.url.clone(),
            body: json(wecom::payload(message)),
            headers: Vec::new(),
        },
        Robot::DingTalk => Outgoing {
            url: match secret {
                Some(secret) => dingtalk::signed_url(&target.url, secret, now.as_millisecond()),
                None => target.url.clone(),
            },
            body: json(dingtalk::payload(message)),
            headers: Vec::new(),
        },
        Robot::Feishu => Outgoing {
            url: target.url.clone(),
            body: json(feishu::payload(message, secret, now.as_second())),
            headers: Vec::new(),
        },
        Robot::Generic => {
            let body = generic::body(message, now);
            let headers = match secret {
                Some(secret) => vec![
                    (generic::SIGNATURE_HEADER, generic::signature(secret, &body)),
                    (generic::TIMESTAMP_HEADER, now.as_second().to_string()),
                ],
                None => Vec::new(),
            };
            Outgoing {
                url: target.url.clone(),
                body,
                headers,
            }
        }
    }
}

/// The request never got an answer: timed out, refused, or the TLS handshake failed.
fn transport_error(name: &str, host: &str, err: reqwest::Error) -> DeliveryError {
    let err = err.without_url();
    if err.is_timeout() {
        return DeliveryError::retryable(format!("{name} timed out ({host})"));
    }
    let cause = root_cause(&err);
    if cause.contains("certificate") {
        return DeliveryError::permanent(format!("{name} TLS failed: {cause} ({host})"));
    }
    if err.is_connect() {
        return DeliveryError::retryable(format!("{name} unreachable: {cause} ({host})"));
    }
    DeliveryError::retryable(format!("{name} request failed: {cause} ({host})"))
}

/// The innermost cause, in words: "connection refused" rather than "error sending request".
fn root_cause(err: &reqwest::Error) -> String {
    let mut current: &(dyn std::error::Error + 'static) = err;
    let mut io = None;
    while let Some(next) = current.source() {
        if let Some(e) = next.downcast_ref::<std::io::Error>() {
            io = Some(e);
        }
        current = next;
    }
    match io {
        // An OS error: its kind reads best ("connection refused").
        Some(e) if e.get_ref().is_none() => e.kind().to_string(),
        Some(e) => e.to_string(),
        None => current.to_string(),
    }
}

/// `scheme://host[:port]` of a URL, the part safe to show; the rest may be a token.
pub fn origin(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{}://{host}:{port}", url.scheme()),
            (Some(host), None) => format!("{}://{host}", url.scheme()),
            (None, _) => format!("{}:", url.scheme()),
        },
        Err(_) => "(invalid URL)".to_owned(),
    }
}

pub(super) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// `text` cut at a character boundary to at most `max` bytes, ending in "…" when cut.
pub(super) fn truncate_to_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_the_published_vector() {
        let mac = hmac_sha256(b"key", b"The quick brown fox jumps over the lazy dog");
        assert_eq!(
            hex::encode(mac),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn origins_hide_the_token() {
        assert_eq!(
            origin("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
            "https://qyapi.weixin.qq.com"
        );
        assert_eq!(origin("http://127.0.0.1:9/hook/abc"), "http://127.0.0.1:9");
        assert_eq!(origin("not a url"), "(invalid URL)");
    }

    #[test]
    fn truncation_respects_characters() {
        assert_eq!(truncate_to_bytes("督查室", 9), "督查室");
        assert_eq!(truncate_to_bytes("督查室", 8), "督…");
    }
}
