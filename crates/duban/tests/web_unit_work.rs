//! A unit's work in a real browser against the real server: the liaison of
//! 区房管局 claims task 18 (既有多层住宅加装电梯…), adds measures, reports a
//! figure with an evidence file, and cannot open another unit's forms; the
//! task page shows it all with leaders' instructions and the history.

mod common;

use common::app;
use common::browser::{self, Browser};
use common::record::task_and_assignment;
use duban::clock::SystemClock;

const DAY: &str = "2021-06-15";

async fn open_task_18_from_the_workspace(b: &Browser) {
    b.open("/workspace").await;
    b.click("#claim li[data-task='18'] a").await;
}

#[tokio::test]
async fn a_liaison_claims_adds_measures_and_reports_a_figure_with_evidence() {
    let db = common::sqlite().await;
    let server = app::spawn_at(&db, DAY).await;
    let b = browser::start(&server.base).await;
    b.login("区房管局", "demo").await;
    assert_eq!(
        b.path().await,
        "/workspace",
        "a liaison starts in its workspace"
    );
    let to_claim: usize = b.text("[data-test=to-claim]").await.parse().unwrap();
    assert!(to_claim >= 1);
    assert!(
        !b.find_all("#claim li[data-task='18']").await.is_empty(),
        "task 18 is to claim"
    );

    open_task_18_from_the_workspace(&b).await;
    assert!(b.path().await.starts_with("/assignments/"));
    assert_eq!(b.text("[data-test=assignment-state]").await, "待认领");
    b.click("[data-test=claim]").await;
    assert_eq!(b.text("[data-test=assignment-state]").await, "已认领");

    // A measure without its responsible person is refused next to the field,
    // and what was typed stays.
    b.fill(
        "[data-test=measure-form] textarea[name=description]",
        "完成50台加装电梯项目的居民意见征询",
    )
    .await;
    b.fill(
        "[data-test=measure-form] input[name=deadline]",
        "06/25/2021",
    )
    .await;
    b.click("[data-test=measure-form] button[type=submit]")
        .await;
    let form = b.text("[data-test=measure-form]").await;
    assert!(form.contains("请填写责任人"), "{form}");
    assert_eq!(
        b.value("[data-test=measure-form] textarea[name=description]")
            .await
            .as_deref(),
        Some("完成50台加装电梯项目的居民意见征询")
    );
    b.fill(
        "[data-test=measure-form] input[name=responsible_person]",
        "王科长",
    )
    .await;
    b.fill(
        "[data-test=measure-form] input[name=deadline]",
        "06/25/2021",
    )
    .await;
    b.click("[data-test=measure-form] button[type=submit]")
        .await;
    let measures = b.text("#measures table").await;
    assert!(
        measures.contains("完成50台加装电梯项目的居民意见征询")
            && measures.contains("王科长")
            && measures.contains("2021-06-25"),
        "{measures}"
    );
    assert_eq!(
        b.text("[data-test=assignment-state]").await,
        "推进中",
        "the first measure starts the work"
    );

    // A figure that is not a number is refused; the narrative stays.
    b.fill(
        "[data-test=report-form] textarea[name=narrative]",
        "本月新开工加装电梯120台，竣工86台。",
    )
    .await;
    let target = b.find("[data-test=report-form] input[name^=actual_]").await;
    let fields = b
        .find_all("[data-test=report-form] input[name^=actual_]")
        .await;
    assert_eq!(fields.len(), 4, "task 18 has four targets with figures");
    let mut elevator_start = None;
    for field in b
        .labelled(
            "[data-test=report-form] input[name^=actual_]",
            "既有多层住宅加装电梯新开工",
        )
        .await
    {
        elevator_start = field.attr("name").await.unwrap();
    }
    let elevator_start = elevator_start.expect("the 新开工 field");
    drop(target);
    b.fill(&format!("input[name={elevator_start}]"), "一百二十")
        .await;
    b.click("[data-test=report-form] button[type=submit]").await;
    assert!(
        b.text("[data-test=report-form]")
            .await
            .contains("请填写数字")
    );
    assert_eq!(
        b.value("[data-test=report-form] textarea[name=narrative]")
            .await
            .as_deref(),
        Some("本月新开工加装电梯120台，竣工86台。")
    );
    b.fill(&format!("input[name={elevator_start}]"), "120")
        .await;
    let evidence = tempfile::tempdir().unwrap();
    let file = evidence.path().join("加装电梯开工清单.txt");
    std::fs::write(&file, "华阳路街道 12台\n江苏路街道 9台\n").unwrap();
    b.find("[data-test=report-form] input[type=file]")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    b.click("[data-test=report-form] button[type=submit]").await;
    let reports = b.text("#reports .timeline").await;
    assert!(reports.contains("2021-06"), "{reports}");
    assert!(
        reports.contains("既有多层住宅加装电梯新开工：120 台"),
        "{reports}"
    );
    assert!(reports.contains("加装电梯开工清单.txt"), "{reports}");
    // The evidence downloads with its content intact.
    let href = b
        .find("#reports .timeline a[download]")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let content: String = b
        .client
        .execute(
            "return fetch(arguments[0]).then(r => r.text())",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(content, "华阳路街道 12台\n江苏路街道 9台\n");

    // The workspace now has one task fewer to claim and the measure due.
    b.open("/workspace").await;
    let left: usize = b.text("[data-test=to-claim]").await.parse().unwrap();
    assert_eq!(left, to_claim - 1);
    assert!(
        b.text("#measures-due")
            .await
            .contains("完成50台加装电梯项目的居民意见征询")
    );
    b.close().await;
}

#[tokio::test]
async fn a_liaison_cannot_open_or_post_another_units_forms() {
    let db = common::sqlite().await;
    let server = app::spawn_at(&db, DAY).await;
    let (_, theirs) = task_and_assignment(&db.db, "18", "区建设管理委").await;
    let (_, ours) = task_and_assignment(&db.db, "18", "区房管局").await;
    let b = browser::start(&server.base).await;
    b.login("区房管局", "demo").await;
    b.open(&format!("/assignments/{theirs}")).await;
    assert_eq!(b.error_status().await.as_deref(), Some("403"));
    assert!(b.find_all("form[action*='/claim']").await.is_empty());

    // Even with a valid form token, a post for another unit is refused by the service.
    b.open(&format!("/assignments/{ours}")).await;
    let status = b
        .client
        .execute(
            "const token = document.querySelector('input[name=csrf]').value;\
             return fetch('/assignments/' + arguments[0] + '/claim', {method: 'POST',\
               headers: {'content-type': 'application/x-www-form-urlencoded'},\
               body: 'csrf=' + token + '&version=1'}).then(r => r.status)",
            vec![serde_json::json!(theirs)],
        )
        .await
        .unwrap();
    assert_eq!(status, 403);
    let state = duban::store::assignments::read(&db.db, theirs)
        .await
        .unwrap()
        .state;
    assert_eq!(state, "assigned", "nothing was claimed for 区建设管理委");
    b.close().await;
}

#[tokio::test]
async fn a_stale_measure_edit_says_so_and_keeps_what_was_typed() {
    let db = common::sqlite().await;
    let server = app::spawn_at(&db, DAY).await;
    let b = browser::start(&server.base).await;
    b.login("区房管局", "demo").await;
    open_task_18_from_the_workspace(&b).await;
    b.click("[data-test=claim]").await;
    b.fill(
        "[data-test=measure-form] textarea[name=description]",
        "梳理加装电梯意向小区",
    )
    .await;
    b.fill(
        "[data-test=measure-form] input[name=responsible_person]",
        "李工",
    )
    .await;
    b.fill(
        "[data-test=measure-form] input[name=deadline]",
        "07/31/2021",
    )
    .await;
    b.click("[data-test=measure-form] button[type=submit]")
        .await;

    // Someone else edits the measure while this page is open.
    b.toggle("#measures details.disclose summary").await;
    let measure_id: i64 = b
        .find("#measures tr[data-measure]")
        .await
        .attr("data-measure")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    let liaison =
        duban::service::auth::login(&db.db, &SystemClock, "区房管局", "demo", "127.0.0.1")
            .await
            .unwrap()
            .actor;
    let input = duban::service::assignments::MeasureInput::parse(
        "梳理加装电梯意向小区（第二批）",
        "李工",
        "2021-07-31",
        false,
    )
    .unwrap();
    duban::service::assignments::update_measure(
        &db.db,
        &SystemClock,
        &liaison,
        measure_id,
        1,
        &input,
    )
    .await
    .unwrap();

    b.fill(
        "#measures details.disclose textarea[name=description]",
        "梳理加装电梯意向小区并建立台账",
    )
    .await;
    b.click("#measures details.disclose button[type=submit]")
        .await;
    let alert = b.text("#measures details.disclose .alert.error").await;
    assert!(alert.contains("刚被他人修改"), "{alert}");
    assert_eq!(
        b.value("#measures details.disclose textarea[name=description]")
            .await
            .as_deref(),
        Some("梳理加装电梯意向小区并建立台账"),
        "the typed text is kept"
    );
    let stored = duban::store::assignments::measures_of(
        &db.db,
        duban::store::assignments::read(
            &db.db,
            task_and_assignment(&db.db, "18", "区房管局").await.1,
        )
        .await
        .unwrap()
        .id,
    )
    .await
    .unwrap();
    assert_eq!(
        stored[0].description, "梳理加装电梯意向小区（第二批）",
        "the other edit stands"
    );
    b.close().await;
}

#[tokio::test]
async fn the_task_page_shows_the_record_instructions_situations_and_history() {
    let db = common::sqlite().await;
    let server = app::spawn_at(&db, DAY).await;
    let (task_id, _) = task_and_assignment(&db.db, "18", "区房管局").await;
    let b = browser::start(&server.base).await;

    b.login("区房管局", "demo").await;
    open_task_18_from_the_workspace(&b).await;
    b.click("[data-test=claim]").await;
    b.fill(
        "[data-test=measure-form] textarea[name=description]",
        "制定精品小区建设计划",
    )
    .await;
    b.fill(
        "[data-test=measure-form] input[name=responsible_person]",
        "张科长",
    )
    .await;
    b.fill(
        "[data-test=measure-form] input[name=deadline]",
        "09/30/2021",
    )
    .await;
    b.click("[data-test=measure-form] button[type=submit]")
        .await;
    // An urgent situation from the unit, on the task page.
    b.open(&format!("/tasks/{task_id}")).await;
    b.fill(
        "#situations textarea[name=text]",
        "某小区加装电梯施工中发现管线冲突，需燃气公司配合迁改。",
    )
    .await;
    b.click("#situations button.danger").await;
    assert!(b.text("#situations").await.contains("待确认"));
    b.logout().await;

    // The leader instructs; an empty instruction is refused next to its field.
    b.login("leader", "demo").await;
    b.open(&format!("/tasks/{task_id}")).await;
    assert!(
        b.find_all("#situations form").await.is_empty(),
        "a leader does not file or acknowledge situations"
    );
    b.click("#notes form button.primary").await;
    assert!(b.text("#notes").await.contains("请填写内容"));
    b.fill(
        "#notes textarea[name=text]",
        "加快推进，确保年底前完成185台新开工。",
    )
    .await;
    b.click("#notes form button.primary").await;
    assert!(
        b.text("#notes .instruction")
            .await
            .contains("确保年底前完成185台新开工")
    );
    b.logout().await;

    // The supervisor acknowledges the situation and sees the whole record.
    b.login("supervisor", "demo").await;
    b.open(&format!("/tasks/{task_id}")).await;
    b.click("#situations form button").await;
    assert!(b.text("#situations").await.contains("已确认"));
    let units = b.text("#units table").await;
    assert!(
        units.contains("区房管局")
            && units.contains("推进中")
            && units.contains("区建设管理委")
            && units.contains("待认领"),
        "{units}"
    );
    assert!(
        b.text("details.unit-detail[data-unit='区房管局']")
            .await
            .contains("制定精品小区建设计划")
            || {
                b.toggle("details.unit-detail[data-unit='区房管局'] summary")
                    .await;
                b.text("details.unit-detail[data-unit='区房管局']")
                    .await
                    .contains("制定精品小区建设计划")
            }
    );
    let history = b.text("#history").await;
    for step in [
        "认领任务",
        "新增措施",
        "报告重要情况",
        "领导批示",
        "确认重要情况",
    ] {
        assert!(history.contains(step), "{step} in {history}");
    }
    b.screenshot("task").await;

    // In English the same page reads in English.
    b.click("[data-test=lang-switch]").await;
    assert!(b.text("#history h2").await.starts_with("History"));
    b.close().await;
}
