//! The annual assessment on a hand-built record, on both backends: a plan of
//! one task held by 区房管局 (lead) and 区民政局 (co), imported Monday
//! 2021-03-01. Every figure below is worked out by hand from the record the
//! test writes, then compared with what the service computes; the pages show
//! the ranking and each figure's rows, only to the office and the leaders.

mod common;

use common::TestDb;
use common::app::{self, client};
use common::record::{actor, assignment, at, liaison};
use duban::domain::assignment::Move;
use duban::domain::evaluation::Scores;
use duban::service::assessment::assessment;
use duban::service::assignments::{MeasureInput, act, add_measure, update_measure};
use duban::service::evaluations::{EvaluationInput, evaluate};
use duban::service::reports::{ReportInput, submit};

async fn a_hand_built_year_is_scored_and_ranked(test: &TestDb) {
    duban::commands::demo::prepare_accounts(&test.db)
        .await
        .unwrap();
    let plan = common::record::import_tiny(&test.db, &at("2021-03-01"), "区房管局、区民政局")
        .await
        .plan_id;
    let housing = assignment(&test.db, plan, "1", "区房管局").await;
    let civil = assignment(&test.db, plan, "1", "区民政局").await;
    let unit = liaison(&housing);
    let db = &test.db;

    // Claimed the next day: on time (due the 5th working day, March 8).
    act(
        db,
        &at("2021-03-02"),
        &unit,
        housing.id,
        housing.version,
        Move::Claim,
        None,
    )
    .await
    .unwrap();
    let measure = |what: &str, due: &str, done: bool| MeasureInput {
        description: what.into(),
        responsible_person: "王科长".into(),
        deadline: due.parse().unwrap(),
        done,
    };
    let first = add_measure(
        db,
        &at("2021-03-02"),
        &unit,
        housing.id,
        &measure("意愿征询", "2021-04-30", false),
    )
    .await
    .unwrap();
    update_measure(
        db,
        &at("2021-04-29"),
        &unit,
        first.id,
        first.version,
        &measure("意愿征询", "2021-04-30", true),
    )
    .await
    .unwrap();
    add_measure(
        db,
        &at("2021-03-02"),
        &unit,
        housing.id,
        &measure("开工", "2021-05-31", false),
    )
    .await
    .unwrap();
    let report = |period: &str| ReportInput::parse(period, "按计划推进", &[]).unwrap();
    // March's due April 8: on time. April's due May 11: a day late. May's never.
    submit(db, &at("2021-04-02"), &unit, housing.id, &report("2021-03"))
        .await
        .unwrap();
    common::record::reopen(db, &at("2021-05-12"), housing.id, "2021-04").await;
    submit(db, &at("2021-05-12"), &unit, housing.id, &report("2021-04"))
        .await
        .unwrap();
    let office = actor(db, "supervisor").await;
    evaluate(
        db,
        &at("2021-06-10"),
        &office,
        &EvaluationInput {
            assignment_id: housing.id,
            round: "2021-H1",
            body_id: office.body_id.unwrap(),
            scores: Scores {
                completion: 90.0,
                innovation: 90.0,
                effect: 90.0,
                attitude: 90.0,
            },
            comment: "推进有力",
        },
    )
    .await
    .unwrap();

    let a = assessment(db, &at("2021-06-15"), &office, Some(plan))
        .await
        .unwrap();
    let by_name = |name: &str| {
        a.units
            .iter()
            .find(|u| u.figures.unit_name == name)
            .unwrap()
    };
    let h = by_name("区房管局");
    let ratio = |r: duban::domain::indicators::Ratio| (r.done, r.of);
    assert_eq!(h.figures.evaluations, vec![90.0]);
    assert_eq!(ratio(h.figures.claims), (1, 1));
    // April's measure done in time; May's open past its deadline.
    assert_eq!(ratio(h.figures.measures), (1, 2));
    // March on time; April late; May missed (due June 7); June not due yet.
    assert_eq!(ratio(h.figures.reports), (1, 3));
    assert_eq!(ratio(h.figures.rectifications), (0, 0));
    // 185 台 with no actual reported: counted, not reached.
    assert_eq!(ratio(h.figures.targets), (0, 1));
    // (90×50 + 100×10 + 50×10 + 33.33×10 + 0×10) / 90, rectifications left out.
    let expected = (90.0 * 50.0 + 100.0 * 10.0 + 50.0 * 10.0 + 100.0 / 3.0 * 10.0) / 90.0;
    assert_eq!(h.total, Some((expected * 100.0_f64).round() / 100.0));
    assert_eq!(h.total, Some(70.37));
    assert_eq!(h.rank, Some(1));
    // 区民政局 never claimed: a late claim; no report is owed by unclaimed
    // work; its target not reached. Only those two count: 0.
    let c = by_name("区民政局");
    assert_eq!(ratio(c.figures.claims), (0, 1));
    assert_eq!(ratio(c.figures.reports), (0, 0));
    assert_eq!(c.total, Some(0.0));
    assert_eq!(c.rank, Some(2));
    let evaluated: Vec<&str> = a.evidence[&housing.unit_id]
        .iter()
        .filter(|e| e.figure == duban::domain::assessment::Figure::Evaluation)
        .map(|e| e.item.as_str())
        .collect();
    assert_eq!(evaluated.len(), 1, "the evaluation behind the figure");
    assert!(
        evaluated[0].contains("2021-H1") && evaluated[0].contains("90.00"),
        "{evaluated:?}"
    );
    let rows = &a.evidence[&civil.unit_id];
    assert!(
        rows.iter()
            .any(|e| e.item == "认领" && e.counted && !e.credited)
    );

    // A liaison does not read the assessment.
    let refused = assessment(db, &at("2021-06-15"), &unit, Some(plan))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, duban::service::ServiceError::Forbidden(_)),
        "{refused:?}"
    );
}

on_both_backends!(a_hand_built_year_is_scored_and_ranked);

#[tokio::test]
async fn the_pages_rank_drill_down_and_keep_the_weights_to_the_admin() {
    let test = common::sqlite().await;
    let server = app::spawn_at(&test, "2021-06-15").await;
    let as_user = |name: &'static str| {
        let base = server.base.clone();
        async move {
            let c = client();
            let signed = c
                .post(format!("{base}/api/v1/login"))
                .json(&serde_json::json!({"username": name, "password": "demo"}))
                .send()
                .await
                .unwrap();
            assert!(signed.status().is_success(), "{name} signs in");
            c
        }
    };
    let leader = as_user("leader").await;
    let page = leader
        .get(format!("{}/assessment", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("年度考核") && html.contains("区房管局"),
        "the ranking"
    );
    assert!(
        !html.contains("/assessment/weights"),
        "only the admin sets the weights"
    );
    let unit_id = duban::store::users::by_username(&test.db, "区房管局")
        .await
        .unwrap()
        .unwrap()
        .unit_id
        .unwrap();
    let drill = server
        .html(&leader, &format!("/assessment/units/{unit_id}"))
        .await;
    assert!(drill.contains("data-evidence=\"claims\""), "the claim rows");
    // The admin's weights must add up to 100; a good set is saved.
    let admin = as_user("admin").await;
    let html = admin
        .get(format!("{}/assessment", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let post = |weights: [&'static str; 6], version: &'static str| {
        let fields = [
            ("csrf", csrf.as_str()),
            ("version", version),
            ("evaluation", weights[0]),
            ("claims", weights[1]),
            ("measures", weights[2]),
            ("reports", weights[3]),
            ("rectifications", weights[4]),
            ("targets", weights[5]),
        ];
        admin
            .post(format!("{}/assessment/weights", server.base))
            .form(&fields)
            .send()
    };
    let bad = post(["60", "10", "10", "10", "10", "10"], "0")
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text().await.unwrap().contains("110"),
        "says what they add up to"
    );
    let good = post(["40", "20", "10", "10", "10", "10"], "0")
        .await
        .unwrap();
    assert!(
        good.status().is_success() || good.status().is_redirection(),
        "{}",
        good.status()
    );
    let (saved, version) = duban::service::assessment::weights(&test.db).await.unwrap();
    assert_eq!((saved.evaluation, saved.claims, version), (40, 20, 1));

    let liaison = as_user("区房管局").await;
    let refused = liaison
        .get(format!("{}/assessment", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

/// The workbook: the ranking and the rows behind it, read back with
/// calamine, and printed by LibreOffice (the PDF's text has the title and
/// a unit).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assessment_workbook_reads_back_and_prints() {
    use calamine::{Reader, Xlsx};
    let test = common::sqlite().await;
    let server = app::spawn_at(&test, "2021-06-15").await;
    let leader = client();
    leader
        .post(format!("{}/api/v1/login", server.base))
        .json(&serde_json::json!({"username": "leader", "password": "demo"}))
        .send()
        .await
        .unwrap();
    let answer = leader
        .get(format!("{}/assessment.xlsx", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    let bytes = answer.bytes().await.unwrap().to_vec();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), vec!["考核排名", "计分明细"]);
    let ranking = book.worksheet_range("考核排名").unwrap();
    let text = |r: &calamine::Range<calamine::Data>| {
        r.rows()
            .flat_map(|row| row.iter().map(|c| c.to_string()))
            .collect::<Vec<_>>()
            .join("|")
    };
    let ranked = text(&ranking);
    assert!(
        ranked.contains("年度考核排名") && ranked.contains("区房管局"),
        "{ranked}"
    );
    let detail = book.worksheet_range("计分明细").unwrap();
    assert!(detail.height() > 10, "the rows behind the figures");
    assert!(text(&detail).contains("认领"));

    let printed = common::office::printed_text("assessment.xlsx", &bytes);
    assert!(
        printed.contains("年度考核排名") && printed.contains("区房管局"),
        "{printed}"
    );
}
