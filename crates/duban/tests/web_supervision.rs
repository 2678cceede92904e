//! Supervision work in a real browser against the demo on 2021-06-15: the
//! supervisor opens an inspection and raises a rectification (a missing
//! deadline is said next to its field, the text typed kept), the unit
//! answers, the supervisor verifies it (销号) — once after someone else moved
//! it meanwhile — and evaluates the work with the indicators beside each
//! dimension; a leader reads without forms; a liaison is refused.

mod common;

use common::app;
use common::browser::{self, Browser};
use common::record::actor;
use duban::domain::assignment::Move;
use duban::domain::roles::Actor;
use duban::service::assignments::act;
use duban::service::supervision::{FindingInput, FindingMove, move_finding, raise_finding};
use reqwest::StatusCode;

/// The unit declares its work done (申报办结), as its liaison would.
async fn declare_done(
    db: &duban::store::Db,
    clock: &dyn duban::clock::Clock,
    unit: &Actor,
    assignment: i64,
    version: i64,
) {
    act(
        db,
        clock,
        unit,
        assignment,
        version,
        Move::DeclareDone,
        None,
    )
    .await
    .unwrap();
}

async fn value_of(b: &Browser, css: &str) -> String {
    b.value(css).await.unwrap_or_default()
}

#[tokio::test]
async fn a_supervisor_raises_verifies_and_evaluates_and_others_only_read() {
    let test = common::sqlite().await;
    let db = &test.db;
    let server = app::spawn_at(&test, "2021-06-15").await;
    let clock = duban::commands::demo::clock_for("2021-06-15").unwrap();
    let lines = duban::store::supervision_board::assignments_of_plan(db, 1, None)
        .await
        .unwrap();
    let assignment = lines
        .iter()
        .find(|a| a.unit == "区房管局" && a.task_number == "18")
        .expect("task 18 is 区房管局's")
        .id;

    let b = browser::start(&server.base).await;
    b.login("supervisor", "demo").await;
    b.open("/supervision").await;
    assert_eq!(b.text("h1").await, "督查督办");
    // No title: said next to the field, the date kept.
    b.click("#open-inspection button[type=submit]").await;
    assert_eq!(b.text("#open-inspection .field-error").await, "请填写标题");
    assert_eq!(
        value_of(&b, "#open-inspection input[name=inspected_on]").await,
        "2021-06-15"
    );
    b.fill("#open-inspection input[name=title]", "二季度民心工程督查")
        .await;
    b.click("#open-inspection button[type=submit]").await;
    let inspection_path = b.path().await;
    assert!(
        inspection_path.starts_with("/supervision/inspections/"),
        "{inspection_path}"
    );
    assert_eq!(b.text("h1").await, "二季度民心工程督查");

    // A rectification without its deadline: the message sits by the field,
    // the text typed stays.
    b.select(
        "#raise-finding select[name=assignment_id]",
        &assignment.to_string(),
    )
    .await;
    b.select("#raise-finding select[name=action]", "rectification")
        .await;
    b.fill(
        "#raise-finding textarea[name=description]",
        "加装电梯开工进度滞后，请限期整改",
    )
    .await;
    b.click("#raise-finding button[type=submit]").await;
    assert!(
        b.text("#raise-finding .field-error[data-field=deadline]")
            .await
            .contains("整改期限")
    );
    assert_eq!(
        value_of(&b, "#raise-finding textarea[name=description]").await,
        "加装电梯开工进度滞后，请限期整改"
    );
    assert_eq!(
        value_of(&b, "#raise-finding select[name=assignment_id]").await,
        assignment.to_string()
    );
    b.set_value("#raise-finding input[name=deadline]", "2021-06-30")
        .await;
    b.click("#raise-finding button[type=submit]").await;
    assert_eq!(b.path().await, inspection_path);
    let rows = b.find_all("tr[data-finding][data-state=open]").await;
    assert_eq!(rows.len(), 1);
    let finding: i64 = rows[0]
        .attr("data-finding")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert!(b.text("#findings").await.contains("2021-06-30"));

    // The unit answers through the service.
    let unit = actor(db, "区房管局").await;
    let answered = move_finding(
        db,
        clock.as_ref(),
        &unit,
        finding,
        1,
        FindingMove::Respond,
        Some("已制定加装电梯推进方案，6月底前新开工 20 台"),
    )
    .await
    .unwrap();

    // A rectification past its deadline on another unit's work.
    let other = lines
        .iter()
        .find(|a| a.unit == "区建设管理委" && a.task_number == "18")
        .expect("task 18's co unit")
        .id;
    let office = actor(db, "supervisor").await;
    let inspection_id: i64 = inspection_path.rsplit('/').next().unwrap().parse().unwrap();
    let late = FindingInput {
        inspection_id,
        assignment_id: other,
        action: "rectification",
        description: "积水点改善工程未按期启动",
        deadline: Some("2021-06-01"),
    };
    raise_finding(db, clock.as_ref(), &office, &late)
        .await
        .unwrap();

    // The answer awaits verification on the board; the late one is red.
    b.open("/supervision").await;
    assert_eq!(b.text("[data-test=overdue-count]").await, "1");
    let overdue = b.text("#open tr[data-overdue]").await;
    assert!(
        overdue.contains("积水点改善工程") && overdue.contains("已逾期"),
        "{overdue}"
    );
    let row = format!("#answered tr[data-finding='{finding}']");
    assert!(b.text(&row).await.contains("已制定加装电梯推进方案"));
    assert_eq!(b.text("[data-test=answered-count]").await, "1");
    b.screenshot("supervision-board").await;

    // Meanwhile someone else sends it back and the unit answers again: the
    // page's version is stale, and the office is told so.
    let admin = actor(db, "admin").await;
    let reopened = move_finding(
        db,
        clock.as_ref(),
        &admin,
        finding,
        answered.version,
        FindingMove::Reopen,
        Some("请附开工清单"),
    )
    .await
    .unwrap();
    move_finding(
        db,
        clock.as_ref(),
        &unit,
        finding,
        reopened.version,
        FindingMove::Respond,
        Some("已附开工清单"),
    )
    .await
    .unwrap();
    b.confirm_all().await;
    b.click(&format!("{row} button[data-test=verify-finding]"))
        .await;
    assert!(
        b.text(".alert.error").await.contains("刚被他人修改"),
        "{}",
        b.body().await
    );
    assert!(b.body().await.contains("已附开工清单"));
    b.confirm_all().await;
    b.click("form[action$='/verify'] button[type=submit]").await;
    assert!(
        b.path().await.starts_with("/supervision?plan="),
        "{}",
        b.path().await
    );
    assert!(b.find_all(&row).await.is_empty(), "no longer awaiting");
    b.open(&inspection_path).await;
    assert_eq!(
        b.text(&format!("tr[data-finding='{finding}'] .finding-state"))
            .await,
        "已销号"
    );

    // The evaluation, with the record's indicators beside each dimension.
    b.open(&format!("/supervision/assignments/{assignment}"))
        .await;
    let attitude = b.text("[data-dimension=attitude] dl.indicators").await;
    assert!(attitude.contains("整改已销号"), "{attitude}");
    assert!(attitude.contains("1/1（100%）"), "{attitude}");
    let completion = b.text("[data-dimension=completion] dl.indicators").await;
    assert!(completion.contains("细化措施按期完成"), "{completion}");
    let effect = b.text("[data-dimension=effect] dl.indicators").await;
    assert!(effect.contains("185台"), "{effect}");
    assert_eq!(value_of(&b, "#evaluate input[name=round]").await, "2021");
    for (field, score) in [("completion", "90"), ("innovation", "80"), ("effect", "85")] {
        b.fill(&format!("#evaluate input[name={field}]"), score)
            .await;
    }
    b.fill("#evaluate textarea[name=comment]", "整改及时，进度仍需加快")
        .await;
    // A dimension left unscored: its message beside it, the rest kept.
    b.click("#evaluate button[type=submit]").await;
    assert!(
        b.text("[data-dimension=attitude] .field-error")
            .await
            .contains("0–100")
    );
    assert_eq!(value_of(&b, "#evaluate input[name=completion]").await, "90");
    assert_eq!(
        value_of(&b, "#evaluate textarea[name=comment]").await,
        "整改及时，进度仍需加快"
    );
    assert!(b.find_all("tr[data-round]").await.is_empty());
    b.fill("#evaluate input[name=attitude]", "100").await;
    b.click("#evaluate button[type=submit]").await;
    assert_eq!(b.text("tr[data-round='2021'] td.weighted").await, "88.25");
    assert!(
        b.text("[data-test=weights]")
            .await
            .contains("完成情况 40 · 方法创新 20 · 实际效果 25 · 工作状态 15")
    );
    assert!(
        b.text("[data-dimension=attitude]")
            .await
            .contains("1/1（100%）")
    );
    // One evaluation per body and round.
    for field in ["completion", "innovation", "effect", "attitude"] {
        b.fill(&format!("#evaluate input[name={field}]"), "70")
            .await;
    }
    b.click("#evaluate button[type=submit]").await;
    assert!(
        b.text("#evaluate .field-error")
            .await
            .contains("该轮次评价过"),
        "{}",
        b.body().await
    );
    assert_eq!(value_of(&b, "#evaluate input[name=effect]").await, "70");
    b.fill("#evaluate input[name=round]", "2021-H1").await;
    b.click("#evaluate button[type=submit]").await;
    assert_eq!(
        b.text("tr[data-round='2021-H1'] td.weighted").await,
        "70.00"
    );
    b.screenshot("supervision-assignment").await;

    // 催办: a reminder to the unit, listed with who has read it.
    b.fill(
        "#urge textarea[name=message]",
        "请于6月25日前报送加装电梯开工清单",
    )
    .await;
    b.click("#urge button[type=submit]").await;
    let urged = b.text("table[data-test=reminders]").await;
    assert!(
        urged.contains("【催办】区房管局") && urged.contains("请于6月25日前报送加装电梯开工清单"),
        "{urged}"
    );

    // Work declared done: sent back with a reason (驳回), then verified (销号).
    let claimed = act(db, clock.as_ref(), &unit, assignment, 1, Move::Claim, None)
        .await
        .unwrap();
    declare_done(db, clock.as_ref(), &unit, assignment, claimed.version).await;
    b.open("/supervision").await;
    let declared = format!("tr[data-declared='{assignment}']");
    b.fill(&format!("{declared} input[name=reason]"), "请补充开工清单")
        .await;
    b.click(&format!("{declared} form[action$='/reject'] button"))
        .await;
    assert!(b.path().await.starts_with("/supervision?plan="));
    assert!(b.find_all(&declared).await.is_empty());
    b.open(&format!("/supervision/assignments/{assignment}"))
        .await;
    assert_eq!(b.text("[data-test=assignment-state]").await, "推进中");
    assert!(b.body().await.contains("请补充开工清单"));
    let back = duban::store::assignments::read(db, assignment)
        .await
        .unwrap();
    declare_done(db, clock.as_ref(), &unit, assignment, back.version).await;
    b.open("/supervision").await;
    b.confirm_all().await;
    b.click(&format!("{declared} form[action$='/verify'] button"))
        .await;
    b.open(&format!("/supervision/assignments/{assignment}"))
        .await;
    assert_eq!(b.text("[data-test=assignment-state]").await, "已销号");
    b.logout().await;

    // A leader reads, with no form to act.
    b.login("leader", "demo").await;
    for path in [
        "/supervision".to_string(),
        inspection_path.clone(),
        format!("/supervision/assignments/{assignment}"),
    ] {
        b.open(&path).await;
        assert!(b.find("h1").await.text().await.is_ok());
        let forms = b.find_all("main form[method=post]").await;
        assert!(forms.is_empty(), "{path} shows {} forms", forms.len());
    }
    assert!(b.body().await.contains("88.25"));
    b.logout().await;

    // A liaison gets the 403 page.
    b.login("区房管局", "demo").await;
    b.open("/supervision").await;
    assert_eq!(b.text("h1").await, "无权访问");
    b.close().await;
    let liaison = server.signed_in("区房管局").await;
    for path in [
        "/supervision".to_string(),
        format!("/supervision/assignments/{assignment}"),
    ] {
        let response = liaison
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
}
