//! Progress reports with target actuals, on both databases.

mod common;

use common::TestDb;
use common::app::{error_code, spawn_at};
use reqwest::StatusCode;
use serde_json::json;

async fn reports_carry_the_figures_reached(test: &TestDb) {
    let app = spawn_at(test, "2021-06-28").await;
    let unit = app.signed_in("区房管局").await;
    let (_, page) = app.get(&unit, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let task = &page["tasks"][0];
    assert_eq!(task["number"], "18");
    let targets = task["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 4);
    assert_eq!(targets[1]["metric"], "既有多层住宅加装电梯新开工");
    assert_eq!(
        (targets[1]["op"].as_str(), targets[1]["value"].as_f64()),
        (Some(">="), Some(185.0))
    );
    let started = targets[1]["id"].as_i64().unwrap();
    let id = task["units"][0]["assignment_id"].as_i64().unwrap();
    let path = format!("/api/v1/assignments/{id}/reports");
    // May's window closed on June 7: the office reopens it for a late report.
    common::record::reopen(&test.db, &common::record::at("2021-06-28"), id, "2021-05").await;
    let report = json!({"period": "2021-05", "narrative": "五月底新开工120台", "actuals": [{"target_id": started, "actual": 120}]});

    let (status, body) = app.post(&unit, &path, report.clone()).await;
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

    let (status, saved) = app.post(&unit, &path, report.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["period"], "2021-05");
    assert_eq!(saved["actuals"][0]["actual"], 120.0);
    assert_eq!(saved["submitted_by"], "user:区房管局");
    let (status, body) = app.post(&unit, &path, report).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "invalid_transition"),
        "one report a period"
    );

    // July has not begun on June 28: no report is filed ahead.
    let (status, body) = app
        .post(
            &unit,
            &path,
            json!({"period": "2021-07", "narrative": "七月计划"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("period")),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2021-07 has not begun"),
        "{body}"
    );

    // Figures for two targets at once, read back in target order.
    let finished = targets[2]["id"].as_i64().unwrap();
    let (status, _) = app
        .post(
            &unit,
            &path,
            json!({"period": "2021-06", "narrative": "六月累计150台", "actuals": [
            {"target_id": finished, "actual": 90}, {"target_id": started, "actual": 150}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed) = app.get(&unit, &path).await;
    let periods: Vec<&str> = listed["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2021-06", "2021-05"]);
    let figures: Vec<(i64, f64)> = listed["reports"][0]["actuals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["target_id"].as_i64().unwrap(),
                a["actual"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(figures, [(started, 150.0), (finished, 90.0)]);

    // Bad input names its field and stores nothing.
    let cases = [
        (json!({"period": "2021-13", "narrative": "x"}), "period"),
        (json!({"period": "2021-07", "narrative": "  "}), "narrative"),
        (
            json!({"period": "2021-07", "narrative": "x", "actuals": [{"target_id": started, "actual": -1}]}),
            "actuals",
        ),
        (
            json!({"period": "2021-07", "narrative": "x", "actuals": [{"target_id": 999_999, "actual": 1}]}),
            "actuals",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = app.post(&unit, &path, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["error"]["field"], field);
    }
    let (_, listed) = app.get(&unit, &path).await;
    assert_eq!(listed["reports"].as_array().unwrap().len(), 2);

    // Another unit may neither report here nor read these reports; the office reads them.
    let other = app.signed_in("区教育局").await;
    let (status, _) = app
        .post(
            &other,
            &path,
            json!({"period": "2021-08", "narrative": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&other, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let office = app.signed_in("supervisor").await;
    let (status, _) = app
        .post(
            &office,
            &path,
            json!({"period": "2021-08", "narrative": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, listed) = app.get(&office, &path).await;
    assert_eq!(
        (status, listed["reports"].as_array().unwrap().len()),
        (StatusCode::OK, 2)
    );
}

async fn evidence_files_are_checked_and_kept(test: &TestDb) {
    let app = spawn_at(test, "2021-06-28").await;
    let unit = app.signed_in("区房管局").await;
    let (_, page) = app.get(&unit, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let id = page["tasks"][0]["units"][0]["assignment_id"]
        .as_i64()
        .unwrap();
    app.post(
        &unit,
        &format!("/api/v1/assignments/{id}/claim"),
        json!({"version": 1}),
    )
    .await;
    let (_, report) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/reports"),
            json!({"period": "2021-06", "narrative": "上半年进展"}),
        )
        .await;
    let report = report["id"].as_i64().unwrap();
    let upload = |name: &str, bytes: Vec<u8>, client: &reqwest::Client| {
        client
            .post(format!("{}/api/v1/reports/{report}/attachments", app.base))
            .query(&[("name", name)])
            .body(bytes)
            .send()
    };

    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    let response = upload("竣工验收证明.pdf", pdf.clone(), &unit)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let saved: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        (saved["content_type"].as_str(), saved["size"].as_i64()),
        (Some("application/pdf"), Some(pdf.len() as i64))
    );

    // A renamed executable, an unaccepted kind, an empty file: refused, nothing stored.
    for (name, bytes) in [
        ("照片.pdf", b"MZ\x90\x00".to_vec()),
        ("tool.exe", b"MZ".to_vec()),
        ("空.pdf", Vec::new()),
    ] {
        let response = upload(name, bytes, &unit).await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["field"], "file");
    }
    // Larger than the server's limit (64 KiB in the test server): 413.
    let response = upload("big.txt", vec![b'a'; 100 * 1024], &unit)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let other = app.signed_in("区教育局").await;
    assert_eq!(
        upload("x.txt", b"x".to_vec(), &other)
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    let (_, listed) = app
        .get(&unit, &format!("/api/v1/reports/{report}/attachments"))
        .await;
    assert_eq!(listed["attachments"].as_array().unwrap().len(), 1);
    let (status, _) = app
        .get(&other, &format!("/api/v1/reports/{report}/attachments"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let office = app.signed_in("supervisor").await;
    let response = office
        .get(format!("{}/api/v1/attachments/{}", app.base, saved["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("UTF-8''%E7%AB%A3"), "{disposition}");
    assert_eq!(
        response.bytes().await.unwrap().to_vec(),
        pdf,
        "the file comes back byte for byte"
    );
    let (status, _) = app
        .get(&other, &format!("/api/v1/attachments/{}", saved["id"]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

on_both_backends!(
    reports_carry_the_figures_reached,
    evidence_files_are_checked_and_kept
);

/// Co-units report to the lead unit, which reads their reports and names
/// the ones its own report of the period consolidates (汇总); nobody else
/// reads them, and a report of another period or task is refused.
async fn co_units_report_to_the_lead_which_consolidates(test: &TestDb) {
    let app = spawn_at(test, "2021-06-28").await;
    let office = app.signed_in("supervisor").await;
    let (_, page) = app.get(&office, "/api/v1/plans/1/tasks?per_page=100").await;
    let tasks = page["tasks"].as_array().unwrap();
    let role = |u: &serde_json::Value| u["role"].as_str().unwrap_or_default().to_string();
    let task = tasks
        .iter()
        .find(|t| {
            let units = t["units"].as_array().unwrap();
            units.iter().filter(|u| role(u) == "lead").count() == 1
                && units.iter().filter(|u| role(u) == "co").count() >= 2
        })
        .expect("a task with one lead and two co units");
    let units = task["units"].as_array().unwrap();
    let lead = units.iter().find(|u| role(u) == "lead").unwrap();
    let cos: Vec<&serde_json::Value> = units.iter().filter(|u| role(u) == "co").collect();
    let id = |u: &serde_json::Value| u["assignment_id"].as_i64().unwrap();
    let name = |u: &serde_json::Value| u["name"].as_str().unwrap().to_string();
    let (lead_client, co_a, co_b) = (
        app.signed_in(&name(lead)).await,
        app.signed_in(&name(cos[0])).await,
        app.signed_in(&name(cos[1])).await,
    );
    for (client, u) in [(&lead_client, lead), (&co_a, cos[0]), (&co_b, cos[1])] {
        let (status, _) = app
            .post(
                client,
                &format!("/api/v1/assignments/{}/claim", id(u)),
                json!({"version": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let june_a = send(&app, &co_a, id(cos[0]), "2021-06", "配合单位甲：完成摸底").await;
    // May, reopened by the office for a late report: another period.
    common::record::reopen(
        &test.db,
        &common::record::at("2021-06-28"),
        id(cos[1]),
        "2021-05",
    )
    .await;
    let may_b = send(&app, &co_b, id(cos[1]), "2021-05", "配合单位乙：五月补报").await;

    // The lead reads its co-units' reports; a co-unit does not read the lead's view.
    let co_reports = format!("/api/v1/assignments/{}/co-reports", id(lead));
    let june = june_of(&app, &lead_client, &co_reports).await;
    let sent: Vec<&str> = june["co_units"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["report"]["narrative"].as_str())
        .collect();
    assert_eq!(sent, ["配合单位甲：完成摸底"]);
    let (status, _) = app.get(&co_a, &co_reports).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .get(
            &office,
            &format!("/api/v1/assignments/{}/co-reports", id(cos[0])),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a co assignment consolidates nothing"
    );

    // The lead's June report consolidates June's co report; May's is refused,
    // and the refusal writes nothing.
    let lead_reports = format!("/api/v1/assignments/{}/reports", id(lead));
    let (status, body) = app
        .post(
            &lead_client,
            &lead_reports,
            json!({"period": "2021-06", "narrative": "汇总", "consolidates": [june_a["id"], may_b["id"]]}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("consolidates")),
        "{body}"
    );
    let (_, none) = app.get(&lead_client, &lead_reports).await;
    assert_eq!(none["reports"].as_array().unwrap().len(), 0);
    let (status, saved) = app
        .post(
            &lead_client,
            &lead_reports,
            json!({"period": "2021-06", "narrative": "六月汇总：各配合单位完成摸底", "consolidates": [june_a["id"]]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let june = june_of(&app, &office, &co_reports).await;
    assert_eq!(june["lead_report"]["id"], saved["id"]);
    assert_eq!(june["consolidates"], json!([june_a["id"]]));
    // A co-unit's report cannot consolidate (May reopened for it too).
    common::record::reopen(
        &test.db,
        &common::record::at("2021-06-28"),
        id(cos[0]),
        "2021-05",
    )
    .await;
    let body = send(&app, &co_b, id(cos[1]), "2021-06", "乙").await;
    assert!(body["id"].is_i64(), "{body}");
    let (_, body) = app
        .post(
            &co_a,
            &format!("/api/v1/assignments/{}/reports", id(cos[0])),
            json!({"period": "2021-05", "narrative": "x", "consolidates": [may_b["id"]]}),
        )
        .await;
    assert_eq!(body["error"]["field"], "consolidates", "{body}");
}

/// June in a lead assignment's co-units view, as `client` reads it.
async fn june_of(
    app: &common::app::TestApp,
    client: &reqwest::Client,
    path: &str,
) -> serde_json::Value {
    let (status, view) = app.get(client, path).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["period"] == "2021-06")
        .cloned()
        .expect("June")
}

/// A unit's report of a period, as sent.
async fn send(
    app: &common::app::TestApp,
    client: &reqwest::Client,
    assignment: i64,
    period: &str,
    text: &str,
) -> serde_json::Value {
    let path = format!("/api/v1/assignments/{assignment}/reports");
    let (status, body) = app
        .post(client, &path, json!({"period": period, "narrative": text}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

on_both_backends!(co_units_report_to_the_lead_which_consolidates);
