//! E-mail delivery against a real SMTP server on loopback (support/smtp.rs, aiosmtpd) with a test
//! CA's certificate: over STARTTLS and implicit TLS with AUTH, and each way it can fail.

#[path = "support/smtp.rs"]
mod smtp;

use duban::notify::{Message, Secret, SmtpSecurity, SmtpSettings, send_email};
use serde_json::Value;
use smtp::{SmtpServer, USER};

const SUBJECT: &str = "【催办】关于“既有多层住宅加装电梯”的提醒";
const BODY: &str =
    "请于2025年4月30日前报送“既有多层住宅加装电梯”工作进展。\n逾期未报的，将按规定予以通报。";
const LINK: &str = "https://duban.district.gov.cn/tasks/42";

fn reminder() -> Message {
    Message {
        subject: SUBJECT.into(),
        body: BODY.into(),
        link: Some(LINK.into()),
    }
}

fn recipients() -> Vec<String> {
    vec![
        "zhangsan@district.gov.cn".into(),
        "王五 <wangwu@district.gov.cn>".into(),
    ]
}

/// Checks one received mail: envelope, decoded headers, body and link.
fn assert_reminder(mail: &Value) {
    assert_eq!(mail["mail_from"], "duban@district.gov.cn");
    assert_eq!(
        mail["rcpt_tos"],
        serde_json::json!(["zhangsan@district.gov.cn", "wangwu@district.gov.cn"])
    );
    assert_eq!(mail["login"], USER);
    assert_eq!(mail["subject"], SUBJECT);
    assert_eq!(mail["from"], "区督查室 <duban@district.gov.cn>");
    assert_eq!(
        mail["to"],
        "zhangsan@district.gov.cn, 王五 <wangwu@district.gov.cn>"
    );
    assert_eq!(mail["content_type"], "text/plain");
    assert_eq!(mail["charset"], "utf-8");
    let body = mail["body"].as_str().unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines,
        [
            "请于2025年4月30日前报送“既有多层住宅加装电梯”工作进展。",
            "逾期未报的，将按规定予以通报。",
            "",
            LINK
        ],
        "{body:?}"
    );
}

#[tokio::test]
async fn a_chinese_reminder_arrives_intact_over_starttls() {
    let server = SmtpServer::start(false);
    send_email(
        &server.settings(SmtpSecurity::StartTls),
        &recipients(),
        &reminder(),
    )
    .await
    .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_reminder(&received[0]);
    // Every header and the body were encoded for the wire: no raw UTF-8 left.
    let raw = server.raw(1);
    assert!(raw.is_ascii(), "{}", String::from_utf8_lossy(&raw));
    let raw = String::from_utf8(raw).unwrap();
    assert!(raw.contains("\r\nSubject: =?utf-8?"), "{raw}");
    assert!(raw.contains("\r\nMessage-ID: <"), "{raw}");
}

#[tokio::test]
async fn implicit_tls_delivers_too() {
    let server = SmtpServer::start(true);
    send_email(
        &server.settings(SmtpSecurity::Tls),
        &recipients(),
        &reminder(),
    )
    .await
    .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_reminder(&received[0]);
}

#[tokio::test]
async fn a_wrong_password_is_permanent_and_quotes_the_server() {
    let server = SmtpServer::start(false);
    let settings = SmtpSettings {
        password: Some(Secret::new("wrong")),
        ..server.settings(SmtpSecurity::StartTls)
    };
    let err = send_email(&settings, &recipients(), &reminder())
        .await
        .unwrap_err();
    assert!(!err.retryable, "{err}");
    assert_eq!(
        err.message,
        "SMTP authentication failed: 535 5.7.8 Authentication credentials invalid"
    );
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn nobody_listening_is_retryable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::StartTls,
        username: None,
        password: None,
        from: "duban@district.gov.cn".into(),
        ca_pem: None,
        accept_invalid_certs: false,
        timeout_secs: 5,
    };
    let err = send_email(&settings, &recipients(), &reminder())
        .await
        .unwrap_err();
    assert!(err.retryable, "{err}");
    assert_eq!(
        err.message,
        format!("SMTP server unreachable: connection refused (127.0.0.1:{port})")
    );
}

#[tokio::test]
async fn a_server_that_stops_answering_times_out_retryably() {
    // Accepts the connection and never sends its greeting.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let silent = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        drop(socket);
    });
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: None,
        password: None,
        from: "duban@district.gov.cn".into(),
        ca_pem: None,
        accept_invalid_certs: false,
        timeout_secs: 1,
    };
    let err = send_email(&settings, &recipients(), &reminder())
        .await
        .unwrap_err();
    silent.abort();
    assert!(err.retryable, "{err}");
    assert_eq!(
        err.message,
        format!("SMTP server timed out after 1s (127.0.0.1:{port})")
    );
}

#[tokio::test]
async fn an_untrusted_certificate_stops_until_trusted_or_waived() {
    let server = SmtpServer::start(false);
    let untrusted = SmtpSettings {
        ca_pem: None,
        ..server.settings(SmtpSecurity::StartTls)
    };
    let err = send_email(&untrusted, &recipients(), &reminder())
        .await
        .unwrap_err();
    assert!(!err.retryable, "{err}");
    assert!(
        err.message.starts_with("SMTP TLS failed: ") && err.message.contains("certificate"),
        "{err}"
    );
    assert!(server.received().is_empty());

    let waived = SmtpSettings {
        accept_invalid_certs: true,
        ..untrusted
    };
    send_email(&waived, &recipients(), &reminder())
        .await
        .unwrap();
    assert_eq!(server.received().len(), 1);
}
