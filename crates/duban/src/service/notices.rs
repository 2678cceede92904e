//! 三色督办单: the office issues a numbered notice to a unit on its
//! assignment (blue reminder, yellow behind schedule, red overdue); it goes
//! out like a 催办 (inbox, e-mail, robots) and the unit acknowledges it with
//! its answer. Every notice stays in the ledger of notices.

use jiff::civil::Date;
use serde_json::json;

use super::{ServiceError, ServiceResult, record, text};
use crate::clock::Clock;
use crate::domain::notice::Color;
use crate::domain::roles::{Actor, Role};
use crate::store::notices::{self, NewNotice, NoticeRow};
use crate::store::{Db, assignments};

/// What the office writes on a notice.
#[derive(Debug, Clone, Default)]
pub struct IssueNotice {
    /// blue, yellow or red.
    pub color: String,
    pub reason: String,
    pub required_action: String,
    /// YYYY-MM-DD: by when the unit answers.
    pub respond_by: String,
    /// The unit's head is told too.
    pub to_head: bool,
}

pub fn may_issue(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Supervisor)
}

pub async fn issue(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    new: &IssueNotice,
) -> ServiceResult<NoticeRow> {
    if !may_issue(actor) {
        return Err(ServiceError::Forbidden(format!(
            "{} ({}) may not issue 督办单",
            actor.name, actor.role
        )));
    }
    let color: Color = new
        .color
        .trim()
        .parse()
        .map_err(|e: String| ServiceError::field("color", e))?;
    let reason = text("reason", &new.reason, 2_000)?;
    let required_action = text("required_action", &new.required_action, 2_000)?;
    let today = super::lights::today(clock)?;
    let respond_by: Date = new.respond_by.trim().parse().map_err(|_| {
        ServiceError::field(
            "respond_by",
            format!("'{}' is not a date (YYYY-MM-DD)", new.respond_by),
        )
    })?;
    if respond_by < today {
        return Err(ServiceError::field(
            "respond_by",
            format!("{respond_by} has passed: answer by today or later"),
        ));
    }
    let assignment = assignments::read(db, assignment_id).await?;
    if assignment.state == "verified" {
        return Err(ServiceError::Transition(
            "the work is verified (销号); a 督办单 is for open work".into(),
        ));
    }
    let (_, task) = crate::store::tasks::task_by_id(db, assignment.task_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("task {}", assignment.task_id)))?;
    let sender = match actor.name.strip_prefix("user:") {
        Some(username) => crate::store::users::by_username(db, username).await?,
        None => None,
    };
    let mut setup = super::delivery_plan::Setup::load(db).await?;
    let now = clock.now_millis();
    let year = i64::from(today.year());
    let mut tx = db.begin().await?;
    let seq =
        crate::store::document_numbers::take(&mut tx, &format!("notice_{}", color.as_str()), year)
            .await?;
    let number = color.number(year, seq);
    let subject = format!("【{number}】{}：{}", assignment.unit_name, task.title);
    let body = format!("{reason}\n督办要求：{required_action}\n请于{respond_by}前签收并反馈。");
    let link = format!("/assignments/{assignment_id}/handover#notices");
    let reminder_id = super::reminders::send_to_unit(
        &mut tx,
        &mut setup,
        &super::reminders::Outgoing {
            assignment: &assignment,
            subject: &subject,
            body: &body,
            link: &link,
            to_head: new.to_head,
            created_by: sender.map(|u| u.id),
        },
        now,
        today,
    )
    .await?;
    let id = notices::insert(
        &mut tx,
        &NewNotice {
            assignment_id,
            color: color.as_str(),
            year,
            seq,
            number: &number,
            reason: &reason,
            required_action: &required_action,
            respond_by: &respond_by.to_string(),
            light: &assignment.light,
            issued_by: &actor.name,
            issued_at: now,
            reminder_id: Some(reminder_id),
        },
    )
    .await?;
    record(
        &mut tx,
        now,
        actor,
        "notice.issue",
        "notice",
        id,
        json!({"assignment_id": assignment_id, "number": number, "color": color.as_str(),
               "reason": reason, "required_action": required_action,
               "respond_by": respond_by.to_string(), "light": assignment.light,
               "reminder_id": reminder_id}),
    )
    .await?;
    let row = notices::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

/// The unit acknowledges a notice (签收) with its answer; once.
pub async fn acknowledge(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    notice_id: i64,
    response: &str,
) -> ServiceResult<NoticeRow> {
    let response = text("response", response, 4_000)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let notice = notices::get(&mut tx, notice_id).await?;
    let assignment = assignments::get(&mut tx, notice.assignment_id).await?;
    if !super::handover::acts_for(actor, &assignment) {
        return Err(ServiceError::Forbidden(format!(
            "only {}'s liaison acknowledges this notice",
            assignment.unit_name
        )));
    }
    if !notices::acknowledge(&mut tx, notice_id, &actor.name, now, Some(&response)).await? {
        return Err(ServiceError::Transition(format!(
            "{} is already acknowledged",
            notice.number
        )));
    }
    record(
        &mut tx,
        now,
        actor,
        "notice.acknowledge",
        "notice",
        notice_id,
        json!({"number": notice.number, "response": response}),
    )
    .await?;
    let row = notices::get(&mut tx, notice_id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Notices, newest first: one assignment's, or all; a liaison sees its unit's.
pub async fn list(
    db: &Db,
    actor: &Actor,
    assignment_id: Option<i64>,
) -> ServiceResult<Vec<NoticeRow>> {
    if actor.role == Role::Liaison {
        let Some(unit_id) = actor.unit_id else {
            return Ok(Vec::new());
        };
        return Ok(notices::list(db, assignment_id, Some(unit_id)).await?);
    }
    Ok(notices::list(db, assignment_id, None).await?)
}

/// One notice, for those who may read its unit's record.
pub async fn read(db: &Db, actor: &Actor, notice_id: i64) -> ServiceResult<NoticeRow> {
    let notice = notices::read(db, notice_id).await?;
    let assignment = assignments::read(db, notice.assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "notices")?;
    Ok(notice)
}
