//! Difficulties, situation reports, instructions and comments through the
//! API on both databases.

mod common;

use common::TestDb;
use common::app::{error_code, spawn};
use reqwest::StatusCode;
use serde_json::json;

async fn units_raise_and_the_office_answers(test: &TestDb) {
    let app = spawn(test).await;
    let unit = app.signed_in("区房管局").await;
    let office = app.signed_in("supervisor").await;
    let leader = app.signed_in("leader").await;
    let other = app.signed_in("区教育局").await;
    let viewer = app.signed_in("viewer").await;
    let (_, page) = app.get(&unit, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let task = page["tasks"][0]["id"].as_i64().unwrap();
    let assignment = page["tasks"][0]["units"][0]["assignment_id"]
        .as_i64()
        .unwrap();

    // A difficulty: raised by the unit, resolved by a leader with an answer.
    let path = format!("/api/v1/assignments/{assignment}/difficulties");
    let request =
        json!({"description": "加装电梯居民意见不一", "routed_to": "区建设管理委、各街镇"});
    let (status, _) = app.post(&other, &path, request.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, raised) = app.post(&unit, &path, request).await;
    assert_eq!(
        (status, raised["state"].as_str()),
        (StatusCode::OK, Some("open"))
    );
    let id = raised["id"].as_i64().unwrap();
    let (status, _) = app
        .post(
            &unit,
            &format!("/api/v1/difficulties/{id}/resolve"),
            json!({"version": 1, "answer": "x"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a unit does not resolve its own difficulty"
    );
    let (status, resolved) = app
        .post(
            &leader,
            &format!("/api/v1/difficulties/{id}/resolve"),
            json!({"version": 1, "answer": "由区建设管理委牵头召开协调会"}),
        )
        .await;
    assert_eq!(
        (status, resolved["state"].as_str()),
        (StatusCode::OK, Some("resolved"))
    );
    assert_eq!(resolved["resolved_by"], "user:leader");
    let (status, body) = app
        .post(
            &office,
            &format!("/api/v1/difficulties/{id}/resolve"),
            json!({"version": 2, "answer": "again"}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    let (_, listed) = app.get(&unit, &path).await;
    assert_eq!(listed["difficulties"].as_array().unwrap().len(), 1);
    let (status, _) = app.get(&other, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // An urgent situation: filed by an assigned unit, acknowledged by the office.
    let situations = format!("/api/v1/tasks/{task}/situations");
    let (status, _) = app.post(&other, &situations, json!({"text": "x"})).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "区教育局 is not assigned to task 18"
    );
    let (status, _) = app.post(&leader, &situations, json!({"text": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, filed) = app
        .post(
            &unit,
            &situations,
            json!({"text": "施工中发生管线破裂，已抢修"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let sid = filed["id"].as_i64().unwrap();
    let (status, _) = app
        .post(
            &unit,
            &format!("/api/v1/situations/{sid}/acknowledge"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, acknowledged) = app
        .post(
            &office,
            &format!("/api/v1/situations/{sid}/acknowledge"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(
        (status, acknowledged["acknowledged_by"].as_str()),
        (StatusCode::OK, Some("user:supervisor"))
    );
    let (status, _) = app
        .post(
            &office,
            &format!("/api/v1/situations/{sid}/acknowledge"),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, seen) = app.get(&other, &situations).await;
    assert_eq!(
        seen["situations"].as_array().unwrap().len(),
        0,
        "another unit does not see it"
    );
    let (_, seen) = app.get(&office, &situations).await;
    assert_eq!(seen["situations"].as_array().unwrap().len(), 1);

    // Instructions (批示) from leaders; comments from the rest but viewers.
    let (status, _) = app
        .post(
            &office,
            &format!("/api/v1/tasks/{task}/instructions"),
            json!({"text": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &leader,
            &format!("/api/v1/tasks/{task}/instructions"),
            json!({"text": "加快进度，年底前完成"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(
            &viewer,
            &format!("/api/v1/tasks/{task}/comments"),
            json!({"text": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &other,
            &format!("/api/v1/tasks/{task}/comments"),
            json!({"text": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &unit,
            &format!("/api/v1/tasks/{task}/comments"),
            json!({"text": "已收到批示"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post(
            &unit,
            &format!("/api/v1/tasks/{task}/comments"),
            json!({"text": "   "}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("body"))
    );
    let (_, notes) = app
        .get(&viewer, &format!("/api/v1/tasks/{task}/notes"))
        .await;
    let kinds: Vec<&str> = notes["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["instruction", "comment"]);
    let (status, _) = app
        .post(
            &leader,
            "/api/v1/tasks/999999/instructions",
            json!({"text": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
}

on_both_backends!(units_raise_and_the_office_answers);
