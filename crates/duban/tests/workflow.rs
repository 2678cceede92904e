//! A unit's work through the API on both databases: claim, measures, declare
//! done, verify (销号) or send back; who may do each; stale edits; the audit.

mod common;

use common::TestDb;
use common::app::{TestApp, client, error_code, spawn};
use duban::service::audit::verify;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The lead assignment of task 18 (区房管局) and its unit id.
async fn task18_lead(app: &TestApp, client: &reqwest::Client) -> (i64, i64) {
    let (_, plans) = app.get(client, "/api/v1/plans").await;
    let plan = plans["plans"][0]["id"].as_i64().unwrap();
    let (_, page) = app
        .get(
            client,
            &format!("/api/v1/plans/{plan}/tasks?q=18&per_page=200"),
        )
        .await;
    let task = page["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == "18")
        .unwrap()
        .clone();
    let lead = &task["units"][0];
    assert_eq!(lead["name"], "区房管局");
    (
        lead["assignment_id"].as_i64().unwrap(),
        lead["unit_id"].as_i64().unwrap(),
    )
}

fn version(body: &Value) -> i64 {
    body["version"].as_i64().expect("a version")
}

async fn the_loop_from_claim_to_verified(test: &TestDb) {
    let app = spawn(test).await;
    let unit = app.signed_in("区房管局").await;
    let (id, unit_id) = task18_lead(&app, &unit).await;

    let (status, list) = app
        .get(&unit, &format!("/api/v1/units/{unit_id}/assignments"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        list["assignments"].as_array().unwrap().len(),
        2,
        "tasks 17 and 18"
    );

    let (status, claimed) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/claim"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    assert_eq!(
        (claimed["state"].as_str(), version(&claimed)),
        (Some("claimed"), 2)
    );
    let (status, body) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/claim"),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "invalid_transition");

    let measure = json!({"description": "完成加装电梯新开工185台", "responsible_person": "张三", "deadline": "2021-10-31"});
    let (status, added) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/measures"),
            measure,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    let (_, detail) = app.get(&unit, &format!("/api/v1/assignments/{id}")).await;
    assert_eq!(
        detail["state"], "in_progress",
        "the first measure starts the work"
    );
    assert_eq!(detail["measures"][0]["responsible_person"], "张三");

    let measure_id = added["id"].as_i64().unwrap();
    let edit = |v: i64| json!({"description": "完成加装电梯新开工185台", "responsible_person": "张三", "deadline": "2021-10-31", "done": true, "version": v});
    let (status, done) = app
        .put(&unit, &format!("/api/v1/measures/{measure_id}"), edit(1))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((done["done"].as_bool(), version(&done)), (Some(true), 2));
    let (status, body) = app
        .put(&unit, &format!("/api/v1/measures/{measure_id}"), edit(1))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale edit is refused");
    assert_eq!(error_code(&body), "conflict");

    let current = version(&detail);
    let (status, declared) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/declare-done"),
            json!({"version": current}),
        )
        .await;
    assert_eq!(
        (status, declared["state"].as_str()),
        (StatusCode::OK, Some("done"))
    );

    let office = app.signed_in("supervisor").await;
    let (status, body) = app
        .post(
            &office,
            &format!("/api/v1/assignments/{id}/reject"),
            json!({"version": version(&declared)}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "reason");
    let (status, rejected) = app
        .post(
            &office,
            &format!("/api/v1/assignments/{id}/reject"),
            json!({"version": version(&declared), "reason": "缺少竣工证明"}),
        )
        .await;
    assert_eq!(
        (status, rejected["state"].as_str()),
        (StatusCode::OK, Some("in_progress"))
    );
    assert_eq!(rejected["note"], "缺少竣工证明");

    let (_, declared) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/declare-done"),
            json!({"version": version(&rejected)}),
        )
        .await;
    let (status, body) = app
        .post(
            &office,
            &format!("/api/v1/assignments/{id}/verify"),
            json!({"version": version(&rejected)}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "conflict")
    );
    let (status, verified) = app
        .post(
            &office,
            &format!("/api/v1/assignments/{id}/verify"),
            json!({"version": version(&declared)}),
        )
        .await;
    assert_eq!(
        (status, verified["state"].as_str()),
        (StatusCode::OK, Some("verified"))
    );

    // Every step is in the chain: import, accounts, sign-ins and the moves.
    let verification = verify(&test.db).await.unwrap();
    assert_eq!(verification.broken, None);
    assert!(verification.events > 10);
}

/// What each role gets on each write: allowed (any status but 401/403), 403, or 401.
async fn the_permission_matrix(test: &TestDb) {
    let app = spawn(test).await;
    let admin = app.signed_in("admin").await;
    let (id, _) = task18_lead(&app, &admin).await;
    // A measure to edit, made by the unit itself.
    let unit = app.signed_in("区房管局").await;
    app.post(
        &unit,
        &format!("/api/v1/assignments/{id}/claim"),
        json!({"version": 1}),
    )
    .await;
    let measure =
        json!({"description": "措施", "responsible_person": "李四", "deadline": "2021-09-30"});
    let (_, added) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/measures"),
            measure,
        )
        .await;
    let measure_id = added["id"].as_i64().unwrap();

    let writes: Vec<(&str, String, Value)> = vec![
        (
            "claim",
            format!("/api/v1/assignments/{id}/claim"),
            json!({"version": 99}),
        ),
        (
            "start",
            format!("/api/v1/assignments/{id}/start"),
            json!({"version": 99}),
        ),
        (
            "declare-done",
            format!("/api/v1/assignments/{id}/declare-done"),
            json!({"version": 99}),
        ),
        (
            "verify",
            format!("/api/v1/assignments/{id}/verify"),
            json!({"version": 99}),
        ),
        (
            "reject",
            format!("/api/v1/assignments/{id}/reject"),
            json!({"version": 99, "reason": "x"}),
        ),
        (
            "add measure",
            format!("/api/v1/assignments/{id}/measures"),
            json!({"description": "x", "responsible_person": "x", "deadline": "2021-09-30"}),
        ),
        (
            "edit measure",
            format!("/api/v1/measures/{measure_id}"),
            json!({"description": "x", "responsible_person": "x", "deadline": "2021-09-30", "version": 99}),
        ),
    ];
    let unit_moves = [
        "claim",
        "start",
        "declare-done",
        "add measure",
        "edit measure",
    ];
    let office_moves = ["verify", "reject"];
    let roles: Vec<(&str, Option<reqwest::Client>)> = vec![
        ("anonymous", None),
        ("admin", Some(admin)),
        ("supervisor", Some(app.signed_in("supervisor").await)),
        ("leader", Some(app.signed_in("leader").await)),
        ("viewer", Some(app.signed_in("viewer").await)),
        ("own unit", Some(unit)),
        ("other unit", Some(app.signed_in("区教育局").await)),
    ];
    for (role, session) in &roles {
        for (name, path, body) in &writes {
            let session = session.clone().unwrap_or_else(client);
            let (status, response) = if name.starts_with("edit") {
                app.put(&session, path, body.clone()).await
            } else {
                app.post(&session, path, body.clone()).await
            };
            let allowed = match *role {
                "admin" => true,
                "supervisor" => office_moves.contains(name),
                "own unit" => unit_moves.contains(name),
                _ => false,
            };
            let expected = if *role == "anonymous" {
                Some(StatusCode::UNAUTHORIZED)
            } else if allowed {
                None
            } else {
                Some(StatusCode::FORBIDDEN)
            };
            match expected {
                Some(code) => assert_eq!(status, code, "{role} → {name}: {response}"),
                None => assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{role} → {name} should be allowed, got {status}: {response}"
                ),
            }
        }
    }
    // Reads: another unit's assignment and task list are closed to a liaison.
    let other = app.signed_in("区教育局").await;
    let (status, _) = app.get(&other, &format!("/api/v1/assignments/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, me) = app.get(&other, "/api/v1/me").await;
    let own_unit = me["unit_id"].as_i64().unwrap();
    let (status, _) = app
        .get(
            &other,
            &format!("/api/v1/units/{}/assignments", own_unit + 1),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .get(&other, &format!("/api/v1/units/{own_unit}/assignments"))
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn bad_measures_name_their_field(test: &TestDb) {
    let app = spawn(test).await;
    let unit = app.signed_in("区房管局").await;
    let (id, _) = task18_lead(&app, &unit).await;
    let path = format!("/api/v1/assignments/{id}/measures");
    let good =
        json!({"description": "措施", "responsible_person": "王五", "deadline": "2021-06-30"});
    let (status, body) = app.post(&unit, &path, good.clone()).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "invalid_transition"),
        "claim first"
    );
    app.post(
        &unit,
        &format!("/api/v1/assignments/{id}/claim"),
        json!({"version": 1}),
    )
    .await;
    for (field, value) in [
        ("deadline", json!("2021-13-40")),
        ("description", json!("  ")),
        ("responsible_person", json!("")),
    ] {
        let mut bad = good.clone();
        bad[field] = value;
        let (status, body) = app.post(&unit, &path, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(body["error"]["field"], field);
    }
    let (status, body) = app.post(&unit, &path, json!({"description": "措施"})).await;
    assert!(status.is_client_error());
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("responsible_person"),
        "{body}"
    );
    let (status, _) = app
        .post(
            &unit,
            "/api/v1/assignments/999999/claim",
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/frobnicate"),
            json!({"version": 1}),
        )
        .await;
    assert!(status.is_client_error());
    // Nothing half-stored: only the claim and no measure.
    let (_, detail) = app.get(&unit, &format!("/api/v1/assignments/{id}")).await;
    assert_eq!(detail["measures"].as_array().unwrap().len(), 0);
    assert_eq!(detail["state"], "claimed");
}

async fn the_office_assigns_by_hand(test: &TestDb) {
    let app = spawn(test).await;
    let office = app.signed_in("supervisor").await;
    // Task 6 names the open group 相关部门和国企集团: its members are assigned by hand.
    let (_, page) = app
        .get(&office, "/api/v1/plans/1/tasks?q=招商引资&per_page=1")
        .await;
    let task = &page["tasks"][0];
    assert_eq!(task["number"], "6");
    let path = format!("/api/v1/tasks/{}/assignments", task["id"]);
    let before = task["units"].as_array().unwrap().len();

    let (status, body) = app
        .post(&office, &path, json!({"unit": "区国资委", "role": "co"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["units"].as_array().unwrap().len(), before + 1);
    let (status, body) = app
        .post(&office, &path, json!({"unit": "区国资委", "role": "co"}))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    let (status, body) = app
        .post(
            &office,
            &path,
            json!({"unit": "相关部门和国企集团", "role": "co"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unit"))
    );
    let (status, body) = app
        .post(&office, &path, json!({"unit": "区外星局", "role": "co"}))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unit"))
    );
    let (status, body) = app
        .post(&office, &path, json!({"unit": "区财政局", "role": "chief"}))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("role"))
    );
    for who in ["leader", "viewer", "区投促办"] {
        let session = app.signed_in(who).await;
        let (status, _) = app
            .post(&session, &path, json!({"unit": "区财政局", "role": "co"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    // The new unit's liaison now finds the task in its list.
    let liaison = app.signed_in("区国资委").await;
    let (_, me) = app.get(&liaison, "/api/v1/me").await;
    let (_, list) = app
        .get(
            &liaison,
            &format!("/api/v1/units/{}/assignments", me["unit_id"]),
        )
        .await;
    assert!(
        list["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["task_id"] == task["id"])
    );
}

/// The seed is the 2021 plan and today is later: what is not verified is red
/// (滞后) by rule, verified work is done, and a task shows its worst unit.
async fn lights_follow_the_record(test: &TestDb) {
    let app = spawn(test).await;
    let office = app.signed_in("supervisor").await;
    let unit = app.signed_in("区房管局").await;
    let (_, page) = app.get(&office, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let task = &page["tasks"][0];
    assert_eq!(task["light"], "red");
    assert!(
        task["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["light"] == "red")
    );
    let (_, red) = app
        .get(
            &office,
            "/api/v1/plans/1/tasks?light=red&per_page=10&page=2",
        )
        .await;
    assert_eq!(
        (
            red["total"].as_i64(),
            red["tasks"].as_array().unwrap().len()
        ),
        (Some(33), 10)
    );
    assert_eq!(red["tasks"][0]["number"], "11");
    let (_, green) = app.get(&office, "/api/v1/plans/1/tasks?light=green").await;
    assert_eq!(green["total"], 0);
    let (status, body) = app.get(&office, "/api/v1/plans/1/tasks?light=purple").await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("light"))
    );

    let id = task["units"][0]["assignment_id"].as_i64().unwrap();
    let (_, claimed) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/claim"),
            json!({"version": 1}),
        )
        .await;
    let (_, declared) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/declare-done"),
            json!({"version": claimed["version"]}),
        )
        .await;
    app.post(
        &office,
        &format!("/api/v1/assignments/{id}/verify"),
        json!({"version": declared["version"]}),
    )
    .await;
    let (_, page) = app.get(&office, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let task = &page["tasks"][0];
    assert_eq!(task["units"][0]["light"], "done");
    assert_eq!(task["units"][1]["light"], "red");
    assert_eq!(task["light"], "red", "the worst of its units");
}

on_both_backends!(
    lights_follow_the_record,
    the_loop_from_claim_to_verified,
    the_permission_matrix,
    bad_measures_name_their_field,
    the_office_assigns_by_hand,
);
