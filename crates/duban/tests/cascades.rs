//! Cascades (分解下达) on both databases: a street passes its part of a task
//! down to its residents' committees, one of which passes it down again to a
//! building group; the group's report and overdue measure roll up to the
//! street; each tier reads its own subtree only; a loop in the unit tree, a
//! unit not directly below, work not signed for and a second part are refused.

mod common;

use std::sync::Arc;

use common::TestDb;
use common::app::{TestApp, serve_with};
use duban::clock::ShiftedClock;
use duban::domain::roles::{Actor, Role};
use duban::domain::secrets::NewPassword;
use duban::service::ServiceError;
use duban::service::cascades::set_parent;
use duban::service::units::add_unit;
use duban::service::users::{UserSpec, add_user};
use reqwest::StatusCode;
use serde_json::{Value, json};

const STREET: &str = "华阳路街道";
const FIRST: &str = "华阳路街道第一居民委员会";
const SECOND: &str = "华阳路街道第二居民委员会";
const GROUP: &str = "第一居委会第三楼组";

fn field_of(result: Result<(), ServiceError>) -> &'static str {
    match result {
        Err(ServiceError::Field { field, .. }) => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn pass_down(
    app: &TestApp,
    client: &reqwest::Client,
    assignment: i64,
    unit: &str,
) -> (StatusCode, Value) {
    app.post(
        client,
        &format!("/api/v1/assignments/{assignment}/cascade"),
        json!({ "unit": unit }),
    )
    .await
}

async fn three_tiers_roll_up(test: &TestDb) {
    let clock = Arc::new(ShiftedClock::starting_at(
        duban::commands::demo::start_of("2021-06-28").unwrap(),
    ));
    duban::commands::demo::prepare_with(&test.db, clock.as_ref())
        .await
        .unwrap();
    let admin = Actor::operator();
    let password = NewPassword::parse("demo-cascade").unwrap();
    for (unit, parent) in [(FIRST, STREET), (SECOND, STREET), (GROUP, FIRST)] {
        add_unit(&test.db, clock.as_ref(), &admin, unit, "居委会", false)
            .await
            .unwrap();
        set_parent(&test.db, clock.as_ref(), &admin, unit, Some(parent))
            .await
            .unwrap();
        let spec = UserSpec {
            username: unit,
            display_name: unit,
            role: Role::Liaison,
            unit: Some(unit),
            body: None,
        };
        add_user(&test.db, clock.as_ref(), &admin, &spec, &password)
            .await
            .unwrap();
    }
    // The unit tree stays a tree.
    let set = |unit: &'static str, parent: Option<&'static str>| {
        let (db, clock) = (test.db.clone(), clock.clone());
        async move { set_parent(&db, clock.as_ref(), &Actor::operator(), unit, parent).await }
    };
    assert_eq!(field_of(set(STREET, Some(GROUP)).await), "parent", "a loop");
    assert_eq!(field_of(set(FIRST, Some(FIRST)).await), "parent");
    assert_eq!(field_of(set(FIRST, Some("不存在的街道")).await), "parent");
    let supervisor = Actor {
        name: "user:supervisor".into(),
        role: Role::Supervisor,
        unit_id: None,
        body_id: None,
    };
    assert!(matches!(
        set_parent(&test.db, clock.as_ref(), &supervisor, FIRST, None).await,
        Err(ServiceError::Forbidden(_))
    ));

    let app = serve_with(test, clock.clone()).await;
    let sign_in = |name: &'static str| {
        let app = &app;
        async move {
            let client = common::app::client();
            let password = if [FIRST, SECOND, GROUP].contains(&name) {
                "demo-cascade"
            } else {
                "demo"
            };
            let response = app.login(&client, name, password).await;
            assert_eq!(response.status(), StatusCode::OK, "{name} signs in");
            client
        }
    };
    let (street, first, second, group) = (
        sign_in(STREET).await,
        sign_in(FIRST).await,
        sign_in(SECOND).await,
        sign_in(GROUP).await,
    );
    let (_, page) = app
        .get(&street, "/api/v1/plans/1/tasks?unit=华阳路街道")
        .await;
    let task = &page["tasks"][0];
    let part = task["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == STREET)
        .unwrap()["assignment_id"]
        .as_i64()
        .unwrap();

    // Passed down only once signed for, only to a unit directly below, once.
    let (status, _) = pass_down(&app, &street, part, FIRST).await;
    assert_eq!(status, StatusCode::CONFLICT, "not signed for yet");
    app.claim(&street, part).await;
    let (status, body) = pass_down(&app, &street, part, GROUP).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unit")),
        "the group is not directly under the street"
    );
    let (status, first_part) = pass_down(&app, &street, part, FIRST).await;
    assert_eq!(status, StatusCode::OK, "{first_part}");
    let first_part = first_part["assignment_id"].as_i64().unwrap();
    let (status, second_part) = pass_down(&app, &street, part, SECOND).await;
    assert_eq!(status, StatusCode::OK);
    let second_part = second_part["assignment_id"].as_i64().unwrap();
    let (status, _) = pass_down(&app, &street, part, FIRST).await;
    assert_eq!(status, StatusCode::CONFLICT, "one part per unit");
    let (status, _) = pass_down(&app, &second, first_part, GROUP).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a sibling passes nothing down"
    );

    // The third tier: the committee passes its part to the building group,
    // which reports and misses a measure.
    app.claim(&first, first_part).await;
    let (status, group_part) = pass_down(&app, &first, first_part, GROUP).await;
    assert_eq!(status, StatusCode::OK, "{group_part}");
    let group_part = group_part["assignment_id"].as_i64().unwrap();
    app.claim(&group, group_part).await;
    let (status, _) = app
        .post(
            &group,
            &format!("/api/v1/assignments/{group_part}/reports"),
            json!({"period": "2021-06", "narrative": "楼组：完成入户走访32户"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(
            &group,
            &format!("/api/v1/assignments/{group_part}/measures"),
            json!({"description": "张贴告知书", "responsible_person": "李组长", "deadline": "2021-06-30"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    clock.set(duban::commands::demo::start_of("2021-07-01").unwrap());
    let (street, first, second, group) = (
        sign_in(STREET).await,
        sign_in(FIRST).await,
        sign_in(SECOND).await,
        sign_in(GROUP).await,
    );

    // The street sees its whole subtree, rolled up to the group's red.
    let subtree = |id: i64| format!("/api/v1/assignments/{id}/subtree");
    let (status, tree) = app.get(&street, &subtree(part)).await;
    assert_eq!(status, StatusCode::OK, "{tree}");
    let below: Vec<(u64, &str)> = tree["below"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["depth"].as_u64().unwrap(),
                n["assignment"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(below, [(1, FIRST), (2, GROUP), (1, SECOND)]);
    assert_eq!(
        tree["below"][1]["latest_narrative"],
        "楼组：完成入户走访32户"
    );
    assert_eq!(tree["below"][1]["assignment"]["light"], "red");
    assert_eq!(tree["rolled_light"], "red", "the group's overdue measure");
    let street_light = duban::store::assignments::read(&test.db, part)
        .await
        .unwrap()
        .light;
    assert_ne!(street_light, "red", "the street's own part is not overdue");

    // Each tier its own subtree: the committee its group, not the street's;
    // a sibling and the tier below read nothing above them.
    let (status, tree) = app.get(&first, &subtree(first_part)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tree["below"].as_array().unwrap().len(), 1);
    assert_eq!(tree["parent_assignment_id"], part);
    let (status, tree) = app.get(&second, &subtree(second_part)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tree["below"].as_array().unwrap().len(), 0);
    for (client, id) in [
        (&first, second_part),
        (&first, part),
        (&second, first_part),
        (&group, first_part),
        (&second, group_part),
    ] {
        let (status, _) = app.get(client, &subtree(id)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{id}");
    }
    let (status, tree) = app.get(&group, &subtree(group_part)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tree["below"].as_array().unwrap().len(), 0);

    // The street's work page shows the tree; parts passed down are not
    // counted as co-units of the lead.
    let html = app.html(&street, &format!("/assignments/{part}")).await;
    assert!(html.contains("data-test=\"subtree\""));
    assert!(html.contains(GROUP));
    assert!(html.contains("data-test=\"rolled-light\""));
    assert!(
        duban::service::lights::verify(&test.db, clock.as_ref())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        duban::service::audit::verify(&test.db)
            .await
            .unwrap()
            .broken,
        None
    );
}

on_both_backends!(three_tiers_roll_up);
