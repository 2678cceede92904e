//! `duban backup` and `duban restore` on both databases: a backup taken while
//! writes go on is one consistent moment, restores into a new SQLite file and
//! an empty PostgreSQL database hold exactly what the backup holds (every
//! table, attachments' bytes included), the audit chain verifies on each,
//! and what must be refused is refused with nothing written.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::TestDb;
use common::bulletin::build;
use common::record::{at, liaison};
use duban::commands::backup::{backup, restore};
use duban::service::assignments::{MeasureInput, add_measure};
use duban::service::reports::{ReportInput, attach, submit};
use duban::store::Db;
use duban::store::backup::TABLES;
use sqlx::{Column, Row, TypeInfo, ValueRef};

/// The demo imported on 2021-06-15, the bulletin tests' record on it, and a
/// PDF attached to a report.
async fn record(test: &TestDb) -> common::bulletin::Situation {
    let clock = duban::commands::demo::clock_for("2021-06-15").unwrap();
    duban::commands::demo::prepare_with(&test.db, clock.as_ref())
        .await
        .unwrap();
    let situation = build(&test.db).await;
    let b = &situation.b;
    let july = ReportInput::parse("2021-07", "七月进展", &[]).unwrap();
    let report = submit(&test.db, &at("2021-08-02"), &liaison(b), b.id, &july)
        .await
        .unwrap();
    attach(
        &test.db,
        &at("2021-08-02"),
        &liaison(b),
        report.id,
        "现场照片说明.pdf",
        &pdf(),
    )
    .await
    .unwrap();
    situation
}

/// A small real PDF, with a byte of every value in it.
fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.extend(0..=255u8);
    bytes.extend(b"\n%%EOF\n");
    bytes
}

/// Every table's rows as text, sorted: the same on either backend for the
/// same record (a boolean as 0/1, a double in Rust's shortest form).
async fn dump(db: &Db) -> BTreeMap<&'static str, Vec<String>> {
    let mut tables = BTreeMap::new();
    for &table in TABLES {
        let sql = sqlx::AssertSqlSafe(format!("SELECT * FROM {table}"));
        let mut rows: Vec<String> = match db {
            Db::Sqlite(pool, _) => sqlx::query(sql)
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(|row| {
                    (0..row.columns().len())
                        .map(|i| {
                            let raw = row.try_get_raw(i).unwrap();
                            if raw.is_null() {
                                return "NULL".to_string();
                            }
                            let kind = raw.type_info().name().to_string();
                            let declared = row.column(i).type_info().name().to_string();
                            match kind.as_str() {
                                "INTEGER" if declared == "BOOLEAN" => {
                                    row.get::<bool, _>(i).to_string()
                                }
                                "INTEGER" => row.get::<i64, _>(i).to_string(),
                                "REAL" => format!("{:?}", row.get::<f64, _>(i)),
                                "TEXT" => row.get::<String, _>(i),
                                _ => hex::encode(row.get::<Vec<u8>, _>(i)),
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect(),
            Db::Postgres(pool) => sqlx::query(sql)
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(|row| {
                    (0..row.columns().len())
                        .map(|i| {
                            if row.try_get_raw(i).unwrap().is_null() {
                                return "NULL".to_string();
                            }
                            match row.column(i).type_info().name() {
                                "INT8" => row.get::<i64, _>(i).to_string(),
                                "FLOAT8" => format!("{:?}", row.get::<f64, _>(i)),
                                "BOOL" => row.get::<bool, _>(i).to_string(),
                                "BYTEA" => hex::encode(row.get::<Vec<u8>, _>(i)),
                                _ => row.get::<String, _>(i),
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect(),
        };
        rows.sort();
        tables.insert(table, rows);
    }
    tables
}

/// Table by table, the first row that differs.
fn assert_same(
    got: &BTreeMap<&'static str, Vec<String>>,
    expected: &BTreeMap<&'static str, Vec<String>>,
    what: &str,
) {
    for (table, rows) in expected {
        let other = &got[table];
        assert_eq!(other.len(), rows.len(), "{what}: {table} rows");
        for (a, b) in other.iter().zip(rows) {
            assert_eq!(a, b, "{what}: {table}");
        }
    }
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// Backs `origin` up, restores it into a new SQLite file and into an empty
/// PostgreSQL database, and checks that all three hold the same rows.
async fn round_trip(origin: &TestDb) -> BTreeMap<&'static str, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("备份 2021-08.db");
    backup(&origin.url, &file).await.unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "only the backup: {leftovers:?}");

    let backed_up = {
        let db = Db::connect(&sqlite_url(&file)).await.unwrap();
        let rows = dump(&db).await;
        db.close().await;
        rows
    };
    let restored_file = dir.path().join("restored.db");
    restore(&file, &sqlite_url(&restored_file)).await.unwrap();
    let lite = Db::connect(&sqlite_url(&restored_file)).await.unwrap();
    assert_same(&dump(&lite).await, &backed_up, "restored into SQLite");
    lite.close().await;

    let pg = common::postgres().await;
    restore(&file, &pg.url).await.unwrap();
    assert_same(&dump(&pg.db).await, &backed_up, "restored into PostgreSQL");
    // The restored database goes on: new rows get new ids.
    let office = duban::domain::roles::Actor::operator();
    let id = duban::service::supervision::open_inspection(
        &pg.db,
        &at("2021-08-03"),
        &office,
        duban::service::supervision::bodies(&pg.db).await.unwrap()[0].0,
        1,
        "恢复后的督查",
        "2021-08-03",
    )
    .await
    .unwrap();
    let before: i64 = match &pg.db {
        Db::Postgres(pool) => sqlx::query_scalar("SELECT MAX(id) FROM inspections WHERE id <> $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap(),
        Db::Sqlite(..) => unreachable!(),
    };
    assert!(id > before);
    backed_up
}

/// On SQLite, with a liaison adding measures all the while.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_taken_during_writes_restores_whole() {
    let origin = common::sqlite().await;
    let situation = record(&origin).await;
    let b = situation.b.clone();
    let db = origin.db.clone();
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writer = tokio::spawn({
        let writing = writing.clone();
        async move {
            let mut added = 0;
            while writing.load(std::sync::atomic::Ordering::Relaxed) {
                let input = MeasureInput::parse(
                    &format!("备份期间的措施{added}"),
                    "王五",
                    "2021-09-30",
                    false,
                )
                .unwrap();
                add_measure(&db, &at("2021-08-02"), &liaison(&b), b.id, &input)
                    .await
                    .unwrap();
                added += 1;
            }
            added
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let backed_up = round_trip(&origin).await;
    writing.store(false, std::sync::atomic::Ordering::Relaxed);
    let added = writer.await.unwrap();
    assert!(added > 0);

    // A moment of the record: some of the measures written meanwhile, and
    // each with its audit event (the chain was verified by the commands).
    let during = backed_up["measures"]
        .iter()
        .filter(|m| m.contains("备份期间的措施"))
        .count();
    assert!(during > 0 && during <= added, "{during} of {added}");
    let attachment = backed_up["attachments"]
        .iter()
        .find(|a| a.contains("现场照片说明.pdf"))
        .unwrap();
    assert!(attachment.contains(&hex::encode(pdf())));
}

/// On PostgreSQL: the same record, out through a SQLite file and back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_backup_restores_into_either_database() {
    let origin = common::postgres().await;
    record(&origin).await;
    let backed_up = round_trip(&origin).await;
    assert_same(
        &backed_up,
        &dump(&origin.db).await,
        "the backup is the origin",
    );
    assert!(backed_up["audit_events"].len() > 60, "61 accounts alone");
}

/// Every table is in the backup's order, and a parent comes before the
/// tables that point at it (but for the columns filled in afterwards).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backup_knows_every_table_in_a_safe_order() {
    let test = common::sqlite().await;
    let Db::Sqlite(pool, _) = &test.db else {
        unreachable!()
    };
    let tables: BTreeSet<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let listed: BTreeSet<String> = TABLES.iter().map(|t| t.to_string()).collect();
    assert_eq!(listed, tables);
    let position = |t: &str| TABLES.iter().position(|x| *x == t).unwrap();
    let edges: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_master m, \
         pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(edges.len() > 40);
    for (child, column, parent) in edges {
        // Filled in once every row is in.
        if duban::store::backup::FILLED_AFTER.contains(&(child.as_str(), column.as_str())) {
            continue;
        }
        assert!(
            position(&parent) < position(&child),
            "{child}.{column} points at {parent}, listed after it"
        );
    }
}

/// Refused, with nothing written: a backup over an existing file, a file
/// that is not a backup, a restore over an existing file or into a database
/// that already holds a record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_would_overwrite_or_mix_is_refused() {
    let origin = common::sqlite().await;
    record(&origin).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    std::fs::write(&file, "已有的文件").unwrap();
    let error = backup(&origin.url, &file).await.unwrap_err().to_string();
    assert!(
        error.contains("exists: a backup is written to a new file"),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "已有的文件");

    let error = restore(&file, &sqlite_url(&dir.path().join("new.db")))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("is not a Duban backup"), "{error}");
    assert!(!dir.path().join("new.db").exists());

    std::fs::remove_file(&file).unwrap();
    backup(&origin.url, &file).await.unwrap();
    let existing = dir.path().join("existing.db");
    std::fs::write(&existing, "").unwrap();
    let error = restore(&file, &sqlite_url(&existing))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("exists: a restore writes a new database file"),
        "{error}"
    );

    let busy = common::postgres().await;
    duban::commands::demo::prepare_accounts(&busy.db)
        .await
        .unwrap();
    let before = dump(&busy.db).await;
    let error = restore(&file, &busy.url).await.unwrap_err().to_string();
    assert!(
        error.contains("already holds units, users or plans"),
        "{error}"
    );
    assert_eq!(dump(&busy.db).await, before);
}

/// The commands as an operator types them.
#[test]
fn the_commands_back_up_and_restore_from_the_shell() {
    use std::process::Command;
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../plan/tests/fixtures/changning-2021-plan.txt"
    );
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir.path().join("office.db"));
    let duban = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_duban"))
            .args(args)
            .env_remove("DUBAN_DB")
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, _, stderr) = duban(&["import", seed, "--db", &url, "--publish"]);
    assert_eq!(code, Some(0), "{stderr}");
    let file = dir.path().join("office-backup.db");
    let file_arg = file.to_str().unwrap();
    let (code, stdout, stderr) = duban(&["backup", "--db", &url, "--out", file_arg]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.starts_with(&format!("backup of {url} written to {file_arg}: ")),
        "{stdout}"
    );
    assert!(
        stdout.contains("(1 plans, 33 tasks, 0 progress reports, 0 attachments, 0 users)"),
        "{stdout}"
    );
    assert!(stdout.contains("audit chain intact"), "{stdout}");

    let restored = sqlite_url(&dir.path().join("restored.db"));
    let (code, stdout, stderr) = duban(&["restore", file_arg, "--db", &restored]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains(&format!("restored into {restored}: ")),
        "{stdout}"
    );
    let (code, stdout, _) = duban(&["audit", "verify", "--db", &restored]);
    assert_eq!(code, Some(0));
    assert!(stdout.starts_with("audit chain intact"), "{stdout}");

    let (code, _, stderr) = duban(&["restore", file_arg, "--db", &restored]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("exists: a restore writes a new database file"),
        "{stderr}"
    );
}
