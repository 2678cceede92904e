//! The notification settings in a real browser against the real server
//! (SQLite): the admin saves an SMTP server nobody answers on and the test
//! mail shows why it failed; a generic webhook robot added on the page gets
//! its test message at a loopback receiver; a malformed holiday file is
//! refused with its line; a liaison sets their own e-mail.

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;
use common::app;
use common::browser;
use serde_json::Value;

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// What the receiver got: the JSON body and the signature header.
type Received = Arc<Mutex<Vec<(Value, Option<String>)>>>;

/// A webhook receiver on 127.0.0.1:0 that answers 200 to any POST.
async fn receiver() -> (String, Received) {
    let received: Received = Arc::default();
    let kept = Arc::clone(&received);
    let app = axum::Router::new().route(
        "/hook/{token}",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let kept = Arc::clone(&kept);
            async move {
                let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let signature = headers
                    .get("x-duban-signature")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                kept.lock().unwrap().push((json, signature));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, received)
}

#[tokio::test]
async fn the_admin_sets_up_mail_and_a_robot_and_sees_their_answers() {
    let db = common::sqlite().await;
    let server = app::spawn_empty(&db).await;
    let b = browser::start(&server.base).await;
    b.login("admin", "demo").await;
    b.open("/admin").await;
    b.click("a[href='/admin/notify']").await;
    assert_eq!(b.text("h1").await, "通知设置");
    assert!(b.find_all("#demo").await.is_empty(), "not a demo");

    // An SMTP server on a port nobody listens on: saved, and the test mail
    // says what went wrong in the mail library's own terms.
    let port = closed_port();
    b.fill("#smtp-form input[name=host]", "127.0.0.1").await;
    b.fill("#smtp-form input[name=port]", &port.to_string())
        .await;
    b.select("#smtp-form select[name=security]", "none").await;
    b.fill("#smtp-form input[name=username]", "duban").await;
    b.fill("#smtp-form input[name=password]", "s3cret").await;
    b.fill(
        "#smtp-form input[name=from]",
        "区督查室 <duban@district.gov.cn>",
    )
    .await;
    b.click("#smtp-form button[type=submit]").await;
    assert_eq!(b.path().await, "/admin/notify?done=smtp");
    assert_eq!(
        b.value("#smtp-form input[name=password]").await.as_deref(),
        Some(""),
        "the password is never shown"
    );
    assert!(!b.find_all("[data-test=password-kept]").await.is_empty());
    b.fill("#test-mail input[name=to]", "wang@fgj.gov.cn").await;
    b.click("#test-mail button[type=submit]").await;
    let said = b.text("[data-test=mail-outcome]").await;
    assert!(
        said.contains("发送失败") && said.contains("SMTP server unreachable"),
        "{said}"
    );
    assert!(said.contains(&format!("127.0.0.1:{port}")), "{said}");
    b.screenshot("admin-notify-mail").await;

    // A generic webhook robot for the office, signed: listed by scheme and
    // host only, and its test message arrives as Duban's JSON.
    let (base, received) = receiver().await;
    b.select("#add-robot select[name=owner]", "office").await;
    b.select("#add-robot select[name=kind]", "webhook").await;
    b.fill("#add-robot input[name=name]", "督查室通知").await;
    b.fill(
        "#add-robot input[name=url]",
        &format!("{base}/hook/tok-7f3a"),
    )
    .await;
    b.fill("#add-robot input[name=secret]", "whsec").await;
    b.click("#add-robot button[type=submit]").await;
    assert_eq!(b.path().await, "/admin/notify?done=robots");
    let row = b.text("tr[data-robot='督查室通知']").await;
    assert!(
        row.contains("全区") && row.contains("通用Webhook") && row.contains(&base),
        "{row}"
    );
    assert!(
        !b.body().await.contains("tok-7f3a"),
        "the token stays hidden"
    );
    b.click("tr[data-robot='督查室通知'] [data-test=test-robot]")
        .await;
    let said = b.text("[data-test=robot-outcome]").await;
    assert!(said.contains("已向“督查室通知”发送测试消息"), "{said}");
    {
        let got = received.lock().unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0["subject"], "【测试】督办系统测试消息");
        assert!(got[0].0["body"].as_str().unwrap().contains("督查室通知"));
        assert!(got[0].1.as_deref().unwrap_or("").starts_with("sha256="));
    }
    b.click("tr[data-robot='督查室通知'] [data-test=toggle]")
        .await;
    assert_eq!(
        b.find("tr[data-robot='督查室通知']")
            .await
            .attr("data-enabled")
            .await
            .unwrap()
            .as_deref(),
        Some("false")
    );
    b.screenshot("admin-notify-robots").await;

    // A holiday file whose holiday ends before it begins: the line and the
    // field said, what was typed kept, the embedded file still in force.
    let text = b
        .value("#holidays-form textarea[name=holidays]")
        .await
        .unwrap();
    assert!(b.text("[data-test=holiday-source]").await.contains("内置"));
    let bad = format!(
        "{}\n[[year]]\nyear = 2030\n[[year.holiday]]\nname = \"劳动节\"\nfrom = 2030-05-05\nto = 2030-05-01\n",
        text.trim_end()
    );
    let line = bad.lines().count();
    b.set_value("#holidays-form textarea[name=holidays]", &bad)
        .await;
    b.click("#holidays-form button[type=submit]").await;
    let said = b.text("[data-field=holidays]").await;
    assert!(
        said.starts_with(&format!("第{line}行 字段 to：")),
        "line {line}: {said}"
    );
    let kept = b
        .value("#holidays-form textarea[name=holidays]")
        .await
        .unwrap();
    assert!(kept.contains("year = 2030"), "the typed file is kept");
    assert!(b.text("[data-test=holiday-source]").await.contains("内置"));
    b.screenshot("admin-notify-holidays").await;

    // Not a demo: no date to move.
    b.open("/admin/notify/deliveries/999").await;
    assert_eq!(b.error_status().await.as_deref(), Some("404"));
    b.close().await;
}

#[tokio::test]
async fn a_liaison_sets_their_own_email_and_cannot_see_the_office_settings() {
    let db = common::sqlite().await;
    let server = app::spawn(&db).await;
    let b = browser::start(&server.base).await;
    b.login("区房管局", "demo").await;
    assert_eq!(b.path().await, "/workspace");
    b.click("[data-test=my-notifications]").await;
    assert_eq!(b.path().await, "/me/notifications");
    b.fill("#channels input[name=email]", "wang fgj@gov.cn")
        .await;
    b.fill("#channels input[name=quiet_hours]", "22:00").await;
    b.click("#channels button[type=submit]").await;
    assert_eq!(
        b.text("[data-field=email]").await,
        "请填写有效的邮箱地址：含一个 @，不含空格"
    );
    assert!(
        b.text("[data-field=quiet_hours]")
            .await
            .contains("22:00-08:00")
    );
    assert_eq!(
        b.value("#channels input[name=email]").await.as_deref(),
        Some("wang fgj@gov.cn"),
        "kept as typed"
    );

    b.fill("#channels input[name=email]", "wang@fgj.gov.cn")
        .await;
    b.fill("#channels input[name=quiet_hours]", "21:30-07:30")
        .await;
    b.click("#channels button[type=submit]").await;
    assert_eq!(b.path().await, "/me/notifications?done=1");
    assert_eq!(
        b.value("#channels input[name=email]").await.as_deref(),
        Some("wang@fgj.gov.cn")
    );
    assert_eq!(
        b.find("#channels input[name=email_enabled]")
            .await
            .prop("checked")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    b.screenshot("me-notifications").await;
    let stored = duban::store::users::by_username(&db.db, "区房管局")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.email.as_deref(), stored.quiet_hours.as_deref()),
        (Some("wang@fgj.gov.cn"), Some("21:30-07:30"))
    );

    for path in ["/admin/notify", "/admin/notify/deliveries/1"] {
        b.open(path).await;
        assert_eq!(b.error_status().await.as_deref(), Some("403"), "{path}");
    }
    b.close().await;
}

#[tokio::test]
async fn the_admin_sets_a_users_email_and_a_units_head() {
    let db = common::sqlite().await;
    let server = app::spawn_empty(&db).await;
    let b = browser::start(&server.base).await;
    b.login("admin", "demo").await;
    b.open("/admin/users/区房管局").await;
    b.fill("#channels input[name=email]", "fgj@district.gov.cn")
        .await;
    b.click("#channels button[type=submit]").await;
    assert!(
        b.path().await.ends_with("?done=channels"),
        "{}",
        b.path().await
    );
    assert_eq!(
        b.value("#channels input[name=email]").await.as_deref(),
        Some("fgj@district.gov.cn")
    );

    b.open("/admin/units").await;
    let row = "tr[data-unit-channels='区房管局']";
    let head = b
        .find(&format!("{row} select[name=head] option:nth-child(2)"))
        .await
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    b.select(&format!("{row} select[name=head]"), &head).await;
    b.fill(&format!("{row} input[name=quiet_hours]"), "nonsense")
        .await;
    b.click(&format!("{row} button[type=submit]")).await;
    assert!(
        b.text(&format!("{row} [data-field=quiet_hours]"))
            .await
            .contains("22:00-08:00")
    );
    b.fill(&format!("{row} input[name=quiet_hours]"), "20:00-08:00")
        .await;
    b.click(&format!("{row} button[type=submit]")).await;
    assert_eq!(b.path().await, "/admin/units?done=1");
    assert_eq!(
        b.value(&format!("{row} select[name=head]")).await,
        Some(head)
    );
    assert_eq!(
        b.value(&format!("{row} input[name=quiet_hours]"))
            .await
            .as_deref(),
        Some("20:00-08:00")
    );
    b.screenshot("admin-unit-channels").await;
    b.close().await;
}
