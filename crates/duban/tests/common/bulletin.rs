//! A hand-built situation for the bulletin tests, on the demo's plan
//! (imported 2021-06-15), seen on 2021-07-08:
//! - A: claimed June 16, June's report never sent: missed from July 8
//!   (due the 5th working day after June 30, July 7);
//! - B: claimed, measure 完成选址论证 due July 5 not done, June reported July 2;
//! - C: claimed, June reported July 8 (late), a reminder raised July 5;
//! - D: claimed, June reported July 2, a rectification raised July 1 due
//!   July 6 still open; a service finding raised June 20, closed July 6.
//!
//! Every other assignment stays unclaimed.

#![allow(dead_code)]

use duban::domain::roles::Actor;
use duban::service::assignments::{MeasureInput, add_measure};
use duban::service::reports::{ReportInput, submit};
use duban::service::supervision::{
    FindingInput, FindingMove, bodies, move_finding, open_inspection, raise_finding,
};
use duban::store::Db;
use duban::store::assignments::{AssignmentRow, of_tasks};
use duban::store::tasks::{TaskFilter, tasks_page};

use super::record::{at, claim, liaison};

pub const MEASURE: &str = "完成选址论证";
pub const RECTIFICATION: &str = "开工进度滞后，限期整改";

pub struct Situation {
    pub a: AssignmentRow,
    pub b: AssignmentRow,
    pub c: AssignmentRow,
    pub d: AssignmentRow,
}

/// Four assignments of four tasks, each of another unit.
async fn four(db: &Db) -> Vec<AssignmentRow> {
    let (tasks, _) = tasks_page(db, 1, &TaskFilter::default(), 100, 0)
        .await
        .unwrap();
    let mut chosen: Vec<AssignmentRow> = Vec::new();
    for task in tasks {
        let lead = of_tasks(db, &[task.id])
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.role == "lead" && chosen.iter().all(|c| c.unit_id != a.unit_id));
        chosen.extend(lead);
        if chosen.len() == 4 {
            break;
        }
    }
    chosen
}

pub async fn build(db: &Db) -> Situation {
    let mut four = four(db).await.into_iter();
    let mut next = || four.next().expect("four tasks");
    let (a, b, c, d) = (next(), next(), next(), next());
    let june16 = at("2021-06-16");
    let mut claimed = Vec::new();
    for x in [&a, &b, &c, &d] {
        claimed.push(claim(db, &june16, x).await);
    }
    let june = |text: &str| ReportInput::parse("2021-06", text, &[]).unwrap();
    let measure = MeasureInput::parse(MEASURE, "张三", "2021-07-05", false).unwrap();
    add_measure(db, &june16, &liaison(&b), b.id, &measure)
        .await
        .unwrap();
    submit(db, &at("2021-07-02"), &liaison(&b), b.id, &june("六月进展"))
        .await
        .unwrap();
    submit(db, &at("2021-07-02"), &liaison(&d), d.id, &june("六月进展"))
        .await
        .unwrap();
    super::record::reopen(db, &at("2021-07-08"), c.id, "2021-06").await;
    submit(
        db,
        &at("2021-07-08"),
        &liaison(&c),
        c.id,
        &june("六月进展（补报）"),
    )
    .await
    .unwrap();

    let office = Actor::operator();
    let body = bodies(db).await.unwrap()[0].0;
    let inspection = open_inspection(
        db,
        &at("2021-06-20"),
        &office,
        body,
        1,
        "六月督查",
        "2021-06-20",
    )
    .await
    .unwrap();
    let raise = |assignment_id, action, description, deadline| FindingInput {
        inspection_id: inspection,
        assignment_id,
        action,
        description,
        deadline,
    };
    let service = raise_finding(
        db,
        &at("2021-06-20"),
        &office,
        &raise(d.id, "service", "协调用地", None),
    )
    .await
    .unwrap();
    let answered = move_finding(
        db,
        &at("2021-07-05"),
        &liaison(&d),
        service.id,
        service.version,
        FindingMove::Respond,
        Some("已协调"),
    )
    .await
    .unwrap();
    move_finding(
        db,
        &at("2021-07-06"),
        &office,
        service.id,
        answered.version,
        FindingMove::Verify,
        None,
    )
    .await
    .unwrap();
    raise_finding(
        db,
        &at("2021-07-01"),
        &office,
        &raise(d.id, "rectification", RECTIFICATION, Some("2021-07-06")),
    )
    .await
    .unwrap();
    raise_finding(
        db,
        &at("2021-07-05"),
        &office,
        &raise(c.id, "reminder", "请按时报送", None),
    )
    .await
    .unwrap();
    let mut claimed = claimed.into_iter();
    let mut next = || claimed.next().unwrap();
    Situation {
        a: next(),
        b: next(),
        c: next(),
        d: next(),
    }
}
