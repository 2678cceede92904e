//! A real server on loopback over a test database, and a client for it.

#![allow(dead_code)] // each test binary uses its own subset

use std::sync::Arc;

use duban::app::{self, AppState};
use duban::clock::SystemClock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::TestDb;

/// A server on port 0 over the test database, with the demo's plan and accounts.
pub struct TestApp {
    pub base: String,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

pub async fn spawn(test: &TestDb) -> TestApp {
    duban::commands::demo::prepare(&test.db)
        .await
        .expect("demo data");
    serve_with(test, Arc::new(SystemClock)).await
}

/// The demo as `duban demo --as-of DAY` serves it: the seed plan imported
/// on that day, the clock running on from it.
pub async fn spawn_at(test: &TestDb, day: &str) -> TestApp {
    let clock = duban::commands::demo::clock_for(day).expect("a day");
    duban::commands::demo::prepare_with(&test.db, clock.as_ref())
        .await
        .expect("demo data");
    serve_with(test, clock).await
}

/// A server with the units, bodies and demo accounts but no plan yet.
pub async fn spawn_empty(test: &TestDb) -> TestApp {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .expect("demo accounts");
    serve_with(test, Arc::new(SystemClock)).await
}

/// The same with its clock on the given day.
pub async fn spawn_empty_at(test: &TestDb, day: &str) -> TestApp {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .expect("demo accounts");
    serve_with(test, duban::commands::demo::clock_for(day).expect("a day")).await
}

/// A server over the test database as it is, on `clock`.
pub async fn serve_with(test: &TestDb, clock: Arc<dyn duban::clock::Clock>) -> TestApp {
    serve_state(AppState::new(test.db.clone(), clock)).await
}

/// A server with the given state (a directory, say).
pub async fn serve_state(state: AppState) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let router = app::router(state, 64 * 1024);
    tokio::spawn(async move {
        app::serve(listener, router, async {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    TestApp {
        base,
        _shutdown: tx,
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

impl TestApp {
    pub async fn login(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(format!("{}/api/v1/login", self.base))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> (StatusCode, Value) {
        let response = client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A page's HTML, whatever its status.
    pub async fn html(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

impl TestApp {
    /// A client signed in as `username` (password "demo").
    /// The subjects in `client`'s inbox, newest first, and how many are unread.
    pub async fn inbox_subjects(&self, client: &reqwest::Client) -> (Vec<String>, i64) {
        let (_, inbox) = self.get(client, "/api/v1/inbox").await;
        let subjects = inbox["items"]
            .as_array()
            .expect("an inbox")
            .iter()
            .map(|i| {
                i["reminder"]["subject"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        (subjects, inbox["unread"].as_i64().unwrap_or_default())
    }

    pub async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = client();
        let response = self.login(&client, username, "demo").await;
        assert_eq!(response.status(), StatusCode::OK, "sign in as {username}");
        client
    }

    /// Signs for (认领) a fresh assignment as `client`'s unit.
    pub async fn claim(&self, client: &reqwest::Client, assignment: i64) {
        let (status, body) = self
            .post(
                client,
                &format!("/api/v1/assignments/{assignment}/claim"),
                serde_json::json!({"version": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "claim {assignment}: {body}");
    }

    pub async fn post(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let response = client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn put(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let response = client
            .put(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}
