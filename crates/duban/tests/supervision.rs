//! Inspections and findings through the API on both databases: a
//! rectification is answered by the unit and closed only by a supervisor (销号).

mod common;

use common::TestDb;
use common::app::{error_code, spawn};
use reqwest::StatusCode;
use serde_json::json;

async fn rectification_closes_only_when_verified(test: &TestDb) {
    let app = spawn(test).await;
    let office = app.signed_in("supervisor").await;
    let (_, bodies) = app.get(&office, "/api/v1/bodies").await;
    let names: Vec<&str> = bodies["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["督查领导小组办公室", "区委办督查", "区府办督查"]);
    let body_id = bodies["bodies"][0]["id"].as_i64().unwrap();
    // The demo's supervisor acts for 督查领导小组办公室 only.
    let elsewhere = json!({"body_id": bodies["bodies"][1]["id"], "plan_id": 1, "title": "x", "inspected_on": "2021-09-15"});
    let (status, _) = app.post(&office, "/api/v1/inspections", elsewhere).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, page) = app.get(&office, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let assignment = page["tasks"][0]["units"][0]["assignment_id"]
        .as_i64()
        .unwrap();

    let inspection = json!({"body_id": body_id, "plan_id": 1, "title": "三季度民心工程督查", "inspected_on": "2021-09-15"});
    let (status, created) = app
        .post(&office, "/api/v1/inspections", inspection.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let inspection_id = created["id"].as_i64().unwrap();

    let findings = format!("/api/v1/inspections/{inspection_id}/findings");
    let (status, body) = app
        .post(&office, &findings, json!({"assignment_id": assignment, "action": "rectification", "description": "加装电梯开工进度滞后"}))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline"))
    );
    let (status, finding) = app
        .post(&office, &findings, json!({"assignment_id": assignment, "action": "rectification", "description": "加装电梯开工进度滞后", "deadline": "2021-10-15"}))
        .await;
    assert_eq!(
        (status, finding["state"].as_str()),
        (StatusCode::OK, Some("open"))
    );
    let id = finding["id"].as_i64().unwrap();

    // Not before the unit answers.
    let (status, body) = app
        .post(
            &office,
            &format!("/api/v1/findings/{id}/verify"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    // Another unit may not answer; the unit does.
    let other = app.signed_in("区教育局").await;
    let (status, _) = app
        .post(
            &other,
            &format!("/api/v1/findings/{id}/respond"),
            json!({"version": 1, "text": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let unit = app.signed_in("区房管局").await;
    let (status, _) = app
        .post(
            &unit,
            &format!("/api/v1/findings/{id}/verify"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a unit cannot close its own finding"
    );
    let (status, answered) = app
        .post(
            &unit,
            &format!("/api/v1/findings/{id}/respond"),
            json!({"version": 1, "text": "已增派施工队，10月初完成新开工20台"}),
        )
        .await;
    assert_eq!(
        (status, answered["state"].as_str()),
        (StatusCode::OK, Some("answered"))
    );
    // The office is not satisfied, then is.
    let (status, reopened) = app
        .post(
            &office,
            &format!("/api/v1/findings/{id}/reopen"),
            json!({"version": 2, "text": "请附开工证明"}),
        )
        .await;
    assert_eq!(
        (status, reopened["state"].as_str()),
        (StatusCode::OK, Some("open"))
    );
    let (_, answered) = app
        .post(
            &unit,
            &format!("/api/v1/findings/{id}/respond"),
            json!({"version": 3, "text": "开工证明已上传"}),
        )
        .await;
    let (status, body) = app
        .post(
            &office,
            &format!("/api/v1/findings/{id}/verify"),
            json!({"version": 3}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "conflict"),
        "stale version"
    );
    let (status, closed) = app
        .post(
            &office,
            &format!("/api/v1/findings/{id}/verify"),
            json!({"version": answered["version"]}),
        )
        .await;
    assert_eq!(
        (status, closed["state"].as_str()),
        (StatusCode::OK, Some("closed"))
    );
    assert_eq!(closed["verified_by"], "user:supervisor");
    assert_eq!(closed["response"], "开工证明已上传");

    let (_, listed) = app
        .get(&unit, &format!("/api/v1/assignments/{assignment}/findings"))
        .await;
    assert_eq!(listed["findings"].as_array().unwrap().len(), 1);
    let (status, _) = app
        .get(
            &other,
            &format!("/api/v1/assignments/{assignment}/findings"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Who may open inspections and raise findings.
    for who in ["leader", "viewer", "区房管局"] {
        let session = app.signed_in(who).await;
        let (status, _) = app
            .post(&session, "/api/v1/inspections", inspection.clone())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        let (status, _) = app
            .post(
                &session,
                &findings,
                json!({"assignment_id": assignment, "action": "reminder", "description": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    // A reminder closes without an answer.
    let (_, reminder) = app
        .post(&office, &findings, json!({"assignment_id": assignment, "action": "reminder", "description": "请按时报送三季度进展"}))
        .await;
    let (status, closed) = app
        .post(
            &office,
            &format!("/api/v1/findings/{}/verify", reminder["id"]),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(
        (status, closed["state"].as_str()),
        (StatusCode::OK, Some("closed"))
    );
    let (status, body) = app
        .post(
            &office,
            &findings,
            json!({"assignment_id": assignment, "action": "praise", "description": "x"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("action"))
    );
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
}

on_both_backends!(rectification_closes_only_when_verified);
