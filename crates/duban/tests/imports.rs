//! Importing a plan in steps (upload kept → preview → apply or discard),
//! unknown units mapped to existing ones, and publishing a draft. On both
//! databases.

mod common;

use common::{SEED, TestDb};
use duban::clock::SystemClock;
use duban::domain::roles::Actor;
use duban::service::ServiceError;
use duban::service::auth::login;
use duban::service::imports::{
    apply_import, apply_revision, discard, import_preview, keep_upload, revision_preview, upload,
};
use duban::service::publishing::{overview, publish};
use duban::store::{Db, plans};
use duban_plan::Registry;

const UNKNOWN: &str = "区区级机关工作党委";

async fn actor(db: &Db, username: &str) -> Actor {
    login(db, &SystemClock, username, "demo", "127.0.0.1")
        .await
        .unwrap_or_else(|e| panic!("{username} signs in: {e}"))
        .actor
}

async fn prepared(test: &TestDb) -> (Actor, Actor, Actor) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .expect("demo accounts");
    (
        actor(&test.db, "supervisor").await,
        actor(&test.db, "admin").await,
        actor(&test.db, "区房管局").await,
    )
}

async fn pending_count(db: &Db) -> i64 {
    let sql = "SELECT COUNT(*) FROM pending_imports";
    match db {
        Db::Sqlite(pool, _) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

async fn keep(db: &Db, who: &Actor, bytes: &[u8]) -> Result<i64, ServiceError> {
    keep_upload(
        db,
        &SystemClock,
        who,
        &Registry::builtin(),
        None,
        "seed.txt",
        bytes,
    )
    .await
}

async fn uploads_are_kept_for_their_uploader_only(test: &TestDb) {
    let db = &test.db;
    let (supervisor, admin, liaison) = prepared(test).await;
    let id = keep(db, &supervisor, SEED).await.expect("the seed is kept");
    let kept = upload(db, &supervisor, id)
        .await
        .expect("the uploader sees it");
    assert_eq!(kept.file_name, "seed.txt");
    assert_eq!(kept.content, SEED);
    assert!(matches!(
        upload(db, &admin, id).await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(matches!(
        discard(db, &SystemClock, &admin, id).await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(matches!(
        keep(db, &liaison, SEED).await,
        Err(ServiceError::Forbidden(_))
    ));

    let preview = import_preview(db, &supervisor, &Registry::builtin(), id)
        .await
        .unwrap();
    assert_eq!(preview.draft.tasks.len(), 33);
    assert_eq!(preview.unknown_units, [UNKNOWN]);
    assert!(
        preview
            .open_groups
            .iter()
            .any(|(name, tasks)| name == "相关部门和国企集团" && !tasks.is_empty())
    );
    let first = &preview.draft.tasks[0];
    let line = preview
        .lines
        .iter()
        .find(|l| l.number == first.span.start_line)
        .expect("the task's first line is shown");
    assert!(line.text.starts_with("1、"), "{}", line.text);

    // Bad documents are refused and nothing is kept.
    for bad in [
        &b""[..],
        b"\x00\x01\x02\x03binary",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1doc",
        "一份通知。\n请准时参加。\n".as_bytes(),
    ] {
        assert!(matches!(
            keep(db, &supervisor, bad).await,
            Err(ServiceError::Parse(_))
        ));
    }
    assert_eq!(pending_count(db).await, 1);

    discard(db, &SystemClock, &supervisor, id).await.unwrap();
    assert_eq!(pending_count(db).await, 0);
    assert!(matches!(
        upload(db, &supervisor, id).await,
        Err(ServiceError::NotFound(_))
    ));
}

async fn a_mapped_name_assigns_the_existing_unit(test: &TestDb) {
    let db = &test.db;
    let (supervisor, ..) = prepared(test).await;
    let registry = Registry::builtin();
    let id = keep(db, &supervisor, SEED).await.unwrap();
    let preview = import_preview(db, &supervisor, &registry, id)
        .await
        .unwrap();
    let number = preview
        .draft
        .tasks
        .iter()
        .find(|t| t.units.iter().any(|u| u.name == UNKNOWN))
        .map(|t| t.number.clone())
        .expect("a task names the unknown unit");
    let target = preview
        .units
        .iter()
        .find(|(_, name)| name == "区级机关工作党委")
        .map(|(id, _)| *id)
        .expect("the registry unit exists");
    let group = preview
        .units
        .iter()
        .find(|(_, name)| name == "区房管局")
        .map(|(id, _)| *id)
        .unwrap();

    // Only the document's unknown names can be mapped.
    let wrong = apply_import(
        db,
        &SystemClock,
        &supervisor,
        &registry,
        id,
        &[("区房管局".into(), target)],
        true,
    )
    .await;
    assert!(matches!(
        wrong,
        Err(ServiceError::Field { field: "units", .. })
    ));
    let missing = apply_import(
        db,
        &SystemClock,
        &supervisor,
        &registry,
        id,
        &[(UNKNOWN.into(), 999_999)],
        true,
    )
    .await;
    assert!(matches!(
        missing,
        Err(ServiceError::Field { field: "units", .. })
    ));
    assert!(
        plans::summaries(db).await.unwrap().is_empty(),
        "a refused import writes nothing"
    );

    let imported = apply_import(
        db,
        &SystemClock,
        &supervisor,
        &registry,
        id,
        &[(UNKNOWN.into(), target)],
        true,
    )
    .await
    .expect("imported");
    assert_eq!(imported.tasks, 33);
    assert!(imported.new_units.is_empty(), "{:?}", imported.new_units);
    let units = plans::task_units(db, imported.plan_id, &number)
        .await
        .unwrap();
    assert!(
        units.iter().any(|(name, _)| name == "区级机关工作党委"),
        "{units:?}"
    );
    assert!(!units.iter().any(|(name, _)| name == UNKNOWN));
    assert_ne!(target, group);
    assert_eq!(pending_count(db).await, 0, "the applied upload is removed");
    assert!(matches!(
        upload(db, &supervisor, id).await,
        Err(ServiceError::NotFound(_))
    ));
    // The alias stays: the next document using the name needs no mapping.
    let again = keep(db, &supervisor, SEED).await.unwrap();
    let preview = import_preview(db, &supervisor, &registry, again)
        .await
        .unwrap();
    assert!(
        preview.unknown_units.is_empty(),
        "{:?}",
        preview.unknown_units
    );
}

async fn a_draft_is_published_once(test: &TestDb) {
    let db = &test.db;
    let (supervisor, admin, liaison) = prepared(test).await;
    let registry = Registry::builtin();
    let id = keep(db, &supervisor, SEED).await.unwrap();
    let imported = apply_import(db, &SystemClock, &supervisor, &registry, id, &[], false)
        .await
        .unwrap();
    let plan = imported.plan_id;
    assert_eq!(
        plans::state(db, plan).await.unwrap().as_deref(),
        Some("draft")
    );
    let listed = overview(db, &admin).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].plan.tasks, 33);
    assert_eq!(listed[0].revision, Some((1, "seed.txt".to_string())));
    assert!(matches!(
        overview(db, &liaison).await,
        Err(ServiceError::Forbidden(_))
    ));

    assert!(matches!(
        publish(db, &SystemClock, &liaison, plan).await,
        Err(ServiceError::Forbidden(_))
    ));
    publish(db, &SystemClock, &supervisor, plan)
        .await
        .expect("published");
    assert_eq!(
        plans::state(db, plan).await.unwrap().as_deref(),
        Some("published")
    );
    assert!(matches!(
        publish(db, &SystemClock, &admin, plan).await,
        Err(ServiceError::Transition(_))
    ));
    assert!(matches!(
        publish(db, &SystemClock, &admin, 999_999).await,
        Err(ServiceError::NotFound(_))
    ));
}

async fn a_reimport_is_previewed_then_applied(test: &TestDb) {
    let db = &test.db;
    let (supervisor, ..) = prepared(test).await;
    let registry = Registry::builtin();
    let id = keep(db, &supervisor, SEED).await.unwrap();
    let plan = apply_import(db, &SystemClock, &supervisor, &registry, id, &[], true)
        .await
        .unwrap()
        .plan_id;
    let same = keep_upload(
        db,
        &SystemClock,
        &supervisor,
        &registry,
        Some(plan),
        "same.txt",
        SEED,
    )
    .await;
    assert!(
        matches!(same, Err(ServiceError::Transition(_))),
        "no change: {same:?}"
    );
    assert_eq!(pending_count(db).await, 0);

    let edited = String::from_utf8(SEED.to_vec())
        .unwrap()
        .replace("新开工不少于 185 台", "新开工不少于 200 台");
    let id = keep_upload(
        db,
        &SystemClock,
        &supervisor,
        &registry,
        Some(plan),
        "2021-v2.txt",
        edited.as_bytes(),
    )
    .await
    .unwrap();
    let preview = revision_preview(db, &supervisor, &registry, id)
        .await
        .unwrap();
    assert_eq!(preview.revision, 1);
    assert_eq!(preview.diff.reworded.len(), 1);
    assert!(preview.diff.reworded[0].after.contains("200"));
    // A revision upload is neither previewed nor applied as a new plan.
    assert!(matches!(
        import_preview(db, &supervisor, &registry, id).await,
        Err(ServiceError::Invalid(_))
    ));
    assert!(
        apply_import(db, &SystemClock, &supervisor, &registry, id, &[], true)
            .await
            .is_err()
    );
    let revised = apply_revision(db, &SystemClock, &supervisor, &registry, id)
        .await
        .unwrap();
    assert_eq!(revised.revision, 2);
    assert_eq!(pending_count(db).await, 0);
    let listed = overview(db, &supervisor).await.unwrap();
    assert_eq!(listed[0].revision, Some((2, "2021-v2.txt".to_string())));
}

on_both_backends!(
    uploads_are_kept_for_their_uploader_only,
    a_mapped_name_assigns_the_existing_unit,
    a_draft_is_published_once,
    a_reimport_is_previewed_then_applied,
);
