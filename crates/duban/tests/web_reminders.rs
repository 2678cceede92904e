//! 催办 in a real browser on the demo of 2021-06-15: the supervisor urges
//! 区房管局 on task 18 (an empty message is said by its field), the
//! liaison sees the unread badge, opens the inbox and the item, lands on the
//! work; the supervisor's page then says when it was read.

mod common;

use common::app;
use common::browser;

#[tokio::test]
async fn a_urge_reaches_the_inbox_and_its_reading_is_seen() {
    let test = common::sqlite().await;
    let server = app::spawn_at(&test, "2021-06-15").await;
    let assignment = duban::store::supervision_board::assignments_of_plan(&test.db, 1, None)
        .await
        .unwrap()
        .iter()
        .find(|a| a.unit == "区房管局" && a.task_number == "18")
        .unwrap()
        .id;
    let page = format!("/supervision/assignments/{assignment}");

    let b = browser::start(&server.base).await;
    b.login("supervisor", "demo").await;
    b.open(&page).await;
    b.click("#urge button[type=submit]").await;
    assert!(
        !b.text("#urge .field-error").await.is_empty(),
        "an empty 催办 is refused by its field"
    );
    b.fill(
        "#urge textarea[name=message]",
        "请于本周五前报送加装电梯开工情况",
    )
    .await;
    b.click("#urge button[type=submit]").await;
    let receipts = b.text("table[data-test=reminders]").await;
    assert!(receipts.contains("【催办】区房管局"), "{receipts}");
    assert!(receipts.contains("区房管局联络员：未读"), "{receipts}");
    b.screenshot("urge-sent").await;
    b.logout().await;

    b.login("区房管局", "demo").await;
    assert_eq!(b.text("[data-test=unread]").await, "1");
    b.click("[data-test=inbox-link]").await;
    assert_eq!(b.path().await, "/inbox");
    assert!(b.text("[data-test=inbox]").await.contains("本周五前"));
    b.screenshot("inbox").await;
    b.click("[data-test=inbox-item]").await;
    assert_eq!(b.path().await, format!("/assignments/{assignment}"));
    assert!(
        b.find_all("[data-test=unread]").await.is_empty(),
        "read: the badge is gone"
    );
    b.logout().await;

    b.login("supervisor", "demo").await;
    b.open(&page).await;
    let receipts = b.text("table[data-test=reminders]").await;
    assert!(receipts.contains("区房管局联络员：已读"), "{receipts}");
    b.close().await;
}
