//! Report periods and lights that remember, through the API on both
//! databases: the 未报送 board and its one 催办 to all; a closed period
//! locked, reopened only by the office with a reason (audited); a red period
//! turning yellow, not green, once the unit catches up, and green in the next
//! period with the miss kept in the light history; a passed deadline in force
//! turning the light red, and a granted extension lifting it to yellow.

mod common;

use common::TestDb;
use common::app::TestApp;
use common::clocked::{app_from, move_to, owing, red_spans, stored_light, window};
use duban::domain::roles::Actor;
use duban::service::settings::{ReportPeriod, StoredThresholds, set_thresholds, thresholds};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn report_count(app: &TestApp, client: &reqwest::Client, assignment: i64) -> usize {
    let (_, body) = app
        .get(client, &format!("/api/v1/assignments/{assignment}/reports"))
        .await;
    body["reports"].as_array().unwrap().len()
}

async fn periods_lock_reopen_and_the_light_remembers(test: &TestDb) {
    let (app, clock) = app_from(test, "2021-03-01").await;
    let housing = app.signed_in("区房管局").await;
    let (_, page) = app.get(&housing, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let lifts = page["tasks"][0]["units"][0]["assignment_id"]
        .as_i64()
        .unwrap();
    app.claim(&housing, lifts).await;
    let reports = format!("/api/v1/assignments/{lifts}/reports");
    let report = |period: &str| json!({"period": period, "narrative": "加装电梯按计划推进"});

    // March 29: March's window is open and the unit has not reported.
    move_to(&clock, "2021-03-29");
    let (office, housing) = (
        app.signed_in("supervisor").await,
        app.signed_in("区房管局").await,
    );
    let (status, _) = app.get(&housing, "/api/v1/plans/1/unreported").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a unit reads no board");
    let (status, board) = app.get(&office, "/api/v1/plans/1/unreported").await;
    assert_eq!(status, StatusCode::OK, "{board}");
    assert_eq!(
        board["windows"].as_array().unwrap().len(),
        1,
        "every task reports monthly: {board}"
    );
    let march = window(&board, "monthly");
    assert_eq!(
        (march["period"].as_str(), march["closed"].as_bool()),
        (Some("2021-03"), Some(false))
    );
    let due = march["due"].as_str().unwrap().to_string();
    assert_eq!(due, "2021-04-08", "5 working days after March 31, 清明 off");
    let owing_in_march = owing(march);
    assert!(owing_in_march.contains(&lifts), "{board}");

    // One 催办 to all of them; refused without a message or by a unit.
    let urge = "/api/v1/plans/1/unreported/urge";
    let (_, body) = app.post(&office, urge, json!({"message": " "})).await;
    assert_eq!(body["error"]["field"], "message");
    let (status, _) = app.post(&housing, urge, json!({"message": "请报送"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, sent) = app
        .post(&office, urge, json!({"message": "请于4月8日前报送3月进展"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(sent["sent"].as_u64(), Some(owing_in_march.len() as u64));
    let (subjects, _) = app.inbox_subjects(&housing).await;
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("【催办】2021年3月进展未报送")),
        "{subjects:?}"
    );

    // April 20: March's window closed on April 8; the report is missed, the
    // light red, and the period locked.
    move_to(&clock, "2021-04-20");
    let (office, housing) = (
        app.signed_in("supervisor").await,
        app.signed_in("区房管局").await,
    );
    let (_, board) = app.get(&office, "/api/v1/plans/1/unreported").await;
    let march = window(&board, "monthly");
    assert_eq!(
        (march["period"].as_str(), march["closed"].as_bool()),
        (Some("2021-03"), Some(true))
    );
    assert_eq!(stored_light(test, lifts).await, "red");
    let spans = red_spans(&app, &housing, lifts).await;
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(
        (
            spans[0]["from_day"].as_str(),
            &spans[0]["until_day"],
            spans[0]["reason"].as_str()
        ),
        (Some("2021-04-20"), &Value::Null, Some("missed_report"))
    );
    let (status, body) = app.post(&housing, &reports, report("2021-03")).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("period")),
        "locked: {body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("closed on 2021-04-08"),
        "{body}"
    );
    let (_, body) = app.post(&housing, &reports, report("2021-Q1")).await;
    assert_eq!(
        body["error"]["field"], "period",
        "quarters are not this office's periods: {body}"
    );
    assert_eq!(report_count(&app, &housing, lifts).await, 0);

    // Only the office reopens, with a reason, and only a closed period.
    let reopen = format!("/api/v1/assignments/{lifts}/period-reopenings");
    let (status, _) = app
        .post(
            &housing,
            &reopen,
            json!({"period": "2021-03", "reason": "系统故障"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (request, field) in [
        (json!({"period": "2021-03", "reason": " "}), "reason"),
        (json!({"period": "2021-04", "reason": "提前开放"}), "period"),
        (json!({"period": "March", "reason": "系统故障"}), "period"),
    ] {
        let (status, body) = app.post(&office, &reopen, request.clone()).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{request}: {body}"
        );
    }
    let (status, reopened) = app
        .post(
            &office,
            &reopen,
            json!({"period": "2021-03", "reason": "4月初政务网故障，单位无法报送"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reopened}");
    assert_eq!(
        reopened["until_day"], "2021-04-26",
        "5 working days: April 25, a Sunday, is worked (调休)"
    );
    assert_eq!(reopened["reopened_by"], "user:supervisor");
    let (_, listed) = app.get(&housing, &reopen).await;
    assert_eq!(listed["reopenings"][0]["period"], "2021-03");

    // The late report is taken; the light turns yellow, not green: March's
    // miss is remembered for the rest of April's period.
    let (status, body) = app.post(&housing, &reports, report("2021-03")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stored_light(test, lifts).await, "yellow");
    let spans = red_spans(&app, &office, lifts).await;
    assert_eq!(spans[0]["until_day"], "2021-04-20");
    let (_, board) = app.get(&office, "/api/v1/plans/1/unreported").await;
    assert!(
        !owing(window(&board, "monthly")).contains(&lifts),
        "reported: off the board"
    );

    // April reported on time; in May's period the light is green again, and
    // the miss stays on record.
    move_to(&clock, "2021-04-26");
    let housing = app.signed_in("区房管局").await;
    let (status, _) = app.post(&housing, &reports, report("2021-04")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        stored_light(test, lifts).await,
        "yellow",
        "still April, the red period"
    );
    move_to(&clock, "2021-05-17");
    let housing = app.signed_in("区房管局").await;
    let (_, page) = app.get(&housing, "/api/v1/plans/1/tasks?q=加装电梯").await;
    assert_eq!(page["tasks"][0]["units"][0]["light"], "green");
    assert_eq!(red_spans(&app, &housing, lifts).await.len(), 1);

    // Weekly reporting, by setting: a month is no longer a period here.
    let (_, version) = thresholds(&test.db).await.unwrap();
    set_thresholds(
        &test.db,
        clock.as_ref(),
        &Actor::operator(),
        StoredThresholds {
            claim_days: 5,
            measure_warning_days: 7,
            report_grace_days: 5,
            report_period: ReportPeriod::Weekly,
        },
        version,
    )
    .await
    .unwrap();
    let (_, body) = app.post(&housing, &reports, report("2021-05")).await;
    assert_eq!(body["error"]["field"], "period", "{body}");
    let (status, body) = app.post(&housing, &reports, report("2021-W20")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, board) = app
        .get(&office_at(&app).await, "/api/v1/plans/1/unreported")
        .await;
    // The board shows the week due soonest: week 19 (May 10–16, due the
    // 21st), which the unit still owes; week 20 is in.
    let this_week = window(&board, "weekly");
    assert_eq!(this_week["period"], "2021-W19", "{board}");
    assert!(owing(this_week).contains(&lifts), "{board}");

    assert!(
        duban::service::lights::verify(&test.db, clock.as_ref())
            .await
            .unwrap()
            .is_empty(),
        "every stored light is the rule's"
    );
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
    let reopenings: i64 = match &test.db {
        duban::store::Db::Sqlite(pool, _) => sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'report_period.reopen'",
        )
        .fetch_one(pool)
        .await
        .unwrap(),
        duban::store::Db::Postgres(pool) => sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'report_period.reopen'",
        )
        .fetch_one(pool)
        .await
        .unwrap(),
    };
    assert_eq!(reopenings, 1, "the reopening is audited");
}

async fn office_at(app: &TestApp) -> reqwest::Client {
    app.signed_in("supervisor").await
}

async fn a_passed_deadline_is_red_until_extended(test: &TestDb) {
    let (app, clock) = app_from(test, "2021-06-15").await;
    let office = app.signed_in("supervisor").await;
    let housing = app.signed_in("区房管局").await;
    let (status, item) = app
        .post(
            &office,
            "/api/v1/items",
            json!({
                "source": "leader_instruction",
                "source_ref": "区长批示（2021年6月10日）",
                "title": "虹桥路积水点专项整治",
                "content": "对虹桥路沿线积水点开展专项排查，制定整改方案并限期完成。",
                "required_result": "积水点整改完毕",
                "deadline": "2021-07-05",
                "lead_units": ["区房管局"],
                "co_units": [],
                "needs_approval": false,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    let (_, detail) = app
        .get(&office, &format!("/api/v1/items/{}", item["id"]))
        .await;
    let lead = detail["assignments"][0]["assignment_id"].as_i64().unwrap();
    app.claim(&housing, lead).await;
    // June reported in its window: nothing else holds the light down.
    move_to(&clock, "2021-06-28");
    let housing = app.signed_in("区房管局").await;
    let (status, body) = app
        .post(
            &housing,
            &format!("/api/v1/assignments/{lead}/reports"),
            json!({"period": "2021-06", "narrative": "已完成排查"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stored_light(test, lead).await, "green");

    // July 6: the deadline (July 5) has passed and the work is not done.
    move_to(&clock, "2021-07-06");
    let (office, housing) = (
        app.signed_in("supervisor").await,
        app.signed_in("区房管局").await,
    );
    let (_, detail) = app
        .get(&office, &format!("/api/v1/items/{}", item["id"]))
        .await;
    assert_eq!(stored_light(test, lead).await, "red", "{detail}");
    let spans = red_spans(&app, &office, lead).await;
    assert_eq!(spans[0]["reason"], "deadline_passed");

    // An extension granted: the deadline in force is July 31, and the light
    // comes back to yellow, not green, for the rest of July.
    let (status, asked) = app
        .post(
            &housing,
            &format!("/api/v1/assignments/{lead}/extensions"),
            json!({"requested_to": "2021-07-31", "reason": "汛期施工受限"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{asked}");
    assert_eq!(asked["late"], true);
    let (status, _) = app
        .post(
            &office,
            &format!("/api/v1/extensions/{}/decision", asked["id"]),
            json!({"version": 1, "approve": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored_light(test, lead).await, "yellow");
    let spans = red_spans(&app, &housing, lead).await;
    assert_eq!(
        (spans.len(), spans[0]["until_day"].as_str()),
        (1, Some("2021-07-06"))
    );
    // A unit reads only its own history.
    let other = app.signed_in("区教育局").await;
    let (status, _) = app
        .get(&other, &format!("/api/v1/assignments/{lead}/light-history"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        duban::service::lights::verify(&test.db, clock.as_ref())
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_backends!(
    periods_lock_reopen_and_the_light_remembers,
    a_passed_deadline_is_red_until_extended
);
