//! Calendar feeds over HTTP on both databases, as of 2021-06-15: a liaison
//! makes its unit's feed on /calendar, a calendar client fetches it without
//! cookies, and a different parser (the `ical` crate) reads the measure, the
//! report windows and the rectification; done work drops out; a reset, a
//! stop or a wrong token is a bare 404; a liaison cannot touch another
//! unit's feed; a supervisor's own feed lists its body's rectifications.
//! (The page in a browser: web_calendar.rs.)

mod common;

use common::TestDb;
use common::app::{TestApp, spawn_at};
use common::ics::{event, parse};
use duban::domain::light::Thresholds;
use duban::domain::period::Period;
use duban::domain::report_window::owed;
use duban::store::audit;
use reqwest::StatusCode;
use serde_json::json;

/// The page's form token.
async fn csrf(app: &TestApp, client: &reqwest::Client) -> String {
    let html = app.html(client, "/calendar").await;
    let at = html.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

/// Posts a feed form; the status and, after making one, the URL shown once.
async fn feed_form(
    app: &TestApp,
    client: &reqwest::Client,
    action: &str,
    owner: &str,
    unit: i64,
) -> (StatusCode, Option<String>) {
    let token = csrf(app, client).await;
    let response = client
        .post(format!("{}/calendar/{action}", app.base))
        .form(&[
            ("csrf", token),
            ("owner", owner.into()),
            ("unit", unit.to_string()),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();
    // The one-time URL sits in the page's only http:// input value.
    let url = html.find("value=\"http://").and_then(|at| {
        let url = html[at + 7..].split('"').next()?;
        url.ends_with(".ics").then(|| url.to_string())
    });
    (status, url)
}

/// Fetches a feed as a calendar client does: no cookies, no session.
async fn fetch(url: &str) -> reqwest::Response {
    reqwest::Client::new().get(url).send().await.unwrap()
}

async fn a_unit_feed_lists_its_deadlines(test: &TestDb) {
    let app = spawn_at(test, "2021-06-15").await;
    let unit = app.signed_in("区房管局").await;
    let office = app.signed_in("supervisor").await;
    let (_, page) = app.get(&unit, "/api/v1/plans/1/tasks?q=18").await;
    let task = page["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == "18")
        .unwrap();
    let of = |name: &str| {
        task["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == name)
            .unwrap()
            .clone()
    };
    let ours = of("区房管局");
    let theirs = of("区建设管理委");
    let assignment = ours["assignment_id"].as_i64().unwrap();
    let unit_id = ours["unit_id"].as_i64().unwrap();

    let (status, _) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{assignment}/claim"),
            json!({"version": ours["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, measure) = app
        .post(&unit, &format!("/api/v1/assignments/{assignment}/measures"), json!({"description": "完成旧住房综合修缮方案审批", "responsible_person": "王科长", "deadline": "2021-06-30"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{measure}");
    let (_, bodies) = app.get(&office, "/api/v1/bodies").await;
    let inspection = json!({"body_id": bodies["bodies"][0]["id"], "plan_id": 1, "title": "二季度督查", "inspected_on": "2021-06-15"});
    let (_, created) = app.post(&office, "/api/v1/inspections", inspection).await;
    let (status, finding) = app
        .post(&office, &format!("/api/v1/inspections/{}/findings", created["id"]), json!({"assignment_id": assignment, "action": "rectification", "description": "修缮进度滞后，须制定追赶计划", "deadline": "2021-07-20"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{finding}");

    // Made on the page: the URL is shown this once, and the audit chain records it.
    let events = audit::verify(&test.db).await.unwrap().events;
    let (status, url) = feed_form(&app, &unit, "issue", "unit", unit_id).await;
    assert_eq!(status, StatusCode::OK);
    let after = audit::verify(&test.db).await.unwrap();
    assert_eq!((after.events, after.broken), (events + 1, None));
    let url = url.expect("the new URL is on the page");
    let again = unit
        .get(format!("{}/calendar", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&url), "the URL is not shown a second time");
    assert!(again.contains("data-test=\"feed-live\""));

    let response = fetch(&url).await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_string();
    assert_eq!(header("content-type"), "text/calendar; charset=utf-8");
    assert!(header("cache-control").contains("private"));
    let parsed = parse(&response.text().await.unwrap());
    assert_eq!(parsed.calendar["X-WR-CALNAME"], "督办 · 区房管局");
    assert_eq!(parsed.calendar["REFRESH-INTERVAL"], "PT1H");
    assert_eq!(parsed.calendar["X-PUBLISHED-TTL"], "PT1H");

    let m = event(&parsed, &format!("measure-{}@duban", measure["id"])).expect("the measure");
    assert_eq!(m["DTSTART"].0, "20210630");
    assert_eq!(
        m["DTSTART"].1,
        vec![("VALUE".to_string(), vec!["DATE".to_string()])]
    );
    assert_eq!(
        m["DTEND"].0, "20210701",
        "an all-day event ends the next day"
    );
    assert_eq!(m["SUMMARY"].0, "【措施到期】完成旧住房综合修缮方案审批");
    assert!(
        m["DESCRIPTION"].0.contains("王科长"),
        "{:?}",
        m["DESCRIPTION"]
    );
    assert!(m["DESCRIPTION"].0.contains(task["title"].as_str().unwrap()));
    assert!(
        m["URL"]
            .0
            .ends_with(&format!("/assignments/{assignment}#measures")),
        "{:?}",
        m["URL"]
    );
    assert!(
        m["DTSTAMP"].0.starts_with("20210615T"),
        "the injected clock: {:?}",
        m["DTSTAMP"]
    );

    // Report windows: every month still to report, due as report_window says.
    let june = Period::Month {
        year: 2021,
        month: 6,
    };
    let due = owed(
        2021,
        "2021-06-15".parse().unwrap(),
        &[],
        "2022-12-31".parse().unwrap(),
        &Thresholds::default(),
    );
    let june_due = due.iter().find(|o| o.period == june).unwrap().due;
    let r = event(&parsed, &format!("report-{assignment}-2021-06@duban")).expect("June's report");
    assert_eq!(r["DTSTART"].0, june_due.strftime("%Y%m%d").to_string());
    assert!(
        r["SUMMARY"].0.starts_with("【进展报送截止】2021年6月"),
        "{:?}",
        r["SUMMARY"]
    );
    assert!(
        event(&parsed, &format!("report-{assignment}-2021-12@duban")).is_some(),
        "future windows too"
    );
    assert!(
        event(&parsed, &format!("report-{assignment}-2021-05@duban")).is_none(),
        "May ended before the task was assigned"
    );

    let f = event(&parsed, &format!("rectification-{}@duban", finding["id"]))
        .expect("the rectification");
    assert_eq!(f["DTSTART"].0, "20210720");
    assert_eq!(f["SUMMARY"].0, "【整改期限】修缮进度滞后，须制定追赶计划");

    // Done work drops out: the measure done, June reported.
    let (status, _) = app
        .put(&unit, &format!("/api/v1/measures/{}", measure["id"]), json!({"description": "完成旧住房综合修缮方案审批", "responsible_person": "王科长", "deadline": "2021-06-30", "done": true, "version": measure["version"]}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, report) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{assignment}/reports"),
            json!({"period": "2021-06", "narrative": "方案已报审"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let parsed = parse(&fetch(&url).await.text().await.unwrap());
    assert!(event(&parsed, &format!("measure-{}@duban", measure["id"])).is_none());
    assert!(event(&parsed, &format!("report-{assignment}-2021-06@duban")).is_none());
    assert!(event(&parsed, &format!("report-{assignment}-2021-07@duban")).is_some());

    // Another unit's feed is not this liaison's to make.
    let (status, _) = feed_form(
        &app,
        &unit,
        "issue",
        "unit",
        theirs["unit_id"].as_i64().unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // An admin manages any unit's feed, and its own.
    let admin = app.signed_in("admin").await;
    let theirs_id = theirs["unit_id"].as_i64().unwrap();
    let (status, made) = feed_form(&app, &admin, "issue", "unit", theirs_id).await;
    assert_eq!((status, made.is_some()), (StatusCode::OK, true));
    let (status, made) = feed_form(&app, &admin, "issue", "me", theirs_id).await;
    assert_eq!((status, made.is_some()), (StatusCode::OK, true));

    // The supervisor's own feed: the rectifications its body raised.
    let (status, own) = feed_form(&app, &office, "issue", "me", 0).await;
    assert_eq!(status, StatusCode::OK);
    let parsed = parse(&fetch(&own.unwrap()).await.text().await.unwrap());
    assert_eq!(parsed.events.len(), 1);
    assert_eq!(
        parsed.events[0]["UID"].0,
        format!("rectification-{}@duban", finding["id"])
    );

    // A reset: the old URL stops working, the new one works.
    let (_, reset) = feed_form(&app, &unit, "issue", "unit", unit_id).await;
    let reset = reset.expect("a new URL");
    assert_ne!(reset, url);
    assert_eq!(fetch(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(fetch(&reset).await.status(), StatusCode::OK);
    // Wrong tokens: the same bare 404.
    for path in [
        format!("/calendar/{}.ics", "0".repeat(64)),
        "/calendar/nothing.ics".into(),
        "/calendar/nothing".into(),
    ] {
        let response = fetch(&format!("{}{path}", app.base)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response.text().await.unwrap().is_empty(), "no hint");
    }
    // Stopped: 404 too.
    let (status, _) = feed_form(&app, &unit, "revoke", "unit", unit_id).await;
    assert_eq!(status, StatusCode::OK, "redirected back to the page");
    assert_eq!(fetch(&reset).await.status(), StatusCode::NOT_FOUND);
}

on_both_backends!(a_unit_feed_lists_its_deadlines);
