//! Sessions as an attacker would try them: a session id planted before
//! sign-in is never adopted, sessions end after their hours, a changed or
//! reset password ends every session of the account (the owner goes on in a
//! fresh one), the admin can sign a user out everywhere, and cookies are
//! Secure when the request came over TLS through the proxy.

mod common;

use std::sync::Arc;

use common::app::{TestApp, client, serve_with};
use common::ledger::csrf;
use duban::clock::ShiftedClock;
use reqwest::StatusCode;
use serde_json::json;

async fn demo(test: &common::TestDb) -> (TestApp, Arc<ShiftedClock>) {
    duban::commands::demo::prepare(&test.db).await.unwrap();
    let clock = Arc::new(ShiftedClock::starting_at(jiff::Timestamp::now()));
    let app = serve_with(test, clock.clone()).await;
    (app, clock)
}

async fn me(app: &TestApp, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

async fn login(app: &TestApp, user: &str, password: &str) -> String {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/api/v1/login", app.base))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().expect("signed in").to_string()
}

fn session_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("duban_session=") && !c.starts_with("duban_session=;"))
        .map(|c| {
            c["duban_session=".len()..]
                .split(';')
                .next()
                .unwrap()
                .to_string()
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planted_session_id_is_never_adopted() {
    let test = common::sqlite().await;
    let (app, _) = demo(&test).await;
    let planted = "a".repeat(43);
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/login", app.base))
        .header("cookie", format!("duban_session={planted}"))
        .json(&json!({"username": "supervisor", "password": "demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let issued = session_of(&response).unwrap();
    assert_ne!(issued, planted);
    assert_eq!(me(&app, &planted).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &issued).await, StatusCode::OK);
    // Two sign-ins, two different sessions.
    assert_ne!(login(&app, "supervisor", "demo").await, issued);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ends_after_its_hours() {
    let test = common::sqlite().await;
    let (app, clock) = demo(&test).await;
    let token = login(&app, "leader", "demo").await;
    let start = jiff::Timestamp::now();
    clock.set(start + jiff::SignedDuration::from_hours(11));
    assert_eq!(me(&app, &token).await, StatusCode::OK);
    clock.set(start + jiff::SignedDuration::from_hours(12) + jiff::SignedDuration::from_mins(1));
    assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_password_ends_every_other_session() {
    let test = common::sqlite().await;
    let (app, _) = demo(&test).await;
    // The same person on two devices; the first changes the password.
    let laptop = app.signed_in("区房管局").await;
    let phone = login(&app, "区房管局", "demo").await;
    let laptop_before = login(&app, "区房管局", "demo").await;
    let token = csrf(&app, &laptop, "/password").await;
    let response = laptop
        .post(format!("{}/password", app.base))
        .form(&[
            ("csrf", token.as_str()),
            ("current", "demo"),
            ("new_password", "新的口令-2026"),
            ("repeat", "新的口令-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.url().path() == "/password");
    assert!(response.text().await.unwrap().contains("密码已修改"));
    assert_eq!(me(&app, &phone).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &laptop_before).await, StatusCode::UNAUTHORIZED);
    // The laptop goes on, in a new session whose forms work.
    let (status, _) = app.get(&laptop, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf(&app, &laptop, "/workspace").await;
    let out = laptop
        .post(format!("{}/logout", app.base))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.url().path(), "/login");

    // An admin's reset ends the user's sessions too.
    let again = login(&app, "区房管局", "新的口令-2026").await;
    let admin = app.signed_in("admin").await;
    let token = csrf(&app, &admin, "/admin/users/区房管局").await;
    let reset = admin
        .post(format!("{}/admin/users/区房管局/password", app.base))
        .form(&[("csrf", token.as_str()), ("password", "重置后的口令-1")])
        .send()
        .await
        .unwrap();
    assert!(reset.url().query().unwrap_or("").contains("done=password"));
    assert_eq!(me(&app, &again).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_signs_a_user_out_everywhere() {
    let test = common::sqlite().await;
    let (app, _) = demo(&test).await;
    let sessions = [
        login(&app, "leader", "demo").await,
        login(&app, "leader", "demo").await,
    ];
    let api_token = duban::service::users::create_api_token(
        &test.db,
        &duban::clock::SystemClock,
        &duban::domain::roles::Actor::operator(),
        "leader",
        "月报脚本",
    )
    .await
    .unwrap();
    let admin = app.signed_in("admin").await;
    let token = csrf(&app, &admin, "/admin/users/leader").await;
    let done = admin
        .post(format!("{}/admin/users/leader/sessions", app.base))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        done.text()
            .await
            .unwrap()
            .contains("该用户已在所有设备上退出登录")
    );
    for session in &sessions {
        assert_eq!(me(&app, session).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        me(&app, &api_token).await,
        StatusCode::OK,
        "API tokens stay"
    );

    // Only the admin may; a leader's attempt changes nothing.
    let other = login(&app, "viewer", "demo").await;
    let leader_client = app.signed_in("leader").await;
    let token = csrf(&app, &leader_client, "/workspace").await;
    let refused = leader_client
        .post(format!("{}/admin/users/viewer/sessions", app.base))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(me(&app, &other).await, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_are_secure_behind_tls() {
    let test = common::sqlite().await;
    let (app, _) = demo(&test).await;
    let sign_in = |proto: Option<&'static str>| {
        let mut request = client()
            .post(format!("{}/api/v1/login", app.base))
            .json(&json!({"username": "viewer", "password": "demo"}));
        if let Some(proto) = proto {
            request = request.header("x-forwarded-proto", proto);
        }
        request.send()
    };
    let cookie = |response: &reqwest::Response| {
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_string()
    };
    let plain = cookie(&sign_in(None).await.unwrap());
    assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax"));
    assert!(!plain.contains("Secure"), "{plain}");
    let tls = cookie(&sign_in(Some("https")).await.unwrap());
    assert!(tls.ends_with("; Secure"), "{tls}");
    let login_form = client()
        .get(format!("{}/login", app.base))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let form_cookie = cookie(&login_form);
    assert!(
        form_cookie.starts_with("duban_login_csrf=") && form_cookie.ends_with("; Secure"),
        "{form_cookie}"
    );
}
