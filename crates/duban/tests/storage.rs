//! Storage, import and the audit chain, on a real SQLite file and on the
//! PostgreSQL server on 127.0.0.1:5432 alike.

mod common;

use std::collections::BTreeMap;

use common::{SEED, TestDb};
use duban::clock::FixedClock;
use duban::domain::roles::{Actor, Role};
use duban::service::ServiceError;
use duban::service::audit::verify;
use duban::service::import::{Document, Imported, import_plan};
use duban::store::{Db, plans};
use duban_plan::{Known, Registry};
use sqlx::Row;

fn clock() -> FixedClock {
    FixedClock("2021-03-01T01:00:00Z".parse().unwrap())
}

async fn import_seed(db: &Db) -> Imported {
    import_plan(
        db,
        &clock(),
        &Actor::operator(),
        &Registry::builtin(),
        Document {
            name: "changning-2021-plan.txt",
            bytes: SEED,
        },
        true,
    )
    .await
    .expect("the seed imports")
}

/// A raw statement, for checks and for playing the attacker; tests only.
async fn execute(db: &Db, sql: &str) -> Result<u64, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match db {
        Db::Sqlite(pool, _) => sqlx::query(sql)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
        Db::Postgres(pool) => sqlx::query(sql)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
    }
}

async fn count(db: &Db, table: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
    match db {
        Db::Sqlite(pool, _) => sqlx::query(sql).fetch_one(pool).await.unwrap().get(0),
        Db::Postgres(pool) => sqlx::query(sql).fetch_one(pool).await.unwrap().get(0),
    }
}

/// The assignments the seed must produce, worked out from the importer's
/// output and the registry: groups expand to members, open groups to none,
/// a unit named twice keeps its first role.
fn expected_assignments() -> BTreeMap<String, Vec<(String, &'static str)>> {
    let registry = Registry::builtin();
    let draft = duban_plan::parse(SEED, &registry).unwrap();
    let mut expected = BTreeMap::new();
    for task in &draft.tasks {
        let mut units: Vec<(String, &'static str)> = Vec::new();
        for unit in &task.units {
            let role = match unit.role {
                duban_plan::Role::Lead => "lead",
                duban_plan::Role::Co => "co",
            };
            let names: Vec<String> = match registry.lookup(&unit.name) {
                Some(Known::Group(group)) => group.members.clone(),
                Some(Known::Unit(known)) => vec![known.name.clone()],
                None => vec![unit.name.clone()],
            };
            for name in names {
                if !units.iter().any(|(n, _)| *n == name) {
                    units.push((name, role));
                }
            }
        }
        expected.insert(task.number.clone(), units);
    }
    expected
}

async fn the_seed_imports_whole(test: &TestDb) {
    let db = &test.db;
    let imported = import_seed(db).await;
    assert_eq!(imported.tasks, 33);
    assert_eq!(imported.new_units, ["区区级机关工作党委"]);
    assert_eq!(
        imported.open_groups,
        [("6".to_string(), "相关部门和国企集团".to_string())]
    );

    let summaries = plans::summaries(db).await.unwrap();
    assert_eq!(summaries.len(), 1);
    let plan = &summaries[0];
    assert_eq!(
        (plan.title.as_str(), plan.year, plan.state.as_str()),
        ("2021年重点推进和督查工作安排", Some(2021), "published")
    );
    assert_eq!((plan.categories, plan.tasks), (10, 33));
    // 4 + 2 quantified targets (tasks 18 and 25) and one direction (task 26).
    assert_eq!(plan.targets, 7);

    let expected = expected_assignments();
    let total: usize = expected.values().map(Vec::len).sum();
    assert_eq!(plan.assignments as usize, total);
    assert_eq!(imported.assignments, total);
    for (number, units) in &expected {
        let stored = plans::task_units(db, plan.id, number).await.unwrap();
        let stored: Vec<(String, &str)> = stored
            .iter()
            .map(|(n, r)| (n.clone(), r.as_str()))
            .collect();
        let want: Vec<(String, &str)> = units.iter().map(|(n, r)| (n.clone(), *r)).collect();
        assert_eq!(stored, want, "assignments of task {number}");
    }
    // Task 1: five departments and 各街镇's ten streets and towns.
    let first = plans::task_units(db, plan.id, "1").await.unwrap();
    assert_eq!(first.len(), 15);
    assert_eq!(first[0], ("区委办公室".to_string(), "lead".to_string()));
    assert_eq!(first[14], ("新泾镇".to_string(), "co".to_string()));

    let verification = verify(db).await.unwrap();
    assert_eq!((verification.events, verification.broken), (1, None));
}

async fn a_failed_import_stores_nothing(test: &TestDb) {
    let db = &test.db;
    let no_plan = import_plan(
        db,
        &clock(),
        &Actor::operator(),
        &Registry::builtin(),
        Document {
            name: "notice.txt",
            bytes: "关于召开会议的通知\n请准时参加。\n".as_bytes(),
        },
        false,
    )
    .await;
    assert!(matches!(
        no_plan,
        Err(ServiceError::Parse(duban_plan::ParseError::NoTasks))
    ));

    let viewer = Actor {
        name: "user:viewer".into(),
        role: Role::Viewer,
        unit_id: None,
        body_id: None,
    };
    let refused = import_plan(
        db,
        &clock(),
        &viewer,
        &Registry::builtin(),
        Document {
            name: "seed.txt",
            bytes: SEED,
        },
        true,
    )
    .await;
    assert!(
        matches!(refused, Err(ServiceError::Forbidden(_))),
        "{refused:?}"
    );
    for table in [
        "plans",
        "plan_revisions",
        "tasks",
        "assignments",
        "audit_events",
    ] {
        assert_eq!(count(db, table).await, 0, "{table} stays empty");
    }
}

async fn audit_events_are_append_only(test: &TestDb) {
    let db = &test.db;
    import_seed(db).await;
    let update = execute(db, "UPDATE audit_events SET actor = 'someone else'").await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = execute(db, "DELETE FROM audit_events").await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(verify(db).await.unwrap().broken, None);
}

/// Lifts the append-only guard, as someone with the database's files or its
/// superuser could.
async fn disable_guard(db: &Db) {
    match db {
        Db::Sqlite(..) => {
            execute(db, "DROP TRIGGER audit_events_no_update")
                .await
                .unwrap();
            execute(db, "DROP TRIGGER audit_events_no_delete")
                .await
                .unwrap();
        }
        Db::Postgres(_) => {
            execute(
                db,
                "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change",
            )
            .await
            .unwrap();
        }
    }
}

async fn verify_names_an_edited_event(test: &TestDb) {
    let db = &test.db;
    for _ in 0..3 {
        import_seed(db).await;
    }
    assert_eq!(
        verify(db).await.unwrap(),
        duban::service::audit::Verification {
            events: 3,
            broken: None
        }
    );
    disable_guard(db).await;
    execute(db, "UPDATE audit_events SET after_json = replace(after_json, '\"tasks\":33', '\"tasks\":32') WHERE id = 2")
        .await
        .unwrap();
    let verification = verify(db).await.unwrap();
    assert_eq!(verification.events, 1);
    let (id, what) = verification.broken.expect("the edit is found");
    assert_eq!(id, 2);
    assert!(what.contains("altered"), "{what}");
}

async fn verify_names_removed_events(test: &TestDb) {
    let db = &test.db;
    for _ in 0..3 {
        import_seed(db).await;
    }
    disable_guard(db).await;
    // The newest event removed: only the chain head shows it.
    execute(db, "DELETE FROM audit_events WHERE id = 3")
        .await
        .unwrap();
    let (id, what) = verify(db).await.unwrap().broken.expect("the cut is found");
    assert_eq!(id, 3);
    assert!(what.contains("removed"), "{what}");
    // An event in the middle removed.
    execute(db, "DELETE FROM audit_events WHERE id = 1")
        .await
        .unwrap();
    let (id, what) = verify(db).await.unwrap().broken.expect("the gap is found");
    assert_eq!(id, 1);
    assert!(what.contains("removed"), "{what}");
}

on_both_backends!(
    the_seed_imports_whole,
    a_failed_import_stores_nothing,
    audit_events_are_append_only,
    verify_names_an_edited_event,
    verify_names_removed_events,
);

/// Both migration sets define the same tables with the same columns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_schemas_match() {
    let lite = common::sqlite().await;
    let pg = common::postgres().await;
    let Db::Sqlite(lite_pool, _) = &lite.db else {
        unreachable!()
    };
    let Db::Postgres(pg_pool) = &pg.db else {
        unreachable!()
    };
    let mut lite_columns: Vec<(String, String)> = Vec::new();
    let tables: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(lite_pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect();
    for table in tables {
        let sql = sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{table}')"));
        for row in sqlx::query(sql).fetch_all(lite_pool).await.unwrap() {
            lite_columns.push((table.clone(), row.get(0)));
        }
    }
    let mut pg_columns: Vec<(String, String)> = sqlx::query(
        "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(pg_pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    lite_columns.sort();
    pg_columns.sort();
    assert!(lite_columns.len() > 50);
    assert_eq!(lite_columns, pg_columns);
}

/// SQLite writers of one process wait their turn at the write gate, in
/// order, instead of polling the file lock: a second transaction begins only
/// when the first has ended, and many at once all commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writers_queue_in_order_and_all_commit() {
    let test = common::sqlite().await;
    let db = test.db.clone();
    let first = db.begin().await.unwrap();
    let waiting = tokio::spawn({
        let db = db.clone();
        async move { db.begin().await.map(|tx| tx.commit()) }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "a second writer began while the first was open"
    );
    first.commit().await.unwrap();
    waiting.await.unwrap().unwrap().await.unwrap();

    // 64 writers at once, each inserting a unit: none is refused as busy.
    let writers: Vec<_> = (0..64)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin().await?;
                duban::store::units::create(&mut tx, &format!("排队单位{i:02}"), "", false, false)
                    .await?;
                tx.commit().await
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap().unwrap();
    }
    let units: i64 = match &db {
        Db::Sqlite(pool, _) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE name LIKE '排队单位%'")
                .fetch_one(pool)
                .await
                .unwrap()
        }
        Db::Postgres(_) => unreachable!(),
    };
    assert_eq!(units, 64);
}

/// Pool connections are not pinged before every statement, but one that sat
/// idle is: after PostgreSQL dropped every connection of the pool (as a
/// restart does), the next query after a pause still succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_postgres_connection_that_died_is_replaced_before_use() {
    let test = common::postgres().await;
    let Db::Postgres(pool) = &test.db else {
        unreachable!()
    };
    // Warm connections into the pool, then kill them from another session.
    assert_eq!(count(&test.db, "plans").await, 0);
    let killer = sqlx::PgPool::connect(&common::postgres_admin_url())
        .await
        .unwrap();
    let database: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
    )
    .bind(&database)
    .fetch_all(&killer)
    .await
    .unwrap();
    assert!(!killed.is_empty());
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(count(&test.db, "plans").await, 0);
}
