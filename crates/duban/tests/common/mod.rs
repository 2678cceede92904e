//! A fresh database per test, on either backend: a SQLite file in a temporary
//! folder, or a new PostgreSQL database on 127.0.0.1:5432 dropped afterwards.

#![allow(dead_code)] // each test binary uses its own subset

pub mod app;
pub mod browser;
pub mod bulletin;
pub mod clocked;
pub mod ics;
pub mod ledger;
pub mod office;
pub mod record;
pub mod sink;
pub mod statements;

use std::sync::atomic::{AtomicU32, Ordering};

use duban::store::Db;

pub const SEED: &[u8] = include_bytes!("../../../plan/tests/fixtures/changning-2021-plan.txt");

/// The server the PostgreSQL tests use: `DUBAN_TEST_POSTGRES` or the local one.
pub fn postgres_admin_url() -> String {
    std::env::var("DUBAN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/postgres".to_string())
}

pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { name: String },
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("duban.db").display());
    let db = Db::connect(&url).await.expect("sqlite opens");
    TestDb {
        db,
        url,
        cleanup: Cleanup::Sqlite(dir),
    }
}

pub async fn postgres() -> TestDb {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "duban_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    );
    let admin = admin_pool().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .expect("test database created (is PostgreSQL running on 127.0.0.1:5432?)");
    admin.close().await;
    let base = postgres_admin_url();
    let url = match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => panic!("DUBAN_TEST_POSTGRES must end in /DATABASE"),
    };
    let db = Db::connect(&url).await.expect("postgres opens");
    TestDb {
        db,
        url,
        cleanup: Cleanup::Postgres { name },
    }
}

async fn admin_pool() -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&postgres_admin_url())
        .await
        .expect("PostgreSQL answers on 127.0.0.1:5432")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { name } = &self.cleanup {
            // Drop runs outside async code: a thread with its own runtime
            // removes the database even when the test failed.
            let name = name.clone();
            let db = self.db.clone();
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async move {
                    db.close().await;
                    let admin = admin_pool().await;
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&admin)
                    .await;
                });
            })
            .join();
        }
    }
}

/// Runs one async check against a fresh database on each backend:
/// `on_both_backends!(check_name);` makes `check_name::sqlite` and `check_name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($check:ident),+ $(,)?) => {
        $(
            mod $check {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let test = $crate::common::sqlite().await;
                    super::$check(&test).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let test = $crate::common::postgres().await;
                    super::$check(&test).await;
                }
            }
        )+
    };
}
