//! The supervision bulletin (督查通报) on both databases: its figures against
//! the same figures counted here from the raw rows of a hand-built situation
//! (tests/common/bulletin.rs), the reasons of each red task, an empty period,
//! refusals; and the .docx printed by LibreOffice with its text in the PDF.

mod common;

use common::TestDb;
use common::bulletin::{MEASURE, RECTIFICATION, build};
use common::record::{at, someone};
use duban::domain::bulletin_period::BulletinPeriod;
use duban::domain::roles::{Actor, Role};
use duban::export::bulletin_text::{Block, document};
use duban::service::ServiceError;
use duban::service::bulletin::{BulletinRequest, bulletin};
use duban::store::Db;

fn request(period: &str, number: Option<&str>) -> BulletinRequest {
    BulletinRequest {
        plan_id: Some(1),
        period: period.parse::<BulletinPeriod>().unwrap(),
        number: number.map(str::to_string),
        office: None,
    }
}

/// One figure straight from the tables.
async fn count(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Sqlite(pool, _) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

fn text(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(|b| match b {
            Block::Heading(t) | Block::Subheading(t) | Block::Paragraph(t) => t.clone(),
            Block::Table { header, rows, .. } => {
                let mut all = header.join("|");
                for row in rows {
                    all.push('\n');
                    all.push_str(&row.join("|"));
                }
                all
            }
            Block::Fields(fields) => fields
                .iter()
                .map(|(label, value)| format!("{label}|{value}"))
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn figures_match_the_record(test: &TestDb) {
    let db = &test.db;
    duban::commands::demo::prepare_with(db, &at("2021-06-15"))
        .await
        .unwrap();
    let s = build(db).await;
    let july8 = at("2021-07-08");
    let b = bulletin(
        db,
        &july8,
        &someone(Role::Supervisor),
        request("2021-07", Some("督查通报〔2021〕7号")),
    )
    .await
    .unwrap();

    // Counted from the rows: live tasks and assignments; the four claimed
    // ones are the only ones not waiting for a claim (yellow after 5 working days).
    let tasks = count(
        db,
        "SELECT COUNT(*) FROM tasks WHERE plan_id = 1 AND removed_in IS NULL",
    )
    .await;
    let assignments = count(
        db,
        "SELECT COUNT(*) FROM assignments WHERE withdrawn_in IS NULL",
    )
    .await;
    let unclaimed = count(
        db,
        "SELECT COUNT(*) FROM assignments WHERE withdrawn_in IS NULL AND state = 'assigned'",
    )
    .await;
    assert_eq!(unclaimed, assignments - 4);
    assert_eq!(b.tasks.total(), tasks);
    assert_eq!(b.assignments.total(), assignments);
    assert_eq!(
        (
            b.assignments.red,
            b.assignments.yellow,
            b.assignments.green,
            b.assignments.done
        ),
        (3, unclaimed + 1, 0, 0),
        "A, B, D red; C yellow by its open reminder"
    );
    assert_eq!(b.tasks.red, 3);
    assert_eq!(
        b.tasks.total(),
        b.categories.iter().map(|c| c.tasks.total()).sum::<i64>()
    );

    // Reports submitted in July: B and D on July 2, C on July 8 (June's was due July 7).
    let in_july = count(db, "SELECT COUNT(*) FROM progress_reports").await;
    assert_eq!(
        (
            b.reports.submitted,
            b.reports.on_time,
            b.reports.late,
            b.reports.missed
        ),
        (in_july, 2, 1, 1)
    );
    // Findings: July raised a rectification and a reminder and closed June's service.
    let raised_july = count(
        db,
        "SELECT COUNT(*) FROM findings WHERE action <> 'service'",
    )
    .await;
    let raised: i64 = b.findings.iter().map(|f| f.raised).sum();
    assert_eq!(raised, raised_july);
    let by = |action: &str| {
        b.findings
            .iter()
            .find(|f| f.action == action)
            .map(|f| (f.raised, f.closed))
            .unwrap()
    };
    assert_eq!(
        (by("reminder"), by("service"), by("rectification")),
        ((1, 0), (0, 1), (1, 0))
    );

    // 三、滞后任务: A, B and D, each with the reason the record gives.
    let red: Vec<&str> = b.red_tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(red.len(), 3, "{red:?}");
    let doc = document(&b);
    let all = text(&doc.blocks);
    assert!(
        all.contains(&format!(
            "{}：2021年6月进展报告报送时限为2021年7月7日，逾期未报",
            s.a.unit_name
        )),
        "{all}"
    );
    assert!(
        all.contains(&format!(
            "{}：细化措施“{MEASURE}”时限为2021年7月5日，逾期未完成",
            s.b.unit_name
        )),
        "{all}"
    );
    assert!(
        all.contains(&format!(
            "{}：督查整改意见“{RECTIFICATION}”整改时限为2021年7月6日，逾期未整改销号",
            s.d.unit_name
        )),
        "{all}"
    );
    assert!(
        b.red_tasks
            .iter()
            .all(|t| t.reasons.iter().all(|r| r.unit != s.c.unit_name)),
        "C is yellow"
    );
    assert_eq!(doc.number.as_deref(), Some("督查通报〔2021〕7号"));
    assert_eq!(doc.title, "关于2021年7月重点任务推进情况的督查通报");

    // 四、单位: the three red units first, each as counted here.
    let first3: Vec<&str> = b.units[..3]
        .iter()
        .map(|u| u.figures.name.as_str())
        .collect();
    for unit in [&s.a, &s.b, &s.d] {
        assert!(first3.contains(&unit.unit_name.as_str()), "{first3:?}");
    }
    let line = |name: &str| b.units.iter().find(|u| u.figures.name == name).unwrap();
    assert_eq!(
        (
            line(&s.a.unit_name).red,
            line(&s.a.unit_name).figures.missed_reports
        ),
        (1, 1)
    );
    assert_eq!(line(&s.b.unit_name).figures.overdue_measures, 1);
    assert_eq!(line(&s.d.unit_name).figures.open_findings, 1);
    assert_eq!(line(&s.c.unit_name).figures.open_findings, 1);
    let units = count(
        db,
        "SELECT COUNT(DISTINCT unit_id) FROM assignments WHERE withdrawn_in IS NULL",
    )
    .await;
    assert_eq!(b.units.len() as i64, units);

    // 六、targets: read at July 8, the period running; none reported yet.
    assert_eq!(b.targets_on, "2021-07-08".parse().unwrap());
    let targets = count(db, "SELECT COUNT(*) FROM targets WHERE value IS NOT NULL").await;
    assert_eq!(b.targets.len() as i64, targets);
    assert!(b.targets.iter().all(|t| t.actual.is_none()));
    assert!(all.contains("未报"));
}

async fn an_empty_period_says_so(test: &TestDb) {
    let db = &test.db;
    duban::commands::demo::prepare_with(db, &at("2021-06-15"))
        .await
        .unwrap();
    let b = bulletin(
        db,
        &at("2021-06-15"),
        &someone(Role::Leader),
        request("2021-Q1", None),
    )
    .await
    .unwrap();
    let doc = document(&b);
    let all = text(&doc.blocks);
    for said in [
        "2021年第一季度内未收到进展报告",
        "截至2021年6月15日，无滞后任务。",
        "2021年第一季度内未新发现问题，亦无问题整改销号。",
    ] {
        assert!(all.contains(said), "{said} in {all}");
    }
    for heading in [
        "一、总体情况",
        "二、各类别推进情况",
        "三、滞后任务",
        "四、单位推进情况",
        "五、督查发现问题及整改",
        "六、量化目标完成情况",
    ] {
        assert!(
            doc.blocks.contains(&Block::Heading(heading.into())),
            "{heading}"
        );
    }
    assert_eq!(doc.number, None);
    // Targets at the end of March: planned pro rata, nothing reported.
    assert_eq!(b.targets_on, "2021-03-31".parse().unwrap());

    let liaison = Actor {
        unit_id: Some(1),
        ..someone(Role::Liaison)
    };
    for who in [liaison, someone(Role::Viewer)] {
        let refused = bulletin(db, &at("2021-06-15"), &who, request("2021-06", None)).await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden(_))),
            "{who:?}"
        );
    }
    let mut missing = request("2021-06", None);
    missing.plan_id = Some(99);
    let refused = bulletin(db, &at("2021-06-15"), &someone(Role::Admin), missing).await;
    assert!(matches!(refused, Err(ServiceError::NotFound(_))));
}

on_both_backends!(figures_match_the_record, an_empty_period_says_so);

/// The .docx printed by LibreOffice: the title, the 文号, a red task and a unit in the PDF's text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docx_prints_with_libreoffice() {
    let test = common::sqlite().await;
    let db = &test.db;
    duban::commands::demo::prepare_with(db, &at("2021-06-15"))
        .await
        .unwrap();
    let s = build(db).await;
    let b = bulletin(
        db,
        &at("2021-07-08"),
        &someone(Role::Admin),
        request("2021-07", Some("督查通报〔2021〕7号")),
    )
    .await
    .unwrap();
    let doc = document(&b);
    let bytes = duban::export::bulletin_docx::write(&doc).unwrap();
    let text = common::office::printed_text("bulletin.docx", &bytes);
    let red = &b.red_tasks[0];
    for want in [
        doc.title.as_str(),
        "督查通报〔2021〕7号",
        red.title.as_str(),
        s.a.unit_name.as_str(),
        "三、滞后任务",
    ] {
        let want: String = want.split_whitespace().collect();
        assert!(text.contains(&want), "{want} in {text}");
    }
}
