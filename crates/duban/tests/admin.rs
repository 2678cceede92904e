//! Administration through the services on both databases: the light
//! thresholds as a setting (and the lights following them), unit aliases and
//! group members, deactivating users, supervision bodies.

mod common;

use common::TestDb;
use common::record::{at, someone};
use duban::clock::FixedClock;
use duban::domain::light::{Light, Thresholds};
use duban::domain::roles::{Actor, Role};
use duban::domain::secrets::NewPassword;
use duban::service::ServiceError;
use duban::service::plans::{TaskQuery, tasks};
use duban::service::settings::{ReportPeriod, StoredThresholds, set_thresholds, thresholds};
use duban::service::units;
use duban::service::users::{self, UserSpec};
use duban::store::StoreError;
use jiff::Timestamp;

fn admin() -> Actor {
    Actor::operator()
}

fn stored(claim_days: i32) -> StoredThresholds {
    StoredThresholds {
        claim_days,
        measure_warning_days: 7,
        report_grace_days: 5,
        report_period: ReportPeriod::Monthly,
    }
}

fn field_of(error: ServiceError) -> &'static str {
    match error {
        ServiceError::Field { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// The lights of every task on `clock`'s day, as the ledger reads them.
async fn lights(test: &TestDb, clock: &FixedClock) -> Vec<Light> {
    let plan = duban::service::plans::list(&test.db, &admin())
        .await
        .unwrap()[0]
        .id;
    let query = TaskQuery {
        page: 1,
        per_page: 200,
        ..TaskQuery::default()
    };
    // As the first request of the day does: the stored lights brought to it.
    duban::service::lights::ensure_current(&test.db, clock, &Default::default())
        .await
        .unwrap();
    let page = tasks(&test.db, &admin(), plan, &query).await.unwrap();
    assert_eq!(page.tasks.len(), 33, "the seed plan's tasks");
    page.tasks.iter().map(|t| t.light).collect()
}

async fn thresholds_are_a_setting_and_the_lights_follow(test: &TestDb) {
    // The seed plan imported and assigned on 1 March; nobody has claimed.
    duban::commands::demo::prepare_with(&test.db, &at("2021-03-01"))
        .await
        .unwrap();
    let (first, version) = thresholds(&test.db).await.unwrap();
    assert_eq!(
        (first, version),
        (Thresholds::default(), 0),
        "defaults until set"
    );

    // Six working days later (March 2–5, 8, 9) every unclaimed task is past
    // the default five claim days.
    let week_later = at("2021-03-09");
    let before = lights(test, &week_later).await;
    assert!(before.iter().all(|l| *l == Light::Yellow), "{before:?}");

    // Only the admin changes them; out of range and stale saves are refused.
    let refused = set_thresholds(
        &test.db,
        &week_later,
        &someone(Role::Supervisor),
        stored(10),
        0,
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, ServiceError::Forbidden(_)), "{refused:?}");
    for (bad, field) in [
        (
            StoredThresholds {
                claim_days: 61,
                ..stored(5)
            },
            "claim_days",
        ),
        (
            StoredThresholds {
                measure_warning_days: -1,
                ..stored(5)
            },
            "measure_warning_days",
        ),
        (
            StoredThresholds {
                report_grace_days: 90,
                ..stored(5)
            },
            "report_grace_days",
        ),
    ] {
        let e = set_thresholds(&test.db, &week_later, &admin(), bad, 0)
            .await
            .unwrap_err();
        assert_eq!(field_of(e), field);
    }
    assert_eq!(thresholds(&test.db).await.unwrap().1, 0, "nothing saved");

    let next = set_thresholds(&test.db, &week_later, &admin(), stored(10), 0)
        .await
        .unwrap();
    assert_eq!(next, 1);
    let (read, version) = thresholds(&test.db).await.unwrap();
    assert_eq!(read.claim_days, 10);
    assert_eq!(read.report_period, ReportPeriod::Monthly);
    assert_eq!(version, 1);
    // A form loaded before that save is stale now.
    let stale = set_thresholds(&test.db, &week_later, &admin(), stored(3), 0)
        .await
        .unwrap_err();
    assert!(
        matches!(stale, ServiceError::Store(StoreError::Conflict { .. })),
        "{stale:?}"
    );
    assert_eq!(thresholds(&test.db).await.unwrap().0.claim_days, 10);

    // Ten claim days: six working days unclaimed is still green; the save
    // relit every task in its own transaction.
    let after = lights(test, &week_later).await;
    assert!(after.iter().all(|l| *l == Light::Green), "{after:?}");
    // And quarterly, saved at version 1, reads back.
    let quarterly = StoredThresholds {
        report_period: ReportPeriod::Quarterly,
        ..stored(10)
    };
    set_thresholds(&test.db, &week_later, &admin(), quarterly, 1)
        .await
        .unwrap();
    assert_eq!(
        thresholds(&test.db).await.unwrap().0.report_period,
        ReportPeriod::Quarterly
    );
}

async fn aliases_and_group_members(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = at("2021-03-01");
    let find = |list: &[duban::store::units::UnitListing], name: &str| {
        list.iter()
            .find(|u| u.name == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} listed"))
    };
    let list = units::listing(&test.db, &admin()).await.unwrap();
    let housing = find(&list, "区房管局");
    let builders = find(&list, "区建设管理委");
    assert!(!housing.is_group);

    // An alias, then the same alias again, then another unit's name.
    units::add_alias(&test.db, &clock, &admin(), housing.id, "长宁房管")
        .await
        .unwrap();
    let again = units::add_alias(&test.db, &clock, &admin(), builders.id, "长宁房管")
        .await
        .unwrap_err();
    assert_eq!(field_of(again), "alias");
    let a_name = units::add_alias(&test.db, &clock, &admin(), housing.id, "区建设管理委")
        .await
        .unwrap_err();
    assert_eq!(field_of(a_name), "alias");
    let refused = units::add_alias(
        &test.db,
        &clock,
        &someone(Role::Supervisor),
        housing.id,
        "x房管",
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, ServiceError::Forbidden(_)));
    let list = units::listing(&test.db, &admin()).await.unwrap();
    assert!(
        find(&list, "区房管局")
            .aliases
            .contains(&"长宁房管".to_string())
    );
    // Documents naming it so now resolve to it.
    let mut tx = test.db.begin().await.unwrap();
    let resolved = duban::store::units::resolve(&mut tx, "长宁房管")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(resolved.map(|u| u.id), Some(housing.id));

    units::remove_alias(&test.db, &clock, &admin(), housing.id, "长宁房管")
        .await
        .unwrap();
    let list = units::listing(&test.db, &admin()).await.unwrap();
    assert!(
        !find(&list, "区房管局")
            .aliases
            .contains(&"长宁房管".to_string())
    );
    let gone = units::remove_alias(&test.db, &clock, &admin(), housing.id, "长宁房管")
        .await
        .unwrap_err();
    assert!(matches!(gone, ServiceError::NotFound(_)), "{gone:?}");

    // A new group, a member in, then out.
    let group = units::add_unit(&test.db, &clock, &admin(), "旧改工作组", "", true)
        .await
        .unwrap();
    let taken = units::add_unit(&test.db, &clock, &admin(), "旧改工作组", "", true)
        .await
        .unwrap_err();
    assert_eq!(field_of(taken), "name");
    units::add_member(&test.db, &clock, &admin(), group, housing.id)
        .await
        .unwrap();
    let twice = units::add_member(&test.db, &clock, &admin(), group, housing.id)
        .await
        .unwrap_err();
    assert_eq!(field_of(twice), "member");
    let not_a_group = units::add_member(&test.db, &clock, &admin(), builders.id, housing.id)
        .await
        .unwrap_err();
    assert_eq!(field_of(not_a_group), "group");
    let list = units::listing(&test.db, &admin()).await.unwrap();
    assert_eq!(
        find(&list, "旧改工作组").related,
        vec!["区房管局".to_string()]
    );
    assert!(
        find(&list, "区房管局")
            .related
            .contains(&"旧改工作组".to_string())
    );

    units::remove_member(&test.db, &clock, &admin(), group, housing.id)
        .await
        .unwrap();
    let list = units::listing(&test.db, &admin()).await.unwrap();
    assert!(find(&list, "旧改工作组").related.is_empty());
    assert!(
        !find(&list, "区房管局")
            .related
            .contains(&"旧改工作组".to_string())
    );
}

async fn deactivated_users_cannot_sign_in(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = FixedClock(Timestamp::now());
    let spec = UserSpec {
        username: "wang",
        display_name: "王联络员",
        role: Role::Liaison,
        unit: Some("区房管局"),
        body: None,
    };
    let password = NewPassword::parse("房管局2021年").unwrap();
    users::add_user(&test.db, &clock, &admin(), &spec, &password)
        .await
        .unwrap();
    let signed = duban::service::auth::login(&test.db, &clock, "wang", "房管局2021年", "127.0.0.1")
        .await
        .unwrap();
    let live = duban::service::auth::authenticate(&test.db, &clock, &signed.token)
        .await
        .unwrap();
    assert!(live.is_some(), "a fresh session works");
    let version = live.unwrap().1.version;

    // A liaison without a unit, or a short password, is named field by field.
    let problems = users::spec_problems(
        &UserSpec {
            unit: None,
            ..spec.clone()
        },
        "short",
    );
    let fields: Vec<&str> = problems.into_iter().map(field_of).collect();
    assert_eq!(fields, ["unit", "password"]);

    // A role change from a form loaded before another change is refused.
    let stale = users::set_role(
        &test.db,
        &clock,
        &admin(),
        "wang",
        Role::Viewer,
        Some(version - 1),
    )
    .await
    .unwrap_err();
    assert!(matches!(
        stale,
        ServiceError::Store(StoreError::Conflict { .. })
    ));
    let refused = users::set_role(
        &test.db,
        &clock,
        &someone(Role::Leader),
        "wang",
        Role::Viewer,
        Some(version),
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, ServiceError::Forbidden(_)));
    assert_eq!(
        users::get(&test.db, &admin(), "wang").await.unwrap().role,
        "liaison"
    );

    // Only an admin deactivates, with the version the form showed.
    let refused = users::set_active(
        &test.db,
        &clock,
        &someone(Role::Supervisor),
        "wang",
        false,
        version,
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, ServiceError::Forbidden(_)));
    let stale = users::set_active(&test.db, &clock, &admin(), "wang", false, version - 1)
        .await
        .unwrap_err();
    assert!(matches!(
        stale,
        ServiceError::Store(StoreError::Conflict { .. })
    ));
    let next = users::set_active(&test.db, &clock, &admin(), "wang", false, version)
        .await
        .unwrap();

    // The session stops working and signing in is refused.
    assert!(
        duban::service::auth::authenticate(&test.db, &clock, &signed.token)
            .await
            .unwrap()
            .is_none()
    );
    let denied = duban::service::auth::login(&test.db, &clock, "wang", "房管局2021年", "127.0.0.1")
        .await
        .unwrap_err();
    assert!(
        matches!(denied, ServiceError::Unauthorized(_)),
        "{denied:?}"
    );

    // Reactivated, the user signs in again.
    users::set_active(&test.db, &clock, &admin(), "wang", true, next)
        .await
        .unwrap();
    duban::service::auth::login(&test.db, &clock, "wang", "房管局2021年", "127.0.0.1")
        .await
        .unwrap();

    // An admin cannot lock themself out.
    let me = users::get(&test.db, &admin(), "admin").await.unwrap();
    let own = Actor {
        name: "user:admin".into(),
        ..admin()
    };
    let refused = users::set_active(&test.db, &clock, &own, "admin", false, me.version)
        .await
        .unwrap_err();
    assert!(matches!(refused, ServiceError::Invalid(_)), "{refused:?}");
    assert!(
        users::get(&test.db, &admin(), "admin")
            .await
            .unwrap()
            .active
    );
}

async fn bodies_are_added_once(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = at("2021-03-01");
    let before = units::bodies(&test.db, &admin()).await.unwrap();
    assert_eq!(before.len(), 3, "the seed's three bodies");
    let id = units::add_body(&test.db, &clock, &admin(), " 人大督查 ")
        .await
        .unwrap();
    let again = units::add_body(&test.db, &clock, &admin(), "人大督查")
        .await
        .unwrap_err();
    assert_eq!(field_of(again), "name");
    let blank = units::add_body(&test.db, &clock, &admin(), "  ")
        .await
        .unwrap_err();
    assert_eq!(field_of(blank), "name");
    let refused = units::add_body(&test.db, &clock, &someone(Role::Leader), "政协督查")
        .await
        .unwrap_err();
    assert!(matches!(refused, ServiceError::Forbidden(_)));
    let after = units::bodies(&test.db, &admin()).await.unwrap();
    assert_eq!(after.len(), 4);
    assert!(
        after.contains(&(id, "人大督查".to_string())),
        "stored trimmed"
    );
}

on_both_backends!(
    thresholds_are_a_setting_and_the_lights_follow,
    aliases_and_group_members,
    deactivated_users_cannot_sign_in,
    bodies_are_added_once,
);
