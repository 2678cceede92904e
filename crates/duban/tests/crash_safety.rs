//! A server killed with SIGKILL in the middle of concurrent writes loses
//! nothing it acknowledged and leaves nothing half-written, on SQLite and on
//! PostgreSQL: every measure, report and finding a client got a 2xx for is
//! there after the restart, each stored row has its audit event, the audit
//! chain verifies end to end, SQLite's integrity check passes, and the
//! restarted server takes writes again.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use duban::store::Db;
use serde_json::{Value, json};

/// `duban demo` on `url` (the seed plan on 2021-06-15) on a free port.
fn start(url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["demo", "--db", url, "--as-of", "2021-06-15"])
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("DUBAN_DB")
        .env_remove("DUBAN_LISTEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let base = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .map(|address| format!("http://{address}"))
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    // Keep reading so the demo never blocks on a full pipe.
    std::thread::spawn(move || for _ in out.lines() {});
    (child, base)
}

async fn sign_in(http: &reqwest::Client, base: &str, user: &str) -> String {
    let body: Value = http
        .post(format!("{base}/api/v1/login"))
        .json(&json!({"username": user, "password": "demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_string()
}

/// A write the server answered with success: what, and its id.
#[derive(Debug, Clone)]
enum Acked {
    Measure(i64, String),
    Report(i64, i64, String),
    Finding(i64, String),
}

async fn post(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    body: Value,
) -> Option<Value> {
    // None only when the server is gone: a refusal would mean the writers
    // stopped before the kill, and the test would prove nothing.
    let response = http
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .ok()?;
    let status = response.status();
    // The body is the acknowledgement: a response cut off by the kill is not one.
    let answer: Value = response.json().await.ok()?;
    assert!(status.is_success(), "{path} {body}: {status} {answer}");
    Some(answer)
}

/// Claims six units' lead assignments, opens an inspection, then writes
/// measures and reports as the six liaisons and findings as the office,
/// until the server stops answering. Returns what was acknowledged.
async fn write_until_killed(base: &str, mut server: Child) -> Vec<Acked> {
    let http = reqwest::Client::new();
    let office = sign_in(&http, base, "supervisor").await;
    let tasks: Value = http
        .get(format!("{base}/api/v1/plans/1/tasks?per_page=100"))
        .bearer_auth(&office)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut leads: Vec<(i64, String, i64)> = Vec::new();
    for task in tasks["tasks"].as_array().unwrap() {
        for unit in task["units"].as_array().unwrap() {
            let name = unit["name"].as_str().unwrap().to_string();
            if unit["role"] == "lead" && leads.iter().all(|(_, n, _)| *n != name) && leads.len() < 6
            {
                leads.push((
                    unit["assignment_id"].as_i64().unwrap(),
                    name,
                    unit["version"].as_i64().unwrap(),
                ));
            }
        }
    }
    assert_eq!(leads.len(), 6);
    let bodies: Value = http
        .get(format!("{base}/api/v1/bodies"))
        .bearer_auth(&office)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let inspection = post(
        &http,
        base,
        &office,
        "/api/v1/inspections",
        json!({"body_id": bodies["bodies"][0]["id"], "plan_id": 1, "title": "崩溃测试督查", "inspected_on": "2021-06-15"}),
    )
    .await
    .expect("an inspection")["id"]
        .as_i64()
        .unwrap();

    let acked = Arc::new(Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for (assignment, unit, version) in leads.clone() {
        let token = sign_in(&http, base, &unit).await;
        let claimed = post(
            &http,
            base,
            &token,
            &format!("/api/v1/assignments/{assignment}/claim"),
            json!({"version": version}),
        )
        .await;
        assert!(claimed.is_some(), "{unit} claims");
        let (http, base, acked) = (http.clone(), base.to_string(), acked.clone());
        writers.push(tokio::spawn(async move {
            // The one period taken on the demo's June 15: May's window has
            // closed (locked) and July has not begun.
            let periods = ["2021-06"];
            for i in 0.. {
                let description = format!("崩溃测试措施 {unit} {i}");
                let body = json!({"description": description, "responsible_person": "张三", "deadline": "2021-12-31"});
                let Some(made) = post(&http, &base, &token, &format!("/api/v1/assignments/{assignment}/measures"), body).await else {
                    return;
                };
                acked.lock().unwrap().push(Acked::Measure(made["id"].as_i64().unwrap(), description));
                if i % 4 == 3 && i / 4 < periods.len() {
                    let period = periods[i / 4];
                    let narrative = format!("崩溃测试进展 {unit} {period}");
                    let body = json!({"period": period, "narrative": narrative});
                    let Some(made) = post(&http, &base, &token, &format!("/api/v1/assignments/{assignment}/reports"), body).await else {
                        return;
                    };
                    acked.lock().unwrap().push(Acked::Report(made["id"].as_i64().unwrap(), assignment, narrative));
                }
            }
        }));
    }
    {
        let (http, base, acked, office) = (
            http.clone(),
            base.to_string(),
            acked.clone(),
            office.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let (assignment, _, _) = leads[i % leads.len()];
                let description = format!("崩溃测试发现 {i}");
                let body = json!({"assignment_id": assignment, "action": "reminder", "description": description});
                let Some(made) = post(&http, &base, &office, &format!("/api/v1/inspections/{inspection}/findings"), body).await else {
                    return;
                };
                acked.lock().unwrap().push(Acked::Finding(made["id"].as_i64().unwrap(), description));
            }
        }));
    }
    // Kill once a good number of writes went through, mid-stream.
    for _ in 0..200 {
        if acked.lock().unwrap().len() >= 150 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill().unwrap(); // SIGKILL: no shutdown, no flush, no goodbye
    server.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 150,
        "only {} writes before the kill",
        acked.len()
    );
    acked
}

async fn one(db: &Db, sql: &'static str, id: i64) -> Option<String> {
    duban::on_db!(db, pool => {
        sqlx::query_scalar::<_, String>(sql).bind(id).fetch_optional(pool).await.unwrap()
    })
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    duban::on_db!(db, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap())
}

async fn survives_sigkill(url: &str) {
    let (server, base) = start(url);
    let acked = write_until_killed(&base, server).await;

    let db = Db::connect(url).await.unwrap();
    for write in &acked {
        match write {
            Acked::Measure(id, text) => assert_eq!(
                one(&db, "SELECT description FROM measures WHERE id = $1", *id)
                    .await
                    .as_deref(),
                Some(text.as_str()),
                "acknowledged measure {id}"
            ),
            Acked::Report(id, assignment, text) => {
                assert_eq!(
                    one(
                        &db,
                        "SELECT narrative FROM progress_reports WHERE id = $1",
                        *id
                    )
                    .await
                    .as_deref(),
                    Some(text.as_str()),
                    "acknowledged report {id}"
                );
                let of: Option<String> = one(
                    &db,
                    "SELECT CAST(assignment_id AS TEXT) FROM progress_reports WHERE id = $1",
                    *id,
                )
                .await;
                assert_eq!(of, Some(assignment.to_string()));
            }
            Acked::Finding(id, text) => assert_eq!(
                one(&db, "SELECT description FROM findings WHERE id = $1", *id)
                    .await
                    .as_deref(),
                Some(text.as_str()),
                "acknowledged finding {id}"
            ),
        }
    }
    // Nothing half-written: every stored row has the audit event of its
    // transaction, and the chain's head is its last event.
    for (what, sql) in [
        (
            "measures",
            "SELECT COUNT(*) FROM measures m WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.entity = 'measure' AND e.entity_id = m.id)",
        ),
        (
            "reports",
            "SELECT COUNT(*) FROM progress_reports r WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.entity = 'progress_report' AND e.entity_id = r.id)",
        ),
        (
            "findings",
            "SELECT COUNT(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.entity = 'finding' AND e.entity_id = f.id)",
        ),
    ] {
        assert_eq!(count(&db, sql).await, 0, "{what} without their audit event");
    }
    let stored = count(
        &db,
        "SELECT COUNT(*) FROM measures WHERE description LIKE '崩溃测试措施%'",
    )
    .await;
    let acked_measures = acked
        .iter()
        .filter(|w| matches!(w, Acked::Measure(..)))
        .count() as i64;
    assert!(
        stored >= acked_measures,
        "{stored} stored, {acked_measures} acknowledged"
    );
    eprintln!(
        "{url}: {} writes acknowledged before the kill; {stored} measures stored, {acked_measures} of them acknowledged",
        acked.len()
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM audit_head h WHERE h.last_event_id = (SELECT MAX(id) FROM audit_events)").await,
        1
    );
    let chain = duban::service::audit::verify(&db).await.unwrap();
    assert_eq!(chain.broken, None);
    assert!(chain.events as usize > acked.len());
    if let Db::Sqlite(pool, _) = &db {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
    db.close().await;

    // And the server comes back and takes writes.
    let (mut server, base) = start(url);
    let http = reqwest::Client::new();
    let office = sign_in(&http, &base, "supervisor").await;
    let inspection = post(
        &http,
        &base,
        &office,
        "/api/v1/inspections",
        json!({"body_id": 1, "plan_id": 1, "title": "重启后的督查", "inspected_on": "2021-06-16"}),
    )
    .await;
    assert!(inspection.is_some());
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_loses_no_acknowledged_write_to_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("office.db").display());
    survives_sigkill(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_loses_no_acknowledged_write_to_sigkill() {
    let test = common::postgres().await;
    let url = test.url.clone();
    // The test's own pool stays open; the server gets its own connections.
    survives_sigkill(&url).await;
}
