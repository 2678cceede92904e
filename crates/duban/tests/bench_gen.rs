//! `duban bench gen`: the synthetic data set is written as asked on both
//! backends, the same seed makes the same data, its lights are the rule's,
//! its audit chain holds, an occupied database is refused, and a server on it
//! lets the generated liaisons sign in, read their work and report.

mod common;

use std::process::Command;
use std::sync::Arc;

use duban::bench::Scale;
use duban::bench::writer::{self, Manifest};
use duban::clock::FixedClock;
use reqwest::StatusCode;
use serde_json::json;

use common::TestDb;

fn small() -> Scale {
    Scale::preset("small", "2026-11-30".parse().unwrap(), 7).unwrap()
}

fn as_of_clock() -> FixedClock {
    FixedClock("2026-11-30T01:00:00Z".parse().unwrap())
}

async fn count(test: &TestDb, table: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
    match &test.db {
        duban::store::Db::Sqlite(pool, _) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        duban::store::Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

async fn generated(test: &TestDb) -> Manifest {
    writer::write(&test.db, &small(), &|_, _, _| {})
        .await
        .expect("the small scale is written")
}

async fn writes_the_scale_asked_for(test: &TestDb) {
    let manifest = generated(test).await;
    let scale = small();
    assert_eq!(count(test, "tasks").await, scale.tasks as i64);
    assert_eq!(count(test, "assignments").await, scale.assignments as i64);
    assert_eq!(count(test, "progress_reports").await, scale.reports as i64);
    assert_eq!(count(test, "measures").await, scale.measures as i64);
    assert_eq!(count(test, "users").await, scale.users as i64);
    assert_eq!(
        manifest.counts.report_actuals as i64,
        count(test, "report_actuals").await
    );
    // The planner has its statistics; on SQLite without STAT4 samples, which
    // would make every statement prepare again per bound value: the bundled
    // SQLite is built without them (.cargo/config.toml).
    if test.db.backend() == "sqlite" {
        assert!(count(test, "sqlite_stat1").await > 10);
        let stat4 = "(SELECT name FROM sqlite_schema WHERE name = 'sqlite_stat4')";
        assert_eq!(count(test, stat4).await, 0, "SQLite was built with STAT4");
    }
    // One plan per year (2021–2026) for the city and each of its two districts.
    assert_eq!(manifest.plans.len(), 3 * 6);
    // The writes the load test makes: periods whose window is open on the
    // data's "today" by the data set's thresholds (a closed one is locked).
    assert!(
        manifest.open_reports.len() >= 10,
        "{}",
        manifest.open_reports.len()
    );
    let thresholds = duban::bench::writer::bench_thresholds();
    let today: jiff::civil::Date = "2026-11-30".parse().unwrap();
    for open in &manifest.open_reports {
        let period: duban::domain::period::Period = open.period.parse().unwrap();
        let (opens, due) = duban::domain::report_window::window(period.last_day(), &thresholds);
        assert!(
            opens <= today && today <= due,
            "{} is not open",
            open.period
        );
    }

    // The stored lights are the rule's on the data's "today", and not all green.
    let mismatches = duban::service::lights::verify(&test.db, &as_of_clock())
        .await
        .unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");
    let verification = duban::store::audit::verify(&test.db).await.unwrap();
    assert!(verification.broken.is_none(), "{verification:?}");

    // The day's reminders are made a plan at a time: every plan of the year
    // gets its own, and the day is made once.
    let made = duban::service::reminders::generate(&test.db, &as_of_clock())
        .await
        .unwrap();
    assert!(made.new > 0 && made.new == made.due, "{made:?}");
    let plans_reminded = count(
        test,
        "(SELECT DISTINCT t.plan_id FROM reminders r JOIN assignments a ON a.id = r.assignment_id \
          JOIN tasks t ON t.id = a.task_id) AS reminded",
    )
    .await;
    let plans_this_year = manifest.plans.iter().filter(|p| p.year == 2026).count();
    assert_eq!(plans_reminded, plans_this_year as i64);
    let again = duban::service::reminders::generate(&test.db, &as_of_clock())
        .await
        .unwrap();
    assert_eq!(again.new, 0, "{again:?}");

    // A second run would mix two data sets: refused, nothing written.
    let error = writer::write(&test.db, &small(), &|_, _, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("already holds"), "{error}");
    assert_eq!(count(test, "tasks").await, scale.tasks as i64);

    // A generated liaison signs in, finds the unit's work, and reports on
    // a period still open; the report gets a fresh id after the loaded ones.
    let app = common::app::serve_with(test, Arc::new(as_of_clock())).await;
    let open = &manifest.open_reports[0];
    let client = common::app::client();
    let response = app.login(&client, &open.username, writer::PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = client
        .get(format!("{}/workspace", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let (status, body) = app
        .post(
            &client,
            &format!("/api/v1/assignments/{}/reports", open.assignment_id),
            json!({"period": open.period, "narrative": "本期完成方案论证。"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["id"].as_i64().unwrap() > scale.reports as i64,
        "{body}"
    );

    // Liaisons land on the newest plan their own unit works in, not on the
    // newest plan of the data set (another district's).
    let newest = manifest.plans.iter().map(|p| p.id).max().unwrap();
    let elsewhere = manifest
        .liaisons
        .iter()
        .find(|l| l.plan_id != newest)
        .expect("a liaison whose plan is not the newest");
    let client = common::app::client();
    app.login(&client, &elsewhere.username, writer::PASSWORD)
        .await;
    let page = app.html(&client, "/workspace").await;
    let plan = manifest
        .plans
        .iter()
        .find(|p| p.id == elsewhere.plan_id)
        .unwrap();
    assert!(
        page.contains(&format!(
            "{}{}年重点推进和督查工作安排",
            plan.owner, plan.year
        )),
        "{} should land on plan {} ({} {})",
        elsewhere.username,
        plan.id,
        plan.owner,
        plan.year
    );
    assert!(page.contains("/assignments/"), "{page}");
}

// The server shares the test's runtime: it needs its own workers.
on_both_backends!(writes_the_scale_asked_for);

#[tokio::test]
async fn the_same_seed_makes_the_same_data() {
    let (a, b) = (common::sqlite().await, common::sqlite().await);
    let (first, second) = (generated(&a).await, generated(&b).await);
    let key = |m: &Manifest| {
        m.open_reports
            .iter()
            .map(|o| format!("{} {} {}", o.username, o.assignment_id, o.period))
            .collect::<Vec<_>>()
    };
    assert_eq!(key(&first), key(&second));
    assert_eq!(first.tasks, second.tasks);
    let narratives = |test: &TestDb| {
        let duban::store::Db::Sqlite(pool, _) = &test.db else {
            unreachable!()
        };
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT narrative FROM progress_reports ORDER BY id LIMIT 50",
            )
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(narratives(&a).await, narratives(&b).await);
}

#[test]
fn the_command_refuses_an_impossible_scale_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let output = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["bench", "gen", "--scale", "small", "--tasks", "3", "--db"])
        .arg(format!("sqlite://{}", db.display()))
        .arg("--manifest")
        .arg(dir.path().join("m.json"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("3 tasks are fewer than the 18 plans"),
        "{stderr}"
    );
    assert!(!db.exists(), "nothing is created for a refused scale");

    let output = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["bench", "gen", "--scale", "galaxy", "--db"])
        .arg(format!("sqlite://{}", db.display()))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not one of city, district, small"));
}

#[test]
fn the_command_writes_a_manifest_a_load_test_can_use() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.json");
    let output = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["bench", "gen", "--scale", "small", "--db"])
        .arg(format!(
            "sqlite://{}",
            dir.path().join("bench.db").display()
        ))
        .arg("--manifest")
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("60 tasks, 150 assignments, 300 measures, 1200 reports"),
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(json["password"], "bench");
    assert_eq!(json["liaisons"].as_array().unwrap().len(), 40);
    assert!(json["liaisons"][0]["plan_id"].as_i64().is_some());
}
