//! Reminders across a plan year: the clock moved day by day (never slept),
//! the scheduler ticking each morning, the unit doing its work on chosen days.
//! Exactly the expected reminders come into being, once each, on working
//! days only (国庆 and the 调休 Saturdays and Sundays honoured); each reaches
//! the liaison's inbox and the unit's robot once; the stored lights equal the
//! rule every day. Then two servers on one PostgreSQL database: each
//! reminder is sent once, by whichever holds the lease.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::record::{actor, assignment, liaison};
use common::{SEED, TestDb, sink};
use duban::clock::{Clock, ManualClock};
use duban::domain::assignment::Move;
use duban::domain::roles::Actor;
use duban::jobs::scheduler::Scheduler;
use duban::service::assignments::{MeasureInput, act, add_measure, update_measure};
use duban::service::coordination::{raise_difficulty, resolve_difficulty};
use duban::service::import::{Document, import_plan};
use duban::service::reports::{ReportInput, submit};
use duban::service::supervision::{
    FindingInput, FindingMove, move_finding, open_inspection, raise_finding,
};
use duban::store::notify_targets::{self, NewTarget};
use duban::store::{deliveries, reminders};
use duban_plan::Registry;

fn morning(day: &str) -> jiff::Timestamp {
    let date: jiff::civil::Date = day.parse().unwrap();
    jiff::tz::offset(8)
        .to_timestamp(date.at(9, 0, 0, 0))
        .unwrap()
}

/// A generic webhook robot on the unit's group, pointing at `url`.
async fn robot_for(test: &TestDb, unit_id: Option<i64>, owner_kind: &str, url: &str) {
    let mut tx = test.db.begin().await.unwrap();
    notify_targets::insert(
        &mut tx,
        &NewTarget {
            owner_kind,
            owner_id: unit_id,
            robot: "webhook",
            name: "工作群",
            url,
            secret: None,
        },
        0,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn a_plan_year_of_reminders(test: &TestDb) {
    let clock = Arc::new(ManualClock::new(morning("2021-09-22")));
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let imported = common::record::import_tiny(&test.db, clock.as_ref(), "区房管局").await;
    let a = assignment(&test.db, imported.plan_id, "1", "区房管局").await;
    let unit = liaison(&a);
    let office = actor(&test.db, "supervisor").await;
    let robots = sink::start().await;
    robot_for(test, Some(a.unit_id), "unit", &robots.url).await;
    let scheduler = Scheduler::new(
        test.db.clone(),
        Arc::clone(&clock) as Arc<dyn Clock>,
        "walker".into(),
        Duration::from_secs(60),
    );

    let (mut measure, mut difficulty, mut finding) = (None, None, None);
    let mut day: jiff::civil::Date = "2021-09-22".parse().unwrap();
    let last: jiff::civil::Date = "2021-12-31".parse().unwrap();
    while day <= last {
        clock.set(morning(&day.to_string()));
        let c = clock.as_ref();
        let report = |month: u8| ReportInput {
            period: format!("2021-{month:02}").parse().unwrap(),
            narrative: "按计划推进".into(),
            actuals: Vec::new(),
            consolidates: Vec::new(),
        };
        match day.to_string().as_str() {
            "2021-10-20" => {
                let current = duban::store::assignments::read(&test.db, a.id)
                    .await
                    .unwrap();
                act(&test.db, c, &unit, a.id, current.version, Move::Claim, None)
                    .await
                    .unwrap();
                // September's window closed on October 13: reopened for it.
                common::record::reopen(&test.db, c, a.id, "2021-09").await;
                submit(&test.db, c, &unit, a.id, &report(9)).await.unwrap();
                let input = MeasureInput {
                    description: "完成加装电梯意愿征询".into(),
                    responsible_person: "王科长".into(),
                    deadline: "2021-11-05".parse().unwrap(),
                    done: false,
                };
                measure = Some((
                    add_measure(&test.db, c, &unit, a.id, &input).await.unwrap(),
                    input,
                ));
            }
            "2021-11-04" => {
                submit(&test.db, c, &unit, a.id, &report(10)).await.unwrap();
            }
            "2021-11-10" => {
                difficulty = Some(
                    raise_difficulty(&test.db, c, &unit, a.id, "资金缺口较大", "区财政局")
                        .await
                        .unwrap(),
                );
            }
            "2021-11-16" => {
                let (row, input) = measure.as_ref().unwrap();
                let done = MeasureInput {
                    done: true,
                    ..input.clone()
                };
                update_measure(&test.db, c, &unit, row.id, row.version, &done)
                    .await
                    .unwrap();
            }
            "2021-11-18" => {
                let d = difficulty.as_ref().unwrap();
                resolve_difficulty(&test.db, c, &office, d.id, d.version, "已协调区财政局")
                    .await
                    .unwrap();
            }
            "2021-12-01" => {
                let inspection = open_inspection(
                    &test.db,
                    c,
                    &office,
                    office.body_id.unwrap(),
                    imported.plan_id,
                    "年末督查",
                    "2021-12-01",
                )
                .await
                .unwrap();
                let input = FindingInput {
                    inspection_id: inspection,
                    assignment_id: a.id,
                    action: "rectification",
                    description: "台账不全",
                    deadline: Some("2021-12-10"),
                };
                finding = Some(raise_finding(&test.db, c, &office, &input).await.unwrap());
            }
            "2021-12-06" => {
                submit(&test.db, c, &unit, a.id, &report(11)).await.unwrap();
            }
            "2021-12-09" => {
                let f = finding.as_ref().unwrap();
                move_finding(
                    &test.db,
                    c,
                    &unit,
                    f.id,
                    f.version,
                    FindingMove::Respond,
                    Some("已补全台账"),
                )
                .await
                .unwrap();
            }
            _ => {}
        }
        let tick = scheduler.tick().await.unwrap();
        assert!(tick.held, "the only scheduler holds the lease");
        let mismatches = duban::service::lights::verify(&test.db, c).await.unwrap();
        assert!(
            mismatches.is_empty(),
            "{day}: stored lights differ from the rule: {mismatches:?}"
        );
        day = day.tomorrow().unwrap();
    }

    let (m, d, f) = (
        measure.unwrap().0.id,
        difficulty.unwrap().id,
        finding.unwrap().id,
    );
    let aid = a.id;
    let expected: Vec<(String, String)> = [
        ("2021-09-29", format!("unclaimed:{aid}:1")),
        ("2021-10-12", format!("unclaimed:{aid}:2")),
        ("2021-10-19", format!("unclaimed:{aid}:3")),
        ("2021-10-25", format!("report_open:{aid}:2021-10")),
        ("2021-11-02", format!("measure_due:{m}:2021-11-05")),
        ("2021-11-03", format!("report_closing:{aid}:2021-10")),
        ("2021-11-08", format!("measure_overdue:{m}:2021-11-05:1")),
        ("2021-11-15", format!("measure_overdue:{m}:2021-11-05:2")),
        ("2021-11-17", format!("difficulty:{d}:1")),
        ("2021-11-23", format!("report_open:{aid}:2021-11")),
        ("2021-12-03", format!("report_closing:{aid}:2021-11")),
        ("2021-12-07", format!("rectification_due:{f}:2021-12-10")),
        ("2021-12-24", format!("report_open:{aid}:2021-12")),
    ]
    .into_iter()
    .map(|(day, key)| (day.to_string(), key))
    .collect();
    let stored = reminders::all(&test.db).await.unwrap();
    let got: Vec<(String, String)> = stored
        .iter()
        .map(|r| (r.due_on.clone(), r.dedup_key.clone()))
        .collect();
    assert_eq!(got, expected);

    // Each reached its people once, in the app; the unit's robot once.
    let liaison_user = duban::store::users::by_username(&test.db, "区房管局")
        .await
        .unwrap()
        .unwrap();
    let leader = duban::store::users::by_username(&test.db, "leader")
        .await
        .unwrap()
        .unwrap();
    let supervisor = duban::store::users::by_username(&test.db, "supervisor")
        .await
        .unwrap()
        .unwrap();
    for r in &stored {
        let sent = deliveries::of_reminder(&test.db, r.id).await.unwrap();
        let inbox: Vec<(i64, bool)> = sent
            .iter()
            .filter(|x| x.channel == "inbox")
            .map(|x| (x.user_id.unwrap(), x.in_copy))
            .collect();
        if r.cause == "difficulty_unanswered" {
            assert_eq!(inbox, vec![(supervisor.id, false)], "{}", r.dedup_key);
            assert!(
                sent.iter().all(|x| x.channel == "inbox"),
                "the unit's group is not told"
            );
            continue;
        }
        let mut want = vec![(liaison_user.id, false)];
        if r.level == 3 {
            want.push((leader.id, true));
        }
        assert_eq!(inbox, want, "{}", r.dedup_key);
        let robot: Vec<_> = sent.iter().filter(|x| x.channel == "webhook").collect();
        assert_eq!(robot.len(), 1, "{}", r.dedup_key);
        assert_eq!((robot[0].status.as_str(), robot[0].attempts), ("sent", 1));
    }
    let unit_reminders: Vec<String> = stored
        .iter()
        .filter(|r| r.cause != "difficulty_unanswered")
        .map(|r| r.subject.clone())
        .collect();
    assert_eq!(
        robots.subjects(),
        unit_reminders,
        "each robot message once, in order"
    );
    let first = &robots.bodies()[0];
    assert!(
        first["body"].as_str().unwrap().contains("尚未认领"),
        "{first}"
    );
    assert!(
        first["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/assignments/{aid}"))
    );

    // Ticking again on the last day makes and sends nothing more; nor does a
    // restarted server once the old one's lease has lapsed.
    let again = scheduler.tick().await.unwrap();
    assert_eq!((again.generated.new, again.sent.sent), (0, 0));
    let restarted = Scheduler::new(
        test.db.clone(),
        Arc::clone(&clock) as Arc<dyn Clock>,
        "restarted".into(),
        Duration::from_secs(60),
    );
    assert!(
        !restarted.tick().await.unwrap().held,
        "the old lease still runs"
    );
    clock.set(morning("2021-12-31") + jiff::SignedDuration::from_secs(61));
    let after_restart = restarted.tick().await.unwrap();
    assert!(after_restart.held);
    assert_eq!(
        (after_restart.generated.new, after_restart.sent.sent),
        (0, 0)
    );
    assert_eq!(
        reminders::all(&test.db).await.unwrap().len(),
        expected.len()
    );
}

/// Two servers on one PostgreSQL database, both answering, sessions shared,
/// their schedulers ticking side by side through the seed plan's autumn: one
/// holds the lease each day and every reminder reaches the robots once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_postgres_send_each_reminder_once() {
    let test = common::postgres().await;
    let clock = Arc::new(ManualClock::new(morning("2021-09-22")));
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    import_plan(
        &test.db,
        clock.as_ref(),
        &Actor::operator(),
        &Registry::builtin(),
        Document {
            name: "changning-2021-plan.txt",
            bytes: SEED,
        },
        true,
    )
    .await
    .unwrap();
    let robots = sink::start().await;
    robot_for(&test, None, "office", &robots.url).await;
    let a = common::app::serve_with(&test, Arc::clone(&clock) as Arc<dyn Clock>).await;
    let b = common::app::serve_with(&test, Arc::clone(&clock) as Arc<dyn Clock>).await;
    let client = common::app::client();
    let login = client
        .post(format!("{}/api/v1/login", a.base))
        .json(&serde_json::json!({"username": "leader", "password": "demo"}))
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success());
    let on_b = client
        .get(format!("{}/api/v1/me", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        on_b.status(),
        200,
        "a session made on one server works on the other"
    );

    let one = Scheduler::new(
        test.db.clone(),
        Arc::clone(&clock) as Arc<dyn Clock>,
        "server-a".into(),
        Duration::from_secs(60),
    );
    let two = Scheduler::new(
        test.db.clone(),
        Arc::clone(&clock) as Arc<dyn Clock>,
        "server-b".into(),
        Duration::from_secs(60),
    );
    let mut day: jiff::civil::Date = "2021-09-22".parse().unwrap();
    while day <= "2021-10-31".parse().unwrap() {
        clock.set(morning(&day.to_string()));
        let (x, y) = tokio::join!(one.tick(), two.tick());
        let (x, y) = (x.unwrap(), y.unwrap());
        assert!(
            x.held != y.held,
            "{day}: exactly one holds the lease ({x:?} / {y:?})"
        );
        day = day.tomorrow().unwrap();
    }
    let stored = reminders::all(&test.db).await.unwrap();
    assert!(
        stored.len() > 100,
        "the seed's unclaimed work is chased: {}",
        stored.len()
    );
    // Only escalations reach the office's robot: the third round of each.
    let escalated: Vec<String> = stored
        .iter()
        .filter(|r| r.level == 3)
        .map(|r| format!("{}|{}", r.subject, r.body))
        .collect();
    let mut got: Vec<String> = robots
        .bodies()
        .iter()
        .map(|b| {
            format!(
                "{}|{}",
                b["subject"].as_str().unwrap(),
                b["body"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(got.len(), escalated.len(), "each escalation sent once");
    got.sort();
    let mut want = escalated;
    want.sort();
    assert_eq!(got, want);
}

on_both_backends!(a_plan_year_of_reminders);
