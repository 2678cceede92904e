//! Sign-in against a real OpenLDAP server (Debian's slapd on loopback) and
//! the directory sync, through the real HTTP server, on SQLite and
//! PostgreSQL: directory accounts sign in by binding as themselves, local
//! accounts as before, and a directory that is down fails plainly and
//! changes nothing.

mod common;
#[path = "support/slapd.rs"]
mod slapd;
#[path = "support/smtp.rs"]
#[allow(dead_code)] // only its test CA
mod smtp;

use std::sync::Arc;

use common::TestDb;
use common::app::{TestApp, client, error_code, serve_state};
use duban::app::AppState;
use duban::clock::{FixedClock, SystemClock};
use duban::directory::Directory;
use duban::directory::client::{self, DirectoryError};
use duban::domain::roles::Actor;
use duban::store::{Db, users};
use reqwest::StatusCode;
use serde_json::{Value, json};
use slapd::{Slapd, dn_of, password_of};
use sqlx::Row;

async fn app(test: &TestDb, directory: Option<Arc<Directory>>) -> TestApp {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .expect("demo accounts");
    let mut state = AppState::new(test.db.clone(), Arc::new(SystemClock));
    state.directory = directory;
    serve_state(state).await
}

fn directory_of(slapd: &Slapd) -> Arc<Directory> {
    Arc::new(Directory::new(slapd.config()).expect("the test directory's settings"))
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> (StatusCode, Value) {
    let response = app.login(&client(), username, password).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match db {
        Db::Sqlite(pool, _) => sqlx::query(sql).fetch_one(pool).await.unwrap().get(0),
        Db::Postgres(pool) => sqlx::query(sql).fetch_one(pool).await.unwrap().get(0),
    }
}

/// The audit chain's (action, after) pairs, oldest first.
async fn events(db: &Db) -> Vec<(String, String)> {
    let sql = "SELECT action, COALESCE(after_json, '') FROM audit_events ORDER BY id";
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite(pool, _) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
    };
    rows
}

fn counts(outcome: &Value) -> [i64; 7] {
    let c = &outcome["counts"];
    [
        "units_created",
        "users_created",
        "users_updated",
        "users_disabled",
        "users_reinstated",
        "users_unchanged",
        "skipped",
    ]
    .map(|key| c[key].as_i64().unwrap_or(-1))
}

async fn sync(app: &TestApp, admin: &reqwest::Client) -> (StatusCode, Value) {
    app.post(admin, "/api/v1/directory/sync", json!({})).await
}

/// Rows the sync could write, to show a failed one wrote none.
async fn record_size(db: &Db) -> [i64; 4] {
    [
        scalar(db, "SELECT COUNT(*) FROM users").await,
        scalar(db, "SELECT COUNT(*) FROM units").await,
        scalar(db, "SELECT COUNT(*) FROM users WHERE active").await,
        scalar(
            db,
            "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM users",
        )
        .await,
    ]
}

async fn sign_in_and_sync(test: &TestDb) {
    let slapd = Slapd::start();
    let app = app(test, Some(directory_of(&slapd))).await;
    let admin = app.signed_in("admin").await;
    let db = &test.db;

    // Nobody of the directory is an account before the first sync.
    assert_eq!(
        sign_in(&app, "wangfang", &password_of("wangfang")).await.0,
        StatusCode::UNAUTHORIZED
    );

    let (status, first) = sync(&app, &admin).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    // 区数据局 is new; four people made; the directory's "admin" left to the local admin.
    assert_eq!(counts(&first), [1, 4, 0, 0, 0, 0, 1], "{first}");
    assert_eq!(first["skipped"][0]["who"], "admin");
    let wangfang = users::by_username(db, "wangfang").await.unwrap().unwrap();
    assert!(wangfang.directory && wangfang.active);
    assert_eq!(wangfang.display_name, "王芳");
    assert_eq!(wangfang.email.as_deref(), Some("wangfang@district.gov.cn"));
    assert_eq!(wangfang.role, "liaison");
    let unit = scalar(db, "SELECT id FROM units WHERE name = '区房管局'").await;
    assert_eq!(wangfang.unit_id, Some(unit));
    assert!(
        wangfang.password_hash.is_empty(),
        "no local password for a directory account"
    );
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM units WHERE name = '区数据局'").await,
        1
    );
    let sunli = users::by_username(db, "sunli").await.unwrap().unwrap();
    assert_eq!(
        sunli.unit_id,
        Some(scalar(db, "SELECT id FROM units WHERE name = '区数据局'").await)
    );

    // The right password signs in, by the directory; a wrong or empty one does not.
    let (status, body) = sign_in(&app, "wangfang", &password_of("wangfang")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["display_name"], "王芳");
    assert_eq!(body["user"]["unit_id"], unit);
    let (status, body) = sign_in(&app, "wangfang", "wrong-password").await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    // An empty password would be an LDAP unauthenticated bind, which "succeeds".
    assert_eq!(
        sign_in(&app, "wangfang", "").await.0,
        StatusCode::UNAUTHORIZED
    );
    // Another person's password is not this person's.
    assert_eq!(
        sign_in(&app, "wangfang", &password_of("lisi")).await.0,
        StatusCode::UNAUTHORIZED
    );
    // The local admin signs in with its own password, never the directory's.
    assert_eq!(sign_in(&app, "admin", "demo").await.0, StatusCode::OK);
    assert_eq!(
        sign_in(&app, "admin", &password_of("admin")).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Failed directory sign-ins count like local ones: the sixth try is refused unasked.
    for _ in 0..4 {
        assert_eq!(
            sign_in(&app, "sunli", "wrong").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(sign_in(&app, "sunli", "").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        sign_in(&app, "sunli", &password_of("sunli")).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );

    // A directory account's password is not changed here.
    let password = duban::domain::secrets::NewPassword::parse("another-one-1").unwrap();
    let refused = duban::service::users::set_password(
        db,
        &SystemClock,
        &Actor::operator(),
        "wangfang",
        &password,
    )
    .await
    .unwrap_err();
    assert!(
        refused.to_string().contains("directory account"),
        "{refused}"
    );

    // The same directory again changes nothing.
    let before = record_size(db).await;
    let (status, second) = sync(&app, &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(counts(&second), [0, 0, 0, 0, 0, 4, 1], "{second}");
    assert_eq!(record_size(db).await, before);

    // A renamed person is renamed; a person gone from the directory is turned off.
    slapd.modify(&dn_of("lisi"), "cn", "李思").await;
    slapd.delete(&dn_of("zhaomin")).await;
    let (status, third) = sync(&app, &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(counts(&third), [0, 0, 1, 1, 0, 2, 1], "{third}");
    assert_eq!(
        users::by_username(db, "lisi")
            .await
            .unwrap()
            .unwrap()
            .display_name,
        "李思"
    );
    let zhaomin = users::by_username(db, "zhaomin").await.unwrap().unwrap();
    assert!(!zhaomin.active, "turned off, not deleted");
    assert_eq!(
        sign_in(&app, "zhaomin", &password_of("zhaomin")).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Local accounts are untouched by every sync.
    let local = users::by_username(db, "admin").await.unwrap().unwrap();
    assert!(local.active && !local.directory && local.display_name != "目录中的 admin");

    // The admin's API and page show the settings (never the password) and the outcome.
    let (status, shown) = app.get(&admin, "/api/v1/directory").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["configured"], true);
    assert_eq!(shown["config"]["url"], slapd.url());
    assert_eq!(shown["last_sync"]["ok"], true);
    assert!(!shown.to_string().contains(slapd::SERVICE_PASSWORD));
    let page = app.html(&admin, "/admin/directory").await;
    assert!(
        page.contains("同步成功") && page.contains(&slapd.url()),
        "{page}"
    );
    assert!(!page.contains(slapd::SERVICE_PASSWORD));
    // 立即同步 on the page: a forged token is refused and writes nothing; the real one syncs.
    let written = events(db).await.len();
    let forged = admin
        .post(format!("{}/admin/directory/sync", app.base))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(events(db).await.len(), written);
    let synced = admin
        .post(format!("{}/admin/directory/sync", app.base))
        .form(&[(
            "csrf",
            common::ledger::csrf(&app, &admin, "/admin/directory").await,
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(synced.status(), StatusCode::OK, "followed to the page");
    let shown = synced.text().await.unwrap();
    assert!(
        shown.contains("同步成功") && shown.contains("无变化 3"),
        "{shown}"
    );
    let liaison = app.signed_in("区房管局").await;
    assert_eq!(sync(&app, &liaison).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&liaison, "/api/v1/directory").await.0,
        StatusCode::FORBIDDEN
    );

    // Every decision is on the audit chain, and the chain holds.
    let events = events(db).await;
    let actions: Vec<&str> = events.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "directory.sync").count(),
        4
    );
    assert!(
        events
            .iter()
            .any(|(a, after)| a == "unit.add" && after.contains("区数据局"))
    );
    assert_eq!(
        events
            .iter()
            .filter(|(a, after)| a == "user.add" && after.contains("\"directory\""))
            .count(),
        4
    );
    assert!(
        events
            .iter()
            .any(|(a, after)| a == "user.directory_update" && after.contains("李思"))
    );
    assert!(
        events.iter().any(
            |(a, after)| a == "user.deactivate" && after.contains("no longer in the directory")
        )
    );
    assert!(
        events
            .iter()
            .any(|(a, after)| a == "session.login" && after.contains("\"directory\""))
    );
    let verified = duban::service::audit::verify(db).await.unwrap();
    assert_eq!(verified.broken, None);
}

async fn a_directory_that_is_down(test: &TestDb) {
    let mut slapd = Slapd::start();
    let directory = directory_of(&slapd);
    let app = app(test, Some(Arc::clone(&directory))).await;
    let admin = app.signed_in("admin").await;
    let db = &test.db;
    assert_eq!(sync(&app, &admin).await.0, StatusCode::OK);
    assert_eq!(
        sign_in(&app, "lisi", &password_of("lisi")).await.0,
        StatusCode::OK
    );

    slapd.stop();
    // A directory account cannot sign in, and is told why; a local one can.
    let (status, body) = sign_in(&app, "lisi", &password_of("lisi")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "directory_unavailable"),
        "{body}"
    );
    assert_eq!(sign_in(&app, "supervisor", "demo").await.0, StatusCode::OK);
    assert_eq!(sign_in(&app, "admin", "demo").await.0, StatusCode::OK);
    let page = login_page_answer(&app, "lisi", &password_of("lisi")).await;
    assert_eq!(page.0, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.1.contains("统一身份认证目录暂不可用"), "{}", page.1);
    // An outage is not a wrong password: it does not count towards the lock.
    for _ in 0..6 {
        assert_eq!(
            sign_in(&app, "lisi", &password_of("lisi")).await.0,
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    // The sync fails, says why, and writes nothing but its outcome.
    let before = record_size(db).await;
    let (status, body) = sync(&app, &admin).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "directory_unavailable")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("127.0.0.1:{}", slapd.port)),
        "{body}"
    );
    assert_eq!(record_size(db).await, before);
    let (_, shown) = app.get(&admin, "/api/v1/directory").await;
    assert_eq!(shown["last_sync"]["ok"], false);
    assert!(
        shown["last_sync"]["error"]
            .as_str()
            .unwrap()
            .contains("unavailable")
    );
    let page = app.html(&admin, "/admin/directory").await;
    assert!(page.contains("同步失败，未做任何更改"), "{page}");
    let (last, _) = events(db).await.pop().unwrap();
    assert_eq!(last, "directory.sync_failed");

    // The same from the command line: exit 1, one line, nothing changed.
    let config = format!("db = \"{}\"\n[directory]\n{}", test.url, slapd.toml());
    std::fs::write(slapd.config_path(), config).unwrap();
    let out = duban_directory_sync(&slapd);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("directory sync failed, nothing changed"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(record_size(db).await, before);

    // Back up: the command syncs, and directory accounts sign in again.
    slapd.resume();
    slapd.delete(&dn_of("sunli")).await;
    let out = duban_directory_sync(&slapd);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("disabled 1"), "{stdout}");
    assert_eq!(
        sign_in(&app, "lisi", &password_of("lisi")).await.0,
        StatusCode::OK
    );
    assert!(
        !users::by_username(db, "sunli")
            .await
            .unwrap()
            .unwrap()
            .active
    );

    // A base that finds nobody is not read as "everyone left".
    let before = record_size(db).await;
    let mut empty = slapd.config();
    empty.user_base = format!("ou=services,{}", slapd::SUFFIX);
    let empty = Directory::new(empty).unwrap();
    let error = duban::service::directory::sync(db, &SystemClock, &Actor::operator(), &empty)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("refusing to turn off 3 directory accounts"),
        "{error}"
    );
    assert_eq!(record_size(db).await, before);

    // A service account the directory refuses fails the sync the same way.
    let mut refused = slapd.config();
    refused.bind_password = Some("not-the-password".into());
    let refused = Directory::new(refused).unwrap();
    let error = duban::service::directory::sync(db, &SystemClock, &Actor::operator(), &refused)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("refused the service account"),
        "{error}"
    );
    assert_eq!(record_size(db).await, before);
    assert_eq!(
        duban::service::audit::verify(db).await.unwrap().broken,
        None
    );
}

/// `duban directory sync --config FILE`, the database named in the file.
fn duban_directory_sync(slapd: &Slapd) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["directory", "sync", "--config"])
        .arg(slapd.config_path())
        .env_remove("DUBAN_DB")
        .output()
        .unwrap()
}

/// The scheduler syncs on the configured interval, once per interval.
async fn the_scheduler_syncs_when_due(test: &TestDb) {
    let slapd = Slapd::start();
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = Arc::new(FixedClock("2026-12-02T01:00:00Z".parse().unwrap()));
    let scheduler = duban::jobs::scheduler::Scheduler::new(
        test.db.clone(),
        clock.clone(),
        "test".into(),
        std::time::Duration::from_secs(30),
    )
    .with_directory(Some(directory_of(&slapd)));
    assert!(scheduler.tick().await.unwrap().held);
    let first = duban::service::directory::last_sync(&test.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (first.ok, first.by.as_str(), first.counts.users_created),
        (true, "system:scheduler", 4)
    );
    // Within the hour: not due, nothing runs again.
    slapd.delete(&dn_of("lisi")).await;
    scheduler.tick().await.unwrap();
    let again = duban::service::directory::last_sync(&test.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, first);
    assert!(
        users::by_username(&test.db, "lisi")
            .await
            .unwrap()
            .unwrap()
            .active
    );
}

/// The sign-in form as a browser posts it: the status and the page.
async fn login_page_answer(app: &TestApp, username: &str, password: &str) -> (StatusCode, String) {
    let browser = client();
    let csrf = common::ledger::csrf(app, &browser, "/login").await;
    let response = browser
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", username),
            ("password", password),
            ("csrf", csrf.as_str()),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// TLS to the directory, ldaps:// and StartTLS, trusting the directory's own
/// CA from `ca_file`; without it the system's CAs, which do not know it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_trusts_the_directorys_own_ca() {
    let slapd = Slapd::start_tls(smtp::write_certificates);
    let with = |url: String, starttls: bool, ca: bool| {
        let mut config = slapd.config();
        config.url = url;
        config.starttls = starttls;
        config.ca_file = ca.then(|| slapd.ca_path());
        Directory::new(config).unwrap()
    };
    for directory in [
        with(slapd.ldaps_url(), false, true),
        with(slapd.url(), true, true),
    ] {
        let person = client::authenticate(&directory, "wangfang", &password_of("wangfang"))
            .await
            .unwrap();
        assert_eq!(person.unit.as_deref(), Some("区房管局"));
        let wrong = client::authenticate(&directory, "wangfang", "wrong").await;
        assert_eq!(wrong, Err(DirectoryError::WrongCredentials));
        assert_eq!(client::snapshot(&directory).await.unwrap().people.len(), 5);
    }
    for untrusted in [
        with(slapd.ldaps_url(), false, false),
        with(slapd.url(), true, false),
    ] {
        let error = client::snapshot(&untrusted).await.unwrap_err();
        assert!(
            matches!(&error, DirectoryError::Unavailable(m) if m.contains("certificate")),
            "{error}"
        );
    }
    // This directory answers nothing in the clear.
    let plain = with(slapd.url(), false, true);
    let error = client::authenticate(&plain, "wangfang", &password_of("wangfang"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, DirectoryError::Unavailable(m) if m.contains("refused the service account")),
        "{error}"
    );
}

on_both_backends!(
    sign_in_and_sync,
    a_directory_that_is_down,
    the_scheduler_syncs_when_due
);
