//! Evaluations and their weights, and the whole loop on the seed plan, over
//! HTTP on both databases.

mod common;

use common::TestDb;
use common::app::{error_code, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn dims(c: f64, i: f64, e: f64, a: f64) -> Value {
    json!({"completion": c, "innovation": i, "effect": e, "attitude": a})
}

async fn the_whole_loop_on_the_seed(test: &TestDb) {
    let app = spawn(test).await;
    let office = app.signed_in("supervisor").await;
    let unit = app.signed_in("区房管局").await;
    let admin = app.signed_in("admin").await;

    // Imported and assigned by the demo's preparation: task 18's lead is 区房管局.
    let (_, page) = app.get(&unit, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let task = &page["tasks"][0];
    let id = task["units"][0]["assignment_id"].as_i64().unwrap();
    let target = task["targets"][1]["id"].as_i64().unwrap();
    let a = |path: &str| format!("/api/v1/assignments/{id}{path}");

    let (_, claimed) = app.post(&unit, &a("/claim"), json!({"version": 1})).await;
    app.post(&unit, &a("/measures"), json!({"description": "分街道推进加装电梯", "responsible_person": "张三", "deadline": "2021-12-31"})).await;
    // The plan year is long over on the real clock: the office reopens
    // September for the unit's report.
    let (status, _) = app
        .post(
            &office,
            &a("/period-reopenings"),
            json!({"period": "2021-09", "reason": "年终补报"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(&unit, &a("/reports"), json!({"period": "2021-09", "narrative": "新开工150台", "actuals": [{"target_id": target, "actual": 150}]}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, bodies) = app.get(&office, "/api/v1/bodies").await;
    let body_id = bodies["bodies"][0]["id"].as_i64().unwrap();
    let (_, inspection) = app
        .post(&office, "/api/v1/inspections", json!({"body_id": body_id, "plan_id": 1, "title": "年终督查", "inspected_on": "2021-11-20"}))
        .await;
    let (_, finding) = app
        .post(&office, &format!("/api/v1/inspections/{}/findings", inspection["id"]), json!({"assignment_id": id, "action": "rectification", "description": "竣工台数不足", "deadline": "2021-12-20"}))
        .await;
    let f = finding["id"].as_i64().unwrap();
    let (_, answered) = app
        .post(
            &unit,
            &format!("/api/v1/findings/{f}/respond"),
            json!({"version": 1, "text": "12月竣工150台"}),
        )
        .await;
    let (_, closed) = app
        .post(
            &office,
            &format!("/api/v1/findings/{f}/verify"),
            json!({"version": answered["version"]}),
        )
        .await;
    assert_eq!(closed["state"], "closed");
    let (_, detail) = app.get(&unit, &a("")).await;
    let (_, declared) = app
        .post(
            &unit,
            &a("/declare-done"),
            json!({"version": detail["version"]}),
        )
        .await;
    let (_, verified) = app
        .post(
            &office,
            &a("/verify"),
            json!({"version": declared["version"]}),
        )
        .await;
    assert_eq!(verified["state"], "verified");
    assert!(claimed["version"].as_i64().unwrap() < verified["version"].as_i64().unwrap());

    // Weights: defaults until the admin changes them, which only the admin may.
    let (_, weights) = app
        .get(&office, "/api/v1/settings/evaluation-weights")
        .await;
    assert_eq!(
        (weights["weights"].clone(), weights["version"].as_i64()),
        (dims(40.0, 20.0, 25.0, 15.0), Some(0))
    );
    let path = "/api/v1/settings/evaluation-weights";
    let (status, _) = app
        .put(
            &office,
            path,
            json!({"weights": dims(50.0, 20.0, 20.0, 10.0), "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .put(
            &admin,
            path,
            json!({"weights": dims(50.0, 20.0, 20.0, 20.0), "version": 0}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("weights"))
    );
    let (status, set) = app
        .put(
            &admin,
            path,
            json!({"weights": dims(50.0, 20.0, 20.0, 10.0), "version": 0}),
        )
        .await;
    assert_eq!((status, set["version"].as_i64()), (StatusCode::OK, Some(1)));
    let (status, body) = app
        .put(
            &admin,
            path,
            json!({"weights": dims(40.0, 20.0, 25.0, 15.0), "version": 0}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "conflict")
    );

    // The evaluation, weighted with the weights in force.
    let evaluation = json!({"round": "2021", "body_id": body_id, "scores": dims(90.0, 80.0, 85.0, 100.0), "comment": "按期完成"});
    let (status, _) = app
        .post(&unit, &a("/evaluations"), evaluation.clone())
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a unit does not score itself"
    );
    let (status, scored) = app
        .post(&office, &a("/evaluations"), evaluation.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{scored}");
    // 90×0.5 + 80×0.2 + 85×0.2 + 100×0.1 = 88
    assert_eq!(scored["weighted"], 88.0);
    assert_eq!(scored["weights"], dims(50.0, 20.0, 20.0, 10.0));
    let (status, body) = app.post(&office, &a("/evaluations"), evaluation).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "invalid_transition"),
        "once per body and round"
    );
    let bad = [
        (
            json!({"round": "2021", "body_id": body_id, "scores": dims(101.0, 0.0, 0.0, 0.0)}),
            "completion",
        ),
        (
            json!({"round": "21", "body_id": body_id, "scores": dims(1.0, 1.0, 1.0, 1.0)}),
            "round",
        ),
        (
            json!({"round": "2021-H1", "body_id": 999, "scores": dims(1.0, 1.0, 1.0, 1.0)}),
            "body_id",
        ),
    ];
    for (request, field) in bad {
        // An admin acts for any body, so a missing body is a bad field for it.
        let (status, body) = app.post(&admin, &a("/evaluations"), request).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field))
        );
    }
    let (_, listed) = app.get(&unit, &a("/evaluations")).await;
    assert_eq!(listed["evaluations"].as_array().unwrap().len(), 1);
    let other = app.signed_in("区教育局").await;
    let (status, _) = app.get(&other, &a("/evaluations")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let verification = duban::service::audit::verify(&test.db).await.unwrap();
    assert_eq!(verification.broken, None);
}

on_both_backends!(the_whole_loop_on_the_seed);
