//! The record-derived indicators of an assignment computed from real records
//! on both databases: a claim, measures done on time and late, reports on
//! time and late with a target actual, rectifications closed on time and
//! late, each step on its own fixed day.

mod common;

use common::TestDb;
use common::record::actor;
use duban::clock::FixedClock;
use duban::domain::assignment::Move;
use duban::domain::indicators::Ratio;
use duban::domain::roles::{Actor, Role};
use duban::service::assignments::{MeasureInput, act, add_measure};
use duban::service::reports::{ReportInput, submit};
use duban::service::supervision::{
    FindingInput, FindingMove, move_finding, open_inspection, raise_finding,
};
use duban::service::supervision_board::{assignment, board, finding, indicators, inspection};

/// 10:00 in Beijing on `day`.
fn on(day: &str) -> FixedClock {
    FixedClock(format!("{day}T02:00:00Z").parse().unwrap())
}

async fn indicators_follow_the_record(test: &TestDb) {
    let db = &test.db;
    duban::commands::demo::prepare_with(db, &on("2021-03-01"))
        .await
        .unwrap();
    let unit = actor(&test.db, "区房管局").await;
    let office = actor(&test.db, "supervisor").await;
    assert_eq!(office.role, Role::Supervisor);
    let lines = duban::store::supervision_board::assignments_of_plan(db, 1, None)
        .await
        .unwrap();
    let line = lines
        .iter()
        .find(|a| a.unit == "区房管局" && a.task_number == "18")
        .expect("task 18 is 区房管局's");
    let id = line.id;
    let targets = duban::store::targets::targets_of(db, &[line.task_id])
        .await
        .unwrap();
    let with_value = targets.iter().filter(|t| t.value.is_some()).count();
    let started = targets
        .iter()
        .find(|t| t.value == Some(185.0))
        .expect("新开工 185 台");
    let finished = targets
        .iter()
        .find(|t| t.value == Some(150.0))
        .expect("竣工 150 台");

    // Nothing yet: March has not closed by mid-March.
    let empty = indicators(db, &on("2021-03-15"), &office, id)
        .await
        .unwrap();
    assert_eq!(empty.measures_on_time, Ratio { done: 0, of: 0 });
    assert_eq!(empty.reports_on_time, Ratio { done: 0, of: 0 });
    assert_eq!(
        empty.targets_reached,
        Ratio {
            done: 0,
            of: with_value
        }
    );

    act(db, &on("2021-03-02"), &unit, id, 1, Move::Claim, None)
        .await
        .unwrap();
    let measure = |text: &str, deadline: &str, done: bool| {
        MeasureInput::parse(text, "张三", deadline, done).unwrap()
    };
    // Done two days early; done three days late; not due until December.
    add_measure(
        db,
        &on("2021-04-28"),
        &unit,
        id,
        &measure("街道摸排", "2021-04-30", true),
    )
    .await
    .unwrap();
    add_measure(
        db,
        &on("2021-05-03"),
        &unit,
        id,
        &measure("方案报批", "2021-04-30", true),
    )
    .await
    .unwrap();
    add_measure(
        db,
        &on("2021-05-10"),
        &unit,
        id,
        &measure("全年开工", "2021-12-31", false),
    )
    .await
    .unwrap();
    // March's report on April 2nd is on time; April's on May 12th is late
    // (due May 11th: five working days after April 30th, past the May
    // holiday, with Saturday the 8th worked); May's never came.
    let report = |period: &str, actuals: &[(i64, f64)]| {
        ReportInput::parse(period, "推进加装电梯", actuals).unwrap()
    };
    submit(
        db,
        &on("2021-04-02"),
        &unit,
        id,
        &report("2021-03", &[(started.id, 40.0)]),
    )
    .await
    .unwrap();
    common::record::reopen(db, &on("2021-05-12"), id, "2021-04").await;
    submit(
        db,
        &on("2021-05-12"),
        &unit,
        id,
        &report("2021-04", &[(started.id, 190.0), (finished.id, 60.0)]),
    )
    .await
    .unwrap();

    // Two rectifications: one answered by its deadline, one after it.
    let body = office.body_id.expect("the demo supervisor's body");
    let inspection_id = open_inspection(
        db,
        &on("2021-05-10"),
        &office,
        body,
        1,
        "二季度督查",
        "2021-05-10",
    )
    .await
    .unwrap();
    for (deadline, answered, verified) in [
        ("2021-05-20", "2021-05-18", "2021-05-19"),
        ("2021-06-01", "2021-06-05", "2021-06-06"),
    ] {
        let input = FindingInput {
            inspection_id,
            assignment_id: id,
            action: "rectification",
            description: "开工进度滞后",
            deadline: Some(deadline),
        };
        let finding = raise_finding(db, &on("2021-05-10"), &office, &input)
            .await
            .unwrap();
        let answered = move_finding(
            db,
            &on(answered),
            &unit,
            finding.id,
            finding.version,
            FindingMove::Respond,
            Some("已整改"),
        )
        .await
        .unwrap();
        move_finding(
            db,
            &on(verified),
            &office,
            finding.id,
            answered.version,
            FindingMove::Verify,
            None,
        )
        .await
        .unwrap();
    }
    // A third, still open.
    let open = FindingInput {
        inspection_id,
        assignment_id: id,
        action: "rectification",
        description: "竣工不足",
        deadline: Some("2021-07-31"),
    };
    raise_finding(db, &on("2021-06-10"), &office, &open)
        .await
        .unwrap();

    let got = indicators(db, &on("2021-06-15"), &office, id)
        .await
        .unwrap();
    assert_eq!(got.measures_on_time, Ratio { done: 1, of: 2 });
    assert_eq!(got.reports_on_time, Ratio { done: 1, of: 3 });
    assert_eq!(got.rectifications_closed, Ratio { done: 2, of: 3 });
    assert_eq!(got.rectifications_closed_on_time, Ratio { done: 1, of: 2 });
    assert_eq!(
        got.targets_reached,
        Ratio {
            done: 1,
            of: with_value
        }
    );
    let figure = |value: f64| {
        got.targets
            .iter()
            .find(|t| t.value == value)
            .map(|t| (t.actual, t.reached()))
    };
    assert_eq!(
        figure(185.0),
        Some((Some(190.0), true)),
        "the latest actual counts"
    );
    assert_eq!(figure(150.0), Some((Some(60.0), false)));

    // The office's board, inspection and assignment pages read the same records.
    let clock = on("2021-06-15");
    let board = board(db, &clock, &office, None).await.unwrap();
    assert_eq!(board.plan.id, 1);
    assert_eq!(board.inspections.len(), 1);
    assert_eq!(
        (
            board.inspections[0].title.as_str(),
            board.inspections[0].findings
        ),
        ("二季度督查", 3)
    );
    let open: Vec<_> = board
        .findings
        .iter()
        .map(|f| {
            (
                f.task_number.as_str(),
                f.unit.as_str(),
                f.state.as_str(),
                f.deadline.as_deref(),
            )
        })
        .collect();
    assert_eq!(open, [("18", "区房管局", "open", Some("2021-07-31"))]);
    assert!(board.declared_done.is_empty());
    assert_eq!(board.bodies, [(body, "督查领导小组办公室".to_string())]);
    let view = inspection(db, &clock, &office, inspection_id)
        .await
        .unwrap();
    assert_eq!(view.findings.len(), 3);
    assert_eq!(view.assignments.len(), lines.len());
    assert!(view.may_raise);
    let page = assignment(db, &clock, &office, id).await.unwrap();
    assert_eq!(page.task.number, "18");
    assert_eq!(page.task.plan_year, Some(2021));
    assert_eq!(page.measures.len(), 3);
    assert_eq!(
        page.reports
            .iter()
            .map(|r| r.period.as_str())
            .collect::<Vec<_>>(),
        ["2021-04", "2021-03"]
    );
    assert_eq!(page.findings.len(), 3);
    assert_eq!(page.inspections.len(), 1);
    assert_eq!(page.indicators, got);
    let (line, may) = finding(db, &office, page.findings[0].id).await.unwrap();
    assert_eq!((line.state.as_str(), may), ("open", true));
    let leader = actor(&test.db, "leader").await;
    assert!(
        board_for(db, &clock, &leader).await.bodies.is_empty(),
        "a leader reads only"
    );

    // A liaison does not read the office's indicators.
    assert!(matches!(
        indicators(db, &on("2021-06-15"), &unit, id).await,
        Err(duban::service::ServiceError::Forbidden(_))
    ));
}

async fn board_for(
    db: &duban::store::Db,
    clock: &FixedClock,
    who: &Actor,
) -> duban::service::supervision_board::Board {
    board(db, clock, who, None).await.unwrap()
}

on_both_backends!(indicators_follow_the_record);
