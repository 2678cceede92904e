//! The item lifecycle in a real browser against the demo on 2021-06-15: the
//! office opens an item from a leader's instruction (a missing unit said by
//! its field, what was typed kept), a leader approves it, the lead unit
//! returns it, the office re-assigns it, the new unit signs for it and asks
//! for more time, the office grants it, the unit submits its completion
//! (refused without evidence), the office sends it back once and accepts it
//! the second time; the 交办单 prints with the number and the extended
//! deadline, as a page and as .docx; a yellow 督办单 is issued, acknowledged
//! by the unit and printed.

mod common;

use common::app;
use common::browser::{self, Browser};

async fn value_of(b: &Browser, css: &str) -> String {
    b.value(css).await.unwrap_or_default()
}

#[tokio::test]
async fn an_item_from_a_leaders_instruction_in_the_browser() {
    let test = common::sqlite().await;
    let server = app::spawn_at(&test, "2021-06-15").await;

    // 立项, with approval; the first try names no lead unit.
    let b = browser::start(&server.base).await;
    b.login("supervisor", "demo").await;
    b.open("/items").await;
    assert_eq!(b.text("h1").await, "督办事项");
    b.click("[data-test=open-item]").await;
    b.select("select[name=source]", "leader_instruction").await;
    b.fill("input[name=source_ref]", "区长批示（区府批〔2021〕35号）")
        .await;
    b.fill("input[name=title]", "虹桥路积水点专项整治").await;
    b.fill(
        "textarea[name=content]",
        "对虹桥路沿线积水点开展专项排查，制定整改方案并限期完成。",
    )
    .await;
    b.fill("textarea[name=required_result]", "积水点整改完毕")
        .await;
    b.set_value("input[name=deadline]", "2021-07-05").await;
    b.select("select[name=report_frequency]", "half_monthly")
        .await;
    b.toggle("input[name=needs_approval]").await;
    b.click("[data-test=submit-item]").await;
    assert!(
        b.body().await.contains("牵头单位有误"),
        "the missing lead unit is said"
    );
    assert_eq!(
        value_of(&b, "input[name=title]").await,
        "虹桥路积水点专项整治"
    );
    assert_eq!(
        value_of(&b, "select[name=report_frequency]").await,
        "half_monthly",
        "the rhythm chosen is kept"
    );
    b.fill("input[name=lead_units]", "区房管局").await;
    b.fill("input[name=co_units]", "区建设管理委").await;
    b.click("[data-test=submit-item]").await;
    assert!(b.path().await.starts_with("/items/"), "{}", b.path().await);
    let item_path = b.path().await;
    assert_eq!(b.text("[data-test=item-number]").await, "督〔2021〕1号");
    assert_eq!(b.text("[data-test=item-state]").await, "待领导审核");
    assert_eq!(b.text("[data-test=item-rhythm]").await, "每半月");
    b.logout().await;

    // The leader approves: the item goes to its units.
    b.login("leader", "demo").await;
    b.open(&item_path).await;
    b.click("[data-test=approve-item]").await;
    assert_eq!(b.text("[data-test=item-state]").await, "已交办");
    let rows = b.find_all("[data-test=item-units] tr[data-unit]").await;
    assert_eq!(rows.len(), 2);
    b.logout().await;

    // The lead unit returns it, with a reason.
    b.login("区房管局", "demo").await;
    b.open("/items").await;
    b.click("table[data-test=items] a").await;
    b.click("tr[data-unit=区房管局] a").await;
    let handover_path = b.path().await;
    assert!(handover_path.ends_with("/handover"), "{handover_path}");
    b.toggle("[data-test=return-open]").await;
    b.select("select[name=reason_kind]", "wrong_unit").await;
    b.click("[data-test=return]").await;
    assert!(
        b.body().await.contains("请说明理由"),
        "an empty reason is said"
    );
    b.fill("textarea[name=reason]", "积水点排查整治属区民政局牵头")
        .await;
    b.fill("input[name=suggested_unit]", "区民政局").await;
    b.click("[data-test=return]").await;
    assert!(b.text("[data-test=signed]").await.contains("已退回"));
    b.logout().await;

    // The office re-assigns it to the suggested unit.
    b.login("supervisor", "demo").await;
    b.open("/items").await;
    assert_eq!(
        b.find_all("[data-test=waiting] [data-return]").await.len(),
        1
    );
    b.open(&handover_path).await;
    assert_eq!(value_of(&b, "input[name=unit]").await, "区民政局");
    b.click("[data-test=reassign]").await;
    assert!(
        b.text("[data-test=return-decision]")
            .await
            .contains("改派 区民政局")
    );
    assert!(
        b.text("[data-test=handover-unit]")
            .await
            .contains("区民政局")
    );
    b.logout().await;

    // The new unit signs and asks for more time.
    b.login("区民政局", "demo").await;
    b.open(&handover_path).await;
    b.click("[data-test=sign]").await;
    b.open(&handover_path).await;
    assert!(!b.text("[data-test=signed]").await.contains("待签收"));
    b.set_value("input[name=requested_to]", "2021-07-01").await;
    b.fill(
        "[data-test=extension-form] textarea[name=reason]",
        "汛期施工受限",
    )
    .await;
    b.click("[data-test=ask-extension]").await;
    assert!(
        b.body().await.contains("延期日期有误"),
        "not after the deadline"
    );
    b.set_value("input[name=requested_to]", "2021-07-31").await;
    b.click("[data-test=ask-extension]").await;
    assert_eq!(
        b.find_all("[data-extension][data-state=pending]")
            .await
            .len(),
        1
    );
    b.logout().await;

    // The office grants it; the deadline shows both dates.
    b.login("supervisor", "demo").await;
    b.open(&handover_path).await;
    b.click("[data-test=approve-extension]").await;
    let deadline = b.text("[data-test=deadline]").await;
    assert!(
        deadline.contains("2021-07-05") && deadline.contains("2021-07-31"),
        "{deadline}"
    );

    // A yellow 督办单: the reason is required; then it is numbered and listed.
    b.select("[data-test=notice-form] select[name=color]", "yellow")
        .await;
    b.set_value(
        "[data-test=notice-form] input[name=respond_by]",
        "2021-06-25",
    )
    .await;
    b.fill(
        "[data-test=notice-form] textarea[name=required_action]",
        "6月25日前报送整治方案",
    )
    .await;
    b.click("[data-test=issue-notice]").await;
    assert!(
        b.body().await.contains("请说明理由"),
        "an empty reason is said"
    );
    b.fill(
        "[data-test=notice-form] textarea[name=reason]",
        "排查进度滞后于序时进度",
    )
    .await;
    b.click("[data-test=issue-notice]").await;
    assert_eq!(
        b.text("[data-test=notice-number]").await,
        "黄色督办单〔2021〕1号"
    );
    b.open("/notices").await;
    assert_eq!(
        b.find_all("table[data-test=notices] tr[data-color=yellow]")
            .await
            .len(),
        1
    );
    b.logout().await;

    // 办结: evidence is required; sent back once; accepted the second time.
    // The unit first acknowledges the notice with its answer.
    let evidence = std::env::temp_dir().join(format!("验收报告-{}.txt", std::process::id()));
    std::fs::write(&evidence, "积水点整改验收报告").unwrap();
    b.login("区民政局", "demo").await;
    b.open(&handover_path).await;
    b.fill(
        "[data-test=acknowledge-form] input[name=response]",
        "已收到，6月25日前报送方案",
    )
    .await;
    b.click("[data-test=acknowledge]").await;
    assert!(
        b.text("[data-test=notice-acknowledged]")
            .await
            .contains("6月25日前报送方案")
    );
    b.fill("textarea[name=summary]", "积水点已全部整改").await;
    b.click("[data-test=complete]").await;
    assert!(
        b.body().await.contains("须附佐证材料"),
        "evidence is required"
    );
    assert_eq!(
        value_of(&b, "textarea[name=summary]").await,
        "积水点已全部整改"
    );
    b.find("[data-test=completion-form] input[type=file]")
        .await
        .send_keys(&evidence.display().to_string())
        .await
        .unwrap();
    b.click("[data-test=complete]").await;
    assert_eq!(
        b.find_all("[data-completion][data-decision=waiting]")
            .await
            .len(),
        1
    );
    b.logout().await;
    b.login("supervisor", "demo").await;
    b.open(&handover_path).await;
    b.fill(
        "[data-test=reject-form] input[name=reason]",
        "请补充整改前后对比照片",
    )
    .await;
    b.click("[data-test=reject-completion]").await;
    b.open(&handover_path).await;
    assert!(
        b.text("[data-completion][data-decision=rejected]")
            .await
            .contains("请补充整改前后对比照片")
    );
    b.logout().await;
    b.login("区民政局", "demo").await;
    b.open(&handover_path).await;
    b.fill("textarea[name=summary]", "已补充对比照片").await;
    b.find("[data-test=completion-form] input[type=file]")
        .await
        .send_keys(&evidence.display().to_string())
        .await
        .unwrap();
    b.click("[data-test=complete]").await;
    b.logout().await;
    b.login("supervisor", "demo").await;
    b.open(&handover_path).await;
    b.click("[data-test=accept-completion]").await;
    b.open(&handover_path).await;
    assert!(
        b.text("[data-completion][data-decision=accepted]")
            .await
            .contains("按期完成")
    );
    b.open(&item_path).await;
    assert_eq!(
        b.text("tr[data-unit=区民政局] [data-test=result]").await,
        "按期完成"
    );
    std::fs::remove_file(&evidence).ok();

    // The 督办单 prints as a numbered document.
    b.open("/notices").await;
    b.click("table[data-test=notices] td a[href^='/notices/']")
        .await;
    let printed = b.text("[data-test=bulletin]").await;
    assert!(
        printed.contains("黄色督办单〔2021〕1号") && printed.contains("排查进度滞后于序时进度"),
        "{printed}"
    );

    // The 交办单: the number, the unit, the extended deadline.
    b.open(&handover_path.replace("/handover", "/notice")).await;
    let notice = b.text("[data-test=bulletin]").await;
    assert!(notice.contains("督〔2021〕1号"), "{notice}");
    assert!(notice.contains("区民政局："), "{notice}");
    assert!(
        notice.contains("经批准延期，原时限2021年7月5日"),
        "{notice}"
    );
    b.screenshot("item-notice").await;
    b.close().await;

    let client = common::app::client();
    server.login(&client, "supervisor", "demo").await;
    let docx = client
        .get(format!(
            "{}{}",
            server.base,
            handover_path.replace("/handover", "/notice.docx")
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let printed = common::office::printed_text("notice.docx", &docx);
    assert!(printed.contains("督办事项交办单"), "{printed}");
    assert!(printed.contains("区民政局"), "{printed}");
}
