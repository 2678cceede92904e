//! Ledger import: export → edit in a real spreadsheet library → import
//! changes exactly what was edited (both databases); each bad workbook is
//! refused with its sheet, row and column, and nothing is applied.

mod common;

use common::TestDb;
use common::app::{TestApp, spawn_at};
use common::ledger::{
    cell, confirm, download, edit, errors, housing_with_measures, rows_with, sheet, upload,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Every measure of 区房管局 (tasks 17 and 18): (task, description, person, deadline, done).
async fn housing_measures(
    app: &TestApp,
    client: &reqwest::Client,
) -> Vec<(String, String, String, String, bool)> {
    let (_, me) = app.get(client, "/api/v1/me").await;
    let (_, list) = app
        .get(
            client,
            &format!("/api/v1/units/{}/assignments", me["unit_id"]),
        )
        .await;
    let mut all = Vec::new();
    for a in list["assignments"].as_array().unwrap() {
        let (_, detail) = app
            .get(client, &format!("/api/v1/assignments/{}", a["id"]))
            .await;
        for m in detail["measures"].as_array().unwrap() {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            all.push((
                a["task_id"].to_string(),
                s("description"),
                s("responsible_person"),
                s("deadline"),
                m["done"] == Value::Bool(true),
            ));
        }
    }
    all.sort();
    all
}

async fn export_edit_import_changes_exactly_that(test: &TestDb) {
    let app = spawn_at(test, "2021-06-15").await;
    let unit = housing_with_measures(&app).await;
    let before = housing_measures(&app, &unit).await;
    let bytes = download(&app, &unit, "").await.bytes().await.unwrap();
    let (range, _) = sheet(&bytes);
    let edited_row = rows_with(&range, 'F', "完成加装电梯新开工185台、竣工150台")[0];
    let task17_row = rows_with(&range, 'A', "17")[0];

    let changed = edit(&bytes, |s| {
        // One measure edited: a new person and a deadline typed as 2021年11月底.
        s.get_cell_mut(format!("G{edited_row}"))
            .set_value_string("赵六");
        s.get_cell_mut(format!("H{edited_row}"))
            .set_value_string("2021年11月底");
        // One measure added under task 17: a row inserted below its measure,
        // task and unit left blank (they are those above), the date a serial.
        s.insert_new_row(&(task17_row + 1), &1);
        let new = task17_row + 1;
        s.get_cell_mut(format!("F{new}"))
            .set_value_string("每季度通报旧住房更新进度");
        s.get_cell_mut(format!("G{new}")).set_value_string("钱七");
        s.get_cell_mut(format!("H{new}")).set_value_number(44469); // 2021-09-30
    });
    let (status, path, html) = upload(&app, &unit, &changed).await;
    assert_eq!(status, StatusCode::OK, "{:?}", errors(&html));
    assert!(path.starts_with("/ledger/import/"), "{path}");
    assert_eq!(html.matches("data-kind=\"add\"").count(), 1, "{html}");
    assert_eq!(html.matches("data-kind=\"edit\"").count(), 1);
    assert!(
        html.contains("<del>张三</del>") && html.contains("赵六") && html.contains("2021-11-30")
    );
    // Nothing is applied before the confirmation.
    assert_eq!(housing_measures(&app, &unit).await, before);

    // Discarding an upload keeps nothing; the same workbook previews again.
    let token = common::ledger::csrf(&app, &unit, &path).await;
    let response = unit
        .post(format!("{}{path}", app.base))
        .form(&[("csrf", token.as_str()), ("action", "discard")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.url().path(), "/ledger/import");
    let gone = unit
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let (status, path, html) = upload(&app, &unit, &changed).await;
    assert_eq!(status, StatusCode::OK);
    // Another person cannot see or apply someone's upload.
    let office = app.signed_in("admin").await;
    let other = office
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);

    let (status, page) = confirm(&app, &unit, &path, &html).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("台账已导入：新增 1 条措施，修改 1 条措施。"),
        "{page}"
    );

    let mut expected = before.clone();
    let task17 = expected
        .iter()
        .find(|m| m.1 == "制定旧住房更新年度计划")
        .unwrap()
        .0
        .clone();
    let edited = expected
        .iter_mut()
        .find(|m| m.1 == "完成加装电梯新开工185台、竣工150台")
        .unwrap();
    edited.2 = "赵六".into();
    edited.3 = "2021-11-30".into();
    expected.push((
        task17,
        "每季度通报旧住房更新进度".into(),
        "钱七".into(),
        "2021-09-30".into(),
        false,
    ));
    expected.sort();
    assert_eq!(housing_measures(&app, &unit).await, expected);

    // The same file again changes nothing more, and says so.
    let (status, _, html) = upload(&app, &unit, &changed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&html),
        ["台账中的细化措施和进展情况与系统记录一致，没有需要导入的变更"]
    );
    // The import is in the audit chain, which still verifies.
    duban::service::audit::verify(&test.db)
        .await
        .expect("the chain holds");
}

on_both_backends!(export_edit_import_changes_exactly_that);

/// A cell reference for a 1-based row as the messages write it.
fn at(row: u32, col: char, header: &str) -> String {
    format!("工作表 台账 第{row}行 第{col}列（{header}）：")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_workbooks_are_refused_cell_by_cell() {
    let test = common::sqlite().await;
    let app = spawn_at(&test, "2021-06-15").await;
    let unit = housing_with_measures(&app).await;
    let before = housing_measures(&app, &unit).await;
    let bytes = download(&app, &unit, "")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let (range, _) = sheet(&bytes);
    let row = rows_with(&range, 'F', "完成加装电梯新开工185台、竣工150台")[0];

    let (status, _, html) = upload(&app, &unit, b"not a workbook").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&html),
        ["这不是 .xlsx 工作簿：请上传从 Duban 下载的台账（.xlsx）"]
    );

    let renamed = edit(&bytes, |s| {
        s.set_name("Sheet1");
    });
    let (_, _, html) = upload(&app, &unit, &renamed).await;
    assert_eq!(
        errors(&html),
        ["工作簿中没有名为“台账”的工作表：请上传从 Duban 下载的台账"]
    );

    let header = edit(&bytes, |s| {
        s.get_cell_mut("F3").set_value_string("措施");
    });
    let (_, _, html) = upload(&app, &unit, &header).await;
    assert_eq!(
        errors(&html),
        [format!(
            "{}表头应为“细化措施”，实为“措施”：请勿修改表头",
            at(3, 'F', "细化措施")
        )]
    );

    let unmarked = edit(&bytes, |s| {
        s.get_cell_mut("K1").set_value_string("");
    });
    let (_, _, html) = upload(&app, &unit, &unmarked).await;
    assert_eq!(
        errors(&html),
        [format!(
            "{}缺少台账标识：这张表不是从 Duban 下载的台账，或标识被改动",
            at(1, 'K', "编号")
        )]
    );

    // Several bad cells at once: each one named, nothing applied.
    let cells = edit(&bytes, |s| {
        s.get_cell_mut(format!("H{row}")).set_value_string("下月");
        s.get_cell_mut(format!("G{}", row - 1)).set_value_string("");
    });
    let (_, _, html) = upload(&app, &unit, &cells).await;
    let (due, person) = (at(row, 'H', "时间节点"), at(row - 1, 'G', "责任人"));
    assert_eq!(
        errors(&html),
        [
            format!("{person}请填写责任人（1–100 字）"),
            format!(
                "{due}“下月”不是日期：请写成 2021-06-30、2021/6/30、2021年6月30日 或 2021年6月底"
            ),
        ]
    );

    let merged = edit(&bytes, |s| {
        s.add_merge_cells(format!("F{row}:G{row}"));
    });
    let (_, _, html) = upload(&app, &unit, &merged).await;
    assert_eq!(
        errors(&html),
        [format!(
            "{}F{row}:G{row} 是合并单元格：细化措施、责任人、时间节点每行填写一项，请取消合并",
            at(row, 'F', "细化措施")
        )]
    );

    // A liaison may not write into another unit's rows of the office's ledger.
    let office = app.signed_in("admin").await;
    let full = download(&app, &office, "")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let (range, _) = sheet(&full);
    let other = rows_with(&range, 'A', "1")[0];
    let foreign = edit(&full, |s| {
        s.get_cell_mut(format!("F{other}"))
            .set_value_string("代填的措施");
        s.get_cell_mut(format!("G{other}")).set_value_string("某人");
        s.get_cell_mut(format!("H{other}"))
            .set_value_string("2021/6/30");
    });
    let (_, _, html) = upload(&app, &unit, &foreign).await;
    assert_eq!(
        errors(&html),
        [format!(
            "{}本单位不承担这项任务：只能修改本单位任务的细化措施",
            at(other, 'F', "细化措施")
        )]
    );
    // Nor into another unit's 进展情况.
    let foreign_progress = edit(&full, |s| {
        s.get_cell_mut(format!("I{other}"))
            .set_value_string("代填的进展");
    });
    let (_, _, html) = upload(&app, &unit, &foreign_progress).await;
    assert_eq!(
        errors(&html),
        [format!(
            "{}本单位不承担这项任务：只能填写本单位任务的进展情况",
            at(other, 'I', "进展情况")
        )]
    );
    // The office may, but not before the unit has claimed the task.
    let (_, _, html) = upload(&app, &office, &foreign).await;
    let unit_name = cell(&range, other, 'E');
    assert_eq!(
        errors(&html),
        [format!(
            "{}{unit_name}尚未认领这项任务：请先认领，再添加措施",
            at(other, 'F', "细化措施")
        )]
    );
    // A supervisor does not edit measures.
    let supervisor = app.signed_in("supervisor").await;
    let response = supervisor
        .get(format!("{}/ledger/import", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    assert_eq!(
        housing_measures(&app, &unit).await,
        before,
        "nothing was applied"
    );
}

/// A ledger opened and saved again by LibreOffice (as a unit using WPS or
/// LibreOffice hands it back) keeps what import needs: its hidden ids, the
/// plan mark, real dates and merged task cells. Unchanged, it changes nothing;
/// with one measure marked done, that is the only change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_saved_again_by_libreoffice_reads_back() {
    let test = common::sqlite().await;
    let app = spawn_at(&test, "2021-06-15").await;
    let unit = housing_with_measures(&app).await;
    let bytes = download(&app, &unit, "")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let (range, _) = sheet(&bytes);
    let row = rows_with(&range, 'F', "制定旧住房更新年度计划")[0];
    let marked = edit(&bytes, |s| {
        s.get_cell_mut(format!("F{row}"))
            .set_value_string("制定旧住房更新年度计划（已完成）");
    });
    let resave = |bytes: &[u8]| {
        let dir = tempfile::tempdir().unwrap();
        let (input, out) = (
            dir.path().join("in").join("台账.xlsx"),
            dir.path().join("out"),
        );
        std::fs::create_dir_all(input.parent().unwrap()).unwrap();
        std::fs::write(&input, bytes).unwrap();
        let profile = format!(
            "-env:UserInstallation=file://{}/profile",
            dir.path().display()
        );
        let status = std::process::Command::new("libreoffice")
            .args([
                &profile,
                "--headless",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
            ])
            .arg(&out)
            .arg(&input)
            .output()
            .expect("libreoffice runs");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        std::fs::read(out.join("台账.xlsx")).expect("LibreOffice wrote the workbook")
    };

    let (status, _, html) = upload(&app, &unit, &resave(&bytes)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&html),
        ["台账中的细化措施和进展情况与系统记录一致，没有需要导入的变更"]
    );

    let (status, path, html) = upload(&app, &unit, &resave(&marked)).await;
    assert_eq!(status, StatusCode::OK, "{:?}", errors(&html));
    assert_eq!(html.matches("data-kind=\"edit\"").count(), 1);
    assert_eq!(html.matches("data-kind=\"add\"").count(), 0);
    let (status, page) = confirm(&app, &unit, &path, &html).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("新增 0 条措施，修改 1 条措施"), "{page}");
    let done = housing_measures(&app, &unit).await;
    assert!(done.iter().any(|m| m.1 == "制定旧住房更新年度计划" && m.4));
}

/// 区房管局's assignment of task 18 and its reports, (period, narrative).
async fn housing_reports(app: &TestApp, client: &reqwest::Client) -> (i64, Vec<(String, String)>) {
    let (_, me) = app.get(client, "/api/v1/me").await;
    let (_, list) = app
        .get(
            client,
            &format!("/api/v1/units/{}/assignments", me["unit_id"]),
        )
        .await;
    // housing_with_measures gave the second assignment (task 18) two measures.
    let id = list["assignments"][1]["id"].as_i64().unwrap();
    let (_, body) = app
        .get(client, &format!("/api/v1/assignments/{id}/reports"))
        .await;
    let mut reports: Vec<(String, String)> = body["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("period"), s("narrative"))
        })
        .collect();
    reports.sort();
    (id, reports)
}

/// An edited 进展情况 cell becomes the report of the current period; an
/// unchanged one is no change; a period already reported is refused.
async fn edited_progress_becomes_the_current_report(test: &TestDb) {
    // June 28, 2021: June's window opened June 23 (5 working days before June
    // 30) and closes July 7; May's closed June 7. June is the only open window,
    // so the current period is June. (On the demo's June 15 no window is open
    // and the import would write May, the latest ended period.)
    let app = spawn_at(test, "2021-06-28").await;
    let unit = housing_with_measures(&app).await;
    let (id, none) = housing_reports(&app, &unit).await;
    assert!(none.is_empty(), "{none:?}");
    // May's window has closed: the office reopens it for the late report.
    let office = app.signed_in("supervisor").await;
    let (status, body) = app
        .post(
            &office,
            &format!("/api/v1/assignments/{id}/period-reopenings"),
            json!({"period": "2021-05", "reason": "补报五月进展"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            &unit,
            &format!("/api/v1/assignments/{id}/reports"),
            json!({"period": "2021-05", "narrative": "五月新开工 80 台"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let bytes = download(&app, &unit, "").await.bytes().await.unwrap();
    // Downloaded and uploaded untouched: the progress cell is no change.
    let (status, _, html) = upload(&app, &unit, &bytes).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&html),
        ["台账中的细化措施和进展情况与系统记录一致，没有需要导入的变更"]
    );

    let (range, _) = sheet(&bytes);
    let row = rows_with(&range, 'I', "［2021-05］五月新开工 80 台")[0];
    // The person keeps the period prefix and rewrites the text after it.
    let changed = edit(&bytes, |s| {
        s.get_cell_mut(format!("I{row}"))
            .set_value_string("［2021-05］六月累计新开工 130 台、竣工 90 台");
    });
    let (status, path, html) = upload(&app, &unit, &changed).await;
    assert_eq!(status, StatusCode::OK, "{:?}", errors(&html));
    assert_eq!(html.matches("data-kind=\"progress\"").count(), 1, "{html}");
    assert_eq!(html.matches("data-kind=\"edit\"").count(), 0);
    assert!(
        html.contains("进展情况 2021年6月：六月累计新开工 130 台、竣工 90 台"),
        "{html}"
    );
    // Nothing is reported before the confirmation.
    assert_eq!(housing_reports(&app, &unit).await.1.len(), 1);

    let (status, page) = confirm(&app, &unit, &path, &html).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("台账已导入：新增 0 条措施，修改 0 条措施，报送 1 条进展。"),
        "{page}"
    );
    assert_eq!(
        housing_reports(&app, &unit).await.1,
        [
            ("2021-05".to_string(), "五月新开工 80 台".to_string()),
            (
                "2021-06".to_string(),
                "六月累计新开工 130 台、竣工 90 台".to_string()
            ),
        ]
    );

    // The same file again: the cell is now the latest report, no change.
    let (status, _, html) = upload(&app, &unit, &changed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&html),
        ["台账中的细化措施和进展情况与系统记录一致，没有需要导入的变更"]
    );
    // June is reported: a new text for it is refused, reports are not edited here.
    let again = edit(&bytes, |s| {
        s.get_cell_mut(format!("I{row}"))
            .set_value_string("六月另写一遍");
    });
    let (_, _, html) = upload(&app, &unit, &again).await;
    assert_eq!(
        errors(&html),
        [format!(
            "{}区房管局 2021年6月：该期进展已报送，请在系统中修改",
            at(row, 'I', "进展情况")
        )]
    );

    // The office makes the task report quarterly: the cell is now the
    // second quarter's report (its window is open on June 28), not June's.
    let (_, me) = app.get(&unit, "/api/v1/me").await;
    let (_, list) = app
        .get(
            &unit,
            &format!("/api/v1/units/{}/assignments", me["unit_id"]),
        )
        .await;
    let task = &list["assignments"][1]["task_id"];
    let (status, body) = app
        .put(
            &office,
            &format!("/api/v1/tasks/{task}/report-rhythm"),
            json!({"frequency": "quarterly"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let quarter = edit(&bytes, |s| {
        s.get_cell_mut(format!("I{row}"))
            .set_value_string("二季度累计新开工 150 台");
    });
    let (status, path, html) = upload(&app, &unit, &quarter).await;
    assert_eq!(status, StatusCode::OK, "{:?}", errors(&html));
    assert!(
        html.contains("进展情况 2021年第2季度：二季度累计新开工 150 台"),
        "{html}"
    );
    let (status, _) = confirm(&app, &unit, &path, &html).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        housing_reports(&app, &unit)
            .await
            .1
            .contains(&("2021-Q2".to_string(), "二季度累计新开工 150 台".to_string()))
    );
    duban::service::audit::verify(&test.db)
        .await
        .expect("the chain holds");
}

on_both_backends!(edited_progress_becomes_the_current_report);
