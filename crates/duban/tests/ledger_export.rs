//! The ledger (台账) as .xlsx: its layout read back with calamine, the
//! filters and a liaison's own ledger, the download's headers, and the file
//! as LibreOffice prints it.

mod common;

use common::TestDb;
use common::app::spawn_at;
use common::ledger::{cell, download, housing_with_measures, part, rows_with, sheet};
use reqwest::StatusCode;

const HEADERS: [&str; 11] = [
    "序号",
    "任务类别",
    "重点任务",
    "牵头单位",
    "责任单位",
    "细化措施",
    "责任人",
    "时间节点",
    "进展情况",
    "状态",
    "编号",
];

async fn the_ledger_reads_as_offices_keep_it(test: &TestDb) {
    let app = spawn_at(test, "2021-06-15").await;
    housing_with_measures(&app).await;
    let office = app.signed_in("admin").await;
    let response = download(&app, &office, "").await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''"),
        "{disposition}"
    );
    assert!(disposition.ends_with("-20210615.xlsx"), "{disposition}");
    let bytes = response.bytes().await.unwrap();
    let (range, merged) = sheet(&bytes);

    assert!(
        cell(&range, 1, 'A').ends_with("重点任务推进台账"),
        "{}",
        cell(&range, 1, 'A')
    );
    assert!(cell(&range, 1, 'K').starts_with("duban-ledger plan="));
    assert_eq!(cell(&range, 2, 'A'), "导出日期：2021年6月15日");
    let header: Vec<String> = ('A'..='K').map(|c| cell(&range, 3, c)).collect();
    assert_eq!(header, HEADERS);

    // Categories are full-width merged rows, 一 first.
    let first = cell(&range, 4, 'A');
    assert!(first.starts_with("一、"), "{first}");
    assert!(merged.iter().any(|d| d.start == (3, 0) && d.end == (3, 9)));
    let headings = merged
        .iter()
        .filter(|d| d.start.0 == d.end.0 && d.start.0 >= 3 && d.end.1 == 9)
        .count();
    assert_eq!(headings, 10, "ten categories");

    // 33 tasks, each once in 序号.
    let numbers: std::collections::BTreeSet<String> = (5..=range.end().unwrap().0 + 1)
        .map(|r| cell(&range, r, 'A'))
        .filter(|n| !n.is_empty() && !n.contains('、'))
        .collect();
    assert_eq!(numbers.len(), 33);

    // Task 18: one row per measure of 区房管局, its task cells merged over them.
    let row = rows_with(&range, 'A', "18")[0];
    let housing = rows_with(&range, 'E', "区房管局");
    assert!(housing.contains(&row), "区房管局 leads task 18");
    assert!(cell(&range, row, 'C').contains("加装电梯"));
    assert_eq!(cell(&range, row, 'D'), "区房管局");
    // Measures by deadline; a done one says so.
    assert_eq!(cell(&range, row, 'F'), "召开加装电梯推进会（已完成）");
    assert_eq!(
        cell(&range, row + 1, 'F'),
        "完成加装电梯新开工185台、竣工150台"
    );
    assert_eq!(cell(&range, row + 1, 'G'), "张三");
    let due = range.get_value((row, 7)).unwrap();
    assert!(
        matches!(due, calamine::Data::DateTime(d) if d.as_f64() == 44561.0),
        "{due:?}"
    );
    assert!(!cell(&range, row, 'K').is_empty(), "the measure's id");
    assert!(
        merged
            .iter()
            .any(|d| d.start == (row - 1, 0) && d.end.0 >= row && d.end.1 == 0)
    );
    assert!(["正常推进", "预警", "滞后"].contains(&cell(&range, row, 'J').as_str()));

    // Print setup: A4 landscape, fitted to one page wide, header row repeated, page numbers.
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    for wanted in [
        "paperSize=\"9\"",
        "orientation=\"landscape\"",
        "fitToHeight=\"0\"",
        "<pane ySplit=\"3\"",
        "第 &amp;P 页 共 &amp;N 页",
    ] {
        assert!(xml.contains(wanted), "{wanted} in {xml:.600}");
    }
    assert!(xml.contains("<col min=\"11\" max=\"11\"") && xml.contains("hidden=\"1\""));
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains("_xlnm.Print_Titles") && workbook.contains("$3:$3"),
        "{workbook}"
    );
    let styles = part(&bytes, "xl/styles.xml");
    assert!(
        styles.contains("FFC6EFCE") || styles.contains("FFFFEB9C"),
        "the light's fill"
    );
}

async fn filters_and_a_units_own_ledger(test: &TestDb) {
    let app = spawn_at(test, "2021-06-15").await;
    let unit = housing_with_measures(&app).await;

    // A liaison's ledger is its unit's: its tasks, its rows only.
    let response = download(&app, &unit, "").await;
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("%E5%8C%BA%E6%88%BF%E7%AE%A1%E5%B1%80"),
        "the unit in the name: {disposition}"
    );
    let (range, _) = sheet(&response.bytes().await.unwrap());
    assert!(cell(&range, 2, 'A').starts_with("单位：区房管局"));
    let last = range.end().unwrap().0 + 1;
    let units: std::collections::BTreeSet<String> = (4..=last)
        .map(|r| cell(&range, r, 'E'))
        .filter(|u| !u.is_empty())
        .collect();
    assert_eq!(units.into_iter().collect::<Vec<_>>(), ["区房管局"]);
    let tasks: Vec<String> = (4..=last)
        .map(|r| cell(&range, r, 'A'))
        .filter(|n| n.parse::<u32>().is_ok())
        .collect();
    assert_eq!(tasks, ["17", "18"]);
    assert_eq!(
        download(&app, &unit, "unit=区民政局").await.status(),
        StatusCode::FORBIDDEN
    );

    // The workspace offers the unit's own ledger, the ledger page the filtered one.
    for (client, path, test_id) in [
        (&unit, "/workspace", "unit-ledger-xlsx"),
        (&unit, "/ledger?light=green", "ledger-xlsx"),
    ] {
        let html = app.html(client, path).await;
        let link = html
            .find(&format!("data-test=\"{test_id}\""))
            .map(|at| &html[..at])
            .expect(test_id);
        let href = link
            .rsplit("href=\"")
            .next()
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&");
        assert!(href.starts_with("/ledger.xlsx?"), "{href}");
        let response = client
            .get(format!("{}{href}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{href}");
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
    }
    assert!(
        html_has(&app, &unit, "/ledger", "data-test=\"ledger-import\"").await,
        "a liaison imports"
    );

    // The office filters by unit and by light as on the ledger page.
    let office = app.signed_in("admin").await;
    let (range, _) = sheet(
        &download(&app, &office, "unit=区房管局")
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(rows_with(&range, 'E', "区房管局").len(), 2, "its two tasks");
    let last = range.end().unwrap().0 + 1;
    let measures = (4..=last)
        .filter(|r| !cell(&range, *r, 'F').is_empty())
        .count();
    assert_eq!(measures, 3, "three measures, one row each");
    for light in ["green", "yellow", "red", "done"] {
        let (_, page) = app
            .get(
                &office,
                &format!("/api/v1/plans/1/tasks?light={light}&per_page=200"),
            )
            .await;
        let (range, _) = sheet(
            &download(&app, &office, &format!("light={light}"))
                .await
                .bytes()
                .await
                .unwrap(),
        );
        let last = range.end().unwrap().0 + 1;
        let shown = (4..=last)
            .filter(|r| cell(&range, *r, 'A').parse::<u32>().is_ok())
            .count();
        assert_eq!(shown as u64, page["total"].as_u64().unwrap(), "{light}");
    }
    assert_eq!(
        download(&app, &office, "light=purple").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        download(&app, &office, "plan=99").await.status(),
        StatusCode::NOT_FOUND
    );
    let supervisor = app.signed_in("supervisor").await;
    assert!(!html_has(&app, &supervisor, "/ledger", "data-test=\"ledger-import\"").await);
    assert!(html_has(&app, &supervisor, "/ledger", "data-test=\"ledger-xlsx\"").await);
    let anonymous = common::app::client();
    let response = download(&app, &anonymous, "").await;
    assert_ne!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
}

async fn html_has(
    app: &common::app::TestApp,
    client: &reqwest::Client,
    path: &str,
    text: &str,
) -> bool {
    let html = client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    html.contains(text)
}

on_both_backends!(
    the_ledger_reads_as_offices_keep_it,
    filters_and_a_units_own_ledger
);

/// LibreOffice (Debian's, headless) opens the workbook and prints it: the
/// title, a task's text and a unit are in the PDF's text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn libreoffice_prints_the_ledger() {
    let test = common::sqlite().await;
    let app = spawn_at(&test, "2021-06-15").await;
    housing_with_measures(&app).await;
    let office = app.signed_in("admin").await;
    let bytes = download(&app, &office, "").await.bytes().await.unwrap();
    let text = common::office::printed_text("ledger.xlsx", &bytes);
    for wanted in [
        "重点任务推进台账",
        "加装电梯",
        "区房管局",
        "细化措施",
        "第1页共",
    ] {
        assert!(text.contains(wanted), "{wanted} in {text:.2000}");
    }
}
