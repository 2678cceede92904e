//! Importing the plan in a real browser: the supervisor uploads the seed
//! document, sees what was read highlighted line by line with its warning,
//! publishes it and finds it in the ledger; bad uploads are refused on the
//! form with nothing stored; a changed edition shows its diff, then applies;
//! a liaison cannot import.

mod common;

use std::path::{Path, PathBuf};

use common::{app, browser};
use duban::store::Db;

const SEED_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../plan/tests/fixtures/changning-2021-plan.txt"
);

async fn pending_count(db: &Db) -> i64 {
    let sql = "SELECT COUNT(*) FROM pending_imports";
    match db {
        Db::Sqlite(pool, _) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("test file written");
    path
}

/// Chooses `path` in the form's file field and sends the form.
async fn upload(b: &browser::Browser, path: &Path) {
    let absolute = std::fs::canonicalize(path).expect("an absolute path");
    b.find("input[type=file][name=document]")
        .await
        .send_keys(&absolute.display().to_string())
        .await
        .expect("file chosen");
    b.click("form[enctype='multipart/form-data'] button[type=submit]")
        .await;
}

#[tokio::test]
async fn the_seed_is_previewed_published_and_revised_in_the_browser() {
    let db = common::sqlite().await;
    let server = app::spawn_empty(&db).await;
    let b = browser::start(&server.base).await;
    let files = tempfile::tempdir().unwrap();
    b.login("supervisor", "demo").await;

    b.open("/plans").await;
    assert!(b.body().await.contains("还没有导入任何计划"));
    b.click("a[data-test=import-new]").await;
    assert_eq!(b.path().await, "/plans/import");

    // Bad documents come back to the form with a message; nothing is kept.
    let bad: [(&str, &[u8], &str); 4] = [
        (
            "photo.txt",
            b"\x00\x01\x02\x03\x04\xff\xfe binary",
            "二进制",
        ),
        (
            "old.doc",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00legacy",
            ".docx",
        ),
        ("empty.txt", b"", "空"),
        (
            "notice.txt",
            "关于召开会议的通知\n请各单位准时参加。\n".as_bytes(),
            "没有找到计划",
        ),
    ];
    for (name, bytes, says) in bad {
        upload(&b, &write(files.path(), name, bytes)).await;
        assert_eq!(b.path().await, "/plans/import", "{name} stays on the form");
        let message = b.text("[data-test=upload-error]").await;
        assert!(message.contains(says), "{name}: {message}");
        assert_eq!(
            b.find("input[name=document]")
                .await
                .attr("aria-invalid")
                .await
                .unwrap()
                .as_deref(),
            Some("true")
        );
    }
    // Past the server's body limit (64 KiB in tests): the upload breaks off.
    let big = "一、".repeat(40_000);
    upload(&b, &write(files.path(), "big.txt", big.as_bytes())).await;
    assert_eq!(b.path().await, "/plans/import");
    assert!(
        b.text("[data-test=upload-error]")
            .await
            .contains("超过了服务器允许的大小")
    );
    assert_eq!(
        pending_count(&db.db).await,
        0,
        "a refused upload stores nothing"
    );

    // The seed: its preview marks every task, its units and targets.
    upload(&b, Path::new(SEED_PATH)).await;
    assert!(
        b.path().await.starts_with("/plans/import/"),
        "{}",
        b.path().await
    );
    assert_eq!(pending_count(&db.db).await, 1);
    assert_eq!(b.find_all("li.src-line[data-task]").await.len(), 33);
    assert_eq!(b.text("[data-test=task-count]").await, "33");
    assert_eq!(
        b.find_all("li.src-line.in-category .category-badge")
            .await
            .len(),
        10
    );
    assert!(!b.find_all("mark.unit.lead").await.is_empty());
    assert!(!b.find_all("mark.target").await.is_empty());
    let elevators = b.text("li.src-line.in-task mark.target").await;
    assert!(!elevators.is_empty());
    let warning = b.text("ul.warnings a[href='#L395']").await;
    assert!(warning.contains("395"), "{warning}");
    assert!(b.text("ul.warnings").await.contains("区区级机关工作党委"));
    assert!(
        b.find("li#L395.warned")
            .await
            .text()
            .await
            .unwrap()
            .contains("区区级机关工作党委")
    );
    assert!(!b.find_all("li#L395 mark.unknown").await.is_empty());
    let mapping = b.find("select[name='unit:区区级机关工作党委']").await;
    assert_eq!(
        mapping.prop("value").await.unwrap().as_deref(),
        Some(""),
        "create as new by default"
    );
    assert!(
        b.text("[data-test=open-groups]")
            .await
            .contains("相关部门和国企集团")
    );
    b.screenshot("import-preview").await;
    b.client
        .execute("document.getElementById('L387').scrollIntoView()", vec![])
        .await
        .expect("scrolled to a task");
    b.screenshot("import-preview-task").await;

    b.click("button[data-test=publish]").await;
    assert!(
        b.path().await.starts_with("/ledger?plan="),
        "{}",
        b.path().await
    );
    assert!(b.text("[data-test=notice]").await.contains("已导入并发布"));
    assert_eq!(b.find_all("tr[data-task]").await.len(), 33);
    assert_eq!(
        pending_count(&db.db).await,
        0,
        "the applied upload is removed"
    );

    b.open("/plans").await;
    let row = b.text("tr[data-plan]").await;
    assert!(row.contains("已发布") && row.contains("第 1 版"), "{row}");
    assert!(row.contains("changning-2021-plan.txt"), "{row}");

    // A changed edition: the same document is refused as "no change", the
    // edited one shows its diff and applies as revision 2.
    b.click("tr[data-plan] a[href$='/revise']").await;
    upload(&b, Path::new(SEED_PATH)).await;
    assert!(
        b.text("[data-test=upload-error]")
            .await
            .contains("没有任何变化")
    );
    let seed = std::fs::read_to_string(SEED_PATH).unwrap();
    assert!(seed.contains("新开工不少于 185 台"));
    let edited = seed.replace("新开工不少于 185 台", "新开工不少于 200 台");
    upload(
        &b,
        &write(files.path(), "changning-2021-v2.txt", edited.as_bytes()),
    )
    .await;
    assert!(b.path().await.contains("/revise/"), "{}", b.path().await);
    let reworded = b.find_all(".reworded[data-task]").await;
    assert_eq!(reworded.len(), 1);
    assert!(b.text(".reworded .diff-old").await.contains("185"));
    assert!(b.text(".reworded .diff-new").await.contains("200"));
    b.screenshot("import-revision").await;
    b.click("button[data-test=apply]").await;
    assert_eq!(b.path().await, "/plans?notice=revised");
    let row = b.text("tr[data-plan]").await;
    assert!(
        row.contains("第 2 版") && row.contains("changning-2021-v2.txt"),
        "{row}"
    );
    assert_eq!(pending_count(&db.db).await, 0);
    b.close().await;
}

#[tokio::test]
async fn a_liaison_cannot_import_plans() {
    let db = common::sqlite().await;
    let server = app::spawn_empty(&db).await;
    let b = browser::start(&server.base).await;
    b.login("区房管局", "demo").await;
    for path in ["/plans/import", "/plans"] {
        b.open(path).await;
        assert_eq!(b.error_status().await.as_deref(), Some("403"), "{path}");
        assert!(b.body().await.contains("无权访问"));
    }
    b.close().await;
}

#[tokio::test]
async fn a_mapped_unit_and_a_draft_then_published_from_the_plans_page() {
    let db = common::sqlite().await;
    let server = app::spawn_empty(&db).await;
    let b = browser::start(&server.base).await;
    b.login("admin", "demo").await;
    b.open("/plans/import").await;
    upload(&b, Path::new(SEED_PATH)).await;
    // The misprinted name is mapped to the registry's unit.
    b.find("select[name='unit:区区级机关工作党委']").await;
    let value = b
        .client
        .execute(
            "return [...document.querySelectorAll(\"select[name='unit:区区级机关工作党委'] option\")].find(o => o.textContent === '区级机关工作党委').value",
            vec![],
        )
        .await
        .expect("the registry unit is offered");
    let value = value.as_str().expect("an option value").to_string();
    b.select("select[name='unit:区区级机关工作党委']", &value)
        .await;
    b.click("button[data-test=draft]").await;
    assert!(b.text("[data-test=notice]").await.contains("草稿"));

    b.open("/plans").await;
    assert_eq!(
        b.find("tr[data-plan]")
            .await
            .attr("data-state")
            .await
            .unwrap()
            .as_deref(),
        Some("draft")
    );
    assert!(b.text("tr[data-plan]").await.contains("草稿"));
    // The publish form asks first (data-confirm); the test says yes.
    let publish = b
        .find("tr[data-plan] form[action$='/publish'] button")
        .await;
    b.leaving().await;
    publish.click().await.expect("publish clicked");
    b.client
        .accept_alert()
        .await
        .expect("the confirmation is asked");
    b.arrived("publishing").await;
    assert_eq!(b.path().await, "/plans?notice=published");
    assert_eq!(
        b.find("tr[data-plan]")
            .await
            .attr("data-state")
            .await
            .unwrap()
            .as_deref(),
        Some("published")
    );
    assert!(
        b.find_all("tr[data-plan] form[action$='/publish']")
            .await
            .is_empty()
    );

    b.screenshot("plans").await;

    let plan = duban::store::plans::summaries(&db.db).await.unwrap()[0].id;
    let mut named = Vec::new();
    for number in 1..=33 {
        named.extend(
            duban::store::plans::task_units(&db.db, plan, &number.to_string())
                .await
                .unwrap()
                .into_iter()
                .map(|(name, _)| name),
        );
    }
    assert!(
        named.iter().any(|n| n == "区级机关工作党委"),
        "the mapped unit holds the task"
    );
    assert!(
        !named.iter().any(|n| n == "区区级机关工作党委"),
        "no unit made of the misprint"
    );
    b.close().await;
}
