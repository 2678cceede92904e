//! A loopback receiver that plays each chat robot for tests/notify_webhooks.rs: it checks the
//! payload's shape, recomputes the signature from the documented recipe, and answers as the robot does.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

pub const SUBJECT: &str = "【催办】关于“既有多层住宅加装电梯”的提醒";
pub const BODY: &str = "请于4月30日前报送工作进展。\n逾期将予以通报。";
pub const LINK: &str = "https://duban.district.gov.cn/tasks/42";
pub const DINGTALK_SECRET: &str =
    "SEC7f3c1d9e2b4a6c8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e";
pub const FEISHU_SECRET: &str = "fs-Zs0TsgnKUw6EVxbWXBaZ8b";
pub const GENERIC_SECRET: &str = "whsec-duban";

/// The injected instant every signature is made with: 2025-04-01 09:30 in Beijing.
pub fn now() -> Timestamp {
    "2025-04-01T01:30:00Z".parse().unwrap()
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// 企业微信: `?key=`, `{"msgtype":"markdown","markdown":{"content"}}`, errcode/errmsg.
async fn wecom(Query(query): Query<Keyed>, body: Bytes) -> Response {
    let payload: Value = serde_json::from_slice(&body).unwrap();
    let content = payload["markdown"]["content"].as_str().unwrap_or_default();
    if payload["msgtype"] != "markdown" || !content.contains(SUBJECT) || !content.contains(LINK) {
        return errcode(40008, "invalid message type");
    }
    match query.key.as_str() {
        "good-key" => errcode(0, "ok"),
        "busy-key" => errcode(45009, "api freq out of limit"),
        _ => errcode(93000, "invalid webhook url, hint: [1743471000_1_abc]"),
    }
}

/// 钉钉: `?access_token=&timestamp=&sign=` with sign = urlencode(base64(HMAC(secret, "{ts}\n{secret}"))).
async fn dingtalk(Query(query): Query<DingTalkQuery>, body: Bytes) -> Response {
    let payload: Value = serde_json::from_slice(&body).unwrap();
    let text = payload["markdown"]["text"].as_str().unwrap_or_default();
    if payload["msgtype"] != "markdown"
        || payload["markdown"]["title"] != SUBJECT
        || !text.contains(LINK)
    {
        return errcode(40035, "缺少参数 json");
    }
    let string_to_sign = format!("{}\n{DINGTALK_SECRET}", query.timestamp);
    let expected = BASE64.encode(hmac_sha256(
        DINGTALK_SECRET.as_bytes(),
        string_to_sign.as_bytes(),
    ));
    if query.timestamp != now().as_millisecond().to_string() || query.sign != expected {
        return errcode(310000, "sign not match");
    }
    match query.access_token.as_str() {
        "good-token" => errcode(0, "ok"),
        "busy-token" => errcode(130101, "send too fast, exceed 20 times per minute"),
        _ => errcode(300001, "token is not exist"),
    }
}

/// 飞书: body `timestamp` (seconds) and `sign` = base64(HMAC(key = "{ts}\n{secret}", msg = "")).
async fn feishu(Path(token): Path<String>, body: Bytes) -> Response {
    let payload: Value = serde_json::from_slice(&body).unwrap();
    let post = &payload["content"]["post"]["zh_cn"];
    let has_link = post["content"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|paragraph| paragraph.as_array().into_iter().flatten())
        .any(|element| element["tag"] == "a" && element["href"] == LINK);
    if payload["msg_type"] != "post" || post["title"] != SUBJECT || !has_link {
        return Json(json!({"code": 9499, "msg": "Bad Request", "data": {}})).into_response();
    }
    let timestamp = payload["timestamp"].as_str().unwrap_or_default();
    let key = format!("{timestamp}\n{FEISHU_SECRET}");
    let expected = BASE64.encode(hmac_sha256(key.as_bytes(), b""));
    if timestamp != now().as_second().to_string() || payload["sign"] != expected {
        let msg = "sign match fail or timestamp is not within one hour from current time";
        return Json(json!({"code": 19021, "msg": msg, "data": {}})).into_response();
    }
    match token.as_str() {
        // Older deployments answer in the first API's words.
        "legacy" => Json(json!({"Extra": null, "StatusCode": 0, "StatusMessage": "success"}))
            .into_response(),
        _ => Json(json!({"code": 0, "msg": "success", "data": {}})).into_response(),
    }
}

/// Duban's own: `X-Duban-Signature: sha256=<hex HMAC(secret, raw body)>`, any 2xx is success.
async fn generic(headers: HeaderMap, body: Bytes) -> Response {
    let payload: Value = serde_json::from_slice(&body).unwrap();
    let expected_body =
        json!({"subject": SUBJECT, "body": BODY, "link": LINK, "sent_at": "2025-04-01T01:30:00Z"});
    if payload != expected_body {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("unexpected body {payload}"),
        )
            .into_response();
    }
    let expected = format!(
        "sha256={}",
        hex::encode(hmac_sha256(GENERIC_SECRET.as_bytes(), &body))
    );
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    if header("x-duban-signature") != expected
        || header("x-duban-timestamp") != now().as_second().to_string()
    {
        return (StatusCode::UNAUTHORIZED, "bad signature").into_response();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn status(Path(code): Path<u16>) -> Response {
    let status = StatusCode::from_u16(code).unwrap();
    (
        status,
        Json(json!({"errcode": -1, "errmsg": "upstream said no"})),
    )
        .into_response()
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(5)).await;
    errcode(0, "ok")
}

#[derive(Deserialize)]
struct Keyed {
    key: String,
}

#[derive(Deserialize)]
struct DingTalkQuery {
    access_token: String,
    #[serde(default)]
    timestamp: String,
    #[serde(default)]
    sign: String,
}

fn errcode(code: i64, message: &str) -> Response {
    Json(json!({"errcode": code, "errmsg": message})).into_response()
}

/// Starts the receiver on a free loopback port; returns its base URL.
pub async fn receiver() -> String {
    let app = Router::new()
        .route("/cgi-bin/webhook/send", post(wecom))
        .route("/robot/send", post(dingtalk))
        .route("/open-apis/bot/v2/hook/{token}", post(feishu))
        .route("/duban/hook", post(generic))
        .route("/status/{code}", post(status))
        .route("/slow", post(slow));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}
