//! `duban parse` as a user runs it: the real binary, real files, exit codes,
//! JSON on stdout, one clear line on stderr for bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../plan/tests/fixtures/changning-2021-plan.txt"
);

fn duban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(args)
        .output()
        .expect("the duban binary runs")
}

fn write_temp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("temp file written");
    path.to_string_lossy().into_owned()
}

/// Exit 1, nothing on stdout, one line on stderr that contains `needle`.
fn assert_refused(output: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "stdout must stay empty");
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains(needle), "expected '{needle}' in: {stderr}");
}

#[test]
fn parses_the_seed_plan_to_json() {
    let output = duban(&["parse", SEED]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty());
    let plan: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(plan["year"], 2021);
    assert_eq!(plan["categories"].as_array().unwrap().len(), 10);
    assert_eq!(plan["tasks"].as_array().unwrap().len(), 33);
    assert_eq!(plan["tasks"][17]["targets"][1]["value"], 185);
    assert_eq!(
        plan["tasks"][17]["units"][0],
        serde_json::json!({"name": "区房管局", "role": "lead"})
    );
}

#[test]
fn reads_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["parse", "-", "--compact"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    let seed = std::fs::read(SEED).unwrap();
    child.stdin.take().unwrap().write_all(&seed).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "--compact prints one line");
    let plan: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(plan["tasks"].as_array().unwrap().len(), 33);
}

#[test]
fn bad_inputs_are_refused_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write_temp(&dir, "empty.txt", b"");
    assert_refused(&duban(&["parse", &empty]), "the document is empty");

    let blank = write_temp(&dir, "blank.txt", b" \n\n \r\n");
    assert_refused(&duban(&["parse", &blank]), "the document is empty");

    let png = write_temp(
        &dir,
        "photo.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10",
    );
    assert_refused(&duban(&["parse", &png]), "binary file");

    let garbage = write_temp(
        &dir,
        "garbage.txt",
        b"1\xE3\x80\x81\xE6\x8E\xA8\n\xFF\xFE\xFD\xFF",
    );
    assert_refused(
        &duban(&["parse", &garbage]),
        "neither UTF-8 nor GB18030/GBK: invalid bytes at line 2",
    );

    let no_tasks = write_temp(
        &dir,
        "notice.txt",
        "关于召开会议的通知\n请各单位准时参加。\n".as_bytes(),
    );
    assert_refused(&duban(&["parse", &no_tasks]), "no plan found");

    let doc = write_temp(
        &dir,
        "old.doc",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest of an OLE file",
    );
    assert_refused(&duban(&["parse", &doc]), "save it as .docx");

    assert_refused(&duban(&["parse", "/nonexistent/plan.txt"]), "cannot open");
    assert_refused(
        &duban(&["parse", dir.path().to_str().unwrap()]),
        "is a directory",
    );
}

#[test]
fn a_200_mb_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(200 * 1024 * 1024).unwrap(); // sparse: costs no disk
    assert_refused(
        &duban(&["parse", path.to_str().unwrap()]),
        "the document is 200.0 MB; plan documents are read up to 64 MB",
    );
}

#[test]
fn registry_option_swaps_the_unit_registry() {
    let dir = tempfile::tempdir().unwrap();
    let plan = write_temp(
        &dir,
        "plan.txt",
        "1、推进河道整治。（责任单位：区水务局）\n".as_bytes(),
    );
    let output = duban(&["parse", &plan]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["warnings"][0]["message"],
        "unit '区水务局' is not in the unit registry"
    );

    let registry = write_temp(
        &dir,
        "units.toml",
        "[[unit]]\nname = \"区水务局\"\n".as_bytes(),
    );
    let output = duban(&["parse", &plan, "--registry", &registry]);
    assert_eq!(output.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["warnings"], serde_json::json!([]));

    let broken = write_temp(&dir, "broken.toml", b"[[unit]]\nname = ");
    assert_refused(
        &duban(&["parse", &plan, "--registry", &broken]),
        "not valid TOML",
    );
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(duban(&["parse"]).status.code(), Some(2));
    assert_eq!(
        duban(&["parse", SEED, "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(duban(&["frobnicate"]).status.code(), Some(2));
}
