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

#[test]
fn users_and_api_tokens_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("office.db").display());
    assert_eq!(
        duban(&["import", SEED, "--db", &url, "--publish"])
            .status
            .code(),
        Some(0)
    );

    let output = duban(&[
        "user",
        "add",
        "张主任",
        "--role",
        "supervisor",
        "--password",
        "short",
        "--db",
        &url,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 8 characters"));
    let output = duban(&[
        "user",
        "add",
        "fgj",
        "--role",
        "liaison",
        "--password",
        "long enough",
        "--db",
        &url,
    ]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("a liaison needs a unit"));
    let output = duban(&[
        "user",
        "add",
        "fgj",
        "--role",
        "liaison",
        "--unit",
        "区房管局",
        "--password",
        "long enough",
        "--db",
        &url,
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = duban(&[
        "user",
        "add",
        "fgj",
        "--role",
        "viewer",
        "--password",
        "long enough",
        "--db",
        &url,
    ]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("is taken"));
    assert_eq!(
        duban(&["user", "role", "fgj", "viewer", "--db", &url])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        duban(&[
            "user",
            "passwd",
            "fgj",
            "--password",
            "another one",
            "--db",
            &url
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        duban(&["user", "role", "nobody", "viewer", "--db", &url])
            .status
            .code(),
        Some(1)
    );

    let output = duban(&[
        "user",
        "token",
        "fgj",
        "--name",
        "月报导出脚本",
        "--db",
        &url,
    ]);
    assert_eq!(output.status.code(), Some(0));
    let token = stdout(&output).trim().to_string();
    assert_eq!(token.len(), 64);

    // The token signs a script in over real HTTP.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let db = duban::store::Db::connect(&url).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = duban::app::AppState::new(db, std::sync::Arc::new(duban::clock::SystemClock));
        tokio::spawn(duban::app::serve(
            listener,
            duban::app::router(state, 1 << 20),
            std::future::pending(),
        ));
        let client = reqwest::Client::new();
        let me: serde_json::Value = client
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["actor"], "user:fgj");
        assert_eq!(me["role"], "viewer");
    });
    let output = duban(&["audit", "verify", "--db", &url]);
    // import, user add, role, passwd, token
    assert_eq!(stdout(&output), "audit chain intact: 5 events\n");
}
