//! The cockpit (驾驶舱) in a real browser over the demo as of 2021-06-15:
//! the supervisor's counts, the same page after work done through the
//! services, its links into the ledger, the leader's read-only view, the
//! liaison refused, and the English headings. Leaves the "cockpit"
//! screenshot as a CI artifact.

mod common;

use common::TestDb;
use common::app;
use common::browser::{self, Browser};
use common::record::{assignment, at_hour, claim, declare_done_and_verify, liaison, remind};
use duban::clock::FixedClock;
use duban::service::assignments::{MeasureInput, add_measure};
use duban::service::coordination::report_situation;
use duban::service::reports::{ReportInput, submit};
use duban::store::assignments::AssignmentRow;
use duban::store::plans::summaries;
use duban::store::targets::targets_of;

/// 10:00 in China on the demo's day.
fn day() -> FixedClock {
    at_hour("2021-06-15", 10)
}

async fn claimed(test: &TestDb, plan: i64, number: &str, unit: &str) -> AssignmentRow {
    claim(
        &test.db,
        &day(),
        &assignment(&test.db, plan, number, unit).await,
    )
    .await
}

/// The work the units and the office do meanwhile: task 18 red (a measure
/// overdue) with June's lift starts reported, task 25 yellow (a reminder),
/// task 11 verified, an urgent situation on 18.
async fn do_some_work(test: &TestDb, plan: i64) {
    let clock = day();
    let housing = claimed(test, plan, "18", "区房管局").await;
    let measure = MeasureInput::parse("完成首批加装电梯开工", "张三", "2021-06-10", false).unwrap();
    add_measure(&test.db, &clock, &liaison(&housing), housing.id, &measure)
        .await
        .unwrap();
    let lifts = targets_of(&test.db, &[housing.task_id])
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.metric == "既有多层住宅加装电梯新开工")
        .unwrap();
    let report =
        ReportInput::parse("2021-06", "本月新开工加装电梯60台", &[(lifts.id, 60.0)]).unwrap();
    submit(&test.db, &clock, &liaison(&housing), housing.id, &report)
        .await
        .unwrap();
    report_situation(
        &test.db,
        &clock,
        &liaison(&housing),
        housing.task_id,
        "部分小区施工受阻，需要协调",
    )
    .await
    .unwrap();

    let building = claimed(test, plan, "25", "区建设管理委").await;
    remind(&test.db, &clock, plan, building.id).await;

    let sasac = claimed(test, plan, "11", "区国资委").await;
    declare_done_and_verify(&test.db, &clock, &sasac).await;
}

/// The four stat cards: (green, yellow, red, done).
async fn cards(b: &Browser) -> (String, String, String, String) {
    let value = |light: &'static str| format!("a.stat[data-light={light}] .value");
    (
        b.text(&value("green")).await,
        b.text(&value("yellow")).await,
        b.text(&value("red")).await,
        b.text(&value("done")).await,
    )
}

fn strings(g: &str, y: &str, r: &str, d: &str) -> (String, String, String, String) {
    (g.into(), y.into(), r.into(), d.into())
}

#[tokio::test]
async fn the_cockpit_shows_the_plan_and_follows_the_work() {
    let test = common::sqlite().await;
    let server = app::spawn_at(&test, "2021-06-15").await;
    let plan = summaries(&test.db).await.unwrap()[0].id;
    let b = browser::start_sized(&server.base, 1366, 2200).await;

    b.login("supervisor", "demo").await;
    assert_eq!(
        b.path().await,
        "/cockpit",
        "the office starts at the cockpit"
    );
    assert_eq!(b.text("h1").await, "驾驶舱");
    assert_eq!(cards(&b).await, strings("33", "0", "0", "0"));
    assert_eq!(b.find_all("table.category-bars tbody tr").await.len(), 10);
    assert!(
        !b.find_all("[data-test=to-supervision]").await.is_empty(),
        "the office has a link to its supervision pages"
    );

    do_some_work(&test, plan).await;
    b.open("/cockpit").await;
    assert_eq!(cards(&b).await, strings("30", "1", "1", "1"));
    // Each count opens the ledger filtered the same way.
    let red_in_seven = format!("/ledger?plan={plan}&category=%E4%B8%83&light=red");
    let segment = b.find(&format!("svg a[href='{red_in_seven}']")).await;
    assert_eq!(
        segment.attr("data-count").await.unwrap().as_deref(),
        Some("1")
    );
    b.open(&red_in_seven).await;
    let rows = b.find_all("tr[data-task]").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].attr("data-task").await.unwrap().as_deref(),
        Some("18")
    );

    b.open("/cockpit").await;
    // The unit table: worst light first, its figures, a link to its ledger.
    let first = b.find("table.unit-table tbody tr").await;
    assert_eq!(
        first.attr("data-unit").await.unwrap().as_deref(),
        Some("区房管局")
    );
    assert_eq!(
        b.text("tr[data-unit='区房管局'] td[data-col=overdue]")
            .await,
        "1"
    );
    assert_eq!(
        b.text("tr[data-unit='区建设管理委'] td[data-col=findings]")
            .await,
        "1"
    );
    assert!(
        b.text("tr[data-unit='区国资委'] td[data-col=completion]")
            .await
            .starts_with("50%")
    );
    // The target reads 60 of 185 against 185 × 5.5/12 ≈ 84.8 (pro rata by month): behind.
    let lifts = b.text("li.target:nth-child(2)").await;
    assert!(
        lifts.contains("既有多层住宅加装电梯新开工") && lifts.contains("60 台"),
        "{lifts}"
    );
    assert!(
        lifts.contains("84.8 台") && lifts.contains("落后于序时进度"),
        "{lifts}"
    );
    assert!(
        b.text("#recent-reports + ul")
            .await
            .contains("本月新开工加装电梯60台")
    );
    assert!(b.text("#recent-situations + ul").await.contains("待签收"));
    b.screenshot("cockpit").await;

    // Sorting by open findings puts 区建设管理委 first; the unit's link opens its ledger.
    b.click("th a[href*='sort=findings']").await;
    let first = b.find("table.unit-table tbody tr").await;
    assert_eq!(
        first.attr("data-unit").await.unwrap().as_deref(),
        Some("区建设管理委")
    );
    b.click("tr[data-unit='区房管局'] th a").await;
    assert_eq!(
        b.path().await,
        format!("/ledger?plan={plan}&unit=%E5%8C%BA%E6%88%BF%E7%AE%A1%E5%B1%80")
    );
    assert_eq!(
        b.find_all("tr[data-task]").await.len(),
        2,
        "tasks 17 and 18"
    );

    // In English.
    b.open("/cockpit").await;
    b.click("[data-test=lang-switch]").await;
    assert_eq!(b.text("h1").await, "Cockpit");
    assert_eq!(b.text("#units-head").await, "Units");
    assert_eq!(b.text("#targets").await, "Target progress");
    assert_eq!(b.text("a.stat[data-light=red] .label").await, "Behind");
    b.close().await;
}

#[tokio::test]
async fn the_leader_reads_the_cockpit_without_a_form_and_a_liaison_is_refused() {
    let test = common::sqlite().await;
    let server = app::spawn_at(&test, "2021-06-15").await;
    let b = browser::start(&server.base).await;

    b.login("leader", "demo").await;
    assert_eq!(b.path().await, "/cockpit");
    assert_eq!(cards(&b).await, strings("33", "0", "0", "0"));
    assert!(
        b.find_all("main form").await.is_empty(),
        "read-only: no form at all"
    );
    assert!(b.find_all("[data-test=to-supervision]").await.is_empty());
    b.logout().await;

    b.login("viewer", "demo").await;
    b.open("/cockpit").await;
    assert_eq!(b.text("h1").await, "驾驶舱");
    b.logout().await;

    b.login("区房管局", "demo").await;
    b.open("/cockpit").await;
    assert_eq!(b.error_status().await.as_deref(), Some("403"));
    b.close().await;
}

#[tokio::test]
async fn before_the_first_import_the_cockpit_says_so_and_points_to_the_import() {
    let test = common::sqlite().await;
    let server = app::spawn_empty_at(&test, "2021-06-15").await;
    let b = browser::start(&server.base).await;
    b.login("admin", "demo").await;
    assert_eq!(b.path().await, "/cockpit");
    assert!(
        b.text("[data-test=no-plan]")
            .await
            .contains("尚未导入工作计划")
    );
    assert!(
        !b.find_all("[data-test=no-plan] a[href='/plans']")
            .await
            .is_empty()
    );
    b.close().await;
}
