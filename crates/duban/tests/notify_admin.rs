//! Who is told how, through the services on both databases: a liaison sets
//! only their own e-mail and quiet hours (checked), an admin anyone's and the
//! units' heads; stale versions conflict; a bad holiday file is refused with
//! its line and field and the old one kept; the demo's date moves for admins.

mod common;

use common::TestDb;
use common::record::{actor, at};
use duban::domain::roles::Actor;
use duban::service::ServiceError;
use duban::service::calendar;
use duban::service::channels::{self, ChannelsInput};
use duban::service::notify_admin;
use duban::store::StoreError;

const UNIT: &str = "区房管局";
const OTHER_UNIT: &str = "区教育局";

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

async fn user_channels_are_checked_and_each_sets_their_own(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = at("2021-06-15");
    let liaison = actor(&test.db, UNIT).await;

    // Typing slips are each said for their field, all at once.
    let problems = ChannelsInput::parse("wang @fgj.gov.cn", true, "25:00-08:00").unwrap_err();
    let fields: Vec<_> = problems.iter().map(field_of).collect();
    assert_eq!(fields, ["email", "quiet_hours"]);
    for bad in ["wang", "a@b@fgj.gov.cn", "@fgj.gov.cn"] {
        let problems = ChannelsInput::parse(bad, true, "").unwrap_err();
        assert_eq!(problems.len(), 1, "{bad}");
        assert_eq!(field_of(&problems[0]), "email");
    }
    assert_eq!(
        field_of(&ChannelsInput::parse("", true, "22:00-22:00").unwrap_err()[0]),
        "quiet_hours"
    );

    // A liaison sets their own, reads their own, and nobody else's.
    let mine = channels::of_user(&test.db, &liaison, UNIT).await.unwrap();
    assert_eq!((mine.email.as_str(), mine.email_enabled), ("", true));
    let input = ChannelsInput::parse(" wang@fgj.gov.cn ", true, "21:30-07:00").unwrap();
    let next = channels::set_for_user(&test.db, &clock, &liaison, UNIT, &input, mine.version)
        .await
        .unwrap();
    let mine = channels::of_user(&test.db, &liaison, UNIT).await.unwrap();
    assert_eq!(
        (mine.email.as_str(), mine.quiet_hours.as_str(), mine.version),
        ("wang@fgj.gov.cn", "21:30-07:00", next)
    );
    let refused = channels::set_for_user(&test.db, &clock, &liaison, OTHER_UNIT, &input, 1)
        .await
        .unwrap_err();
    assert!(forbidden(&refused), "{refused:?}");
    let refused = channels::of_user(&test.db, &liaison, "admin")
        .await
        .unwrap_err();
    assert!(forbidden(&refused), "{refused:?}");

    // The admin sets anyone's; a form drawn before the liaison's save is stale.
    let off = ChannelsInput::parse("", false, "").unwrap();
    let stale = channels::set_for_user(&test.db, &clock, &admin(), UNIT, &off, next - 1)
        .await
        .unwrap_err();
    assert!(is_conflict(&stale), "{stale:?}");
    channels::set_for_user(&test.db, &clock, &admin(), UNIT, &off, next)
        .await
        .unwrap();
    let row = duban::store::users::by_username(&test.db, UNIT)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.email, row.email_enabled, row.quiet_hours),
        (None, false, None)
    );
}

async fn unit_heads_are_the_units_own_active_users(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = at("2021-06-15");
    let all = channels::of_units(&test.db, &admin()).await.unwrap();
    let unit = all.iter().find(|u| u.name == UNIT).unwrap();
    let other = all.iter().find(|u| u.name == OTHER_UNIT).unwrap();
    assert_eq!(unit.candidates.len(), 1, "the demo's one liaison");
    let (head, _) = unit.candidates[0].clone();
    let (stranger, _) = other.candidates[0].clone();

    let liaison = actor(&test.db, UNIT).await;
    let refused = channels::set_for_unit(&test.db, &clock, &liaison, unit.id, Some(head), None, 1)
        .await
        .unwrap_err();
    assert!(forbidden(&refused), "{refused:?}");
    assert!(forbidden(
        &channels::of_units(&test.db, &liaison).await.unwrap_err()
    ));

    let wrong = channels::set_for_unit(
        &test.db,
        &clock,
        &admin(),
        unit.id,
        Some(stranger),
        None,
        unit.version,
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(&wrong), "head");
    assert_eq!(
        field_of(&channels::quiet_hours_in("late").unwrap_err()),
        "quiet_hours"
    );

    let quiet = channels::quiet_hours_in("20:00-08:30").unwrap();
    let next = channels::set_for_unit(
        &test.db,
        &clock,
        &admin(),
        unit.id,
        Some(head),
        quiet,
        unit.version,
    )
    .await
    .unwrap();
    let stale = channels::set_for_unit(
        &test.db,
        &clock,
        &admin(),
        unit.id,
        None,
        None,
        unit.version,
    )
    .await
    .unwrap_err();
    assert!(is_conflict(&stale), "{stale:?}");
    let now = channels::of_units(&test.db, &admin()).await.unwrap();
    let unit = now.iter().find(|u| u.name == UNIT).unwrap();
    assert_eq!(
        (unit.head_user_id, unit.quiet_hours.as_str(), unit.version),
        (Some(head), "20:00-08:30", next)
    );
}

async fn a_bad_holiday_file_keeps_the_old_one_and_says_where(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = at("2021-06-15");
    let before = notify_admin::holiday_file(&test.db, &admin())
        .await
        .unwrap();
    assert!(before.embedded && before.version == 0);
    assert!(before.years.contains(&2021), "{:?}", before.years);

    let bad = "[[year]]\nyear = 2030\n\n[[year.holiday]]\nname = \"劳动节\"\nfrom = 2030-05-05\nto = 2030-05-01\n";
    let refused = calendar::set(&test.db, &clock, &admin(), bad, 0)
        .await
        .unwrap_err();
    match &refused {
        ServiceError::Field { field, message } => {
            assert_eq!(*field, "holidays");
            assert!(message.starts_with("line 7, field `to`:"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let after = notify_admin::holiday_file(&test.db, &admin())
        .await
        .unwrap();
    assert_eq!(after, before, "nothing changed");

    let liaison = actor(&test.db, UNIT).await;
    let good = "[[year]]\nyear = 2030\n\n[[year.holiday]]\nname = \"劳动节\"\nfrom = 2030-05-01\nto = 2030-05-05\n";
    assert!(forbidden(
        &calendar::set(&test.db, &clock, &liaison, good, 0)
            .await
            .unwrap_err()
    ));
    assert!(forbidden(
        &notify_admin::holiday_file(&test.db, &liaison)
            .await
            .unwrap_err()
    ));
    calendar::set(&test.db, &clock, &admin(), good, 0)
        .await
        .unwrap();
    let saved = notify_admin::holiday_file(&test.db, &admin())
        .await
        .unwrap();
    assert_eq!(
        (saved.embedded, saved.years, saved.version),
        (false, vec![2030], 1)
    );
}

async fn the_demo_date_moves_for_admins_only(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let clock = duban::clock::ShiftedClock::starting_at(at("2021-06-15").0);
    let liaison = actor(&test.db, UNIT).await;
    let day: jiff::civil::Date = "2021-07-01".parse().unwrap();
    let refused = notify_admin::set_demo_date(&test.db, &clock, &liaison, day)
        .await
        .unwrap_err();
    assert!(forbidden(&refused));
    notify_admin::set_demo_date(&test.db, &clock, &admin(), day)
        .await
        .unwrap();
    use duban::clock::Clock;
    let now = jiff::tz::offset(8).to_datetime(clock.now());
    assert_eq!((now.date(), now.hour()), (day, 9));
}

on_both_backends!(
    user_channels_are_checked_and_each_sets_their_own,
    unit_heads_are_the_units_own_active_users,
    a_bad_holiday_file_keeps_the_old_one_and_says_where,
    the_demo_date_moves_for_admins_only,
);
