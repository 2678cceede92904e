//! The ledger workbook in tests: a unit with measures to show, the download,
//! and the sheet read back with calamine (a reader the app does not write with).

#![allow(dead_code)] // each test binary uses its own subset

use std::io::{Cursor, Read};

use calamine::{Data, Dimensions, Range, Reader, Xlsx, open_workbook_from_rs};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::app::TestApp;

/// 区房管局 (tasks 17 and 18) claims its work and adds measures:
/// task 17 gets one, task 18 two (the second done). Returns the liaison's client.
pub async fn housing_with_measures(app: &TestApp) -> reqwest::Client {
    let unit = app.signed_in("区房管局").await;
    let (_, me) = app.get(&unit, "/api/v1/me").await;
    let (_, list) = app
        .get(
            &unit,
            &format!("/api/v1/units/{}/assignments", me["unit_id"]),
        )
        .await;
    let assignments = list["assignments"].as_array().unwrap().clone();
    assert_eq!(assignments.len(), 2, "tasks 17 and 18: {list}");
    for (n, a) in assignments.iter().enumerate() {
        let id = a["id"].as_i64().unwrap();
        let (status, body) = app
            .post(
                &unit,
                &format!("/api/v1/assignments/{id}/claim"),
                json!({"version": a["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let measures: &[Value] = if n == 0 {
            &[
                json!({"description": "制定旧住房更新年度计划", "responsible_person": "王强", "deadline": "2021-05-31", "done": false}),
            ]
        } else {
            &[
                json!({"description": "完成加装电梯新开工185台、竣工150台", "responsible_person": "张三", "deadline": "2021-12-31", "done": false}),
                json!({"description": "召开加装电梯推进会", "responsible_person": "李四", "deadline": "2021-03-31", "done": true}),
            ]
        };
        for measure in measures {
            let (status, body) = app
                .post(
                    &unit,
                    &format!("/api/v1/assignments/{id}/measures"),
                    measure.clone(),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }
    unit
}

/// GET /ledger.xlsx?query, as `client`.
pub async fn download(app: &TestApp, client: &reqwest::Client, query: &str) -> reqwest::Response {
    client
        .get(format!("{}/ledger.xlsx?{query}", app.base))
        .send()
        .await
        .unwrap()
}

/// The 台账 sheet and its merged regions.
pub fn sheet(bytes: &[u8]) -> (Range<Data>, Vec<Dimensions>) {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an xlsx");
    assert_eq!(book.sheet_names(), vec!["台账".to_string()]);
    let range = book.worksheet_range("台账").unwrap();
    let merged = book.worksheet_merge_cells("台账").unwrap().unwrap();
    (range, merged)
}

/// A cell as text (1-based row, column letter), "" when blank.
pub fn cell(range: &Range<Data>, row: u32, col: char) -> String {
    match range.get_value((row - 1, u32::from(col as u8 - b'A'))) {
        None | Some(Data::Empty) => String::new(),
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{f:.0}"),
        Some(value) => value.to_string(),
    }
}

/// The 1-based rows whose column holds `text`.
pub fn rows_with(range: &Range<Data>, col: char, text: &str) -> Vec<u32> {
    let last = range.end().map_or(0, |(r, _)| r + 1);
    (1..=last)
        .filter(|r| cell(range, *r, col) == text)
        .collect()
}

/// A part of the .xlsx package (its XML) as text.
pub fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Edits the workbook in place with umya-spreadsheet (as a person in Excel
/// would: the rest of the file stays as it was) and returns the new bytes.
pub fn edit(bytes: &[u8], change: impl FnOnce(&mut umya_spreadsheet::Worksheet)) -> Vec<u8> {
    let mut book = umya_spreadsheet::reader::xlsx::read_reader(Cursor::new(bytes.to_vec()), true)
        .expect("umya reads the ledger");
    change(book.get_sheet_by_name_mut("台账").expect("the 台账 sheet"));
    let mut out = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut out).unwrap();
    out
}

/// A page's form token.
pub async fn csrf(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let html = app.html(client, path).await;
    let at = html.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

/// Posts the workbook to /ledger/import as the browser's form does; the
/// status, the page's path after redirects, and its HTML.
pub async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    bytes: &[u8],
) -> (StatusCode, String, String) {
    let token = csrf(app, client, "/ledger/import").await;
    let boundary = "----duban-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"台账.xlsx\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = client
        .post(format!("{}/ledger/import", app.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let path = response.url().path().to_string();
    (status, path, response.text().await.unwrap())
}

/// The refusals listed on the upload form.
pub fn errors(html: &str) -> Vec<String> {
    let Some(at) = html.find("data-test=\"import-errors\"") else {
        return Vec::new();
    };
    html[at..]
        .split("<li>")
        .skip(1)
        .map(|item| item.split("</li>").next().unwrap().to_string())
        .take_while(|item| !item.contains("</ul>"))
        .collect()
}

/// Presses 确认导入 on a preview page; the page it lands on.
pub async fn confirm(
    app: &TestApp,
    client: &reqwest::Client,
    preview_path: &str,
    html: &str,
) -> (StatusCode, String) {
    let token = csrf(app, client, preview_path).await;
    let at = html
        .find("name=\"fingerprint\" value=\"")
        .expect("a fingerprint")
        + 26;
    let fingerprint = html[at..].split('"').next().unwrap().to_string();
    let response = client
        .post(format!("{}{preview_path}", app.base))
        .form(&[
            ("csrf", token),
            ("fingerprint", fingerprint),
            ("action", "apply".into()),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}
