//! 三色督办单 through the API on both databases: the office issues numbered
//! notices (a series per colour), each reaches the unit's inbox like a 催办,
//! the unit acknowledges it once with its answer, and nobody else can.

mod common;

use common::TestDb;
use common::app::{error_code, spawn_at};
use reqwest::StatusCode;
use serde_json::json;

async fn notices_are_numbered_sent_and_acknowledged(test: &TestDb) {
    let app = spawn_at(test, "2021-06-15").await;
    let office = app.signed_in("supervisor").await;
    let unit = app.signed_in("区房管局").await;
    let other = app.signed_in("区教育局").await;
    let (_, page) = app.get(&office, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let assignment = page["tasks"][0]["units"][0]["assignment_id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/assignments/{assignment}/notices");
    let notice = |color: &str| {
        json!({"color": color, "reason": "加装电梯开工数滞后于序时进度",
               "required_action": "制定赶工计划，6月底前报督查室", "respond_by": "2021-06-22"})
    };

    // Refused by field or by role, and nothing is written.
    for (change, field) in [
        (json!({"color": "green"}), "color"),
        (json!({"respond_by": "2021-06-01"}), "respond_by"),
        (json!({"reason": ""}), "reason"),
        (json!({"required_action": " "}), "required_action"),
    ] {
        let mut request = notice("red");
        for (key, value) in change.as_object().unwrap() {
            request[key] = value.clone();
        }
        let (status, body) = app.post(&office, &path, request).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{change}: {body}"
        );
    }
    let (status, _) = app.post(&unit, &path, notice("red")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a unit issues none");
    let (_, none) = app.get(&office, "/api/v1/notices").await;
    assert_eq!(none["notices"].as_array().unwrap().len(), 0);

    // A series per colour and year.
    let (status, first) = app.post(&office, &path, notice("red")).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["number"], "红色督办单〔2021〕1号");
    assert_eq!(first["unit"], "区房管局");
    let (_, second) = app.post(&office, &path, notice("red")).await;
    assert_eq!(second["number"], "红色督办单〔2021〕2号");
    let (_, yellow) = app.post(&office, &path, notice("yellow")).await;
    assert_eq!(yellow["number"], "黄色督办单〔2021〕1号");

    // Each went out like a 催办: the unit finds them in its inbox.
    let (subjects, unread) = app.inbox_subjects(&unit).await;
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("【红色督办单〔2021〕1号】区房管局")),
        "{subjects:?}"
    );
    assert_eq!(unread, 3);

    // Acknowledged once, by the unit, with its answer.
    let ack = format!("/api/v1/notices/{}/acknowledge", first["id"]);
    let (status, _) = app.post(&other, &ack, json!({"response": "收到"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = app.post(&unit, &ack, json!({"response": ""})).await;
    assert_eq!(body["error"]["field"], "response");
    let (status, done) = app
        .post(
            &unit,
            &ack,
            json!({"response": "已制定赶工计划，6月25日前报送"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["acknowledged_by"], "user:区房管局");
    let (status, body) = app.post(&unit, &ack, json!({"response": "again"})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "invalid_transition")
    );

    // The ledger of notices: the office sees all, a unit its own.
    let (_, all) = app.get(&office, "/api/v1/notices").await;
    assert_eq!(all["notices"].as_array().unwrap().len(), 3);
    let (_, mine) = app.get(&unit, &path).await;
    assert_eq!(mine["notices"].as_array().unwrap().len(), 3);
    let (_, theirs) = app.get(&other, "/api/v1/notices").await;
    assert_eq!(theirs["notices"].as_array().unwrap().len(), 0);
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
}

on_both_backends!(notices_are_numbered_sent_and_acknowledged);
