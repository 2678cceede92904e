//! Report rhythms per item, through the API on both databases: an item
//! opened to report weekly in an office that reports monthly, and a plan
//! task made quarterly. Each reader of report windows follows the item's
//! own rhythm: the report's period and its lock, the light and its memory,
//! the 未报送 board (one window per rhythm) and its 催办, the day's
//! reminders, and the pages that show the rhythm. Changing a rhythm is the
//! office's, audited, and relights at once.

mod common;

use common::TestDb;
use common::app::TestApp;
use common::clocked::{app_from, move_to, owing, red_spans, stored_light, window};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Opens an item for 区房管局 to report on `rhythm`; returns the item.
async fn open_item(app: &TestApp, office: &reqwest::Client, rhythm: &str) -> (StatusCode, Value) {
    app.post(
        office,
        "/api/v1/items",
        json!({
            "source": "meeting",
            "source_ref": "区政府常务会议（2021年第5次）",
            "title": "老旧小区雨污混接改造周报",
            "content": "对全区老旧小区雨污混接点逐一改造，每周报送改造进度。",
            "required_result": "混接点全部改造完毕",
            "deadline": "2021-06-30",
            "lead_units": ["区房管局"],
            "report_frequency": rhythm,
        }),
    )
    .await
}

async fn report(
    app: &TestApp,
    unit: &reqwest::Client,
    assignment: i64,
    period: &str,
) -> (StatusCode, Value) {
    app.post(
        unit,
        &format!("/api/v1/assignments/{assignment}/reports"),
        json!({"period": period, "narrative": "本周完成混接点改造12处"}),
    )
    .await
}

async fn rhythm_events(test: &TestDb) -> Vec<(Option<String>, Option<String>)> {
    let sql = "SELECT before_json, after_json FROM audit_events WHERE action = 'task.report_rhythm' ORDER BY id";
    match &test.db {
        duban::store::Db::Sqlite(pool, _) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
        duban::store::Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
    }
}

async fn an_item_reports_weekly_in_a_monthly_office(test: &TestDb) {
    let (app, clock) = app_from(test, "2021-03-01").await;
    let office = app.signed_in("supervisor").await;
    let housing = app.signed_in("区房管局").await;

    // A rhythm that is none is refused at 立项, and nothing is opened.
    let (status, body) = open_item(&app, &office, "daily").await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("report_frequency")),
        "{body}"
    );
    let (_, listed) = app.get(&office, "/api/v1/items").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);

    let (status, item) = open_item(&app, &office, "weekly").await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["report_frequency"], "weekly");
    let (_, detail) = app
        .get(&office, &format!("/api/v1/items/{}", item["id"]))
        .await;
    let weekly = detail["assignments"][0]["assignment_id"].as_i64().unwrap();
    app.claim(&housing, weekly).await;
    // A plan task of the same unit, on the office's monthly rhythm.
    let (_, page) = app.get(&housing, "/api/v1/plans/1/tasks?q=加装电梯").await;
    let lifts_task = page["tasks"][0]["id"].as_i64().unwrap();
    let lifts = page["tasks"][0]["units"][0]["assignment_id"]
        .as_i64()
        .unwrap();
    app.claim(&housing, lifts).await;

    // March 10: weeks are this item's periods, months are not.
    move_to(&clock, "2021-03-10");
    let (office, housing) = (
        app.signed_in("supervisor").await,
        app.signed_in("区房管局").await,
    );
    let (status, body) = report(&app, &housing, weekly, "2021-03").await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("period")),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("weekly"),
        "{body}"
    );
    let (status, body) = report(&app, &housing, weekly, "2021-W10").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Week 9's window (due March 12) is open without its report: yellow.
    assert_eq!(stored_light(test, weekly).await, "yellow");
    // The board of the item register shows the week due soonest: week 9,
    // owed; one 催办 names the week.
    let board_path = format!("/api/v1/plans/{}/unreported", item["plan_id"]);
    let (_, board) = app.get(&office, &board_path).await;
    assert_eq!(board["windows"].as_array().unwrap().len(), 1, "{board}");
    let this_week = window(&board, "weekly");
    assert_eq!(
        (this_week["period"].as_str(), this_week["due"].as_str()),
        (Some("2021-W09"), Some("2021-03-12"))
    );
    assert_eq!(owing(this_week), vec![weekly]);
    let (status, sent) = app
        .post(
            &office,
            &format!("{board_path}/urge"),
            json!({"message": "请按周报送改造进度"}),
        )
        .await;
    assert_eq!((status, sent["sent"].as_u64()), (StatusCode::OK, Some(1)));
    let (subjects, _) = app.inbox_subjects(&housing).await;
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("【催办】2021年第9周进展未报送")),
        "{subjects:?}"
    );

    // March 15: week 9 was due on the 12th and never came. The item is red
    // for it, while the monthly task beside it owes nothing yet.
    move_to(&clock, "2021-03-15");
    let (office, housing) = (
        app.signed_in("supervisor").await,
        app.signed_in("区房管局").await,
    );
    let generated = duban::service::reminders::generate(&test.db, clock.as_ref())
        .await
        .unwrap();
    assert!(generated.new > 0, "{generated:?}");
    assert_eq!(stored_light(test, weekly).await, "red");
    assert_eq!(stored_light(test, lifts).await, "green");
    let spans = red_spans(&app, &office, weekly).await;
    assert_eq!(spans[0]["reason"], "missed_report", "{spans:?}");
    let (status, body) = report(&app, &housing, weekly, "2021-W09").await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("period")),
        "week 9 is locked: {body}"
    );
    let (subjects, _) = app.inbox_subjects(&housing).await;
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("【催办】2021年第9周进展未按时报送")),
        "the day's reminders follow the item's weeks: {subjects:?}"
    );

    // The board now shows week 10, due on the 19th and already in.
    let (_, board) = app.get(&office, &board_path).await;
    let this_week = window(&board, "weekly");
    assert_eq!(this_week["period"], "2021-W10");
    assert!(owing(this_week).is_empty(), "{board}");

    // The pages say the rhythm.
    let html = app.html(&office, &format!("/items/{}", item["id"])).await;
    assert!(html.contains(r#"data-test="item-rhythm">每周"#), "{html}");
    let html = app
        .html(&office, &format!("/tasks/{}", item["task_id"]))
        .await;
    assert!(html.contains("每周（本任务）"), "the task page");
    let html = app
        .html(&housing, &format!("/assignments/{weekly}/notice"))
        .await;
    assert!(
        html.contains("每周报送一次工作进展，每期结束后5个工作日内报送"),
        "the 交办单 tells the unit: {html}"
    );

    // Only the office changes a rhythm, and only to a rhythm.
    let rhythm_path = |task: &Value| format!("/api/v1/tasks/{task}/report-rhythm");
    let (status, _) = app
        .put(
            &housing,
            &rhythm_path(&item["task_id"]),
            json!({"frequency": null}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .put(
            &office,
            &rhythm_path(&item["task_id"]),
            json!({"frequency": "daily"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("frequency")),
        "{body}"
    );
    let (status, _) = app
        .put(
            &office,
            "/api/v1/tasks/999999/report-rhythm",
            json!({"frequency": "weekly"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Back to the office's months: no month is owed yet, and the miss of
    // week 9 is remembered as yellow for the rest of March. Relit at once.
    let (status, body) = app
        .put(
            &office,
            &rhythm_path(&item["task_id"]),
            json!({"frequency": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["frequency"], body["in_force"].as_str()),
        (&Value::Null, Some("monthly"))
    );
    assert_eq!(stored_light(test, weekly).await, "yellow");
    // And weekly again, from today: weeks that ended before the change are
    // not owed, so no change of rhythm turns past periods into misses.
    // Week 11's window is open: yellow (and the red of the 15th is on record).
    let (status, _) = app
        .put(
            &office,
            &rhythm_path(&item["task_id"]),
            json!({"frequency": "weekly"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored_light(test, weekly).await, "yellow");
    assert_eq!(red_spans(&app, &office, weekly).await.len(), 1);
    let events = rhythm_events(test).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events[0].0.as_deref().unwrap().contains("weekly")
            && events[0].1.as_deref().unwrap().contains("office"),
        "{events:?}"
    );

    // A plan task made quarterly: its unit reports quarters, and the plan's
    // board shows a window for each rhythm its tasks follow.
    let (status, body) = app
        .put(
            &office,
            &rhythm_path(&json!(lifts_task)),
            json!({"frequency": "quarterly"}),
        )
        .await;
    assert_eq!(
        (status, body["in_force"].as_str()),
        (StatusCode::OK, Some("quarterly")),
        "{body}"
    );
    move_to(&clock, "2021-03-29");
    let (office, housing) = (
        app.signed_in("supervisor").await,
        app.signed_in("区房管局").await,
    );
    let (_, board) = app.get(&office, "/api/v1/plans/1/unreported").await;
    let rhythms: Vec<&str> = board["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["frequency"].as_str().unwrap())
        .collect();
    assert_eq!(rhythms, vec!["monthly", "quarterly"], "{board}");
    assert_eq!(window(&board, "quarterly")["period"], "2021-Q1");
    assert_eq!(owing(window(&board, "quarterly")), vec![lifts]);
    assert_eq!(window(&board, "monthly")["period"], "2021-03");
    assert!(!owing(window(&board, "monthly")).contains(&lifts));
    let (status, _) = report(&app, &housing, lifts, "2021-03").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = report(&app, &housing, lifts, "2021-Q1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let html = app.html(&office, &format!("/tasks/{lifts_task}")).await;
    assert!(html.contains("每季度（本任务）"), "the task page");

    assert!(
        duban::service::lights::verify(&test.db, clock.as_ref())
            .await
            .unwrap()
            .is_empty(),
        "every stored light is the rule's, rhythm by rhythm"
    );
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
}

on_both_backends!(an_item_reports_weekly_in_a_monthly_office);
