//! The calendar page in a real browser: a liaison finds it from the top bar,
//! makes its unit's feed, sees the URL once, and a calendar client (no
//! cookies) reads the feed. The feed's content: calendar_feeds.rs.

mod common;

use common::app::spawn_at;
use common::browser;
use reqwest::StatusCode;

/// In a browser: the liaison finds the page from its workspace, makes the
/// unit's feed, sees the URL once, and a calendar client can read it.
#[tokio::test]
async fn a_liaison_makes_its_units_feed_in_the_browser() {
    let db = common::sqlite().await;
    let server = spawn_at(&db, "2021-06-15").await;
    let b = browser::start(&server.base).await;
    b.login("区房管局", "demo").await;
    b.click("[data-test=calendar-link]").await;
    assert_eq!(b.path().await, "/calendar");
    assert!(b.text("[data-feed=unit] h2").await.contains("区房管局"));
    assert!(b.text("body").await.contains("从 Internet"), "the how-to");
    b.click("[data-feed=unit] [data-test=feed-issue]").await;
    let url = b
        .value("[data-feed=unit] [data-test=feed-url] input")
        .await
        .expect("the URL");
    assert!(
        url.starts_with(&server.base) && url.ends_with(".ics"),
        "{url}"
    );
    b.screenshot("calendar-feed-made").await;
    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(text.contains("X-WR-CALNAME:督办 · 区房管局"), "{text}");
    // Shown once: the page drawn again says the feed is in use, without it.
    b.open("/calendar").await;
    assert!(b.find_all("[data-test=feed-url]").await.is_empty());
    assert!(
        !b.find_all("[data-feed=unit] [data-test=feed-live]")
            .await
            .is_empty()
    );
    b.close().await;
}
