//! The public progress page on both databases: off until the office turns it
//! on; no sign-in needed then; only the fields chosen reach it, and nothing
//! else of the record (units, progress text, lights, task text) can be read
//! from it or through it.

mod common;

use common::TestDb;
use common::app::{client, spawn_at};
use reqwest::StatusCode;
use serde_json::json;

async fn the_public_page_shows_only_what_is_published(test: &TestDb) {
    let app = spawn_at(test, "2021-06-28").await;
    let office = app.signed_in("supervisor").await;
    let housing = app.signed_in("区房管局").await;
    let (_, page) = app.get(&housing, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let task = &page["tasks"][0];
    let title = task["title"].as_str().unwrap().to_string();
    let body = task["text"].as_str().unwrap().to_string();
    let lifts = task["units"][0]["assignment_id"].as_i64().unwrap();
    assert!(
        !title.contains("区房管局"),
        "the check below reads units: {title}"
    );
    app.post(
        &housing,
        &format!("/api/v1/assignments/{lifts}/claim"),
        json!({"version": 1}),
    )
    .await;
    let secret = "井道开挖遇到燃气管线，需协调迁改";
    let (status, _) = app
        .post(
            &housing,
            &format!("/api/v1/assignments/{lifts}/reports"),
            json!({"period": "2021-06", "narrative": secret}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Off by default: nobody finds it.
    let public = client();
    let url = format!("{}/public/plans/1", app.base);
    let answer = public.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);

    // Only the office turns it on, and only with known fields.
    let path = "/api/v1/plans/1/public-page";
    let (status, _) = app
        .put(
            &housing,
            path,
            json!({"enabled": true, "fields": [], "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body_of_refusal) = app
        .put(
            &office,
            path,
            json!({"enabled": true, "fields": ["summary", "phone_numbers"], "version": 0}),
        )
        .await;
    assert_eq!(
        (status, body_of_refusal["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("fields"))
    );
    let (status, saved) = app
        .put(
            &office,
            path,
            json!({"enabled": true, "fields": ["summary"], "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 1);

    // Numbers and titles, the counts, and nothing else.
    let answer = public.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(answer.headers().get("set-cookie").is_none(), "no session");
    let html = answer.text().await.unwrap();
    assert!(html.contains(&title), "the task's title shows");
    assert!(html.contains("data-test=\"public-summary\""));
    for unpublished in ["区房管局", secret, "正常推进（", "滞后</span>"] {
        assert!(!html.contains(unpublished), "{unpublished} leaked");
    }
    let first_line = body.lines().next().unwrap_or_default();
    assert!(
        first_line.chars().count() > 8 && !html.contains(first_line),
        "the task's text is not published"
    );
    for internal in [
        "href=\"/tasks",
        "href=\"/ledger",
        "href=\"/assignments",
        "href=\"/supervision",
        "href=\"/api",
    ] {
        assert!(!html.contains(internal), "{internal}: no way in from here");
    }

    // A stale form is refused; units and progress once chosen.
    let (status, _) = app
        .put(
            &office,
            path,
            json!({"enabled": true, "fields": ["units"], "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app
        .put(
            &office,
            path,
            json!({"enabled": true, "fields": ["units", "progress", "light"], "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let html = public.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("区房管局"));
    assert!(html.contains(secret));
    assert!(html.contains("class=\"light "));
    assert!(
        !html.contains("data-test=\"public-summary\""),
        "summary off now"
    );

    // Turned off: gone again. Another plan's page was never on.
    let (status, _) = app
        .put(
            &office,
            path,
            json!({"enabled": false, "fields": ["units"], "version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let answer = public.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    let answer = public
        .get(format!("{}/public/plans/999", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
}

on_both_backends!(the_public_page_shows_only_what_is_published);
