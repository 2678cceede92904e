//! A plan's whole record as JSON (`GET /api/v1/plans/{id}/data`, `duban
//! export data`): every section matches the tables it comes from, who may
//! have it, and one consistent snapshot however long the reader takes.

mod common;

use std::collections::BTreeSet;

use common::TestDb;
use common::app::{client, serve_with};
use common::bulletin::{MEASURE, RECTIFICATION, build};
use common::record::{at, liaison};
use duban::domain::roles::Actor;
use duban::service::assignments::{MeasureInput, add_measure};
use duban::service::plan_data::{FORMAT, export};
use duban::service::reports::{ReportInput, submit};
use duban::store::Db;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Row;

/// The demo imported on 2021-06-15 with the bulletin tests' record on it.
async fn record(test: &TestDb) -> common::bulletin::Situation {
    let clock = duban::commands::demo::clock_for("2021-06-15").unwrap();
    duban::commands::demo::prepare_with(&test.db, clock.as_ref())
        .await
        .unwrap();
    build(&test.db).await
}

/// `SELECT COUNT(*) …` of plan 1, straight from the tables.
async fn count(db: &Db, sql: &'static str) -> usize {
    let n: i64 = duban::on_db!(db, pool => {
        sqlx::query(sql).bind(1_i64).fetch_one(pool).await.unwrap().get(0)
    });
    n as usize
}

fn section<'a>(doc: &'a Value, name: &str) -> &'a Vec<Value> {
    doc[name]
        .as_array()
        .unwrap_or_else(|| panic!("no section {name}"))
}

async fn the_api_streams_the_whole_record(test: &TestDb) {
    let situation = record(test).await;
    // Task 18 reports quarterly, by the office's decision of today.
    let lifts: i64 = duban::on_db!(&test.db, pool => {
        sqlx::query("SELECT id FROM tasks WHERE plan_id = 1 AND number = '18'")
            .fetch_one(pool).await.unwrap().get(0)
    });
    duban::service::report_periods::set_rhythm(
        &test.db,
        &duban::clock::SystemClock,
        &duban::domain::roles::Actor::operator(),
        lifts,
        "quarterly",
    )
    .await
    .unwrap();
    let app = serve_with(test, std::sync::Arc::new(duban::clock::SystemClock)).await;
    let client = app.signed_in("supervisor").await;
    let response = client
        .get(format!("{}/api/v1/plans/1/data", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"plan-1-data.json\""
    );
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["format"], FORMAT);
    assert_eq!(doc["plan"]["id"], 1);
    assert_eq!(doc["plan"]["state"], "published");

    // Every section holds what its table holds for the plan, no more.
    let db = &test.db;
    assert_eq!(section(&doc, "categories").len(), 10);
    assert_eq!(section(&doc, "tasks").len(), 33);
    let task_18 = section(&doc, "tasks")
        .iter()
        .find(|t| t["id"] == lifts)
        .unwrap();
    assert_eq!(task_18["report_frequency"], "quarterly");
    assert!(
        task_18["report_frequency_since"]
            .as_str()
            .is_some_and(|day| day.len() == 10),
        "{task_18}"
    );
    let expected = [
        (
            "assignments",
            count(db, "SELECT COUNT(*) FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE t.plan_id = $1").await,
        ),
        (
            "targets",
            count(db, "SELECT COUNT(*) FROM targets g JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1").await,
        ),
        ("measures", 1),
        ("progress_reports", 3),
        ("inspections", 1),
        (
            "findings",
            count(db, "SELECT COUNT(*) FROM findings f JOIN inspections i ON i.id = f.inspection_id WHERE i.plan_id = $1").await,
        ),
        (
            "reminders",
            count(db, "SELECT COUNT(*) FROM reminders m JOIN assignments a ON a.id = m.assignment_id JOIN tasks t ON t.id = a.task_id WHERE t.plan_id = $1").await,
        ),
    ];
    for (name, n) in expected {
        assert_eq!(section(&doc, name).len(), n, "section {name}");
    }
    assert!(section(&doc, "assignments").len() > 33);
    assert!(section(&doc, "findings").len() >= 2);
    for empty in [
        "evaluations",
        "difficulties",
        "situation_reports",
        "task_notes",
    ] {
        assert_eq!(section(&doc, empty), &Vec::<Value>::new(), "{empty}");
    }

    // The rows carry their fields and tie together by id.
    let measure = &section(&doc, "measures")[0];
    assert_eq!(measure["description"], MEASURE);
    assert_eq!(measure["assignment_id"], situation.b.id);
    assert_eq!(measure["deadline"], "2021-07-05");
    let assignment_ids: BTreeSet<i64> = section(&doc, "assignments")
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    for report in section(&doc, "progress_reports") {
        assert!(assignment_ids.contains(&report["assignment_id"].as_i64().unwrap()));
        assert_eq!(report["period"], "2021-06");
    }
    let late = section(&doc, "progress_reports")
        .iter()
        .find(|r| r["assignment_id"] == situation.c.id)
        .unwrap();
    assert_eq!(late["narrative"], "六月进展（补报）");
    let rectification = section(&doc, "findings")
        .iter()
        .find(|f| f["action"] == "rectification")
        .unwrap();
    assert_eq!(rectification["description"], RECTIFICATION);
    assert_eq!(rectification["state"], "open");
    let b = section(&doc, "assignments")
        .iter()
        .find(|a| a["id"] == situation.b.id)
        .unwrap();
    assert_eq!(b["state"], "in_progress", "a measure set it working");
    assert_eq!(b["unit"], situation.b.unit_name.as_str());
    assert_eq!(
        section(&doc, "inspections")[0]["body"],
        "督查领导小组办公室"
    );
}

async fn only_readers_of_everything_may_have_it(test: &TestDb) {
    record(test).await;
    let app = serve_with(test, std::sync::Arc::new(duban::clock::SystemClock)).await;
    let anonymous = client();
    let (status, _) = app.get(&anonymous, "/api/v1/plans/1/data").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for (user, expected) in [
        ("leader", StatusCode::OK),
        ("admin", StatusCode::OK),
        ("viewer", StatusCode::FORBIDDEN),
        ("区房管局", StatusCode::FORBIDDEN),
    ] {
        let client = app.signed_in(user).await;
        let response = client
            .get(format!("{}/api/v1/plans/1/data", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{user}");
    }
    // The ledger page offers the download to those who may have it.
    let link = "href=\"/api/v1/plans/1/data\"";
    let office = app.signed_in("supervisor").await;
    assert!(app.html(&office, "/ledger?plan=1").await.contains(link));
    let unit = app.signed_in("区房管局").await;
    let page = app.html(&unit, "/ledger?plan=1").await;
    assert!(page.contains("任务台账") && !page.contains(link));

    let client = office;
    let (status, body) = app.get(&client, "/api/v1/plans/99/data").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(common::app::error_code(&body), "not_found");
}

/// The reader takes the first chunk and stops; meanwhile a report and a
/// measure are written. The document read afterwards has neither (it is the
/// record as of its first byte); the next export has both.
async fn a_slow_reader_gets_one_consistent_snapshot(test: &TestDb) {
    let situation = record(test).await;
    let b = &situation.b;
    // Enough measures that the producer, held by its bounded channel, is
    // still inside the measures when the writes happen.
    let long = "按照序时进度推进并形成阶段性成果".repeat(40);
    for i in 0..400 {
        let input =
            MeasureInput::parse(&format!("措施{i:04}{long}"), "张三", "2021-09-30", false).unwrap();
        add_measure(&test.db, &at("2021-06-17"), &liaison(b), b.id, &input)
            .await
            .unwrap();
    }
    let clock = at("2021-07-10");
    let mut slow = export(&test.db, &clock, &Actor::operator(), 1)
        .await
        .unwrap();
    let mut bytes = slow.chunks.recv().await.unwrap().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let july = ReportInput::parse("2021-07", "七月进展（导出期间）", &[]).unwrap();
    submit(&test.db, &at("2021-07-10"), &liaison(b), b.id, &july)
        .await
        .unwrap();
    let late = MeasureInput::parse("导出期间新增的措施", "李四", "2021-10-01", false).unwrap();
    add_measure(&test.db, &clock, &liaison(b), b.id, &late)
        .await
        .unwrap();

    while let Some(chunk) = slow.chunks.recv().await {
        bytes.extend(chunk.unwrap());
    }
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(section(&doc, "measures").len(), 1 + 400);
    assert!(bytes.len() > 700_000, "{} bytes", bytes.len());
    let narratives = |doc: &Value| -> Vec<String> {
        section(doc, "progress_reports")
            .iter()
            .map(|r| r["narrative"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!narratives(&doc).contains(&"七月进展（导出期间）".to_string()));

    let mut fresh = export(&test.db, &clock, &Actor::operator(), 1)
        .await
        .unwrap();
    let mut bytes = Vec::new();
    while let Some(chunk) = fresh.chunks.recv().await {
        bytes.extend(chunk.unwrap());
    }
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(section(&doc, "measures").len(), 1 + 400 + 1);
    assert!(narratives(&doc).contains(&"七月进展（导出期间）".to_string()));
}

on_both_backends!(
    the_api_streams_the_whole_record,
    only_readers_of_everything_may_have_it,
    a_slow_reader_gets_one_consistent_snapshot,
);

/// `duban export data` writes the document whole, or nothing.
#[test]
fn the_cli_writes_the_document_or_nothing() {
    use std::process::Command;
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../plan/tests/fixtures/changning-2021-plan.txt"
    );
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("office.db").display());
    let duban = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_duban"))
            .args(args)
            .env_remove("DUBAN_DB")
            .output()
            .unwrap()
    };
    let imported = duban(&["import", seed, "--db", &url, "--publish"]);
    assert!(imported.status.success());

    let out = dir.path().join("计划数据.json");
    let out_arg = out.to_str().unwrap();
    let written = duban(&[
        "export", "data", "--plan", "1", "--out", out_arg, "--db", &url,
    ]);
    let stdout = String::from_utf8_lossy(&written.stdout);
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let size = std::fs::metadata(&out).unwrap().len();
    assert_eq!(
        stdout.trim(),
        format!("plan 1's record written to {out_arg}: {size} bytes")
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(section(&doc, "tasks").len(), 33);
    let title = doc["plan"]["title"].as_str().unwrap();
    assert!(title.contains("2021年重点推进和督查工作安排"), "{title}");

    let missing = dir.path().join("none.json");
    let refused = duban(&[
        "export",
        "data",
        "--plan",
        "7",
        "--out",
        missing.to_str().unwrap(),
        "--db",
        &url,
    ]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("plan 7 does not exist"), "{stderr}");
    assert!(!missing.exists());
    // No temporary file left behind either.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name.starts_with("office.db") || name == "计划数据.json",
            "left behind: {name}"
        );
    }
}
