//! The cockpit's figures on both databases, from the seed plan as the demo
//! loads it on 2021-06-15: lights overall and per category, the unit table
//! and a target's actual, first untouched, then after real service calls
//! (claims, an overdue measure, a finding, reports, a verification), then
//! on a later day when reports have fallen due.

mod common;

use common::TestDb;
use common::record::{assignment, at, claim, declare_done_and_verify, liaison, remind, someone};
use duban::clock::FixedClock;
use duban::domain::light::{Light, Pace};
use duban::domain::roles::Role;
use duban::service::assignments::{MeasureInput, add_measure};
use duban::service::cockpit::{Cockpit, LightCounts, UnitFigures};
use duban::service::cockpit_cache::{CockpitCache, cockpit as cached};
use duban::service::coordination::report_situation;
use duban::service::plans::{TaskQuery, tasks};
use duban::service::reports::{ReportInput, submit};
use duban::store::targets::targets_of;
use duban::store::tasks::TaskFilter;

fn counts(green: i64, yellow: i64, red: i64, done: i64) -> LightCounts {
    LightCounts {
        green,
        yellow,
        red,
        done,
    }
}

fn unit<'a>(c: &'a Cockpit, name: &str) -> &'a UnitFigures {
    c.units
        .iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("{name} in the unit table"))
}

fn category(c: &Cockpit, ordinal: &str) -> LightCounts {
    c.categories
        .iter()
        .find(|k| k.ordinal == ordinal)
        .unwrap()
        .tasks
}

/// The ledger's light filter (its own path into the rule) finds as many
/// tasks of each light as the cockpit counts.
async fn ledger_agrees(test: &TestDb, clock: &FixedClock, c: &Cockpit) {
    // The ledger reads stored lights: brought to the day as a request would.
    duban::service::lights::ensure_current(&test.db, clock, &Default::default())
        .await
        .unwrap();
    for light in [Light::Green, Light::Yellow, Light::Red, Light::Done] {
        let query = TaskQuery {
            filter: TaskFilter::default(),
            light: Some(light.as_str().to_string()),
            page: 1,
            per_page: 50,
        };
        let page = tasks(&test.db, &someone(Role::Viewer), c.plan.id, &query)
            .await
            .unwrap();
        assert_eq!(page.total, c.tasks.of(light), "{light:?}");
    }
}

async fn the_cockpit_follows_the_record(test: &TestDb) {
    let day = at("2021-06-15");
    // Every cockpit below is read through one cache, as the server reads
    // them: each figure that changed after a write also shows that the
    // write reached a cockpit built before it.
    let cache = CockpitCache::default();
    // Before the first import there is nothing to show, and no error.
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let nothing = cached(&test.db, &day, &cache, &someone(Role::Leader), None)
        .await
        .unwrap();
    assert!(nothing.is_none());
    duban::commands::demo::prepare_with(&test.db, &day)
        .await
        .unwrap();
    let supervisor = someone(Role::Supervisor);

    // Everything was assigned this morning: nothing is late yet.
    let before = cached(&test.db, &day, &cache, &supervisor, None)
        .await
        .unwrap()
        .unwrap();
    let plan = before.plan.id;
    assert_eq!(before.tasks, counts(33, 0, 0, 0));
    assert_eq!(before.categories.len(), 10);
    assert_eq!(category(&before, "七"), counts(5, 0, 0, 0));
    assert_eq!(
        before.targets.len(),
        6,
        "four targets in task 18, two in 25"
    );
    let lifts = before
        .targets
        .iter()
        .find(|t| t.metric == "既有多层住宅加装电梯新开工")
        .unwrap();
    assert_eq!((lifts.value, lifts.actual, lifts.pace), (185.0, None, None));
    // Pro rata by month: five months and half of June, 5.5/12 of the year.
    let expected = lifts.expected.unwrap();
    assert!((expected - 185.0 * 5.5 / 12.0).abs() < 1e-9, "{expected}");
    let housing = unit(&before, "区房管局");
    assert_eq!(
        (housing.lead, housing.co, housing.worst),
        (1, 1, Light::Green),
        "lead on 18, co on 17"
    );
    assert!(before.reports.is_empty() && before.situations.is_empty());
    // A liaison has no cockpit; the leader and the viewer read it.
    assert!(
        cached(
            &test.db,
            &day,
            &cache,
            &liaison(&assignment(&test.db, plan, "18", "区房管局").await),
            None
        )
        .await
        .is_err()
    );
    for role in [Role::Leader, Role::Viewer, Role::Admin] {
        assert_eq!(
            cached(&test.db, &day, &cache, &someone(role), None)
                .await
                .unwrap()
                .unwrap()
                .tasks,
            counts(33, 0, 0, 0)
        );
    }

    // 区房管局 claims task 18 and adds a measure already past its deadline:
    // overdue, so red.
    let housing18 = claim(
        &test.db,
        &day,
        &assignment(&test.db, plan, "18", "区房管局").await,
    )
    .await;
    let measure = MeasureInput::parse("完成首批加装电梯开工", "张三", "2021-06-10", false).unwrap();
    add_measure(&test.db, &day, &liaison(&housing18), housing18.id, &measure)
        .await
        .unwrap();
    // Both units of task 18 report June's lift starts: 60 and 20.
    let lift_target = targets_of(&test.db, &[housing18.task_id])
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.metric == "既有多层住宅加装电梯新开工")
        .unwrap();
    let report = |figure: f64| {
        ReportInput::parse("2021-06", "加装电梯推进情况", &[(lift_target.id, figure)]).unwrap()
    };
    submit(
        &test.db,
        &day,
        &liaison(&housing18),
        housing18.id,
        &report(60.0),
    )
    .await
    .unwrap();
    let building18 = claim(
        &test.db,
        &day,
        &assignment(&test.db, plan, "18", "区建设管理委").await,
    )
    .await;
    submit(
        &test.db,
        &day,
        &liaison(&building18),
        building18.id,
        &report(20.0),
    )
    .await
    .unwrap();
    report_situation(
        &test.db,
        &day,
        &liaison(&housing18),
        housing18.task_id,
        "施工受阻，需要协调",
    )
    .await
    .unwrap();

    // 区建设管理委 claims task 25 and gets a reminder on it: an open finding, yellow.
    let building25 = claim(
        &test.db,
        &day,
        &assignment(&test.db, plan, "25", "区建设管理委").await,
    )
    .await;
    remind(&test.db, &day, plan, building25.id).await;

    // 区国资委, the only unit on task 11, finishes and is verified (销号).
    let sasac11 = claim(
        &test.db,
        &day,
        &assignment(&test.db, plan, "11", "区国资委").await,
    )
    .await;
    declare_done_and_verify(&test.db, &day, &sasac11).await;

    let after = cached(&test.db, &day, &cache, &supervisor, Some(plan))
        .await
        .unwrap()
        .unwrap();
    // 18 red (the overdue measure), 25 yellow (the finding), 11 done. Task
    // 18's 区建设管理委 is yellow too (20 of 185 is behind the trajectory),
    // but the task shows its worst: red.
    assert_eq!(after.tasks, counts(30, 1, 1, 1));
    ledger_agrees(test, &day, &after).await;
    assert_eq!(category(&after, "七"), counts(4, 0, 1, 0));
    assert_eq!(category(&after, "九"), counts(5, 1, 0, 0));
    assert_eq!(category(&after, "四"), counts(2, 0, 0, 1));
    let housing = unit(&after, "区房管局");
    assert_eq!(
        (
            housing.overdue_measures,
            housing.missed_reports,
            housing.open_findings,
            housing.worst
        ),
        (1, 0, 0, Light::Red)
    );
    let building = unit(&after, "区建设管理委");
    assert_eq!(
        (
            building.lead,
            building.co,
            building.open_findings,
            building.overdue_measures,
            building.worst
        ),
        (2, 3, 1, 0, Light::Yellow),
        "lead on 9 and 17, co on 18, 22 and 25"
    );
    let sasac = unit(&after, "区国资委");
    assert_eq!(
        (
            sasac.lead,
            sasac.co,
            sasac.verified,
            sasac.completion_percent(),
            sasac.worst
        ),
        (1, 1, 1, 50, Light::Green),
        "task 11 verified, task 21 still open"
    );
    assert_eq!(after.units[0].name, "区房管局", "the worst light first");
    // The task's actual is the sum of its units' latest figures: 60 + 20,
    // within 10% of 185 × 5.5/12 ≈ 84.8.
    let lifts = after
        .targets
        .iter()
        .find(|t| t.metric == "既有多层住宅加装电梯新开工")
        .unwrap();
    assert_eq!(
        (lifts.actual, lifts.pace),
        (Some(80.0), Some(Pace::OnTrack))
    );
    assert_eq!(after.reports.len(), 2);
    assert_eq!(
        (
            after.reports[0].unit_name.as_str(),
            after.reports[0].period.as_str()
        ),
        ("区建设管理委", "2021-06"),
        "newest first"
    );
    assert_eq!(after.situations.len(), 1);
    assert!(!after.situations[0].acknowledged);
    assert_eq!(after.situations[0].task_id, housing18.task_id);

    // August 10th: July's reports were due by August 5th, and June's by July
    // 5th. Everything unclaimed has waited too long (yellow).
    let august = at("2021-08-10");
    let later = cached(&test.db, &august, &cache, &supervisor, Some(plan))
        .await
        .unwrap()
        .unwrap();
    // 18 red (overdue measure, July missed), 25 red (June and July missed), 11 done.
    assert_eq!(later.tasks, counts(0, 30, 2, 1));
    ledger_agrees(test, &august, &later).await;
    assert_eq!(
        unit(&later, "区房管局").missed_reports,
        1,
        "July on task 18"
    );
    assert_eq!(
        unit(&later, "区建设管理委").missed_reports,
        3,
        "July on 18; June and July on 25; its unclaimed work owes none"
    );
    assert_eq!(
        unit(&later, "区国资委").missed_reports,
        0,
        "verified work owes none"
    );
    let lifts = later
        .targets
        .iter()
        .find(|t| t.metric == "既有多层住宅加装电梯新开工")
        .unwrap();
    // 185 × (7 + 10/31)/12 ≈ 112.9; 80 is below 90% of it.
    assert_eq!((lifts.actual, lifts.pace), (Some(80.0), Some(Pace::Behind)));
}

on_both_backends!(the_cockpit_follows_the_record);
