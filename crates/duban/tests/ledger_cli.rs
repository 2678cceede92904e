//! `duban export ledger` as an operator runs it: the workbook written, its
//! filters, and a bad light refused on one line of stderr.

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

fn ok(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn export_ledger_writes_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("office.db").display());
    ok(&duban(&["import", SEED, "--db", &url, "--publish"]));

    let out = dir.path().join("台账.xlsx");
    let out_arg = out.to_str().unwrap();
    let text = ok(&duban(&[
        "export", "ledger", "--plan", "1", "--out", out_arg, "--db", &url,
    ]));
    assert!(text.starts_with("ledger written to "), "{text}");
    assert!(text.contains(": 33 tasks, "), "{text}");
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an .xlsx is a zip package");

    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("台账").unwrap();
    let title = range.get_value((0, 0)).unwrap().to_string();
    assert!(title.ends_with("重点任务推进台账"), "{title}");

    let text = ok(&duban(&[
        "export",
        "ledger",
        "--plan",
        "1",
        "--unit",
        "区房管局",
        "--out",
        out_arg,
        "--db",
        &url,
    ]));
    assert!(text.contains(": 2 tasks, "), "tasks 17 and 18: {text}");

    let output = duban(&[
        "export", "ledger", "--plan", "1", "--light", "purple", "--out", out_arg, "--db", &url,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("'purple' is not a light"), "{stderr}");
    let output = duban(&[
        "export", "ledger", "--plan", "7", "--out", out_arg, "--db", &url,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("plan 7 does not exist"));
}

#[test]
fn export_assessment_writes_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("office.db").display());
    ok(&duban(&["import", SEED, "--db", &url, "--publish"]));
    let out = dir.path().join("考核.xlsx");
    let text = ok(&duban(&[
        "export",
        "assessment",
        "--plan",
        "1",
        "--out",
        out.to_str().unwrap(),
        "--db",
        &url,
    ]));
    assert!(text.starts_with("assessment written to "), "{text}");
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let bytes = std::fs::read(&out).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let ranking = book.worksheet_range("考核排名").unwrap();
    assert!(
        ranking
            .get_value((0, 0))
            .unwrap()
            .to_string()
            .contains("年度考核排名")
    );
    let missing = duban(&[
        "export",
        "assessment",
        "--plan",
        "99",
        "--out",
        out.to_str().unwrap(),
        "--db",
        &url,
    ]);
    assert_ne!(missing.status.code(), Some(0), "a plan that does not exist");
}
