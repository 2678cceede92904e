//! What the task page, the unit's work page, the workspace and the ledger
//! read, on both databases: the record as each role may see it, display
//! names, history, report periods and windows, and a report whose evidence
//! fails its check leaving nothing behind.

mod common;

use common::TestDb;
use duban::clock::FixedClock;
use duban::domain::roles::Actor;
use duban::service::ServiceError;
use duban::service::assignments::{MeasureInput, act, add_measure};
use duban::service::auth::login;
use duban::service::plans::{TaskQuery, tasks};
use duban::service::reports::{ReportInput, submit_with_evidence};
use duban::service::supervision::{FindingInput, open_inspection, raise_finding};
use duban::service::{coordination, ledger, tasks as records, workspace};
use duban::store::tasks::TaskFilter;

fn day(text: &str) -> FixedClock {
    let date: jiff::civil::Date = text.parse().unwrap();
    FixedClock(
        jiff::tz::offset(8)
            .to_timestamp(date.at(10, 0, 0, 0))
            .unwrap(),
    )
}

async fn actor(test: &TestDb, username: &str) -> Actor {
    login(&test.db, &day("2021-06-15"), username, "demo", "127.0.0.1")
        .await
        .unwrap()
        .actor
}

/// Task 18 with the assignment ids of 区房管局 and 区建设管理委.
async fn task_18(test: &TestDb) -> (i64, i64, i64) {
    let query = TaskQuery {
        filter: TaskFilter {
            text: Some("18".into()),
            ..TaskFilter::default()
        },
        light: None,
        page: 1,
        per_page: 50,
    };
    let page = tasks(&test.db, &Actor::operator(), 1, &query)
        .await
        .unwrap();
    let task = page.tasks.iter().find(|t| t.task.number == "18").unwrap();
    let of = |unit: &str| {
        task.assignments
            .iter()
            .find(|a| a.unit_name == unit)
            .unwrap()
            .id
    };
    (task.task.id, of("区房管局"), of("区建设管理委"))
}

async fn a_task_record_reads_as_each_role_may_see_it(test: &TestDb) {
    let june = day("2021-06-15");
    duban::commands::demo::prepare_with(&test.db, &june)
        .await
        .unwrap();
    let (task_id, ours, theirs) = task_18(test).await;
    let unit = actor(test, "区房管局").await;
    let office = actor(test, "supervisor").await;
    let leader = actor(test, "leader").await;

    act(
        &test.db,
        &june,
        &unit,
        ours,
        1,
        duban::domain::assignment::Move::Claim,
        None,
    )
    .await
    .unwrap();
    let measure =
        MeasureInput::parse("完成首批居民意见征询", "王科长", "2021-06-20", false).unwrap();
    add_measure(&test.db, &june, &unit, ours, &measure)
        .await
        .unwrap();

    // A report whose evidence fails its check stores nothing at all. (May's
    // window closed on June 7: the office reopened it.)
    common::record::reopen(&test.db, &june, ours, "2021-05").await;
    let report = ReportInput::parse("2021-05", "五月新开工60台", &[]).unwrap();
    let renamed = b"MZ\x90\x00\x03\x00\x00\x00 not a pdf";
    let refused = submit_with_evidence(
        &test.db,
        &june,
        &unit,
        ours,
        &report,
        &[("开工清单.pdf", renamed)],
    )
    .await;
    assert!(
        matches!(refused, Err(ServiceError::Field { field: "file", .. })),
        "{refused:?}"
    );
    let stored = records::assignment_record(&test.db, &june, &unit, ours)
        .await
        .unwrap();
    assert!(
        stored.detail.reports.is_empty(),
        "no report without its evidence"
    );
    submit_with_evidence(
        &test.db,
        &june,
        &unit,
        ours,
        &report,
        &[("开工清单.txt", "华阳路街道 12台".as_bytes())],
    )
    .await
    .unwrap();

    coordination::raise_difficulty(
        &test.db,
        &june,
        &unit,
        ours,
        "管线迁改需燃气公司配合",
        "区建设管理委",
    )
    .await
    .unwrap();
    coordination::write_note(
        &test.db,
        &june,
        &leader,
        task_id,
        true,
        "确保年底前完成185台",
    )
    .await
    .unwrap();
    let bodies = duban::service::supervision::bodies(&test.db).await.unwrap();
    let inspection = open_inspection(
        &test.db,
        &june,
        &office,
        bodies[0].0,
        1,
        "二季度督查",
        "2021-06-15",
    )
    .await
    .unwrap();
    let finding = FindingInput {
        inspection_id: inspection,
        assignment_id: ours,
        action: "rectification",
        description: "意见征询滞后",
        deadline: Some("2021-06-30"),
    };
    raise_finding(&test.db, &june, &office, &finding)
        .await
        .unwrap();

    // The office sees every unit's records, the history and display names.
    let record = records::record(&test.db, &office, task_id).await.unwrap();
    assert_eq!(record.task.task.number, "18");
    assert!(record.details.iter().all(Option::is_some));
    let at = record
        .task
        .assignments
        .iter()
        .position(|a| a.id == ours)
        .unwrap();
    let detail = record.details[at].as_ref().unwrap();
    assert_eq!(detail.measures.len(), 1);
    assert_eq!(detail.reports.len(), 1);
    assert_eq!(
        detail.reports[0].1.len(),
        1,
        "the evidence file is listed with its report"
    );
    assert_eq!(detail.reports[0].1[0].file_name, "开工清单.txt");
    assert_eq!(detail.findings.len(), 1);
    assert_eq!(detail.difficulties.len(), 1);
    assert_eq!(record.notes.len(), 1);
    let actions: Vec<&str> = record.history.iter().map(|h| h.action.as_str()).collect();
    for action in [
        "assignment.claim",
        "measure.add",
        "assignment.start",
        "report.submit",
        "report.attach",
        "difficulty.raise",
        "task.instruction",
        "finding.raise",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(
        !actions.contains(&"inspection.open"),
        "an inspection is the plan's, not the task's"
    );
    assert!(
        record.history.windows(2).all(|w| w[0].id > w[1].id),
        "newest first"
    );
    assert_eq!(
        record.names.get("user:区房管局").map(String::as_str),
        Some("区房管局联络员")
    );
    assert_eq!(
        record.names.get("user:leader").map(String::as_str),
        Some("区领导")
    );

    // A liaison sees its own unit's records only; another unit's work page is refused.
    let seen = records::record(&test.db, &unit, task_id).await.unwrap();
    for (a, d) in seen.task.assignments.iter().zip(&seen.details) {
        assert_eq!(d.is_some(), a.id == ours, "{}", a.unit_name);
    }
    let refused = records::assignment_record(&test.db, &june, &unit, theirs).await;
    assert!(matches!(refused, Err(ServiceError::Forbidden(_))));

    // The report form offers the periods begun so far, marked by the window rule.
    let late_june = day("2021-06-26");
    let work = records::assignment_record(&test.db, &late_june, &unit, ours)
        .await
        .unwrap();
    let periods: Vec<(&str, bool, bool)> = work
        .periods
        .iter()
        .map(|p| (p.period.as_str(), p.reported, p.owed))
        .collect();
    assert_eq!(periods.len(), 6, "{periods:?}");
    assert_eq!(periods[4], ("2021-05", true, false));
    assert_eq!(
        periods[5],
        ("2021-06", false, true),
        "June's window is open from the 23rd, 5 working days before the 30th"
    );

    // The workspace: the claimed task, the measure due, June's report owed, the finding.
    let w = workspace::workspace(&test.db, &late_june, &unit, None, None)
        .await
        .unwrap();
    assert_eq!(w.unit_name, "区房管局");
    assert!(
        w.items
            .iter()
            .any(|i| i.assignment.id == ours && i.assignment.state == "in_progress")
    );
    assert_eq!(w.measures_due.len(), 1);
    let owed: Vec<(String, bool)> = w
        .reports_due
        .iter()
        .map(|(_, o)| (o.period.to_string(), o.missed))
        .collect();
    assert_eq!(owed, vec![("2021-06".to_string(), false)]);
    assert_eq!(w.findings.len(), 1);
    // Due the 5th working day after June 30 (July 7): missed from the 8th.
    let july = day("2021-07-08");
    let w = workspace::workspace(&test.db, &july, &unit, None, None)
        .await
        .unwrap();
    assert!(
        w.reports_due
            .iter()
            .any(|(_, o)| o.period.to_string() == "2021-06" && o.missed),
        "missed after the grace days"
    );
    assert!(
        workspace::workspace(&test.db, &july, &unit, Some(theirs + 10_000), None)
            .await
            .is_err(),
        "a liaison works in its own unit only"
    );

    // The ledger carries the measures and the latest progress of the page's tasks.
    let query = TaskQuery {
        filter: TaskFilter {
            unit: Some("区房管局".into()),
            ..TaskFilter::default()
        },
        light: None,
        page: 1,
        per_page: 50,
    };
    let l = ledger::ledger(&test.db, &office, None, &query)
        .await
        .unwrap();
    assert_eq!(l.plan.id, 1);
    assert_eq!(l.measures.get(&ours).map(Vec::len), Some(1));
    assert_eq!(
        l.latest.get(&ours).map(|(p, _)| p.as_str()),
        Some("2021-05")
    );
    assert_eq!(l.categories.len(), 10);
    assert!(l.units.iter().any(|u| u == "区房管局"));
}

on_both_backends!(a_task_record_reads_as_each_role_may_see_it);
