//! The ledger view (台账): categories → tasks, with lead and co units, their
//! measures, latest progress and lights; filters by category, unit, light,
//! state and text; each task opens its page.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

use super::error::WebError;
use super::page::{Ctx, Page};
use crate::app::AppState;
use crate::service::ledger::{Ledger, ledger};
use crate::service::plans::TaskQuery;
use crate::store::tasks::TaskFilter;

pub fn router() -> Router<AppState> {
    Router::new().route("/ledger", get(show))
}

/// The filters as the form sends them: empty means any.
#[derive(Debug, Default, Deserialize)]
pub struct LedgerQuery {
    pub(crate) plan: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) unit: Option<String>,
    pub(crate) light: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) q: Option<String>,
    page: Option<String>,
    /// What was just done, said once at the top (e.g. after an import).
    notice: Option<String>,
}

pub(crate) fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

pub const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    ctx: Ctx,
    plan_id: i64,
    plan_title: String,
    /// The office and liaisons may upload an edited ledger.
    may_import: bool,
    /// The office, supervisors and leaders may download the plan's whole record.
    may_export_data: bool,
    notice: Option<&'static str>,
    plans: Vec<(i64, String)>,
    categories: Vec<(String, String)>,
    units: Vec<String>,
    filter: Filters,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    /// The query string without the page, for the pager's links.
    query_base: String,
}

#[derive(Default)]
struct Filters {
    category: String,
    unit: String,
    light: String,
    state: String,
    q: String,
}

/// A category heading or a task line.
struct Row {
    heading: Option<String>,
    task: Option<TaskLine>,
}

struct TaskLine {
    id: i64,
    number: String,
    title: String,
    deadline: String,
    light: &'static str,
    leads: Vec<UnitCell>,
    cos: Vec<UnitCell>,
    measures: Vec<String>,
    progress: Vec<String>,
}

struct UnitCell {
    name: String,
    state: String,
    light: &'static str,
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<LedgerQuery>,
) -> Result<Html<String>, WebError> {
    let plan_id = given(&query.plan).and_then(|p| p.parse().ok());
    let number = given(&query.page)
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .max(1);
    let filter = Filters {
        category: given(&query.category).unwrap_or_default(),
        unit: given(&query.unit).unwrap_or_default(),
        light: given(&query.light).unwrap_or_default(),
        state: given(&query.state).unwrap_or_default(),
        q: given(&query.q).unwrap_or_default(),
    };
    let task_query = TaskQuery {
        filter: TaskFilter {
            category: given(&query.category),
            unit: given(&query.unit),
            state: given(&query.state),
            text: given(&query.q),
            light: None,
        },
        light: given(&query.light),
        page: number,
        per_page: PER_PAGE,
    };
    let found = ledger(&state.db, &page.actor, plan_id, &task_query).await?;
    let view = LedgerPage {
        ctx: page.ctx(),
        plan_id: found.plan.id,
        plan_title: found.plan.title.clone(),
        may_import: crate::service::ledger_import::may_import(&page.actor),
        may_export_data: crate::service::plan_data::may_export(&page.actor),
        notice: query
            .notice
            .as_deref()
            .and_then(|n| super::plans::notice(page.lang, n)),
        plans: found
            .plans
            .iter()
            .map(|p| (p.id, p.title.clone()))
            .collect(),
        categories: found.categories.clone(),
        units: found.units.clone(),
        query_base: query_base(found.plan.id, &filter),
        filter,
        total: found.page.total,
        page: number,
        pages: (found.page.total + PER_PAGE - 1) / PER_PAGE,
        rows: rows(&found, page.lang),
    };
    Ok(Html(view.render()?))
}

fn query_base(plan: i64, f: &Filters) -> String {
    let pairs = [
        ("plan", plan.to_string()),
        ("category", f.category.clone()),
        ("unit", f.unit.clone()),
        ("light", f.light.clone()),
        ("state", f.state.clone()),
        ("q", f.q.clone()),
    ];
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

fn rows(found: &Ledger, lang: super::i18n::Lang) -> Vec<Row> {
    let mut rows = task_rows(found, &found.page.tasks, None, lang);
    if let Some(register) = &found.register
        && !register.tasks.is_empty()
    {
        rows.push(Row {
            heading: Some(format!(
                "{}（{}）",
                lang.t("督办事项", "Supervised items"),
                register.plan.title
            )),
            task: None,
        });
        rows.extend(task_rows(
            found,
            &register.tasks,
            Some(&register.numbers),
            lang,
        ));
    }
    rows
}

/// Category headings and task lines; items show their own number.
fn task_rows(
    found: &Ledger,
    tasks: &[crate::service::plans::TaskWithUnits],
    numbers: Option<&std::collections::HashMap<i64, String>>,
    lang: super::i18n::Lang,
) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut current: Option<&str> = None;
    for task in tasks {
        let ordinal = task.task.category_ordinal.as_deref();
        if ordinal != current {
            current = ordinal;
            if let Some(ordinal) = ordinal {
                let title = task.task.category_title.as_deref().unwrap_or_default();
                rows.push(Row {
                    heading: Some(format!("{ordinal}、{title}")),
                    task: None,
                });
            }
        }
        let mut line = TaskLine {
            id: task.task.id,
            number: numbers
                .and_then(|n| n.get(&task.task.id).cloned())
                .unwrap_or_else(|| task.task.number.clone()),
            title: task.task.title.clone(),
            deadline: task
                .task
                .deadline_text
                .clone()
                .or_else(|| task.task.deadline_date.clone())
                .unwrap_or_default(),
            light: task.light.as_str(),
            leads: Vec::new(),
            cos: Vec::new(),
            measures: Vec::new(),
            progress: Vec::new(),
        };
        for (assignment, light) in task.assignments.iter().zip(&task.lights) {
            let cell = UnitCell {
                name: assignment.unit_name.clone(),
                state: lang.state(&assignment.state).to_string(),
                light: light.as_str(),
            };
            if assignment.role == "lead" {
                line.leads.push(cell);
            } else {
                line.cos.push(cell);
            }
            for measure in found.measures.get(&assignment.id).into_iter().flatten() {
                let done = if measure.done_at.is_some() {
                    " ✓"
                } else {
                    ""
                };
                line.measures.push(format!(
                    "{}：{}（{}，{}）{done}",
                    assignment.unit_name,
                    measure.description,
                    measure.responsible_person,
                    measure.deadline
                ));
            }
            if let Some((period, narrative)) = found.latest.get(&assignment.id) {
                line.progress
                    .push(format!("{}［{period}］{narrative}", assignment.unit_name));
            }
        }
        rows.push(Row {
            heading: None,
            task: Some(line),
        });
    }
    rows
}
