//! The JSON API over real HTTP on loopback, on SQLite and PostgreSQL alike.

mod common;

use common::TestDb;
use common::app::{client, error_code, spawn};
use duban::clock::SystemClock;
use duban::domain::roles::Actor;
use duban::service::import::{Document, import_plan};
use duban_plan::Registry;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn health_and_anonymous_calls(test: &TestDb) {
    let app = spawn(test).await;
    let client = client();
    let (status, body) = app.get(&client, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    for path in [
        "/api/v1/plans",
        "/api/v1/plans/1/tasks",
        "/api/v1/me",
        "/api/v1/openapi.json",
    ] {
        let (status, body) = app.get(&client, path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(error_code(&body), "unauthenticated");
    }
    let (status, body) = app.get(&client, "/api/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "not_found");
}

async fn sign_in_and_read_the_plan(test: &TestDb) {
    let app = spawn(test).await;
    let client = client();
    let response = app.login(&client, "admin", "wrong password").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = app.login(&client, "admin", "demo").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly")
    );

    let (status, served) = app.get(&client, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let generated: Value = serde_json::to_value(duban::app::openapi_document()).unwrap();
    assert_eq!(served, generated);

    let (status, body) = app.get(&client, "/api/v1/plans").await;
    assert_eq!(status, StatusCode::OK);
    let plan = &body["plans"][0];
    assert_eq!(plan["title"], "2021年重点推进和督查工作安排");
    assert_eq!(
        (plan["tasks"].as_i64(), plan["assignments"].as_i64()),
        (Some(33), Some(155))
    );
    let plan_id = plan["id"].as_i64().unwrap();

    let (status, body) = app
        .get(
            &client,
            &format!("/api/v1/plans/{plan_id}/tasks?per_page=10&page=2"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 33);
    assert_eq!(body["tasks"].as_array().unwrap().len(), 10);
    assert_eq!(body["tasks"][7]["number"], "18");
    let task18 = &body["tasks"][7];
    assert_eq!(task18["category"]["ordinal"], "七");
    assert_eq!(task18["units"][0]["name"], "区房管局");
    assert_eq!(task18["units"][0]["role"], "lead");
    assert_eq!(task18["units"][0]["state"], "assigned");
    assert_eq!(task18["units"][1]["role"], "co");

    let (_, body) = app
        .get(
            &client,
            &format!("/api/v1/plans/{plan_id}/tasks?unit=区房管局"),
        )
        .await;
    let numbers: Vec<&str> = body["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["17", "18"]);
    let (_, body) = app
        .get(
            &client,
            &format!("/api/v1/plans/{plan_id}/tasks?category=二"),
        )
        .await;
    assert_eq!(body["total"], 1);
    let (_, body) = app
        .get(
            &client,
            &format!("/api/v1/plans/{plan_id}/tasks?q=加装电梯"),
        )
        .await;
    assert_eq!(body["tasks"][0]["number"], "18");
    let (status, body) = app
        .get(
            &client,
            &format!("/api/v1/plans/{plan_id}/tasks?per_page=0"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "per_page");
    // The page the API fuzzer found: its offset overflowed an i64.
    let (status, body) = app
        .get(
            &client,
            &format!("/api/v1/plans/{plan_id}/tasks?per_page=47&page=9223372036854775807"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "page");
    let (status, _) = app.get(&client, "/api/v1/plans/999/tasks").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Signing out ends the session.
    let response = client
        .post(format!("{}/api/v1/logout", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (status, _) = app.get(&client, "/api/v1/plans").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn drafts_are_hidden_from_units(test: &TestDb) {
    let app = spawn(test).await;
    let draft = import_plan(
        &test.db,
        &SystemClock,
        &Actor::operator(),
        &Registry::builtin(),
        Document {
            name: "revised.txt",
            bytes: common::SEED,
        },
        false,
    )
    .await
    .unwrap();
    let liaison = client();
    assert_eq!(
        app.login(&liaison, "区房管局", "demo").await.status(),
        StatusCode::OK
    );
    let (_, body) = app.get(&liaison, "/api/v1/plans").await;
    assert_eq!(
        body["plans"].as_array().unwrap().len(),
        1,
        "only the published plan"
    );
    let (status, _) = app
        .get(&liaison, &format!("/api/v1/plans/{}/tasks", draft.plan_id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let supervisor = client();
    assert_eq!(
        app.login(&supervisor, "supervisor", "demo").await.status(),
        StatusCode::OK
    );
    let (_, body) = app.get(&supervisor, "/api/v1/plans").await;
    assert_eq!(body["plans"].as_array().unwrap().len(), 2);
    let (status, _) = app
        .get(
            &supervisor,
            &format!("/api/v1/plans/{}/tasks", draft.plan_id),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn bad_requests_get_clear_errors(test: &TestDb) {
    let app = spawn(test).await;
    let client = client();
    let login = format!("{}/api/v1/login", app.base);
    let cases: Vec<(reqwest::RequestBuilder, StatusCode)> = vec![
        (
            client
                .post(&login)
                .header("content-type", "application/json")
                .body("{\"username\":"),
            StatusCode::BAD_REQUEST,
        ),
        (
            client.post(&login).json(&json!({"username": "admin"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            client
                .post(&login)
                .json(&json!({"username": 7, "password": "demo"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            client.post(&login).body("username=admin"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            client
                .post(&login)
                .header("content-type", "application/json")
                .body(vec![b' '; 100 * 1024]),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (request, expected) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), expected);
        let body: Value = response.json().await.unwrap();
        assert!(
            !body["error"]["message"].as_str().unwrap().is_empty(),
            "{body}"
        );
    }
    let (status, body) = app.get(&client, "/api/v1/plans/not-a-number/tasks").await;
    assert!(status.is_client_error(), "{status}");
    assert!(body.is_object() || body.is_null());
}

async fn guessing_passwords_is_slowed(test: &TestDb) {
    let app = spawn(test).await;
    let client = client();
    for _ in 0..5 {
        assert_eq!(
            app.login(&client, "leader", "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let response = app.login(&client, "leader", "demo").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another account from the same address is still open.
    assert_eq!(
        app.login(&client, "viewer", "demo").await.status(),
        StatusCode::OK
    );
}

async fn api_tokens_in_the_authorization_header(test: &TestDb) {
    let app = spawn(test).await;
    let response = app.login(&client(), "viewer", "demo").await;
    let token = response.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let plain = reqwest::Client::new();
    let response = plain
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["role"], "viewer");
    let response = plain
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

on_both_backends!(
    health_and_anonymous_calls,
    sign_in_and_read_the_plan,
    drafts_are_hidden_from_units,
    bad_requests_get_clear_errors,
    guessing_passwords_is_slowed,
    api_tokens_in_the_authorization_header,
);
