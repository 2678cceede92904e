//! `duban import` and `duban audit verify` as an operator runs them.

use std::process::{Command, Output};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../plan/tests/fixtures/changning-2021-plan.txt"
);

fn duban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(args)
        .env_remove("DUBAN_DB")
        .output()
        .expect("the duban binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn import_then_verify_then_catch_an_edit() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("office.db").display());

    let output = duban(&["import", SEED, "--db", &url, "--publish"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = stdout(&output);
    assert!(
        text.starts_with("plan 1 imported (published): 33 tasks, 155 assignments\n"),
        "{text}"
    );
    assert!(text.contains("new unit, not in the registry: 区区级机关工作党委"));
    assert!(text.contains("task 6: '相关部门和国企集团' names no fixed units"));

    let output = duban(&["audit", "verify", "--db", &url]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "audit chain intact: 1 events\n");

    // Someone edits the record behind Duban's back.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query("DROP TRIGGER audit_events_no_update")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_events SET actor = 'user:nobody' WHERE id = 1")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let output = duban(&["audit", "verify", "--db", &url]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("audit chain broken at event 1: the row was altered"),
        "{stderr}"
    );
}

#[test]
fn bad_database_urls_and_documents_are_refused() {
    let output = duban(&["import", SEED, "--db", "mysql://localhost/duban"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unsupported database URL"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("office.db").display());
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let output = duban(&["import", empty.to_str().unwrap(), "--db", &url]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the document is empty"));
}
