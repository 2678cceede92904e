//! The web UI's foundations in a real browser (headless Chromium over
//! WebDriver) against the real server on loopback: signing in and out,
//! role-aware navigation, the language switch, escaping, CSRF, error pages.

mod common;

use common::app;
use common::browser;
use duban::domain::roles::Actor;
use reqwest::StatusCode;

#[tokio::test]
async fn signing_in_lands_each_role_on_its_work_and_comes_back_to_the_page_asked_for() {
    let db = common::sqlite().await;
    let server = app::spawn(&db).await;
    let b = browser::start(&server.base).await;

    // A page asked for before signing in comes back after it.
    b.open("/ledger?category=七").await;
    assert!(
        b.path().await.starts_with("/login?next="),
        "{}",
        b.path().await
    );
    b.fill("input[name=username]", "viewer").await;
    b.fill("input[name=password]", "wrong-password").await;
    b.click("form[action='/login'] button[type=submit]").await;
    assert!(b.text(".alert.error").await.contains("用户名或密码不正确"));
    assert_eq!(
        b.find("input[name=username]")
            .await
            .prop("value")
            .await
            .unwrap(),
        Some("viewer".to_string()),
        "the username typed is kept"
    );
    b.fill("input[name=password]", "demo").await;
    b.click("form[action='/login'] button[type=submit]").await;
    assert_eq!(b.path().await, "/ledger?category=%E4%B8%83");
    let rows = b.find_all("tr[data-task]").await;
    assert_eq!(
        rows.len(),
        5,
        "category （七） of the seed holds five tasks"
    );

    // The viewer's menu: no supervision, no import, no administration.
    let nav = b.text(".mainnav").await;
    assert!(nav.contains("任务台账") && nav.contains("驾驶舱"), "{nav}");
    assert!(
        !nav.contains("督查督办") && !nav.contains("系统管理"),
        "{nav}"
    );
    b.logout().await;
    assert!(b.path().await.starts_with("/login"));

    // The whole seed plan in the ledger for the office; its menu is longer.
    b.login("admin", "demo").await;
    b.open("/ledger").await;
    assert_eq!(b.find_all("tr[data-task]").await.len(), 33);
    assert_eq!(b.find_all("tr.category-row").await.len(), 10);
    b.screenshot("ledger").await;
    let nav = b.text(".mainnav").await;
    assert!(
        nav.contains("督查督办") && nav.contains("系统管理") && nav.contains("计划导入"),
        "{nav}"
    );
    b.close().await;
}

#[tokio::test]
async fn the_language_switch_turns_the_page_into_english_and_back() {
    let db = common::sqlite().await;
    let server = app::spawn(&db).await;
    let b = browser::start(&server.base).await;
    b.login("viewer", "demo").await;
    b.open("/ledger?light=red").await;
    assert_eq!(b.text("h1").await, "任务台账");
    assert_eq!(
        b.find("html").await.attr("lang").await.unwrap().as_deref(),
        Some("zh-CN")
    );

    b.click("[data-test=lang-switch]").await;
    assert_eq!(
        b.path().await,
        "/ledger?light=red",
        "the same page, in English"
    );
    assert_eq!(b.text("h1").await, "Task ledger");
    assert_eq!(
        b.find("html").await.attr("lang").await.unwrap().as_deref(),
        Some("en")
    );
    assert!(b.text(".mainnav").await.contains("Ledger"));
    // The choice stays with the browser.
    b.open("/password").await;
    assert_eq!(b.text("h1").await, "Change password");

    b.click("[data-test=lang-switch]").await;
    assert_eq!(b.text("h1").await, "修改密码");
    b.close().await;
}

#[tokio::test]
async fn a_password_is_changed_only_with_the_current_one_and_then_signs_in() {
    let db = common::sqlite().await;
    let server = app::spawn(&db).await;
    let b = browser::start(&server.base).await;
    b.login("leader", "demo").await;
    b.open("/password").await;
    b.fill("input[name=current]", "not-it").await;
    b.fill("input[name=new_password]", "新的密码2021").await;
    b.fill("input[name=repeat]", "新的密码2021").await;
    b.click("form[action='/password'] button[type=submit]")
        .await;
    assert!(b.text(".alert.error").await.contains("当前密码不正确"));
    b.fill("input[name=current]", "demo").await;
    b.fill("input[name=new_password]", "short").await;
    b.fill("input[name=repeat]", "short").await;
    // The browser's own check (minlength) is bypassed to reach the server's.
    b.client
        .execute(
            "document.querySelectorAll('input').forEach(i => i.removeAttribute('minlength'))",
            vec![],
        )
        .await
        .unwrap();
    b.click("form[action='/password'] button[type=submit]")
        .await;
    assert!(b.text(".alert.error").await.contains("至少需要 8 个字符"));
    b.fill("input[name=current]", "demo").await;
    b.fill("input[name=new_password]", "新的密码2021").await;
    b.fill("input[name=repeat]", "新的密码2021").await;
    b.click("form[action='/password'] button[type=submit]")
        .await;
    assert!(b.text(".alert.ok").await.contains("密码已修改"));
    b.logout().await;
    b.login("leader", "demo").await;
    assert!(
        b.path().await.starts_with("/login"),
        "the old password no longer works"
    );
    b.login("leader", "新的密码2021").await;
    assert!(!b.path().await.starts_with("/login"));
    b.close().await;
}

#[tokio::test]
async fn user_text_is_shown_as_text_never_run_as_markup() {
    let db = common::sqlite().await;
    let server = app::spawn(&db).await;
    let hostile = "一、测试类别\n1. 推进<script>document.title='pwned'</script>改造<img src=x onerror=alert(1)>工程。（责任单位：区房管局）\n";
    duban::service::import::import_plan(
        &db.db,
        &duban::clock::SystemClock,
        &Actor::operator(),
        &duban_plan::Registry::builtin(),
        duban::service::import::Document {
            name: "hostile.txt",
            bytes: hostile.as_bytes(),
        },
        true,
    )
    .await
    .expect("the hostile plan imports");
    let b = browser::start(&server.base).await;
    b.login("admin", "demo").await;
    b.open("/ledger?plan=2").await;
    let row = b.text("tr[data-task]").await;
    assert!(
        row.contains("<script>document.title='pwned'</script>"),
        "{row}"
    );
    assert!(row.contains("<img src=x onerror=alert(1)>"), "{row}");
    assert!(
        b.find_all("tr[data-task] script, tr[data-task] img")
            .await
            .is_empty()
    );
    assert_ne!(b.client.title().await.unwrap(), "pwned");
    b.close().await;
}

#[tokio::test]
async fn forms_without_their_token_are_refused_and_errors_are_pages() {
    let db = common::sqlite().await;
    let server = app::spawn(&db).await;
    let client = app::client();
    // Signed in through the API, the session cookie is the same as the UI's.
    assert_eq!(
        server.login(&client, "admin", "demo").await.status(),
        StatusCode::OK
    );
    let response = client
        .post(format!("{}/logout", server.base))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("<html") && page.contains("无权访问"),
        "{page}"
    );
    // Still signed in: the forged post did nothing.
    let (status, _) = server.get(&client, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);

    // A login form posted from elsewhere (no paired cookie) is refused too.
    let response = app::client()
        .post(format!("{}/login", server.base))
        .form(&[("username", "admin"), ("password", "demo"), ("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Unknown pages are pages; unknown API paths stay JSON.
    let response = client
        .get(format!("{}/no-such-page", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("未找到"));
    let (status, body) = server.get(&client, "/api/v1/no-such").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app::error_code(&body), "not_found");

    // A redirect after signing in never leaves the site.
    let b = browser::start(&server.base).await;
    b.open("/login?next=//evil.example/").await;
    b.fill("input[name=username]", "viewer").await;
    b.fill("input[name=password]", "demo").await;
    b.click("form[action='/login'] button[type=submit]").await;
    assert_eq!(b.path().await, "/ledger");
    b.close().await;
}

#[tokio::test]
async fn assets_are_served_from_the_binary_with_validators() {
    let db = common::sqlite().await;
    let server = app::spawn(&db).await;
    let client = app::client();
    let response = client
        .get(format!("{}/assets/app.css", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    assert!(response.text().await.unwrap().contains("@media print"));
    let again = client
        .get(format!("{}/assets/app.css", server.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let missing = client
        .get(format!("{}/assets/nope.js", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// On a phone the pages fit the screen's width: wide tables scroll inside
/// their own frame, the page itself never scrolls sideways.
#[tokio::test]
async fn pages_fit_a_phone_screen() {
    let db = common::sqlite().await;
    let server = app::spawn_at(&db, "2021-06-15").await;
    let b = browser::start_sized(&server.base, 390, 844).await;
    b.login("区房管局", "demo").await;
    let task_link = b
        .find("#claim li[data-task='18'] a")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    for path in [
        "/workspace",
        "/ledger",
        task_link.as_str(),
        "/tasks/1",
        "/password",
    ] {
        b.open(path).await;
        let overflow = b
            .client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                vec![],
            )
            .await
            .unwrap()
            .as_i64()
            .unwrap();
        assert!(overflow <= 1, "{path} is {overflow}px wider than the phone");
    }
    b.open("/ledger").await;
    b.screenshot("phone-ledger").await;
    b.close().await;
}
