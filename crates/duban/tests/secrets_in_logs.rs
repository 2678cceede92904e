//! No password, session token, API token or calendar-feed token reaches the
//! log, even at RUST_LOG=trace: the real server is run with every target at
//! its most verbose while a user signs in, fails to, changes a password and
//! reads a calendar feed, and its whole log is searched for each secret.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use duban::store::Db;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "Zx9-独特口令-aa";
const WRONG_PASSWORD: &str = "wrong-Qq7-口令";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_stay_out_of_the_log_at_trace_level() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("office.db").display());
    let log_path = dir.path().join("server.log");
    let mut server = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["demo", "--db", &url, "--as-of", "2021-06-15"])
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("DUBAN_DB")
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let base = format!(
        "http://{}",
        line.split("http://")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
    );
    std::thread::spawn(move || for _ in out.lines() {});

    let api = reqwest::Client::new();
    let login = |password: &'static str| {
        api.post(format!("{base}/api/v1/login"))
            .json(&json!({"username": "leader", "password": password}))
            .send()
    };
    let first: Value = login("demo").await.unwrap().json().await.unwrap();
    let first = first["token"].as_str().unwrap().to_string();
    assert_eq!(login(WRONG_PASSWORD).await.unwrap().status(), 401);

    // The password changed through the page, as a person does it.
    let browser = common::app::client();
    let signed_in = browser
        .post(format!("{base}/api/v1/login"))
        .json(&json!({"username": "leader", "password": "demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let page = browser
        .get(format!("{base}/password"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = page[at..].split('"').next().unwrap().to_string();
    let changed = browser
        .post(format!("{base}/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current", "demo"),
            ("new_password", NEW_PASSWORD),
            ("repeat", NEW_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert!(changed.text().await.unwrap().contains("密码已修改"));
    let second: Value = login(NEW_PASSWORD).await.unwrap().json().await.unwrap();
    let second = second["token"].as_str().unwrap().to_string();
    let me = api
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&second)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    // A calendar feed, whose URL is its secret.
    let db = Db::connect(&url).await.unwrap();
    let leader = duban::store::users::by_username(&db, "leader")
        .await
        .unwrap()
        .unwrap();
    let feed = duban::service::calendar_feeds::issue(
        &db,
        &duban::clock::SystemClock,
        &duban::domain::roles::Actor::operator(),
        leader.id,
        duban::store::calendar_feeds::FeedOwner::User(leader.id),
    )
    .await
    .unwrap();
    db.close().await;
    let ics = api
        .get(format!("{base}/calendar/{}.ics", feed.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(ics.status(), 200);

    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    server.wait().unwrap();

    let log = std::fs::read_to_string(&log_path).unwrap();
    // The log is really at trace level and saw these requests.
    assert!(log.contains("TRACE"), "{} bytes of log", log.len());
    assert!(log.contains("path=/api/v1/login"));
    assert!(log.contains("path=/calendar/***.ics"));
    for (what, secret) in [
        ("the demo password", "\"demo\""),
        ("the new password", NEW_PASSWORD),
        ("a wrong password", WRONG_PASSWORD),
        ("the first session token", first.as_str()),
        ("the second session token", second.as_str()),
        ("the calendar token", feed.expose()),
        ("a password hash", "$argon2id$"),
    ] {
        if let Some(at) = log.find(secret) {
            let from = log[..at].rfind('\n').map_or(0, |n| n + 1);
            let to = log[at..].find('\n').map_or(log.len(), |n| at + n);
            panic!("{what} is in the log: {}", &log[from..to]);
        }
    }
}
