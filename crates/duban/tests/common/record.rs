//! Helpers that read the demo's record for tests: the Actor a demo user acts
//! as, the Actor of a unit's liaison or of a reader, an assignment found by
//! its task number and unit, a fixed clock on a day in China, and the steps
//! of work the cockpit tests do through the services.

use duban::clock::{Clock, FixedClock};
use duban::domain::assignment::Move;
use duban::domain::roles::{Actor, Role};
use duban::service::assignments::act;
use duban::service::plans::{TaskQuery, tasks};
use duban::service::supervision::{FindingInput, bodies, open_inspection, raise_finding};
use duban::store::Db;
use duban::store::assignments::{AssignmentRow, of_tasks};
use duban::store::tasks::{TaskFilter, tasks_page};

/// 09:00 in China on `day` (YYYY-MM-DD).
pub fn at(day: &str) -> FixedClock {
    at_hour(day, 9)
}

/// `hour`:00 in China on `day` (YYYY-MM-DD).
pub fn at_hour(day: &str, hour: i8) -> FixedClock {
    let date: jiff::civil::Date = day.parse().unwrap();
    FixedClock(
        jiff::tz::offset(8)
            .to_timestamp(date.at(hour, 0, 0, 0))
            .unwrap(),
    )
}

/// The Actor a stored user (a demo account, say) acts as after signing in.
pub async fn actor(db: &Db, username: &str) -> Actor {
    let user = duban::store::users::by_username(db, username)
        .await
        .unwrap()
        .unwrap();
    Actor {
        name: format!("user:{username}"),
        role: user.role.parse().unwrap(),
        unit_id: user.unit_id,
        body_id: user.body_id,
    }
}

/// The liaison of the assignment's unit.
pub fn liaison(a: &AssignmentRow) -> Actor {
    Actor {
        name: format!("user:{}", a.unit_name),
        role: Role::Liaison,
        unit_id: Some(a.unit_id),
        body_id: None,
    }
}

/// Someone with `role` and neither unit nor body.
pub fn someone(role: Role) -> Actor {
    Actor {
        name: format!("user:{role}"),
        role,
        unit_id: None,
        body_id: None,
    }
}

/// The assignment of `unit` on task `number` of `plan`.
pub async fn assignment(db: &Db, plan: i64, number: &str, unit: &str) -> AssignmentRow {
    let (tasks, _) = tasks_page(db, plan, &TaskFilter::default(), 100, 0)
        .await
        .unwrap();
    let task = tasks.iter().find(|t| t.number == number).unwrap();
    of_tasks(db, &[task.id])
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.unit_name == unit)
        .unwrap_or_else(|| panic!("{unit} on task {number}"))
}

/// (task id, assignment id) of `unit` on task `number` of plan 1, found
/// through the ledger's service as the office sees it.
pub async fn task_and_assignment(db: &Db, number: &str, unit: &str) -> (i64, i64) {
    let query = TaskQuery {
        filter: TaskFilter {
            text: Some(number.to_string()),
            ..TaskFilter::default()
        },
        light: None,
        page: 1,
        per_page: 200,
    };
    let page = tasks(db, &Actor::operator(), 1, &query)
        .await
        .expect("tasks");
    let task = page
        .tasks
        .iter()
        .find(|t| t.task.number == number)
        .expect("the task");
    let assignment = task
        .assignments
        .iter()
        .find(|a| a.unit_name == unit)
        .expect("the unit's assignment");
    (task.task.id, assignment.id)
}

/// The office reopens a locked report period (its window closed) so that the
/// unit's late report is taken, as `report_periods::reopen` allows.
pub async fn reopen(db: &Db, clock: &dyn Clock, assignment_id: i64, period: &str) {
    duban::service::report_periods::reopen(
        db,
        clock,
        &Actor::operator(),
        assignment_id,
        period,
        "补报：报送窗口内系统故障",
    )
    .await
    .expect("the period reopens");
}

/// The unit's liaison claims the assignment.
pub async fn claim(db: &Db, clock: &dyn Clock, a: &AssignmentRow) -> AssignmentRow {
    act(db, clock, &liaison(a), a.id, a.version, Move::Claim, None)
        .await
        .unwrap()
}

/// The unit declares its work done and the operator verifies it (销号).
pub async fn declare_done_and_verify(db: &Db, clock: &dyn Clock, a: &AssignmentRow) {
    let declared = act(
        db,
        clock,
        &liaison(a),
        a.id,
        a.version,
        Move::DeclareDone,
        None,
    )
    .await
    .unwrap();
    let operator = Actor::operator();
    act(
        db,
        clock,
        &operator,
        declared.id,
        declared.version,
        Move::Verify,
        None,
    )
    .await
    .unwrap();
}

/// The operator opens the inspection 六月督查 (2021-06-15) of `plan` for the
/// first supervision body and raises a reminder on the assignment in it.
pub async fn remind(db: &Db, clock: &dyn Clock, plan: i64, assignment_id: i64) {
    let operator = Actor::operator();
    let body = bodies(db).await.unwrap()[0].0;
    let inspection = open_inspection(db, clock, &operator, body, plan, "六月督查", "2021-06-15")
        .await
        .unwrap();
    let finding = FindingInput {
        inspection_id: inspection,
        assignment_id,
        action: "reminder",
        description: "请尽快细化措施",
        deadline: None,
    };
    raise_finding(db, clock, &operator, &finding).await.unwrap();
}

/// A plan of one task (加装电梯, 185 台) held by `units` (the first leads),
/// written as a district's document prints it, imported and published on
/// `clock`'s day.
pub async fn import_tiny(
    db: &Db,
    clock: &dyn Clock,
    units: &str,
) -> duban::service::import::Imported {
    let text = format!(
        "长宁区2021年重点推进和督查工作安排\n\n一、城市更新\n\n1、推进既有多层住宅加装电梯，新开工不少于 185 台。（责任单位：{units}）\n"
    );
    duban::service::import::import_plan(
        db,
        clock,
        &Actor::operator(),
        &duban_plan::Registry::builtin(),
        duban::service::import::Document {
            name: "plan.txt",
            bytes: text.as_bytes(),
        },
        true,
    )
    .await
    .expect("the one-task plan imports")
}
