//! Items opened from any source (立项), approval, 交办, 签收 and 退回 with the
//! office's re-assignment, and extensions (延期), through the API on both
//! databases. Every refusal leaves the record as it was.

mod common;

use std::sync::Arc;

use common::TestDb;
use common::app::{TestApp, error_code, serve_with};
use duban::clock::ShiftedClock;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The demo on 2021-06-15 with a clock the test can move.
async fn app_with_clock(test: &TestDb) -> (TestApp, Arc<ShiftedClock>) {
    let start = duban::commands::demo::start_of("2021-06-15").unwrap();
    let clock = Arc::new(ShiftedClock::starting_at(start));
    duban::commands::demo::prepare_with(&test.db, clock.as_ref())
        .await
        .expect("demo data");
    (serve_with(test, clock.clone()).await, clock)
}

fn instruction(title: &str, needs_approval: bool) -> Value {
    json!({
        "source": "leader_instruction",
        "source_ref": "区长批示（2021年6月10日，区府批〔2021〕35号）",
        "title": title,
        "content": "对虹桥路沿线积水点开展专项排查，制定整改方案并限期完成。",
        "required_result": "排查报告一份，积水点整改完毕",
        "deadline": "2021-07-05",
        "lead_units": ["区房管局"],
        "co_units": ["区建设管理委"],
        "needs_approval": needs_approval,
    })
}

async fn item_count(app: &TestApp, client: &reqwest::Client) -> usize {
    let (_, body) = app.get(client, "/api/v1/items").await;
    body["items"].as_array().unwrap().len()
}

fn assignment_of<'a>(detail: &'a Value, unit: &str) -> &'a Value {
    detail["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == unit)
        .unwrap_or_else(|| panic!("{unit} holds no assignment in {detail}"))
}

async fn open_approve_and_hand_out(test: &TestDb) {
    let (app, _clock) = app_with_clock(test).await;
    let office = app.signed_in("supervisor").await;
    let admin = app.signed_in("admin").await;
    let leader = app.signed_in("leader").await;
    let unit = app.signed_in("区房管局").await;

    // Bad input is refused by field, and nothing is written.
    for (change, field) in [
        (json!({"source": "rumour"}), "source"),
        (json!({"lead_units": []}), "lead_units"),
        (json!({"lead_units": ["区不存在局"]}), "lead_units"),
        (json!({"co_units": ["区房管局"]}), "co_units"),
        (json!({"deadline": "2021-06-01"}), "deadline"),
        (json!({"deadline": "next week"}), "deadline"),
        (json!({"title": "  "}), "title"),
        (json!({"source_ref": ""}), "source_ref"),
    ] {
        let mut request = instruction("排查积水点", false);
        for (key, value) in change.as_object().unwrap() {
            request[key] = value.clone();
        }
        let (status, body) = app.post(&office, "/api/v1/items", request).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{change}: {body}"
        );
    }
    let (status, _) = app
        .post(&unit, "/api/v1/items", instruction("排查积水点", false))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a unit does not open items");
    assert_eq!(item_count(&app, &office).await, 0);

    // Opened with approval: numbered, waiting, not yet anyone's work.
    let (status, opened) = app
        .post(
            &admin,
            "/api/v1/items",
            instruction("虹桥路积水点专项整治", true),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    assert_eq!(opened["number"], "督〔2021〕1号");
    assert_eq!(opened["state"], "awaiting_approval");
    let id = opened["id"].as_i64().unwrap();
    let (_, detail) = app.get(&office, &format!("/api/v1/items/{id}")).await;
    assert_eq!(detail["assignments"].as_array().unwrap().len(), 0);
    assert_eq!(detail["units"][0]["role"], "lead");
    assert_eq!(detail["units"][1]["name"], "区建设管理委");
    assert_eq!(item_count(&app, &unit).await, 0, "not the unit's yet");

    // Approval: never by the one who opened it; a refusal needs a reason.
    let decision = format!("/api/v1/items/{id}/decision");
    let (status, _) = app
        .post(&admin, &decision, json!({"version": 1, "approve": true}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(&office, &decision, json!({"version": 1, "approve": true}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a supervisor does not approve"
    );
    let (status, body) = app
        .post(&leader, &decision, json!({"version": 1, "approve": false}))
        .await;
    assert_eq!(body["error"]["field"], "note", "{status}");
    let (status, approved) = app
        .post(&leader, &decision, json!({"version": 1, "approve": true}))
        .await;
    assert_eq!(
        (status, approved["state"].as_str()),
        (StatusCode::OK, Some("assigned"))
    );
    assert_eq!(approved["decided_by"], "user:leader");
    let (status, body) = app
        .post(&leader, &decision, json!({"version": 2, "approve": true}))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "invalid_transition")
    );

    // 交办: each unit holds its assignment, to be signed within 3 working days.
    let (_, detail) = app.get(&office, &format!("/api/v1/items/{id}")).await;
    let lead = assignment_of(&detail, "区房管局");
    assert_eq!(lead["role"], "lead");
    assert_eq!(lead["state"], "assigned");
    assert_eq!(lead["sign_by"], "2021-06-18");
    assert_eq!(item_count(&app, &unit).await, 1, "now the unit's");

    // The item is a task of the year's register, readable like any task.
    let task = detail["item"]["task_id"].as_i64().unwrap();
    let plan = detail["item"]["plan_id"].as_i64().unwrap();
    let (_, tasks) = app
        .get(&office, &format!("/api/v1/plans/{plan}/tasks"))
        .await;
    assert_eq!(tasks["tasks"][0]["id"], task);
    assert_eq!(tasks["tasks"][0]["title"], "虹桥路积水点专项整治");
    assert_eq!(tasks["tasks"][0]["deadline"]["date"], "2021-07-05");

    // Without approval an item is handed out at once, and numbered next.
    let (_, second) = app
        .post(
            &office,
            "/api/v1/items",
            instruction("古北路积水点整治", false),
        )
        .await;
    assert_eq!(second["number"], "督〔2021〕2号");
    assert_eq!(second["state"], "assigned");
    assert_eq!(second["plan_id"], plan, "one register a year");

    // The office's own number format applies from the next item on.
    let (status, body) = app
        .put(&admin, "/api/v1/settings/items", json!({"number_format": "督办〔{year}〕", "sign_days": 3, "extension_approver": "supervisor", "version": 0}))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("number_format"))
    );
    let (status, _) = app
        .put(&admin, "/api/v1/settings/items", json!({"number_format": "长督〔{year}〕第{seq}号", "sign_days": 5, "extension_approver": "supervisor", "version": 0}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, third) = app
        .post(&office, "/api/v1/items", json!({
            "source": "cppcc_proposal", "source_ref": "区政协十四届五次会议第0123号提案",
            "title": "关于加强老旧小区停车管理的提案", "content": "建议统筹利用周边资源，缓解停车难。",
            "required_result": "答复提案人并落实措施", "deadline": "2021-08-31",
            "lead_units": ["区建设管理委"], "co_units": ["各街道"],
        }))
        .await;
    assert_eq!(third["number"], "长督〔2021〕第3号", "{third}");
    let (_, detail) = app
        .get(&office, &format!("/api/v1/items/{}", third["id"]))
        .await;
    assert_eq!(
        detail["assignments"].as_array().unwrap().len(),
        10,
        "the lead and the nine streets"
    );
    assert_eq!(
        assignment_of(&detail, "区建设管理委")["sign_by"],
        "2021-06-22"
    );

    let (_, listed) = app.get(&office, "/api/v1/items?year=2021").await;
    let numbers: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers,
        ["长督〔2021〕第3号", "督〔2021〕2号", "督〔2021〕1号"]
    );
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
}

async fn sign_return_and_reassign(test: &TestDb) {
    let (app, _clock) = app_with_clock(test).await;
    let office = app.signed_in("supervisor").await;
    let housing = app.signed_in("区房管局").await;
    let building = app.signed_in("区建设管理委").await;
    let civil = app.signed_in("区民政局").await;
    let (_, item) = app
        .post(
            &office,
            "/api/v1/items",
            instruction("虹桥路积水点专项整治", false),
        )
        .await;
    let id = item["id"].as_i64().unwrap();
    let (_, detail) = app.get(&office, &format!("/api/v1/items/{id}")).await;
    let lead = assignment_of(&detail, "区房管局")["assignment_id"]
        .as_i64()
        .unwrap();
    let co = assignment_of(&detail, "区建设管理委")["assignment_id"]
        .as_i64()
        .unwrap();

    // The lead unit returns it: wrong unit. Another unit may not.
    let back = json!({"version": 1, "reason_kind": "wrong_unit", "reason": "积水点整治属区建设管理委职责", "suggested_unit": "区民政局"});
    let (status, _) = app
        .post(
            &civil,
            &format!("/api/v1/assignments/{lead}/return"),
            back.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, bad) = app
        .post(
            &housing,
            &format!("/api/v1/assignments/{lead}/return"),
            json!({"version": 1, "reason_kind": "bored", "reason": "x"}),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_kind"))
    );
    let (status, returned) = app
        .post(
            &housing,
            &format!("/api/v1/assignments/{lead}/return"),
            back.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{returned}");
    assert_eq!(returned["unit"], "区房管局");
    assert_eq!(returned["decision"], Value::Null);
    // Returned: it can be neither signed nor returned again while it waits.
    let (status, _) = app
        .post(
            &housing,
            &format!("/api/v1/assignments/{lead}/claim"),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app
        .post(
            &housing,
            &format!("/api/v1/assignments/{lead}/return"),
            json!({"version": 2, "reason_kind": "other", "reason": "again"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, waiting) = app.get(&office, "/api/v1/handover/waiting").await;
    assert_eq!(waiting["returns"][0]["id"], returned["id"]);
    let (status, _) = app.get(&housing, "/api/v1/handover/waiting").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The office re-assigns it; refusals first.
    let decide = format!("/api/v1/returns/{}/decision", returned["id"]);
    let (status, _) = app
        .post(
            &housing,
            &decide,
            json!({"version": 1, "decision": "reassign", "unit": "区民政局"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = app
        .post(
            &office,
            &decide,
            json!({"version": 1, "decision": "reassign", "unit": "区建设管理委"}),
        )
        .await;
    assert_eq!(
        body["error"]["field"], "unit",
        "the co unit already holds the task: {body}"
    );
    let (_, body) = app
        .post(&office, &decide, json!({"version": 1, "decision": "keep"}))
        .await;
    assert_eq!(body["error"]["field"], "note");
    let (status, decided) = app
        .post(
            &office,
            &decide,
            json!({"version": 1, "decision": "reassign", "unit": "区民政局", "note": "按职责改派"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["decision"], "reassigned");
    assert_eq!(decided["to_unit"], "区民政局");
    let (status, _) = app
        .post(
            &office,
            &decide,
            json!({"version": 2, "decision": "keep", "note": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");

    // The new unit holds it and signs (签收); the time is kept.
    let (_, moved) = app
        .get(&civil, &format!("/api/v1/assignments/{lead}"))
        .await;
    assert_eq!(moved["unit"], "区民政局");
    assert_eq!(moved["returned"], false);
    assert_eq!(moved["claimed_at"], Value::Null);
    let version = moved["version"].as_i64().unwrap();
    let (status, signed) = app
        .post(
            &civil,
            &format!("/api/v1/assignments/{lead}/claim"),
            json!({"version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    let (_, signed) = app
        .get(&civil, &format!("/api/v1/assignments/{lead}"))
        .await;
    assert!(signed["claimed_at"].as_i64().is_some());
    let (status, _) = app
        .get(&housing, &format!("/api/v1/assignments/{lead}"))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "no longer the returning unit's"
    );

    // Signed work cannot be returned.
    let (status, body) = app
        .post(
            &civil,
            &format!("/api/v1/assignments/{lead}/return"),
            json!({"version": signed["version"], "reason_kind": "other", "reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("signed"),
        "{body}"
    );

    // The co unit returns too; the office keeps it there with a reason.
    let (_, returned) = app
        .post(
            &building,
            &format!("/api/v1/assignments/{co}/return"),
            json!({"version": 1, "reason_kind": "not_our_remit", "reason": "非本单位职责"}),
        )
        .await;
    let (status, kept) = app
        .post(
            &office,
            &format!("/api/v1/returns/{}/decision", returned["id"]),
            json!({"version": 1, "decision": "keep", "note": "积水点设施养护属本单位职责，请签收"}),
        )
        .await;
    assert_eq!(
        (status, kept["decision"].as_str()),
        (StatusCode::OK, Some("kept"))
    );
    let (_, kept) = app
        .get(&building, &format!("/api/v1/assignments/{co}"))
        .await;
    assert_eq!(kept["returned"], false);
    assert_eq!(kept["unit"], "区建设管理委");
    let (_, history) = app
        .get(&building, &format!("/api/v1/assignments/{co}/handover"))
        .await;
    assert_eq!(
        history["returns"][0]["decision_note"],
        "积水点设施养护属本单位职责，请签收"
    );
    let (_, detail) = app.get(&office, &format!("/api/v1/items/{id}")).await;
    assert_eq!(detail["returns"].as_array().unwrap().len(), 2);
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
}

async fn extensions_are_asked_and_decided(test: &TestDb) {
    let (app, clock) = app_with_clock(test).await;
    let office = app.signed_in("supervisor").await;
    let admin = app.signed_in("admin").await;
    let leader = app.signed_in("leader").await;
    let housing = app.signed_in("区房管局").await;
    let (_, item) = app
        .post(
            &office,
            "/api/v1/items",
            instruction("虹桥路积水点专项整治", false),
        )
        .await;
    let (_, detail) = app
        .get(&office, &format!("/api/v1/items/{}", item["id"]))
        .await;
    let lead = assignment_of(&detail, "区房管局")["assignment_id"]
        .as_i64()
        .unwrap();
    let ask = format!("/api/v1/assignments/{lead}/extensions");

    let (_, body) = app
        .post(
            &housing,
            &ask,
            json!({"requested_to": "2021-07-01", "reason": "汛期施工受限"}),
        )
        .await;
    assert_eq!(
        body["error"]["field"], "requested_to",
        "not after the deadline: {body}"
    );
    let (_, body) = app
        .post(
            &housing,
            &ask,
            json!({"requested_to": "2021-07-31", "reason": " "}),
        )
        .await;
    assert_eq!(body["error"]["field"], "reason");
    let (status, asked) = app
        .post(
            &housing,
            &ask,
            json!({"requested_to": "2021-07-31", "reason": "汛期施工受限，需避开强降雨"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{asked}");
    assert_eq!(asked["deadline_before"], "2021-07-05");
    assert_eq!(asked["late"], false);
    assert_eq!(asked["state"], "pending");
    let (status, _) = app
        .post(
            &housing,
            &ask,
            json!({"requested_to": "2021-08-31", "reason": "再延"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "one request waits at a time");

    let decide = format!("/api/v1/extensions/{}/decision", asked["id"]);
    let (status, _) = app
        .post(&housing, &decide, json!({"version": 1, "approve": true}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(&leader, &decide, json!({"version": 1, "approve": true}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "supervisors decide by default"
    );
    let (status, granted) = app
        .post(&office, &decide, json!({"version": 1, "approve": true}))
        .await;
    assert_eq!(
        (status, granted["state"].as_str()),
        (StatusCode::OK, Some("approved"))
    );

    // The granted date is the unit's; the item's own deadline stays.
    let (_, detail) = app
        .get(&office, &format!("/api/v1/items/{}", item["id"]))
        .await;
    assert_eq!(
        assignment_of(&detail, "区房管局")["extended_to"],
        "2021-07-31"
    );
    assert_eq!(
        assignment_of(&detail, "区建设管理委")["extended_to"],
        Value::Null
    );
    assert_eq!(detail["item"]["deadline"], "2021-07-05");
    assert_eq!(detail["extensions"][0]["decided_by"], "user:supervisor");

    // By setting, leaders decide; a request after the deadline is flagged late.
    let (status, _) = app
        .put(&admin, "/api/v1/settings/items", json!({"number_format": "督〔{year}〕{seq}号", "sign_days": 3, "extension_approver": "leader", "version": 0}))
        .await;
    assert_eq!(status, StatusCode::OK);
    clock.set(duban::commands::demo::start_of("2021-08-02").unwrap());
    // Sessions end after 12 hours: everyone signs in again on the new day.
    let (office, leader, housing) = (
        app.signed_in("supervisor").await,
        app.signed_in("leader").await,
        app.signed_in("区房管局").await,
    );
    let (_, late) = app
        .post(
            &housing,
            &ask,
            json!({"requested_to": "2021-08-20", "reason": "设备到货延迟"}),
        )
        .await;
    assert_eq!(late["late"], true, "{late}");
    assert_eq!(late["deadline_before"], "2021-07-31");
    let decide = format!("/api/v1/extensions/{}/decision", late["id"]);
    let (status, _) = app
        .post(&office, &decide, json!({"version": 1, "approve": true}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "now a leader's decision");
    let (_, body) = app
        .post(&leader, &decide, json!({"version": 1, "approve": false}))
        .await;
    assert_eq!(body["error"]["field"], "note");
    let (status, refused) = app
        .post(
            &leader,
            &decide,
            json!({"version": 1, "approve": false, "note": "已逾期，不予延期，请加快推进"}),
        )
        .await;
    assert_eq!(
        (status, refused["state"].as_str()),
        (StatusCode::OK, Some("refused"))
    );
    let (_, kept) = app
        .get(&housing, &format!("/api/v1/assignments/{lead}"))
        .await;
    assert_eq!(
        kept["extended_to"], "2021-07-31",
        "a refusal changes nothing"
    );
    let (_, history) = app
        .get(&housing, &format!("/api/v1/assignments/{lead}/handover"))
        .await;
    let states: Vec<&str> = history["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["approved", "refused"]);
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
}

async fn completed_rejected_once_and_closed_late(test: &TestDb) {
    let (app, clock) = app_with_clock(test).await;
    let office = app.signed_in("supervisor").await;
    let housing = app.signed_in("区房管局").await;
    let (_, item) = app
        .post(
            &office,
            "/api/v1/items",
            instruction("虹桥路积水点专项整治", false),
        )
        .await;
    let item_path = format!("/api/v1/items/{}", item["id"]);
    let (_, detail) = app.get(&office, &item_path).await;
    let lead = assignment_of(&detail, "区房管局")["assignment_id"]
        .as_i64()
        .unwrap();
    let (status, _) = app
        .post(
            &housing,
            &format!("/api/v1/assignments/{lead}/claim"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Evidence is required: neither a bare declaration nor an empty report will do.
    let (status, body) = app
        .post(
            &housing,
            &format!("/api/v1/assignments/{lead}/declare-done"),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "invalid_transition"),
        "{body}"
    );
    let complete = format!("/api/v1/assignments/{lead}/completion");
    let (status, body) = app
        .post(
            &housing,
            &complete,
            json!({"version": 2, "summary": "积水点已整改完毕"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file"))
    );
    let (_, body) = app
        .post(&housing, &complete, json!({"version": 2, "summary": "积水点已整改完毕", "evidence": [{"name": "验收.txt", "content_base64": "not base64!"}]}))
        .await;
    assert_eq!(body["error"]["field"], "evidence");
    let (_, listed) = app
        .get(&housing, &format!("/api/v1/assignments/{lead}/completions"))
        .await;
    assert_eq!(
        listed["completions"].as_array().unwrap().len(),
        0,
        "nothing half-written"
    );

    // Submitted with evidence: the work is declared done.
    let evidence = json!([{"name": "验收报告.txt", "content_base64": "6aqM5pS25oql5ZGK77ya56ev5rC054K55bey5pW05pS5"}]);
    let (status, first) = app
        .post(
            &housing,
            &complete,
            json!({"version": 2, "summary": "积水点已整改完毕", "evidence": evidence}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["deadline"], "2021-07-05");
    let (_, a) = app
        .get(&housing, &format!("/api/v1/assignments/{lead}"))
        .await;
    assert_eq!(a["state"], "done");

    // The office sends it back once (驳回), with its reason.
    let (status, _) = app
        .post(
            &office,
            &format!("/api/v1/assignments/{lead}/reject"),
            json!({"version": a["version"]}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let (status, _) = app
        .post(
            &office,
            &format!("/api/v1/assignments/{lead}/reject"),
            json!({"version": a["version"], "reason": "缺少整改前后对比照片"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Past the deadline, work not yet closed is not completed.
    clock.set(duban::commands::demo::start_of("2021-07-08").unwrap());
    let (office, housing) = (
        app.signed_in("supervisor").await,
        app.signed_in("区房管局").await,
    );
    let (_, detail) = app.get(&office, &item_path).await;
    let results: Vec<&str> = detail["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["result"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(results, ["not_completed", "not_completed"]);

    // Submitted again and accepted (办结): late, against the deadline in force.
    let (_, a) = app
        .get(&housing, &format!("/api/v1/assignments/{lead}"))
        .await;
    let (status, _) = app
        .post(
            &housing,
            &complete,
            json!({"version": a["version"], "summary": "已补充对比照片", "evidence": evidence}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, a) = app
        .get(&office, &format!("/api/v1/assignments/{lead}"))
        .await;
    let (status, _) = app
        .post(
            &office,
            &format!("/api/v1/assignments/{lead}/verify"),
            json!({"version": a["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed) = app
        .get(&office, &format!("/api/v1/assignments/{lead}/completions"))
        .await;
    let decisions: Vec<(&str, &str)> = listed["completions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["decision"].as_str().unwrap(),
                c["outcome"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(decisions, [("rejected", "-"), ("accepted", "late")]);
    assert_eq!(listed["completions"][0]["reason"], "缺少整改前后对比照片");
    let (_, detail) = app.get(&office, &item_path).await;
    assert_eq!(detail["results"][0]["result"], "late");
    assert_eq!(
        detail["results"][1]["result"], "not_completed",
        "the co unit never finished"
    );

    // The evidence is kept and served as it was sent.
    let file = listed["completions"][1]["files"][0]["id"].as_i64().unwrap();
    let bytes = housing
        .get(format!("{}/api/v1/completion-files/{file}", app.base))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&bytes), "验收报告：积水点已整改");
    let stranger = app.signed_in("区教育局").await;
    let status = stranger
        .get(format!("{}/api/v1/completion-files/{file}", app.base))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
}

on_both_backends!(open_approve_and_hand_out);
on_both_backends!(completed_rejected_once_and_closed_late);
on_both_backends!(sign_return_and_reassign);
on_both_backends!(extensions_are_asked_and_decided);

/// Items stand beside the annual plan's tasks: at the end of its ledger (not
/// under a category filter) and in its bulletin's section on items, with
/// each item's result by the item's own rule.
async fn items_stand_beside_the_annual_plan(test: &TestDb) {
    let (app, clock) = app_with_clock(test).await;
    let office = app.signed_in("supervisor").await;
    let (status, item) = app
        .post(
            &office,
            "/api/v1/items",
            instruction("虹桥路积水点专项整治", false),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    let html = app.html(&office, "/ledger?plan=1").await;
    assert!(html.contains("督办事项（2021年督办事项）"), "{html}");
    assert!(html.contains("data-task=\"督〔2021〕1号\""));
    assert!(html.contains("虹桥路积水点专项整治"));
    let filtered = app.html(&office, "/ledger?plan=1&category=一").await;
    assert!(
        !filtered.contains("虹桥路积水点专项整治"),
        "items have no category"
    );
    let bulletin = app.html(&office, "/bulletin?plan=1&period=2021-06").await;
    assert!(bulletin.contains("七、督办事项办理情况"), "{bulletin}");
    assert!(bulletin.contains("共交办督办事项1项（2021年6月新立项1项）"));
    assert!(bulletin.contains("正在办理"));

    // Past its deadline (July 5) undone: 逾期未办结.
    clock.set(duban::commands::demo::start_of("2021-07-06").unwrap());
    let office = app.signed_in("supervisor").await;
    let bulletin = app.html(&office, "/bulletin?plan=1&period=2021-07").await;
    assert!(bulletin.contains("逾期未办结"), "{bulletin}");
    assert!(bulletin.contains("共交办督办事项1项（2021年7月新立项0项）"));
}

on_both_backends!(items_stand_beside_the_annual_plan);
