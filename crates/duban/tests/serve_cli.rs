//! `duban serve` as an operator runs it: a config file, a real port, a health
//! check, and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn serves_from_a_config_file_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("duban.toml");
    let db = format!("sqlite://{}", dir.path().join("office.db").display());
    std::fs::write(
        &config,
        format!("db = \"{db}\"\nlisten = \"127.0.0.1:0\"\nmax_body_mb = 1\n"),
    )
    .unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["serve", "--config", config.to_str().unwrap()])
        .env_remove("DUBAN_DB")
        .env_remove("DUBAN_LISTEN")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("serving on http://127.0.0.1:"), "{line}");
    let address = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let health: serde_json::Value = runtime.block_on(async {
        reqwest::get(format!("http://{address}/healthz"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(health["database"], "sqlite");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0), "a graceful stop exits 0");

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "port = 80\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["serve", "--config", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown field `port`"), "{stderr}");
}
