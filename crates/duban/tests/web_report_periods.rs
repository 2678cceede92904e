//! Report periods, the light history and the public page in a real browser:
//! the office sees who has not reported and urges them all at once; a month
//! later the missed period is locked on the unit's form and red in the light
//! history; the office reopens it and the unit reports; the office publishes
//! the plan's progress page with its units, which a browser that never signed
//! in reads; the office makes a task report quarterly on its page, and the
//! unit's form offers quarters.

mod common;

use std::sync::Arc;

use common::app::serve_with;
use common::browser;
use duban::clock::ShiftedClock;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_the_lock_the_history_and_the_public_page() {
    let test = common::sqlite().await;
    let clock = Arc::new(ShiftedClock::starting_at(
        duban::commands::demo::start_of("2021-03-29").unwrap(),
    ));
    duban::commands::demo::prepare_with(&test.db, clock.as_ref())
        .await
        .unwrap();
    let server = serve_with(&test, clock.clone()).await;
    let housing = server.signed_in("区房管局").await;
    let (_, page) = server
        .get(&housing, "/api/v1/plans/1/tasks?q=加装电梯")
        .await;
    let lifts_task = page["tasks"][0]["id"].as_i64().unwrap();
    let lifts = page["tasks"][0]["units"][0]["assignment_id"]
        .as_i64()
        .unwrap();
    server.claim(&housing, lifts).await;

    // March 29: March's window is open; the board lists the unit; one click urges all.
    let b = browser::start(&server.base).await;
    b.login("supervisor", "demo").await;
    b.open("/supervision?plan=1").await;
    b.click("[data-test=to-unreported]").await;
    assert!(b.path().await.starts_with("/supervision/unreported"));
    let listed = b.text("[data-test=unreported]").await;
    assert!(listed.contains("区房管局"), "{listed}");
    let owing = b.text("[data-test=unreported-count]").await;
    b.click("[data-test=urge-all] button[type=submit]").await;
    assert_eq!(
        b.text("[data-test=urged]").await,
        format!("已一键催办：{owing}")
    );
    b.screenshot("unreported").await;
    b.logout().await;

    // April 20: March is locked on the unit's form and red in the history.
    clock.set(duban::commands::demo::start_of("2021-04-20").unwrap());
    b.login("区房管局", "demo").await;
    b.open(&format!("/assignments/{lifts}")).await;
    let offered: Vec<String> = {
        let mut values = Vec::new();
        for option in b.find_all("select[name=period] option").await {
            values.push(option.attr("value").await.unwrap().unwrap_or_default());
        }
        values
    };
    assert!(!offered.contains(&"2021-03".to_string()), "{offered:?}");
    b.logout().await;
    b.login("supervisor", "demo").await;
    b.open(&format!("/supervision/assignments/{lifts}")).await;
    let history = b.text("[data-test=red-spans]").await;
    assert!(history.contains("2021-04-20"), "{history}");
    assert!(history.contains("逾期未报送进展"), "{history}");
    b.fill("[data-test=reopen-form] input[name=period]", "2021-03")
        .await;
    b.fill(
        "[data-test=reopen-form] input[name=reason]",
        "4月初政务网故障，单位无法报送",
    )
    .await;
    b.click("[data-test=reopen-form] button[type=submit]").await;
    assert!(
        b.text("[data-test=reopenings]")
            .await
            .contains("2021-03 重新开放至 2021-04-26"),
    );
    b.logout().await;

    // The unit reports March now; the light is yellow, not green.
    b.login("区房管局", "demo").await;
    b.open(&format!("/assignments/{lifts}")).await;
    b.select("select[name=period]", "2021-03").await;
    b.fill("textarea[name=narrative]", "三月新开工30台（补报）")
        .await;
    b.click("[data-test=report-form] button[type=submit]").await;
    assert!(b.body().await.contains("三月新开工30台（补报）"));
    assert_eq!(
        duban::store::assignments::read(&test.db, lifts)
            .await
            .unwrap()
            .light,
        "yellow"
    );
    b.logout().await;

    // The office makes the task report quarterly: the unit's form offers
    // the quarter begun, and no month.
    b.login("supervisor", "demo").await;
    b.open(&format!("/tasks/{lifts_task}")).await;
    assert!(
        b.text("[data-test=report-rhythm]")
            .await
            .contains("每月（督查室统一设置）")
    );
    b.select(
        "[data-test=rhythm-form] select[name=frequency]",
        "quarterly",
    )
    .await;
    b.click("[data-test=rhythm-form] button[type=submit]").await;
    assert_eq!(
        b.text("[data-test=report-rhythm]").await,
        "每季度（本任务）"
    );
    b.screenshot("task-rhythm").await;
    b.logout().await;
    b.login("区房管局", "demo").await;
    b.open(&format!("/assignments/{lifts}")).await;
    let mut offered = Vec::new();
    for option in b.find_all("select[name=period] option").await {
        offered.push(option.attr("value").await.unwrap().unwrap_or_default());
    }
    assert!(offered.contains(&"2021-Q2".to_string()), "{offered:?}");
    assert!(!offered.contains(&"2021-04".to_string()), "{offered:?}");
    b.logout().await;

    // The office publishes the progress page with the units; anyone reads it.
    b.login("supervisor", "demo").await;
    b.open("/plans").await;
    b.click("tr[data-plan='1'] [data-test=public-settings-link]")
        .await;
    b.toggle("input[name=enabled]").await;
    b.toggle("input[name=field][value=units]").await;
    b.click("[data-test=public-settings] button[type=submit]")
        .await;
    assert_eq!(b.text("[data-test=public-link]").await, "/public/plans/1");
    b.close().await;
    let anyone = browser::start(&server.base).await;
    anyone.open("/public/plans/1").await;
    let page = anyone.body().await;
    assert!(page.contains("区房管局"), "the units are published");
    assert!(!page.contains("三月新开工30台"), "progress is not");
    anyone.screenshot("public-page").await;
    anyone.close().await;
}
