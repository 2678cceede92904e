//! The unit workspace (liaison): what to claim, the measures falling due, the
//! reports owed in the open windows, the findings to answer, and every task
//! of the unit with its light. The office may open any unit's.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

use super::error::WebError;
use super::page::{Ctx, Page};
use super::render;
use crate::app::AppState;
use crate::domain::roles::Role;
use crate::service::workspace::{MEASURES_AHEAD_DAYS, workspace};
use crate::store::units;

pub fn router() -> Router<AppState> {
    Router::new().route("/workspace", get(show))
}

#[derive(Deserialize)]
struct WorkspaceQuery {
    unit: Option<String>,
    plan: Option<String>,
}

#[derive(Template)]
#[template(path = "workspace.html")]
struct WorkspacePage {
    ctx: Ctx,
    unit_id: i64,
    unit_name: String,
    plan_id: i64,
    plan_title: String,
    /// 本单位台账 (.xlsx).
    ledger_href: String,
    may_import: bool,
    today: String,
    ahead_days: i32,
    /// For the office: the units to switch to.
    unit_choices: Vec<(i64, String)>,
    to_claim: Vec<Line>,
    working: Vec<Line>,
    finished: Vec<Line>,
    measures_due: Vec<MeasureLine>,
    reports_due: Vec<ReportLine>,
    findings: Vec<FindingLine>,
}

struct Line {
    assignment_id: i64,
    task_id: i64,
    number: String,
    title: String,
    role: String,
    state: String,
    light: &'static str,
}

struct MeasureLine {
    assignment_id: i64,
    number: String,
    description: String,
    person: String,
    deadline: String,
    overdue: bool,
}

struct ReportLine {
    assignment_id: i64,
    number: String,
    title: String,
    period: String,
    due: String,
    missed: bool,
}

struct FindingLine {
    assignment_id: i64,
    number: String,
    action: String,
    description: String,
    deadline: String,
    state: String,
}

fn number(text: &Option<String>) -> Option<i64> {
    text.as_deref().and_then(|t| t.trim().parse().ok())
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<WorkspaceQuery>,
) -> Result<Html<String>, WebError> {
    let office = page.actor.role != Role::Liaison;
    let mut unit = number(&query.unit);
    let unit_choices = if office {
        let all = units::all_units(&state.db).await?;
        // The office lands on the first unit until it picks one.
        unit = unit.or(all.first().map(|(id, _)| *id));
        all
    } else {
        Vec::new()
    };
    let w = workspace(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        unit,
        number(&query.plan),
    )
    .await?;
    let today = w.today.to_string();
    let line = |i: usize| {
        let item = &w.items[i];
        Line {
            assignment_id: item.assignment.id,
            task_id: item.task.id,
            number: item.task.number.clone(),
            title: item.task.title.clone(),
            role: item.assignment.role.clone(),
            state: item.assignment.state.clone(),
            light: item.light.as_str(),
        }
    };
    let with_state = |states: &[&str]| {
        (0..w.items.len())
            .filter(|&i| states.contains(&w.items[i].assignment.state.as_str()))
            .map(line)
            .collect::<Vec<_>>()
    };
    let view = WorkspacePage {
        ctx: page.ctx(),
        unit_id: w.unit_id,
        unit_name: w.unit_name.clone(),
        plan_id: w.plan.id,
        plan_title: w.plan.title.clone(),
        ledger_href: format!(
            "/ledger.xlsx?plan={}&unit={}",
            w.plan.id,
            super::url_encode(&w.unit_name)
        ),
        may_import: crate::service::ledger_import::may_import(&page.actor),
        ahead_days: MEASURES_AHEAD_DAYS,
        unit_choices,
        to_claim: with_state(&["assigned"]),
        working: with_state(&["claimed", "in_progress", "done"]),
        finished: with_state(&["verified"]),
        measures_due: w
            .measures_due
            .iter()
            .map(|(i, m)| MeasureLine {
                assignment_id: m.assignment_id,
                number: w.items[*i].task.number.clone(),
                description: m.description.clone(),
                person: m.responsible_person.clone(),
                deadline: m.deadline.clone(),
                overdue: m.deadline < today,
            })
            .collect(),
        reports_due: w
            .reports_due
            .iter()
            .map(|(i, owed)| ReportLine {
                assignment_id: w.items[*i].assignment.id,
                number: w.items[*i].task.number.clone(),
                title: w.items[*i].task.title.clone(),
                period: owed.period.to_string(),
                due: owed.due.to_string(),
                missed: owed.missed,
            })
            .collect(),
        findings: w
            .findings
            .iter()
            .map(|(i, f)| FindingLine {
                assignment_id: f.assignment_id,
                number: w.items[*i].task.number.clone(),
                action: f.action.clone(),
                description: f.description.clone(),
                deadline: f.deadline.clone().unwrap_or_default(),
                state: f.state.clone(),
            })
            .collect(),
        today,
    };
    render(&view)
}
