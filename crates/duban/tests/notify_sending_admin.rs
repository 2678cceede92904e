//! The office's sending setup through the services on both databases: robots
//! added (URL checked, shown by host only) and toggled by version, test sends
//! that report the peer's answer, the SMTP password kept when the form leaves
//! it blank, admins only, and the delivery log naming robots, not URLs.

mod common;

use common::TestDb;
use common::record::{actor, at, someone};
use duban::domain::roles::{Actor, Role};
use duban::notify::{SmtpSecurity, SmtpSettings};
use duban::service::ServiceError;
use duban::service::notify_admin::{self, Standing};
use duban::service::notify_settings;
use duban::service::robots::{self, NewRobot, Owner};
use duban::store::StoreError;
use duban::store::deliveries::{self, NewDelivery, Outcome};
use duban::store::reminders::{self, NewReminder};

const UNIT: &str = "区房管局";

fn admin() -> Actor {
    Actor::operator()
}

fn field_of(error: &ServiceError) -> &'static str {
    match error {
        ServiceError::Field { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

fn is_conflict(error: &ServiceError) -> bool {
    matches!(error, ServiceError::Store(StoreError::Conflict { .. }))
}

fn forbidden(error: &ServiceError) -> bool {
    matches!(error, ServiceError::Forbidden(_))
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn robots_are_added_and_toggled_by_version(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = at("2021-06-15");
    let units = robots::owners(&test.db, &admin()).await.unwrap();
    let unit = units.iter().find(|(_, n)| n == UNIT).unwrap().0;
    let robot = |owner, url: &'static str| NewRobot {
        owner,
        robot: duban::notify::Robot::WeCom,
        name: "房管局工作群",
        url,
        secret: "",
    };
    let token_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=tok-123";

    let liaison = actor(&test.db, UNIT).await;
    let refused = robots::add(
        &test.db,
        &clock,
        &liaison,
        &robot(Owner::Unit(unit), token_url),
    )
    .await
    .unwrap_err();
    assert!(forbidden(&refused));
    let bad = robots::add(
        &test.db,
        &clock,
        &admin(),
        &robot(Owner::Office, "ftp://x/y"),
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(&bad), "url");
    let bad = robots::add(
        &test.db,
        &clock,
        &admin(),
        &robot(Owner::Unit(-1), token_url),
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(&bad), "owner");

    let id = robots::add(
        &test.db,
        &clock,
        &admin(),
        &robot(Owner::Unit(unit), token_url),
    )
    .await
    .unwrap();
    let signed = NewRobot {
        robot: duban::notify::Robot::Generic,
        name: "督查室",
        secret: "whsec",
        ..robot(Owner::Office, "http://127.0.0.1:9/hook/s3cr3t-path")
    };
    robots::add(&test.db, &clock, &admin(), &signed)
        .await
        .unwrap();
    let listed = robots::list(&test.db, &admin()).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(
        (
            listed[0].unit.as_str(),
            listed[0].origin.as_str(),
            listed[0].has_secret
        ),
        ("", "http://127.0.0.1:9", true),
        "the office's first, its URL cut to the host"
    );
    let line = listed.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        (
            line.unit.as_str(),
            line.origin.as_str(),
            line.has_secret,
            line.enabled
        ),
        (UNIT, "https://qyapi.weixin.qq.com", false, true)
    );

    let next = robots::set_enabled(&test.db, &clock, &admin(), id, false, line.version)
        .await
        .unwrap();
    let stale = robots::set_enabled(&test.db, &clock, &admin(), id, true, line.version)
        .await
        .unwrap_err();
    assert!(is_conflict(&stale), "{stale:?}");
    assert!(forbidden(
        &robots::set_enabled(&test.db, &clock, &liaison, id, true, next)
            .await
            .unwrap_err()
    ));
    let line = robots::list(&test.db, &admin()).await.unwrap();
    let line = line.iter().find(|r| r.id == id).unwrap();
    assert_eq!((line.enabled, line.version), (false, next));

    // A robot nobody answers for: the test says so and is audited, not an error.
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let deaf = NewRobot {
        owner: Owner::Office,
        robot: duban::notify::Robot::WeCom,
        name: "无人应答",
        url: &url,
        secret: "",
    };
    let deaf_id = robots::add(&test.db, &clock, &admin(), &deaf)
        .await
        .unwrap();
    let answer = robots::test(&test.db, &clock, &admin(), deaf_id)
        .await
        .unwrap()
        .unwrap_err();
    assert!(answer.starts_with("WeCom unreachable"), "{answer}");
    assert!(forbidden(
        &robots::test(&test.db, &clock, &liaison, deaf_id)
            .await
            .unwrap_err()
    ));
}

async fn mail_settings_keep_the_password_and_the_test_says_what_failed(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = at("2021-06-15");
    let none = notify_admin::send_test_email(&test.db, &clock, &admin(), "a@b.cn")
        .await
        .unwrap_err();
    assert!(matches!(none, ServiceError::Invalid(_)), "{none:?}");

    let port = closed_port();
    let settings = |password: Option<&str>| SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: Some("duban".into()),
        password: password.map(duban::notify::Secret::new),
        from: "区督查室 <duban@district.gov.cn>".into(),
        ca_pem: None,
        accept_invalid_certs: false,
        timeout_secs: 5,
    };
    let liaison = actor(&test.db, UNIT).await;
    assert!(forbidden(
        &notify_admin::save_smtp(&test.db, &clock, &liaison, settings(Some("pw")), 0)
            .await
            .unwrap_err()
    ));
    let v1 = notify_admin::save_smtp(&test.db, &clock, &admin(), settings(Some("pw")), 0)
        .await
        .unwrap();
    // Saved again without a password (the form never shows it): it is kept.
    let v2 = notify_admin::save_smtp(&test.db, &clock, &admin(), settings(None), v1)
        .await
        .unwrap();
    let (stored, version) = notify_settings::smtp(&test.db).await.unwrap();
    let stored = stored.unwrap();
    assert_eq!(version, v2);
    assert_eq!(stored.password.as_ref().map(|p| p.expose()), Some("pw"));
    let stale = notify_admin::save_smtp(&test.db, &clock, &admin(), settings(None), v1)
        .await
        .unwrap_err();
    assert!(is_conflict(&stale), "{stale:?}");

    let bad = notify_admin::send_test_email(&test.db, &clock, &admin(), "not an address")
        .await
        .unwrap_err();
    assert_eq!(field_of(&bad), "to");
    let failed = notify_admin::send_test_email(&test.db, &clock, &admin(), "wang@fgj.gov.cn")
        .await
        .unwrap()
        .unwrap_err();
    assert!(failed.starts_with("SMTP server unreachable"), "{failed}");
    assert!(forbidden(
        &notify_admin::send_test_email(&test.db, &clock, &liaison, "wang@fgj.gov.cn")
            .await
            .unwrap_err()
    ));

    // Office defaults and rules: their own checks, and admins only.
    let (office, version) = notify_settings::office(&test.db).await.unwrap();
    let late = notify_settings::OfficeSettings {
        quiet_hours: "22:00-".into(),
        ..office
    };
    let bad = notify_settings::set_office(&test.db, &clock, &admin(), &late, version)
        .await
        .unwrap_err();
    assert_eq!(field_of(&bad), "quiet_hours");
    let (rules, version) = notify_settings::rules(&test.db).await.unwrap();
    let upside_down = duban::domain::reminders::ReminderRules {
        head_from: 4,
        leader_from: 3,
        ..rules
    };
    let bad = notify_settings::set_rules(&test.db, &clock, &admin(), &upside_down, version)
        .await
        .unwrap_err();
    assert_eq!(field_of(&bad), "head_from");
    assert!(forbidden(
        &notify_settings::set_rules(&test.db, &clock, &liaison, &rules, version)
            .await
            .unwrap_err()
    ));
}

async fn the_log_names_robots_and_lists_attempts(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = at("2021-06-15");
    let unit = robots::owners(&test.db, &admin()).await.unwrap()[0].0;
    let robot = NewRobot {
        owner: Owner::Unit(unit),
        robot: duban::notify::Robot::DingTalk,
        name: "联络群",
        url: "https://oapi.dingtalk.com/robot/send?access_token=tok-456",
        secret: "SEC1",
    };
    let robot_id = robots::add(&test.db, &clock, &admin(), &robot)
        .await
        .unwrap();
    let now = 1_623_718_800_000; // 2021-06-15 09:00 China
    let mut tx = test.db.begin().await.unwrap();
    let reminder = reminders::insert(
        &mut tx,
        &NewReminder {
            cause: "manual",
            dedup_key: "manual:test",
            level: 1,
            unit_id: Some(unit),
            assignment_id: None,
            subject: "【催办】请报送进展",
            body: "请于本周内报送。",
            link: "/workspace",
            due_on: "2021-06-15",
            created_by: None,
            created_at: now,
        },
    )
    .await
    .unwrap()
    .unwrap();
    let address = robot_id.to_string();
    for (channel, address, target) in [
        ("dingtalk", address.as_str(), Some(robot_id)),
        ("email", "wang@fgj.gov.cn", None),
    ] {
        let delivery = NewDelivery {
            reminder_id: reminder,
            channel,
            address,
            user_id: None,
            target_id: target,
            in_copy: false,
            status: "pending",
            next_attempt_at: now,
            sent_at: None,
        };
        deliveries::insert(&mut tx, &delivery).await.unwrap();
    }
    tx.commit().await.unwrap();

    let all = notify_admin::log(&test.db, &admin(), false).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|d| d.standing == Standing::Pending));
    let ding = all.iter().find(|d| d.channel == "dingtalk").unwrap().id;
    let mut tx = test.db.begin().await.unwrap();
    let error = "DingTalk answered errcode 310000: sign not match";
    deliveries::finish(
        &mut tx,
        ding,
        Outcome::Retry(now + 60_000),
        Some(error),
        now,
        "host-1",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let troubled = notify_admin::log(&test.db, &admin(), true).await.unwrap();
    assert_eq!(troubled.len(), 1);
    let line = &troubled[0];
    assert_eq!(
        (line.address.as_str(), line.standing, line.attempts),
        ("联络群", Standing::Retrying, 1),
        "a robot by its name, never its URL"
    );
    let (one, attempts) = notify_admin::delivery(&test.db, &admin(), ding)
        .await
        .unwrap();
    assert_eq!(one.last_error.as_deref(), Some(error));
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        (attempts[0].outcome.as_str(), attempts[0].holder.as_str()),
        ("retry", "host-1")
    );
    assert!(forbidden(
        &notify_admin::log(&test.db, &someone(Role::Supervisor), false)
            .await
            .unwrap_err()
    ));
    assert!(matches!(
        notify_admin::delivery(&test.db, &admin(), ding + 100).await,
        Err(ServiceError::NotFound(_))
    ));
}

on_both_backends!(
    robots_are_added_and_toggled_by_version,
    mail_settings_keep_the_password_and_the_test_says_what_failed,
    the_log_names_robots_and_lists_attempts,
);
