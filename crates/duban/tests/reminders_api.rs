//! 催办 and the inbox over the API, on both backends: a supervisor urges a
//! unit, the liaison finds it unread in the inbox and opens it, and the
//! supervisor sees when it was read; a liaison may not urge, an empty
//! message is refused by field, and nobody opens another's inbox item.

mod common;

use common::TestDb;
use common::app::{self, TestApp, client};
use serde_json::{Value, json};

async fn signed_in(server: &TestApp, username: &str) -> reqwest::Client {
    let c = client();
    let r = c
        .post(format!("{}/api/v1/login", server.base))
        .json(&json!({"username": username, "password": "demo"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{username} signs in");
    c
}

async fn housing_18(test: &TestDb) -> i64 {
    duban::store::supervision_board::assignments_of_plan(&test.db, 1, None)
        .await
        .unwrap()
        .iter()
        .find(|a| a.unit == "区房管局" && a.task_number == "18")
        .unwrap()
        .id
}

async fn a_supervisor_urges_and_sees_who_read_it(test: &TestDb) {
    let server = app::spawn_at(test, "2021-06-15").await;
    let assignment = housing_18(test).await;
    let office = signed_in(&server, "supervisor").await;
    let unit = signed_in(&server, "区房管局").await;
    let other = signed_in(&server, "区民政局").await;
    let reminders = format!("{}/api/v1/assignments/{assignment}/reminders", server.base);

    let refused = unit
        .post(&reminders)
        .json(&json!({"message": "自己催自己"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "a liaison does not urge");
    let empty = office
        .post(&reminders)
        .json(&json!({"message": "  "}))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    let body: Value = empty.json().await.unwrap();
    assert_eq!(body["error"]["field"], "message");

    let urged: Value = office
        .post(&reminders)
        .json(&json!({"message": "请于本周五前报送加装电梯进展", "to_head": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(urged["cause"], "manual");
    assert!(
        urged["subject"]
            .as_str()
            .unwrap()
            .starts_with("【催办】区房管局"),
        "{urged}"
    );

    let inbox: Value = unit
        .get(format!("{}/api/v1/inbox", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["unread"], 1, "{inbox}");
    let item = &inbox["items"][0];
    assert!(
        item["reminder"]["body"]
            .as_str()
            .unwrap()
            .contains("本周五前")
    );
    assert!(item["read_at"].is_null());
    let id = item["id"].as_i64().unwrap();

    let foreign = other
        .post(format!("{}/api/v1/inbox/{id}/read", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        foreign.status(),
        404,
        "another's inbox item does not exist for you"
    );
    let other_reads = other.get(&reminders).send().await.unwrap();
    assert_eq!(
        other_reads.status(),
        403,
        "another unit's reminders are not yours"
    );

    let opened: Value = unit
        .post(format!("{}/api/v1/inbox/{id}/read", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(opened["link"], format!("/assignments/{assignment}"));
    let after: Value = unit
        .get(format!("{}/api/v1/inbox", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after["unread"], 0);

    let seen: Value = office
        .get(&reminders)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let receipts = &seen["reminders"][0]["deliveries"];
    let inbox_receipt = receipts
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["channel"] == "inbox")
        .unwrap();
    assert_eq!(inbox_receipt["recipient"], "区房管局联络员");
    assert!(inbox_receipt["read_at"].is_i64(), "{seen}");
}

on_both_backends!(a_supervisor_urges_and_sees_who_read_it);
