//! Targets and their trajectories on both databases (issue #7 item 4): the
//! office sets milestones on task 18's lift target through the service; the
//! target's status, the stored light of the unit's assignment and the
//! cockpit follow, `lights::verify` finds nothing to correct; who may set
//! them and what is refused, by field; and the task page's chart over HTTP.

mod common;

use common::TestDb;
use common::app::{self, TestApp};
use common::record::{at, claim, liaison, someone, task_and_assignment};
use duban::clock::FixedClock;
use duban::domain::roles::Role;
use duban::domain::trajectory::Pace;
use duban::service::ServiceError;
use duban::service::reports::{ReportInput, submit};
use duban::service::trajectories::{TargetTrack, of_task, set_milestones};
use duban::store::targets::targets_of;
use duban::store::{assignments, audit, targets};
use reqwest::StatusCode;

const LIFTS: &str = "既有多层住宅加装电梯新开工";

/// Task 18 and its lift target (≥ 185 台).
async fn lift_target(test: &TestDb) -> (i64, i64) {
    let (task, _) = task_and_assignment(&test.db, "18", "区房管局").await;
    let target = targets_of(&test.db, &[task])
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.metric == LIFTS)
        .unwrap();
    (task, target.id)
}

async fn track(test: &TestDb, day: &FixedClock, task: i64, target: i64) -> TargetTrack {
    of_task(&test.db, day, &someone(Role::Supervisor), task)
        .await
        .unwrap()
        .targets
        .into_iter()
        .find(|t| t.target.id == target)
        .unwrap()
}

async fn light_of(test: &TestDb, assignment: i64) -> String {
    assignments::read(&test.db, assignment).await.unwrap().light
}

async fn nothing_to_correct(test: &TestDb, day: &FixedClock) {
    let mismatches = duban::service::lights::verify(&test.db, day).await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");
}

async fn milestones_move_the_status_and_the_stored_light(test: &TestDb) {
    let day = at("2021-06-15");
    duban::commands::demo::prepare_with(&test.db, &day)
        .await
        .unwrap();
    let (task, lifts) = lift_target(test).await;
    let (_, housing) = task_and_assignment(&test.db, "18", "区房管局").await;
    let housing = claim(
        &test.db,
        &day,
        &assignments::read(&test.db, housing).await.unwrap(),
    )
    .await;
    let june = ReportInput::parse("2021-06", "本月新开工加装电梯80台", &[(lifts, 80.0)]).unwrap();
    submit(&test.db, &day, &liaison(&housing), housing.id, &june)
        .await
        .unwrap();

    // Pro rata by month, 185 × 5.5/12 ≈ 84.8 is planned by June 15: 80 is on track.
    let plain = track(test, &day, task, lifts).await;
    assert_eq!(plain.status, Some(Pace::OnTrack));
    assert_eq!(plain.actuals, vec![("2021-06-30".parse().unwrap(), 80.0)]);
    let planned = plain.trajectory.as_ref().unwrap().planned_at(day_of(&day));
    assert!((planned - 185.0 * 5.5 / 12.0).abs() < 1e-9, "{planned}");
    assert_eq!(light_of(test, housing.id).await, "green");

    // The office plans 100 by May 31 and 150 by September 30: by June 15
    // (day 166, 15 of the 122 days between them) 100 + 50 × 15/122 ≈ 106.1,
    // and 80 is behind: the unit's light turns yellow in the same transaction.
    let supervisor = someone(Role::Supervisor);
    let set = set_milestones(
        &test.db,
        &day,
        &supervisor,
        lifts,
        "2021-09-30 150\n2021-05-31 100",
    )
    .await
    .unwrap();
    assert_eq!(set.len(), 2);
    let behind = track(test, &day, task, lifts).await;
    assert_eq!(behind.status, Some(Pace::Behind));
    assert_eq!(light_of(test, housing.id).await, "yellow");
    nothing_to_correct(test, &day).await;
    // The cockpit reads the same trajectory.
    let cockpit = duban::service::cockpit::cockpit(&test.db, &day, &supervisor, None)
        .await
        .unwrap()
        .unwrap();
    let row = cockpit.targets.iter().find(|t| t.metric == LIFTS).unwrap();
    assert_eq!(row.pace, Some(Pace::Behind));
    let expected = row.expected.unwrap();
    assert!(
        (expected - (100.0 + 50.0 * 15.0 / 122.0)).abs() < 1e-9,
        "{expected}"
    );
    // Stored as typed, in date order, on either database.
    let stored = targets::milestones_of(&test.db, &[lifts]).await.unwrap();
    let pairs: Vec<(&str, f64)> = stored
        .iter()
        .map(|m| (m.due_on.as_str(), m.value))
        .collect();
    assert_eq!(pairs, [("2021-05-31", 100.0), ("2021-09-30", 150.0)]);
    assert_eq!(
        targets::milestones_of_plan(&test.db, 1).await.unwrap(),
        stored
    );
    let history = audit::task_history(&test.db, task, 10).await.unwrap();
    assert_eq!(history[0].action, "target.milestones");
    assert_eq!(history[0].entity_id, Some(lifts));

    // 50 by June 30 instead: 80 is ahead, and green again.
    set_milestones(&test.db, &day, &supervisor, lifts, "2021-06-30 50")
        .await
        .unwrap();
    assert_eq!(
        track(test, &day, task, lifts).await.status,
        Some(Pace::Ahead)
    );
    assert_eq!(light_of(test, housing.id).await, "green");

    // Refused, by field, and nothing changes.
    let (db, clock, office) = (&test.db, &day, &supervisor);
    let refused = |text: &'static str| async move {
        match set_milestones(db, clock, office, lifts, text).await {
            Err(ServiceError::Field { field, message }) => (field, message),
            other => panic!("{text}: {other:?}"),
        }
    };
    assert_eq!(
        refused("2021-06-30 50\n2022-03-31 120").await,
        (
            "milestones",
            "line 2: 2022-03-31 is outside the plan year 2021".to_string()
        )
    );
    assert_eq!(
        refused("2021-06-30 80\n2021-09-30 60").await,
        (
            "milestones",
            "line 2: 60 is less than 80, planned by an earlier date".to_string()
        )
    );
    assert!(
        refused("2021-07-01 190")
            .await
            .1
            .contains("more than the target 185")
    );
    for who in [
        liaison(&housing),
        someone(Role::Leader),
        someone(Role::Viewer),
    ] {
        assert!(
            matches!(
                set_milestones(&test.db, &day, &who, lifts, "2021-06-30 90").await,
                Err(ServiceError::Forbidden(_))
            ),
            "{who:?}"
        );
    }
    assert!(matches!(
        set_milestones(&test.db, &day, &supervisor, 999_999, "").await,
        Err(ServiceError::Store(
            duban::store::StoreError::NotFound { .. }
        ))
    ));
    let kept = targets::milestones_of(&test.db, &[lifts]).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].due_on.as_str(), kept[0].value),
        ("2021-06-30", 50.0)
    );

    // Cleared: pro rata by month again.
    set_milestones(&test.db, &day, &supervisor, lifts, "  \n")
        .await
        .unwrap();
    assert!(
        targets::milestones_of(&test.db, &[lifts])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        track(test, &day, task, lifts).await.status,
        Some(Pace::OnTrack)
    );
    assert_eq!(light_of(test, housing.id).await, "green");
    nothing_to_correct(test, &day).await;
    // A liaison reads its own unit's figures only.
    let own = of_task(&test.db, &day, &liaison(&housing), task)
        .await
        .unwrap();
    assert!(own.own_unit_only);
}

fn day_of(clock: &FixedClock) -> jiff::civil::Date {
    duban::service::lights::today(clock).unwrap()
}

on_both_backends!(milestones_move_the_status_and_the_stored_light);

/// The page's form token.
async fn csrf(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let html = page(app, client, path).await.1;
    let at = html.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let response = client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn post_milestones(
    app: &TestApp,
    client: &reqwest::Client,
    task: i64,
    target: i64,
    text: &str,
) -> (StatusCode, String) {
    let token = csrf(app, client, &format!("/tasks/{task}")).await;
    let response = client
        .post(format!("{}/targets/{target}/milestones", app.base))
        .form(&[
            ("csrf", token),
            ("task_id", task.to_string()),
            ("milestones", text.to_string()),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_page_draws_each_target_and_the_office_sets_its_milestones() {
    let test = common::sqlite().await;
    let server = app::spawn_at(&test, "2021-06-15").await;
    let (task, lifts) = lift_target(&test).await;
    let office = server.signed_in("supervisor").await;
    let path = format!("/tasks/{task}");

    let (status, html) = page(&server, &office, &path).await;
    assert_eq!(status, StatusCode::OK);
    // An inline SVG per target with the planned line from 0 on January 1.
    let svg = format!("<svg class=\"chart trajectory\" data-target=\"{lifts}\"");
    assert!(html.contains(&svg), "{html}");
    assert!(html.contains("data-series=\"planned\" d=\"M56 200 L"));
    assert!(html.contains("data-series=\"today\""));
    assert!(html.contains("按月平均"));
    assert!(html.contains(&format!("action=\"/targets/{lifts}/milestones\"")));

    // A date outside the plan year: the form again, its message by the
    // field, what was typed kept.
    let (status, html) = post_milestones(&server, &office, task, lifts, "2022-06-30 80").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("第1行：2022-06-30 不在计划年度（2021年）内"),
        "{html}"
    );
    assert!(html.contains(">2022-06-30 80</textarea>"));
    let (status, html) = post_milestones(
        &server,
        &office,
        task,
        lifts,
        "2021-06-30 80\n2021-09-30 60",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("第2行：累计数 60 小于更早节点的 80"),
        "{html}"
    );

    // Saved: back on the task page, the line through the milestones.
    let (status, html) = post_milestones(
        &server,
        &office,
        task,
        lifts,
        "2021-06-30 80\n2021-09-30 140",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("按节点目标"));
    assert_eq!(html.matches("data-series=\"milestone\"").count(), 2);
    assert!(html.contains(">2021-06-30 80\n2021-09-30 140\n</textarea>"));
    assert!(html.contains("· 设置节点目标"), "the history names it");

    // A liaison sees the chart, not the form, and may not post it.
    let unit = server.signed_in("区房管局").await;
    let (status, html) = page(&server, &unit, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&svg));
    assert!(!html.contains(&format!("action=\"/targets/{lifts}/milestones\"")));
    let token = csrf(&server, &unit, &path).await;
    let response = unit
        .post(format!("{}/targets/{lifts}/milestones", server.base))
        .form(&[
            ("csrf", token),
            ("task_id", task.to_string()),
            ("milestones", String::new()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
