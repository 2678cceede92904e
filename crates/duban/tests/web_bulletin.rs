//! The bulletin over HTTP (the page with its six sections, the Word file,
//! a liaison refused, a bad period by its field, a missing plan) and
//! `duban export bulletin` writing a file.

mod common;

use std::process::Command;

use common::TestDb;
use common::app::spawn_at;
use reqwest::StatusCode;

async fn the_page_and_the_word_file(test: &TestDb) {
    let app = spawn_at(test, "2021-06-15").await;
    let leader = app.signed_in("leader").await;
    let url = |path: &str| format!("{}{path}", app.base);

    let cockpit = leader
        .get(url("/cockpit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        cockpit.contains("href=\"/bulletin?plan=1\""),
        "the cockpit links to it"
    );

    let page = leader
        .get(url("/bulletin?plan=1&period=2021-05&number=%E7%9D%A3%E6%9F%A5%E9%80%9A%E6%8A%A5%E3%80%942021%E3%80%955%E5%8F%B7"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for said in [
        "关于2021年5月重点任务推进情况的督查通报",
        "督查通报〔2021〕5号",
        "一、总体情况",
        "二、各类别推进情况",
        "三、滞后任务",
        "四、单位推进情况",
        "按年度考核综合得分排名",
        "考核得分",
        "五、督查发现问题及整改",
        "六、量化目标完成情况",
        "href=\"/assets/bulletin.css\"",
        "下载 Word 版",
    ] {
        assert!(html.contains(said), "{said}");
    }
    // The official layout for print is the bulletin's own stylesheet (its
    // @page would set every other page's print layout too).
    let css = leader
        .get(url("/assets/bulletin.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(css.contains("@page { size: A4 portrait; margin: 37mm 26mm 35mm 28mm;"));
    let app_css = leader
        .get(url("/assets/app.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!app_css.contains("37mm 26mm 35mm 28mm"));
    // No period: last month's.
    let html = leader
        .get(url("/bulletin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("关于2021年5月重点任务推进情况的督查通报"));

    let docx = leader
        .get(url("/bulletin.docx?plan=1&period=2021-Q2"))
        .send()
        .await
        .unwrap();
    assert_eq!(docx.status(), StatusCode::OK);
    let disposition = docx.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        docx.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("wordprocessingml")
    );
    assert_eq!(&docx.bytes().await.unwrap()[..2], b"PK");

    // A bad period: the form again, the message by its field, 422.
    let bad = leader
        .get(url("/bulletin?plan=1&period=2021-13"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains("data-field=\"period\""));
    assert!(html.contains("value=\"2021-13\""), "what was typed is kept");
    let bad = leader
        .get(url("/bulletin.docx?plan=1&period=June"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for missing in [
        "/bulletin?plan=99&period=2021-06",
        "/bulletin.docx?plan=99&period=2021-06",
    ] {
        let response = leader.get(url(missing)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }

    // A viewer and a liaison may not draw it up.
    for who in ["viewer"] {
        let client = app.signed_in(who).await;
        for path in [
            "/bulletin?plan=1&period=2021-06",
            "/bulletin.docx?plan=1&period=2021-06",
        ] {
            let response = client.get(url(path)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{who} {path}");
        }
    }
    // The demo's liaison accounts are named after their units.
    let unit = duban::store::units::all_units(&test.db).await.unwrap()[0]
        .1
        .clone();
    let liaison = app.signed_in(&unit).await;
    let response = liaison
        .get(url("/bulletin?plan=1&period=2021-06"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

on_both_backends!(the_page_and_the_word_file);

#[test]
fn the_command_writes_a_word_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("office.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let db = duban::store::Db::connect(&url).await.unwrap();
        duban::commands::demo::prepare_with(&db, &common::record::at("2021-06-15"))
            .await
            .unwrap();
        db.close().await;
    });
    let out = dir.path().join("通报.docx");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_duban"))
            .args(["export", "bulletin", "--db", &url])
            .args(args)
            .env_remove("DUBAN_DB")
            .output()
            .unwrap()
    };
    let output = run(&[
        "--plan",
        "1",
        "--period",
        "2021-06",
        "--number",
        "督查通报〔2021〕6号",
        "--as-of",
        "2021-07-08",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        said.starts_with("bulletin of plan 1 for 2021-06 written to"),
        "{said}"
    );
    assert_eq!(&std::fs::read(&out).unwrap()[..2], b"PK");

    let output = run(&[
        "--plan",
        "1",
        "--period",
        "2021-6",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--period"));
    let output = run(&[
        "--plan",
        "7",
        "--period",
        "2021-06",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not exist"));
}
