//! Fuzzing the importer: arbitrary bytes and arbitrary mutations of the seed
//! plan, the real plans and the corpus in `tests/fuzz-corpus/` must never
//! panic, and whatever is read must be self-consistent.
//! Cases per property: `DUBAN_FUZZ_CASES` (default 600); CI runs the default.

mod common;

use common::fixture;
use duban_plan::{ParseError, PlanDraft, Registry};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("DUBAN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600)
}

/// What any successful reading must satisfy.
fn check_consistent(plan: &PlanDraft, line_count: usize) {
    assert!(!plan.tasks.is_empty(), "a plan has tasks");
    for task in &plan.tasks {
        assert!(task.span.start_line >= 1);
        assert!(task.span.start_line <= task.span.end_line);
        assert!(task.span.end_line as usize <= line_count.max(1));
        if let Some(ordinal) = &task.category {
            assert!(plan.categories.iter().any(|c| &c.ordinal == ordinal));
        }
        assert!(task.targets.iter().all(|t| t.value.is_finite()));
    }
    for warning in &plan.warnings {
        assert!(warning.line as usize <= line_count.max(1));
    }
    serde_json::to_string(plan).expect("every plan serialises");
}

fn parse_and_check(bytes: &[u8]) {
    match duban_plan::parse(bytes, &Registry::builtin()) {
        Ok(plan) => {
            // Lines of the text as the importer counts them (\n-separated).
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
            check_consistent(&plan, lines);
        }
        Err(error) => {
            let message = error.to_string();
            assert!(!message.is_empty() && !message.contains('\n'), "{message}");
        }
    }
}

/// The documents mutations start from: the corpus kept in the repository
/// (inputs that once broke, or nearly broke, the importer), the seed plan and
/// the real plans' openings, read once.
fn corpus() -> &'static [(String, Vec<u8>)] {
    static CORPUS: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
        let mut documents = vec![(
            "changning-2021-plan.txt".to_string(),
            fixture("changning-2021-plan.txt"),
        )];
        for dir in ["fuzz-corpus", "fixtures/real"] {
            let mut entries: Vec<_> = std::fs::read_dir(tests.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    let name = p.file_name().unwrap().to_string_lossy();
                    name != "README.md" && !name.ends_with(".json")
                })
                .collect();
            entries.sort();
            for path in entries {
                let name = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
                documents.push((name, std::fs::read(&path).unwrap()));
            }
        }
        documents
    })
}

/// Each corpus document as it is: read or refused cleanly.
#[test]
fn every_corpus_document_is_read_or_refused_cleanly() {
    let documents = corpus();
    assert!(documents.len() >= 13, "{} documents", documents.len());
    for (name, bytes) in documents {
        let outcome = std::panic::catch_unwind(|| parse_and_check(bytes));
        assert!(outcome.is_ok(), "{name}");
    }
}

/// Pieces that steer mutations towards the parser's decisions.
const PIECES: &[&str] = &[
    "（责任单位：",
    "）",
    "（",
    "牵头单位：",
    "配合单位：",
    "完成时限：",
    "、",
    "，",
    "。",
    "\n",
    "\n\n",
    "\n\n\n\n",
    "一、",
    "（一）",
    "1、",
    "12、",
    "1.1 ",
    "不少于",
    "万平方米",
    "185 台",
    "%以上",
    "同比下降",
    "区委办公室",
    "各街镇",
    "和",
    "等",
    "“",
    "”",
    " ",
    "\u{3000}",
    "\r\n",
    "\u{feff}",
    "第",
    "二〇三五",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, piece: usize },
    InsertBytes { at: usize, bytes: Vec<u8> },
    Truncate { at: usize },
    DuplicateRange { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..400).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 0..PIECES.len()).prop_map(|(at, piece)| Mutation::Insert { at, piece }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::InsertBytes { at, bytes }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), 1usize..300).prop_map(|(at, len)| Mutation::DuplicateRange { at, len }),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let n = bytes.len().max(1);
        match m {
            Mutation::Delete { at, len } => {
                let at = at % n;
                let end = (at + len).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            Mutation::Insert { at, piece } => {
                let at = (at % n).min(bytes.len());
                bytes.splice(at..at, PIECES[*piece].bytes());
            }
            Mutation::InsertBytes { at, bytes: extra } => {
                let at = (at % n).min(bytes.len());
                bytes.splice(at..at, extra.iter().copied());
            }
            Mutation::Truncate { at } => bytes.truncate(at % n),
            Mutation::DuplicateRange { at, len } => {
                let at = at % n;
                let end = (at + len).min(bytes.len());
                if at < end {
                    let copy = bytes[at..end].to_vec();
                    bytes.splice(end..end, copy);
                }
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        parse_and_check(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,600}") {
        parse_and_check(text.as_bytes());
    }

    #[test]
    fn mutated_seed_never_panics(mutations in prop::collection::vec(mutation(), 1..12)) {
        let seed = fixture("changning-2021-plan.txt");
        parse_and_check(&apply(seed, &mutations));
    }

    #[test]
    fn mutated_corpus_never_panics(
        pick in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..12),
    ) {
        let documents = corpus();
        let (_, bytes) = &documents[pick % documents.len()];
        parse_and_check(&apply(bytes.clone(), &mutations));
    }

    #[test]
    fn mutated_seed_in_gb18030_never_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let seed = String::from_utf8(fixture("changning-2021-plan.txt")).unwrap();
        let (gb, _, _) = encoding_rs::GB18030.encode(&seed);
        parse_and_check(&apply(gb.into_owned(), &mutations));
    }
}

#[test]
fn zip_and_pdf_signatures_with_garbage_never_panic() {
    for prefix in [
        &b"PK\x03\x04"[..],
        b"%PDF-1.7\n",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
    ] {
        for len in [0usize, 1, 10, 100, 1000] {
            let mut bytes = prefix.to_vec();
            bytes.extend((0..len).map(|i| (i * 131 % 251) as u8));
            let result = duban_plan::parse(&bytes, &Registry::builtin());
            assert!(result.is_err(), "garbage is not a plan");
            assert!(!matches!(result, Err(ParseError::NoTasks)) || len > 0);
        }
    }
}
