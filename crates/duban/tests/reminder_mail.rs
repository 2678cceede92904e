//! Reminders by e-mail, end to end: the scheduler on a moved clock sends the
//! day's reminder to the liaison's address through a real SMTP server
//! (aiosmtpd on loopback, STARTTLS and AUTH), Chinese subject and body and
//! the link back intact, once; with a wrong password the delivery fails at
//! once and the log says the server's 535.

#[path = "support/smtp.rs"]
#[allow(dead_code)] // this file uses a part of the SMTP test server
mod smtp;

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::record::actor;
use duban::clock::{Clock, ManualClock};
use duban::jobs::scheduler::Scheduler;
use duban::notify::{Secret, SmtpSecurity};
use duban::service::channels::{ChannelsInput, of_user, set_for_user};
use duban::service::notify_settings::{OfficeSettings, set_office, set_smtp};
use duban::store::{deliveries, reminders};
use smtp::SmtpServer;

fn china(at: &str) -> jiff::Timestamp {
    let at: jiff::civil::DateTime = at.parse().unwrap();
    jiff::tz::offset(8).to_timestamp(at).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_days_reminder_arrives_by_mail_once_and_a_bad_password_is_logged() {
    let test = common::sqlite().await;
    let server = SmtpServer::start(false);
    let clock = Arc::new(ManualClock::new(china("2021-09-22T09:00")));
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let imported = common::record::import_tiny(&test.db, clock.as_ref(), "区房管局").await;
    let a = common::record::assignment(&test.db, imported.plan_id, "1", "区房管局").await;
    let admin = actor(&test.db, "admin").await;
    let mut settings = server.settings(SmtpSecurity::StartTls);
    set_smtp(&test.db, clock.as_ref(), &admin, &settings, 0)
        .await
        .unwrap();
    let office = OfficeSettings {
        base_url: "https://duban.district.gov.cn".into(),
        ..OfficeSettings::default()
    };
    set_office(&test.db, clock.as_ref(), &admin, &office, 0)
        .await
        .unwrap();
    let liaison = of_user(&test.db, &admin, "区房管局").await.unwrap();
    let input = ChannelsInput::parse("fgj@district.gov.cn", true, "").unwrap();
    set_for_user(
        &test.db,
        clock.as_ref(),
        &admin,
        "区房管局",
        &input,
        liaison.version,
    )
    .await
    .unwrap();

    let scheduler = Scheduler::new(
        test.db.clone(),
        Arc::clone(&clock) as Arc<dyn Clock>,
        "mailer".into(),
        Duration::from_secs(60),
    );
    clock.set(china("2021-09-29T09:00"));
    let tick = scheduler.tick().await.unwrap();
    assert_eq!((tick.generated.new, tick.sent.sent), (1, 1), "{tick:?}");
    clock.set(china("2021-09-29T10:00"));
    assert_eq!(scheduler.tick().await.unwrap().sent.sent, 0, "once");

    let received = server.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail["rcpt_tos"], serde_json::json!(["fgj@district.gov.cn"]));
    assert_eq!(mail["subject"], "【催办】区房管局请认领任务");
    let body = mail["body"].as_str().unwrap();
    assert!(body.contains("尚未认领"), "{body}");
    assert!(
        body.contains(&format!(
            "https://duban.district.gov.cn/assignments/{}",
            a.id
        )),
        "the link back: {body}"
    );

    // The password changed on the server's side: the next reminder fails at
    // once (no retry mends a refused login) and the log says why.
    settings.password = Some(Secret::new("wrong"));
    set_smtp(&test.db, clock.as_ref(), &admin, &settings, 1)
        .await
        .unwrap();
    clock.set(china("2021-10-12T09:00"));
    let tick = scheduler.tick().await.unwrap();
    assert_eq!((tick.generated.new, tick.sent.failed), (1, 1), "{tick:?}");
    let second = reminders::all(&test.db).await.unwrap().pop().unwrap();
    let mail = deliveries::of_reminder(&test.db, second.id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.channel == "email")
        .unwrap();
    assert_eq!(mail.status, "failed");
    assert!(
        mail.last_error.as_deref().unwrap().contains("535"),
        "{:?}",
        mail.last_error
    );
    assert_eq!(server.received().len(), 1, "nothing more arrived");
}
