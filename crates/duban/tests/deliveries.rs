//! Sending, on both backends, through the scheduler with a moved clock:
//! a robot that answers 500 once is tried again a minute later and gets the
//! message once; a robot that refuses (400) fails at once with its answer in
//! the delivery log and the other robot is unaffected; messages made inside
//! the quiet hours wait for their end while the inbox has them at once.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::TestDb;
use common::record::actor;
use common::sink;
use duban::clock::{Clock, ManualClock};
use duban::jobs::scheduler::Scheduler;
use duban::service::notify_settings::{OfficeSettings, set_office};
use duban::store::notify_targets::{self, NewTarget};
use duban::store::{deliveries, reminders};

fn china(at: &str) -> jiff::Timestamp {
    let at: jiff::civil::DateTime = at.parse().unwrap();
    jiff::tz::offset(8).to_timestamp(at).unwrap()
}

/// The tiny plan assigned to 区房管局 on 2021-09-22, and one robot per URL
/// on the unit's group.
async fn setup(test: &TestDb, clock: &ManualClock, robots: &[&str]) -> i64 {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let imported = common::record::import_tiny(&test.db, clock, "区房管局").await;
    let a = common::record::assignment(&test.db, imported.plan_id, "1", "区房管局").await;
    let mut tx = test.db.begin().await.unwrap();
    for url in robots {
        notify_targets::insert(
            &mut tx,
            &NewTarget {
                owner_kind: "unit",
                owner_id: Some(a.unit_id),
                robot: "webhook",
                name: "房管局工作群",
                url,
                secret: None,
            },
            0,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    a.id
}

fn scheduler(test: &TestDb, clock: &Arc<ManualClock>) -> Scheduler {
    Scheduler::new(
        test.db.clone(),
        Arc::clone(clock) as Arc<dyn Clock>,
        "sender".into(),
        Duration::from_secs(60),
    )
}

async fn failures_are_retried_or_failed_and_logged(test: &TestDb) {
    let clock = Arc::new(ManualClock::new(china("2021-09-22T09:00")));
    let flaky = sink::answering(vec![500]).await;
    let refusing = sink::answering(vec![400]).await;
    setup(test, &clock, &[&flaky.url, &refusing.url]).await;
    let s = scheduler(test, &clock);

    // Sep 29: the unclaimed reminder; the flaky robot answers 500, the other 400.
    clock.set(china("2021-09-29T09:00"));
    let tick = s.tick().await.unwrap();
    assert_eq!(tick.generated.new, 1);
    assert_eq!(
        (tick.sent.sent, tick.sent.retrying, tick.sent.failed),
        (0, 1, 1)
    );
    let reminder = &reminders::all(&test.db).await.unwrap()[0];
    let sent = deliveries::of_reminder(&test.db, reminder.id)
        .await
        .unwrap();
    let robots: Vec<_> = sent.iter().filter(|d| d.channel == "webhook").collect();
    let failed = robots.iter().find(|d| d.status == "failed").unwrap();
    assert!(
        failed.last_error.as_deref().unwrap().contains("400"),
        "{:?}",
        failed.last_error
    );
    let waiting = robots.iter().find(|d| d.status == "pending").unwrap();
    assert_eq!(
        waiting.next_attempt_at,
        china("2021-09-29T09:01").as_millisecond()
    );

    // Half a minute on: not due yet. A minute on: sent, once.
    clock.set(china("2021-09-29T09:00:30"));
    assert_eq!(s.tick().await.unwrap().sent.sent, 0);
    clock.set(china("2021-09-29T09:01:05"));
    assert_eq!(s.tick().await.unwrap().sent.sent, 1);
    assert_eq!(flaky.bodies().len(), 1);
    assert!(refusing.bodies().is_empty());
    let attempts = deliveries::attempts(&test.db, waiting.id).await.unwrap();
    let outcomes: Vec<&str> = attempts.iter().map(|a| a.1.as_str()).collect();
    assert_eq!(outcomes, ["retry", "sent"]);
    assert!(attempts[0].2.as_deref().unwrap().contains("500"));
    assert_eq!(attempts[0].3, "sender", "the holder is logged");
    let log = deliveries::log(&test.db, true, 50).await.unwrap();
    assert_eq!(
        log.len(),
        2,
        "the failure and the recovered retry are listed"
    );
    // Nothing more on later ticks.
    clock.set(china("2021-09-29T12:00"));
    let later = s.tick().await.unwrap();
    assert_eq!((later.sent.sent, later.sent.retrying), (0, 0));
}

async fn quiet_hours_hold_robots_not_the_inbox(test: &TestDb) {
    let clock = Arc::new(ManualClock::new(china("2021-09-22T09:00")));
    let robot = sink::start().await;
    setup(test, &clock, &[&robot.url]).await;
    let admin = actor(&test.db, "admin").await;
    let office = OfficeSettings {
        quiet_hours: "22:00-08:00".into(),
        ..OfficeSettings::default()
    };
    set_office(&test.db, clock.as_ref(), &admin, &office, 0)
        .await
        .unwrap();
    let s = scheduler(test, &clock);

    // The first tick of Sep 29 comes at 22:30, inside the quiet hours.
    clock.set(china("2021-09-29T22:30"));
    let tick = s.tick().await.unwrap();
    assert_eq!((tick.generated.new, tick.sent.sent), (1, 0));
    let liaison = duban::store::users::by_username(&test.db, "区房管局")
        .await
        .unwrap()
        .unwrap();
    let (inbox, unread) = duban::service::inbox::inbox(&test.db, liaison.id)
        .await
        .unwrap();
    assert_eq!((inbox.len(), unread), (1, 1), "the inbox has it at once");
    let planned = deliveries::of_reminder(&test.db, inbox[0].1.id)
        .await
        .unwrap();
    assert!(planned.iter().all(|d| d.channel != "email"), "{planned:?}");
    clock.set(china("2021-09-30T07:59"));
    assert_eq!(s.tick().await.unwrap().sent.sent, 0, "still quiet");
    clock.set(china("2021-09-30T08:00"));
    assert_eq!(
        s.tick().await.unwrap().sent.sent,
        1,
        "sent when the quiet hours end"
    );
    assert_eq!(robot.bodies().len(), 1);
}

on_both_backends!(
    failures_are_retried_or_failed_and_logged,
    quiet_hours_hold_robots_not_the_inbox,
);
