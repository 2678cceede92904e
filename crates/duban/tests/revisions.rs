//! Re-importing a changed plan document: a new revision, its changes applied,
//! nothing that was done on the record lost. On both databases.

mod common;

use common::{SEED, TestDb};
use duban::clock::SystemClock;
use duban::domain::roles::Actor;
use duban::service::ServiceError;
use duban::service::import::{Document, import_plan};
use duban::service::revisions::revise_plan;
use duban::store::plans;
use duban_plan::Registry;

/// The seed as a later edition: task 18 reworded, 区财政局 added to task 11,
/// task 33 dropped, a task 34 added.
fn revised_seed() -> String {
    let seed = String::from_utf8(SEED.to_vec()).unwrap();
    let seed = seed.replace("新开工不少于 185 台", "新开工不少于 200 台");
    assert!(seed.contains("（责任单位：区国\n\n资委）"));
    let seed = seed.replace(
        "（责任单位：区国\n\n资委）",
        "（责任单位：区国资委、区财政局）",
    );
    let cut = seed.find("33、不断深化细化").unwrap();
    format!(
        "{}34、推进城市数字化转型示范区建设。（责任单位：区科委）\n",
        &seed[..cut]
    )
}

async fn a_revision_applies_its_diff(test: &TestDb) {
    let db = &test.db;
    let operator = Actor::operator();
    let registry = Registry::builtin();
    let first = import_plan(
        db,
        &SystemClock,
        &operator,
        &registry,
        Document {
            name: "2021.txt",
            bytes: SEED,
        },
        true,
    )
    .await
    .unwrap();
    let before = plans::summaries(db).await.unwrap()[0].clone();
    let task33 = plans::task_units(db, first.plan_id, "33").await.unwrap();
    assert_eq!(task33.len(), 4);

    let text = revised_seed();
    let revised = revise_plan(
        db,
        &SystemClock,
        &operator,
        &registry,
        first.plan_id,
        Document {
            name: "2021-修订.txt",
            bytes: text.as_bytes(),
        },
    )
    .await
    .unwrap();
    assert_eq!(revised.revision, 2);
    assert_eq!(revised.diff.added, ["34"]);
    assert_eq!(revised.diff.removed, ["33"]);
    let reworded: Vec<&str> = revised
        .diff
        .reworded
        .iter()
        .map(|r| r.number.as_str())
        .collect();
    assert_eq!(reworded, ["18"]);
    assert_eq!(revised.diff.units_moved.len(), 1);
    assert_eq!(revised.diff.units_moved[0].number, "11");
    assert_eq!(revised.assignments_withdrawn, 0);

    let after = plans::summaries(db).await.unwrap()[0].clone();
    assert_eq!(after.tasks, 33, "one task out, one in");
    // 33's four units leave; 34's one and task 11's new one arrive.
    assert_eq!(after.assignments, before.assignments - 4 + 1 + 1);
    assert!(
        plans::task_units(db, first.plan_id, "33")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        plans::task_units(db, first.plan_id, "11").await.unwrap(),
        [
            ("区国资委".to_string(), "lead".to_string()),
            ("区财政局".to_string(), "co".to_string())
        ]
    );
    assert_eq!(
        plans::task_units(db, first.plan_id, "34").await.unwrap(),
        [("区科委".to_string(), "lead".to_string())]
    );

    // The same document again holds no change.
    let again = revise_plan(
        db,
        &SystemClock,
        &operator,
        &registry,
        first.plan_id,
        Document {
            name: "again.txt",
            bytes: text.as_bytes(),
        },
    )
    .await;
    assert!(
        matches!(again, Err(ServiceError::Transition(_))),
        "{again:?}"
    );
    // The first edition again: task 33 back (as a new task), 34 out, 11 back to one unit.
    let back = revise_plan(
        db,
        &SystemClock,
        &operator,
        &registry,
        first.plan_id,
        Document {
            name: "2021.txt",
            bytes: SEED,
        },
    )
    .await
    .unwrap();
    assert_eq!(back.revision, 3);
    assert_eq!(
        (back.diff.added.clone(), back.diff.removed.clone()),
        (vec!["33".to_string()], vec!["34".to_string()])
    );
    assert_eq!(back.assignments_withdrawn, 1, "区财政局 leaves task 11");
    assert_eq!(
        plans::task_units(db, first.plan_id, "33")
            .await
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        plans::summaries(db).await.unwrap()[0].assignments,
        before.assignments
    );
    assert_eq!(
        duban::service::audit::verify(db).await.unwrap().broken,
        None
    );
}

async fn revisions_through_the_api(test: &TestDb) {
    use common::app::spawn;
    use reqwest::StatusCode;
    let app = spawn(test).await;
    let office = app.signed_in("supervisor").await;
    let url = |dry: bool| {
        format!(
            "{}/api/v1/plans/1/revisions?name=2021-修订.txt&dry_run={dry}",
            app.base
        )
    };
    let text = revised_seed();

    let response = office
        .post(url(true))
        .body(text.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let preview: serde_json::Value = response.json().await.unwrap();
    assert_eq!(preview["applied"], false);
    assert_eq!(preview["revision"], 1, "the diff starts from revision 1");
    assert_eq!(preview["added"], serde_json::json!(["34"]));
    let (_, plans) = app.get(&office, "/api/v1/plans").await;
    assert_eq!(
        plans["plans"][0]["assignments"], 155,
        "a dry run writes nothing"
    );

    let unit = app.signed_in("区房管局").await;
    assert_eq!(
        unit.post(url(false))
            .body(text.clone())
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let response = office
        .post(url(false))
        .body(b"\x00\x01 not a plan".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let response = office
        .post(url(false))
        .body(text.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let applied: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        (applied["applied"].as_bool(), applied["revision"].as_i64()),
        (Some(true), Some(2))
    );
    assert_eq!(applied["removed"], serde_json::json!(["33"]));
    let (_, plans) = app.get(&office, "/api/v1/plans").await;
    assert_eq!(plans["plans"][0]["assignments"], 155 - 4 + 2);
    let response = office.post(url(false)).body(text).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::CONFLICT,
        "no change the second time"
    );
}

on_both_backends!(a_revision_applies_its_diff, revisions_through_the_api);
