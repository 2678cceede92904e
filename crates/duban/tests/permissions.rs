//! The permission matrix: every write endpoint × every role, over HTTP on
//! both databases. Allowed means anything but 401/403 (the record's state may
//! still refuse the move); refused means 403; no session means 401.

mod common;

use common::TestDb;
use common::app::{client, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

const ROLES: [&str; 7] = [
    "anonymous",
    "admin",
    "supervisor",
    "leader",
    "viewer",
    "own unit",
    "other unit",
];

async fn every_write_endpoint_by_every_role(test: &TestDb) {
    let app = spawn(test).await;
    let admin = app.signed_in("admin").await;
    let unit = app.signed_in("区房管局").await;

    // The records the writes aim at, made by those who may make them.
    let (_, page) = app.get(&admin, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let task = page["tasks"][0]["id"].as_i64().unwrap();
    let assignment = page["tasks"][0]["units"][0]["assignment_id"]
        .as_i64()
        .unwrap();
    app.post(
        &unit,
        &format!("/api/v1/assignments/{assignment}/claim"),
        json!({"version": 1}),
    )
    .await;
    let (_, measure) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{assignment}/measures"),
            json!({"description": "措施", "responsible_person": "张三", "deadline": "2021-12-31"}),
        )
        .await;
    // The plan year is over on the real clock: June is reopened for the report.
    let (status, _) = app
        .post(
            &admin,
            &format!("/api/v1/assignments/{assignment}/period-reopenings"),
            json!({"period": "2021-06", "reason": "补报"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, report) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{assignment}/reports"),
            json!({"period": "2021-06", "narrative": "进展"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let (_, bodies) = app.get(&admin, "/api/v1/bodies").await;
    let body = bodies["bodies"][0]["id"].as_i64().unwrap();
    let (_, inspection) = app
        .post(
            &admin,
            "/api/v1/inspections",
            json!({"body_id": body, "plan_id": 1, "title": "督查", "inspected_on": "2021-09-01"}),
        )
        .await;
    let (_, finding) = app
        .post(&admin, &format!("/api/v1/inspections/{}/findings", inspection["id"]), json!({"assignment_id": assignment, "action": "rectification", "description": "滞后", "deadline": "2021-10-01"}))
        .await;
    let (_, difficulty) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{assignment}/difficulties"),
            json!({"description": "难点", "routed_to": "区建设管理委"}),
        )
        .await;
    let (_, situation) = app
        .post(
            &unit,
            &format!("/api/v1/tasks/{task}/situations"),
            json!({"text": "突发情况"}),
        )
        .await;
    let seed = include_str!("../../plan/tests/fixtures/changning-2021-plan.txt")
        .replace("竣工 150 台", "竣工 160 台");

    // (method, path, body, roles allowed)
    let writes: Vec<(&str, String, Value, &[&str])> = vec![
        (
            "post",
            format!("/api/v1/assignments/{assignment}/claim"),
            json!({"version": 99}),
            &["admin", "own unit"],
        ),
        (
            "post",
            format!("/api/v1/assignments/{assignment}/start"),
            json!({"version": 99}),
            &["admin", "own unit"],
        ),
        (
            "post",
            format!("/api/v1/assignments/{assignment}/declare-done"),
            json!({"version": 99}),
            &["admin", "own unit"],
        ),
        (
            "post",
            format!("/api/v1/assignments/{assignment}/verify"),
            json!({"version": 99}),
            &["admin", "supervisor"],
        ),
        (
            "post",
            format!("/api/v1/assignments/{assignment}/reject"),
            json!({"version": 99, "reason": "x"}),
            &["admin", "supervisor"],
        ),
        (
            "post",
            format!("/api/v1/assignments/{assignment}/measures"),
            json!({"description": "x", "responsible_person": "x", "deadline": "2021-12-31"}),
            &["admin", "own unit"],
        ),
        (
            "put",
            format!("/api/v1/measures/{}", measure["id"]),
            json!({"description": "x", "responsible_person": "x", "deadline": "2021-12-31", "version": 99}),
            &["admin", "own unit"],
        ),
        (
            "post",
            format!("/api/v1/assignments/{assignment}/reports"),
            json!({"period": "2021-07", "narrative": "x"}),
            &["admin", "own unit"],
        ),
        (
            "post",
            format!("/api/v1/assignments/{assignment}/period-reopenings"),
            json!({"period": "2021-08", "reason": "x"}),
            &["admin", "supervisor"],
        ),
        (
            "post",
            "/api/v1/plans/1/unreported/urge".to_string(),
            json!({"message": "请报送"}),
            &["admin", "supervisor"],
        ),
        (
            "put",
            "/api/v1/plans/1/public-page".to_string(),
            json!({"enabled": false, "fields": [], "version": 99}),
            &["admin", "supervisor"],
        ),
        (
            "post",
            format!("/api/v1/assignments/{assignment}/difficulties"),
            json!({"description": "x", "routed_to": "x"}),
            &["admin", "own unit"],
        ),
        (
            "post",
            format!("/api/v1/difficulties/{}/resolve", difficulty["id"]),
            json!({"version": 99, "answer": "x"}),
            &["admin", "supervisor", "leader"],
        ),
        (
            "post",
            format!("/api/v1/tasks/{task}/situations"),
            json!({"text": "x"}),
            &["admin", "supervisor", "own unit"],
        ),
        (
            "post",
            format!("/api/v1/situations/{}/acknowledge", situation["id"]),
            json!({"version": 99}),
            &["admin", "supervisor"],
        ),
        (
            "post",
            format!("/api/v1/tasks/{task}/instructions"),
            json!({"text": "x"}),
            &["admin", "leader"],
        ),
        (
            "post",
            format!("/api/v1/tasks/{task}/comments"),
            json!({"text": "x"}),
            &["admin", "supervisor", "leader", "own unit"],
        ),
        (
            "post",
            format!("/api/v1/tasks/{task}/assignments"),
            json!({"unit": "区财政局", "role": "co"}),
            &["admin", "supervisor"],
        ),
        (
            "post",
            "/api/v1/inspections".into(),
            json!({"body_id": body, "plan_id": 1, "title": "x", "inspected_on": "2021-09-01"}),
            &["admin", "supervisor"],
        ),
        (
            "post",
            format!("/api/v1/inspections/{}/findings", inspection["id"]),
            json!({"assignment_id": assignment, "action": "reminder", "description": "x"}),
            &["admin", "supervisor"],
        ),
        (
            "post",
            format!("/api/v1/findings/{}/respond", finding["id"]),
            json!({"version": 99, "text": "x"}),
            &["admin", "own unit"],
        ),
        (
            "post",
            format!("/api/v1/findings/{}/verify", finding["id"]),
            json!({"version": 99}),
            &["admin", "supervisor"],
        ),
        (
            "post",
            format!("/api/v1/findings/{}/reopen", finding["id"]),
            json!({"version": 99, "text": "x"}),
            &["admin", "supervisor"],
        ),
        (
            "post",
            format!("/api/v1/assignments/{assignment}/evaluations"),
            json!({"round": "2021", "body_id": body, "scores": {"completion": 1, "innovation": 1, "effect": 1, "attitude": 1}}),
            &["admin", "supervisor"],
        ),
        (
            "put",
            "/api/v1/settings/evaluation-weights".into(),
            json!({"weights": {"completion": 40, "innovation": 20, "effect": 25, "attitude": 15}, "version": 99}),
            &["admin"],
        ),
    ];
    let mut sessions = Vec::new();
    for role in ROLES {
        let session = match role {
            "anonymous" => client(),
            "own unit" => app.signed_in("区房管局").await,
            "other unit" => app.signed_in("区教育局").await,
            name => app.signed_in(name).await,
        };
        sessions.push((role, session));
    }
    let mut checked = 0;
    for (method, path, body, allowed) in &writes {
        for (role, session) in &sessions {
            let (status, answer) = match *method {
                "put" => app.put(session, path, body.clone()).await,
                _ => app.post(session, path, body.clone()).await,
            };
            match *role {
                "anonymous" => {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{role} → {method} {path}")
                }
                r if allowed.contains(&r) => assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{role} → {method} {path}: allowed, got {status} {answer}"
                ),
                _ => assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} → {method} {path}: {answer}"
                ),
            }
            checked += 1;
        }
    }
    // Raw-body writes: evidence files and plan revisions.
    for (role, session) in &sessions {
        let evidence = session
            .post(format!(
                "{}/api/v1/reports/{}/attachments?name=a.txt",
                app.base, report["id"]
            ))
            .body("证明")
            .send()
            .await
            .unwrap()
            .status();
        let revision = session
            .post(format!(
                "{}/api/v1/plans/1/revisions?name=r.txt&dry_run=true",
                app.base
            ))
            .body(seed.clone())
            .send()
            .await
            .unwrap()
            .status();
        let expect = |allowed: &[&str]| match *role {
            "anonymous" => StatusCode::UNAUTHORIZED,
            r if allowed.contains(&r) => StatusCode::OK,
            _ => StatusCode::FORBIDDEN,
        };
        assert_eq!(
            evidence,
            expect(&["admin", "own unit"]),
            "{role} → evidence"
        );
        assert_eq!(
            revision,
            expect(&["admin", "supervisor"]),
            "{role} → revision"
        );
        checked += 2;
    }
    assert_eq!(checked, (writes.len() + 2) * ROLES.len());
}

on_both_backends!(every_write_endpoint_by_every_role);
