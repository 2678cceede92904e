//! The whole loop of issue #5 in one browser session per person, in Chinese,
//! as a newcomer would do it on `duban demo`: the office imports the seed
//! plan through the preview and publishes it; the liaison of 区房管局 claims
//! task 18, adds measures and reports a figure; the office raises a
//! rectification, the unit answers, the office verifies it (销号); the
//! cockpit shows the lights and counts changed; a liaison cannot open
//! another unit's form; the language switch turns the cockpit into English.

mod common;

use common::app;
use common::browser::{self, Browser};
use common::record::task_and_assignment;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../plan/tests/fixtures/changning-2021-plan.txt"
);

/// The cockpit's four cards: (green, yellow, red, done).
async fn cards(b: &Browser) -> [u32; 4] {
    let mut counts = [0; 4];
    for (i, light) in ["green", "yellow", "red", "done"].iter().enumerate() {
        counts[i] = b
            .text(&format!("a.stat[data-light={light}] .value"))
            .await
            .parse()
            .expect("a count");
    }
    counts
}

#[tokio::test]
async fn the_whole_loop_in_the_browser() {
    let db = common::sqlite().await;
    let server = app::spawn_empty_at(&db, "2021-06-15").await;
    let b = browser::start(&server.base).await;

    // 1. The office imports the seed plan: upload, preview, publish.
    b.login("supervisor", "demo").await;
    assert_eq!(b.path().await, "/cockpit");
    b.open("/plans").await;
    b.click("a[data-test=import-new]").await;
    let seed = std::fs::canonicalize(SEED).expect("the seed plan");
    b.find("input[type=file][name=document]")
        .await
        .send_keys(&seed.display().to_string())
        .await
        .unwrap();
    b.click("form[enctype='multipart/form-data'] button[type=submit]")
        .await;
    assert_eq!(b.text("[data-test=task-count]").await, "33");
    assert_eq!(
        b.find_all("li.src-line[data-task]").await.len(),
        33,
        "every task is marked in the document"
    );
    assert!(
        b.text("ul.warnings").await.contains("区区级机关工作党委"),
        "the document's own misprint is flagged"
    );
    b.click("button[data-test=publish]").await;
    assert!(b.path().await.starts_with("/ledger"));
    assert_eq!(b.find_all("tr[data-task]").await.len(), 33);
    b.open("/cockpit").await;
    let before = cards(&b).await;
    assert_eq!(
        before,
        [33, 0, 0, 0],
        "a plan published today: every task on track"
    );
    b.logout().await;

    // 2. The liaison of 区房管局 claims task 18, adds measures, reports a figure.
    b.login("区房管局", "demo").await;
    assert_eq!(b.path().await, "/workspace");
    b.click("#claim li[data-task='18'] a").await;
    b.click("[data-test=claim]").await;
    assert_eq!(b.text("[data-test=assignment-state]").await, "已认领");
    for (what, who, by) in [
        ("完成首批加装电梯居民意见征询", "王科长", "2021-06-10"),
        ("启动精品小区施工招标", "李工", "2021-09-30"),
    ] {
        b.fill("[data-test=measure-form] textarea[name=description]", what)
            .await;
        b.fill(
            "[data-test=measure-form] input[name=responsible_person]",
            who,
        )
        .await;
        b.set_value("[data-test=measure-form] input[name=deadline]", by)
            .await;
        b.click("[data-test=measure-form] button[type=submit]")
            .await;
    }
    assert_eq!(b.find_all("#measures tr[data-measure]").await.len(), 2);
    assert_eq!(b.text("[data-test=assignment-state]").await, "推进中");
    assert_eq!(
        b.text("[data-test=assignment-light]").await,
        "滞后",
        "a measure past its deadline turns the light red"
    );
    b.fill(
        "[data-test=report-form] textarea[name=narrative]",
        "新开工加装电梯120台，精品小区完成设计招标。",
    )
    .await;
    for field in b
        .labelled(
            "[data-test=report-form] input[name^=actual_]",
            "既有多层住宅加装电梯新开工",
        )
        .await
    {
        field.send_keys("120").await.unwrap();
    }
    b.click("[data-test=report-form] button[type=submit]").await;
    assert!(
        b.text("#reports .timeline")
            .await
            .contains("既有多层住宅加装电梯新开工：120 台")
    );

    // …and cannot open another unit's form.
    let theirs = task_and_assignment(&db.db, "18", "区建设管理委").await.1;
    b.open(&format!("/assignments/{theirs}")).await;
    assert_eq!(b.error_status().await.as_deref(), Some("403"));
    b.click(".error-page a.button").await;
    assert_eq!(
        b.path().await,
        "/workspace",
        "the error page leads back home"
    );
    b.logout().await;

    // 3. The office raises a rectification on that assignment.
    let ours = task_and_assignment(&db.db, "18", "区房管局").await.1;
    b.login("supervisor", "demo").await;
    b.open("/supervision").await;
    b.fill("#open-inspection input[name=title]", "二季度民心工程督查")
        .await;
    b.click("#open-inspection button[type=submit]").await;
    assert!(b.path().await.starts_with("/supervision/inspections/"));
    b.select(
        "#raise-finding select[name=assignment_id]",
        &ours.to_string(),
    )
    .await;
    b.select("#raise-finding select[name=action]", "rectification")
        .await;
    b.fill(
        "#raise-finding textarea[name=description]",
        "首批加装电梯意见征询逾期，请限期整改",
    )
    .await;
    b.set_value("#raise-finding input[name=deadline]", "2021-06-30")
        .await;
    b.click("#raise-finding button[type=submit]").await;
    assert_eq!(
        b.find_all("tr[data-finding][data-state=open]").await.len(),
        1
    );
    b.logout().await;

    // 4. The unit answers it.
    b.login("区房管局", "demo").await;
    assert_eq!(b.text("[data-test=findings-open]").await, "1");
    b.click("#findings li[data-finding-open] a").await;
    b.fill(
        "[data-test=respond-form] textarea[name=response]",
        "已完成意见征询，附签字名单。",
    )
    .await;
    b.click("[data-test=respond-form] button[type=submit]")
        .await;
    assert_eq!(
        b.find("li.finding")
            .await
            .attr("data-state")
            .await
            .unwrap()
            .as_deref(),
        Some("answered")
    );
    b.logout().await;

    // 5. The office verifies it (销号); the cockpit shows what changed.
    b.login("supervisor", "demo").await;
    b.open("/supervision").await;
    assert_eq!(b.text("[data-test=answered-count]").await, "1");
    assert!(b.text("#answered").await.contains("已完成意见征询"));
    b.confirm_all().await;
    b.click("#answered button[data-test=verify-finding]").await;
    b.open("/supervision").await;
    assert_eq!(b.text("[data-test=answered-count]").await, "0");
    b.open(&format!("/supervision/assignments/{ours}")).await;
    assert!(b.body().await.contains("已销号"));

    b.open("/cockpit").await;
    let after = cards(&b).await;
    assert_eq!(
        after,
        [32, 0, 1, 0],
        "task 18 is red (an overdue measure), the rest on track"
    );
    assert_eq!(
        b.text("tr[data-unit='区房管局'] td[data-col=overdue]")
            .await,
        "1"
    );
    assert!(
        b.text("#targets ~ ul, ul.targets").await.contains("120")
            || b.body().await.contains("120 / 185")
    );
    b.screenshot("loop-cockpit").await;

    // 6. The language switch.
    b.click("[data-test=lang-switch]").await;
    assert_eq!(b.text("h1").await, "Cockpit");
    assert_eq!(b.text("a.stat[data-light=red] .label").await, "Behind");
    b.click("[data-test=lang-switch]").await;
    assert_eq!(b.text("h1").await, "驾驶舱");
    b.close().await;
}
