//! Chat-robot webhooks against a loopback receiver that plays each robot (support/robots.rs):
//! payload shape and signature checked on the receiving side, verdicts and retryability here.

#[path = "support/robots.rs"]
mod robots;

use std::time::Duration;

use duban::notify::{
    DeliveryError, Message, Robot, Secret, WebhookTarget, http_client, send_webhook,
};
use robots::{BODY, DINGTALK_SECRET, FEISHU_SECRET, GENERIC_SECRET, LINK, SUBJECT, now, receiver};

fn reminder() -> Message {
    Message {
        subject: SUBJECT.into(),
        body: BODY.into(),
        link: Some(LINK.into()),
    }
}

async fn send(robot: Robot, url: String, secret: Option<&str>) -> Result<(), DeliveryError> {
    let client = http_client(None, Duration::from_secs(5)).unwrap();
    let target = WebhookTarget {
        robot,
        url,
        secret: secret.map(Secret::new),
    };
    send_webhook(&client, &target, &reminder(), now()).await
}

#[tokio::test]
async fn wecom_accepts_a_good_key_and_names_its_refusals() {
    let base = receiver().await;
    let url = |key: &str| format!("{base}/cgi-bin/webhook/send?key={key}");
    send(Robot::WeCom, url("good-key"), None).await.unwrap();

    let err = send(Robot::WeCom, url("revoked-key"), None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        DeliveryError {
            retryable: false,
            message: "WeCom answered errcode 93000: invalid webhook url, hint: [1743471000_1_abc]"
                .into()
        }
    );
    let err = send(Robot::WeCom, url("busy-key"), None).await.unwrap_err();
    assert!(err.retryable, "{err}");
    assert_eq!(
        err.message,
        "WeCom answered errcode 45009: api freq out of limit"
    );
}

#[tokio::test]
async fn dingtalk_signs_the_url_and_a_wrong_secret_is_permanent() {
    let base = receiver().await;
    let url = |token: &str| format!("{base}/robot/send?access_token={token}");
    send(Robot::DingTalk, url("good-token"), Some(DINGTALK_SECRET))
        .await
        .unwrap();

    let err = send(Robot::DingTalk, url("good-token"), Some("SECwrong"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "DingTalk answered errcode 310000: sign not match"
    );
    assert!(!err.retryable);
    let err = send(Robot::DingTalk, url("good-token"), None)
        .await
        .unwrap_err();
    assert!(!err.retryable && err.message.contains("310000"), "{err}");

    let err = send(Robot::DingTalk, url("busy-token"), Some(DINGTALK_SECRET))
        .await
        .unwrap_err();
    assert!(err.retryable, "{err}");
    assert_eq!(
        err.message,
        "DingTalk answered errcode 130101: send too fast, exceed 20 times per minute"
    );
}

#[tokio::test]
async fn feishu_signs_the_body_and_reads_both_answer_styles() {
    let base = receiver().await;
    let url = |token: &str| format!("{base}/open-apis/bot/v2/hook/{token}");
    send(Robot::Feishu, url("f19a-current"), Some(FEISHU_SECRET))
        .await
        .unwrap();
    send(Robot::Feishu, url("legacy"), Some(FEISHU_SECRET))
        .await
        .unwrap();

    let err = send(Robot::Feishu, url("f19a-current"), Some("wrong"))
        .await
        .unwrap_err();
    assert!(!err.retryable, "{err}");
    assert_eq!(
        err.message,
        "Feishu answered code 19021: sign match fail or timestamp is not within one hour from current time"
    );
}

#[tokio::test]
async fn the_generic_webhook_is_signed_over_the_raw_body() {
    let base = receiver().await;
    send(
        Robot::Generic,
        format!("{base}/duban/hook"),
        Some(GENERIC_SECRET),
    )
    .await
    .unwrap();

    let err = send(Robot::Generic, format!("{base}/duban/hook"), Some("other"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        DeliveryError {
            retryable: false,
            message: "webhook answered HTTP 401 Unauthorized: bad signature".into()
        }
    );
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retryable_other_4xx_not() {
    let base = receiver().await;
    let err = send(Robot::Generic, format!("{base}/status/500"), None)
        .await
        .unwrap_err();
    assert!(err.retryable, "{err}");
    assert_eq!(
        err.message,
        r#"webhook answered HTTP 500 Internal Server Error: {"errcode":-1,"errmsg":"upstream said no"}"#
    );

    let err = send(Robot::WeCom, format!("{base}/status/502?key=k"), None)
        .await
        .unwrap_err();
    assert!(err.retryable, "{err}");
    assert_eq!(
        err.message,
        "WeCom answered HTTP 502 Bad Gateway, errcode -1: upstream said no"
    );

    let err = send(
        Robot::DingTalk,
        format!("{base}/status/429?access_token=t"),
        Some(DINGTALK_SECRET),
    )
    .await
    .unwrap_err();
    assert!(err.retryable, "{err}");

    let err = send(Robot::Feishu, format!("{base}/status/404"), None)
        .await
        .unwrap_err();
    assert!(!err.retryable, "{err}");
    assert!(
        err.message
            .starts_with("Feishu answered HTTP 404 Not Found"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreachable_or_silent_robot_is_retryable_and_its_token_unsaid() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/cgi-bin/webhook/send?key=secret-key");
    let err = send(Robot::WeCom, url, None).await.unwrap_err();
    assert!(err.retryable, "{err}");
    assert_eq!(
        err.message,
        format!("WeCom unreachable: connection refused (http://127.0.0.1:{port})")
    );

    let base = receiver().await;
    let client = http_client(None, Duration::from_millis(300)).unwrap();
    let target = WebhookTarget {
        robot: Robot::Generic,
        url: format!("{base}/slow"),
        secret: None,
    };
    let err = send_webhook(&client, &target, &reminder(), now())
        .await
        .unwrap_err();
    assert!(err.retryable, "{err}");
    assert_eq!(err.message, format!("webhook timed out ({base})"));
}

#[tokio::test]
async fn a_malformed_url_or_proxy_is_a_settings_error() {
    let err = send(
        Robot::Feishu,
        "open.feishu.cn/open-apis/bot/v2/hook/x".into(),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        DeliveryError {
            retryable: false,
            message: "Feishu URL is not an http(s) URL".into()
        }
    );
    let err = http_client(Some("::not a proxy::"), Duration::from_secs(1)).unwrap_err();
    assert!(
        !err.retryable && err.message.starts_with("invalid HTTP proxy"),
        "{err}"
    );
}
