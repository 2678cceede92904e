//! The demo as `duban demo` serves it (the real `serve`, its scheduler
//! ticking beside the requests, the movable clock), in a real browser: the
//! admin moves the date from 2021-06-15 to 2021-07-08 at /admin/notify; the
//! lights and the day's reminders follow by themselves — 区房管局's liaison
//! finds the 催办 to claim its task in the inbox, every unclaimed task
//! shows yellow in the ledger — and moving on again adds no copies.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::browser::{self, Browser};
use duban::clock::{Clock, ShiftedClock};

/// Waits (up to 10 s) until the scheduler has made reminders for `day`.
async fn reminders_made_on(db: &duban::store::Db, day: &str) -> usize {
    for _ in 0..100 {
        let made = duban::store::reminders::all(db)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.due_on == day)
            .count();
        if made > 0 {
            return made;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no reminders made for {day}");
}

async fn move_date(b: &Browser, day: &str) {
    b.open("/admin/notify").await;
    b.set_value("#demo-form input[name=date]", day).await;
    b.click("#demo-form button[type=submit]").await;
    assert_eq!(b.text("[data-test=demo-day]").await, day);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_the_demo_date_brings_the_lights_and_reminders_of_that_day() {
    let test = common::sqlite().await;
    let start = duban::commands::demo::start_of("2021-06-15").unwrap();
    let clock = Arc::new(ShiftedClock::starting_at(start));
    duban::commands::demo::prepare_with(&test.db, clock.as_ref())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::clone(&clock);
    let db = test.db.clone();
    tokio::spawn(async move {
        let clock: Arc<dyn Clock> = served.clone();
        duban::commands::serve::serve(db, clock, Some(served), listener, 1 << 20)
            .await
            .unwrap();
    });

    let b = browser::start(&base).await;
    b.login("admin", "demo").await;
    b.open("/ledger?light=yellow").await;
    let before = b.find_all("[data-task]").await.len();
    move_date(&b, "2021-07-08").await;
    let made = reminders_made_on(&test.db, "2021-07-08").await;
    b.open("/ledger?light=yellow").await;
    let yellow = b.find_all("[data-task]").await.len();
    assert!(
        yellow > before,
        "unclaimed for three weeks: yellow ({before} → {yellow})"
    );
    b.screenshot("demo-moved-ledger").await;
    b.logout().await;

    b.login("区房管局", "demo").await;
    b.open("/inbox").await;
    let inbox = b.text("[data-test=inbox]").await;
    assert!(inbox.contains("区房管局请认领任务"), "{inbox}");
    assert!(!b.text("[data-test=unread]").await.is_empty());
    b.logout().await;

    // Moving on within the same round adds nothing; the count stays.
    b.login("admin", "demo").await;
    move_date(&b, "2021-07-09").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all = duban::store::reminders::all(&test.db).await.unwrap();
    assert_eq!(
        all.iter().filter(|r| r.due_on == "2021-07-08").count(),
        made,
        "the reminders of July 8 are not made again"
    );
    b.close().await;
}
