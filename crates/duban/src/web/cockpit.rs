//! The cockpit page (驾驶舱) for the office and the leaders: read-only (no
//! form on it at all; the plan and the unit table's order are links), every
//! count a link into the ledger filtered the same way.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

use super::charts::{Part, ProgressBar, StackedBar, progress_bar, stacked_bar};
use super::error::WebError;
use super::i18n::Lang;
use super::page::{Ctx, Page};
use super::url_encode;
use crate::app::AppState;
use crate::domain::light::{Light, china_date};
use crate::domain::roles::Role;
use crate::service::cockpit::{Cockpit, LIGHTS, LightCounts, UnitSort, sort_units};

pub fn router() -> Router<AppState> {
    Router::new().route("/cockpit", get(show))
}

#[derive(Debug, Default, Deserialize)]
pub struct CockpitQuery {
    plan: Option<String>,
    /// A column of the unit table.
    sort: Option<String>,
    /// asc or desc.
    dir: Option<String>,
}

#[derive(Template)]
#[template(path = "cockpit.html")]
struct CockpitPage {
    ctx: Ctx,
    plan_title: String,
    /// Other plans, as links: (href, title, current).
    plans: Vec<(String, String, bool)>,
    today: String,
    total: i64,
    ledger_href: String,
    stats: Vec<Stat>,
    overall: StackedBar,
    categories: Vec<CategoryRow>,
    columns: Vec<Column>,
    units: Vec<UnitRow>,
    targets: Vec<TargetRow>,
    reports: Vec<Recent>,
    situations: Vec<Recent>,
    /// Supervisors and admin get links to their supervision pages.
    supervises: bool,
    /// Those who may draw up a bulletin get a link to it.
    bulletin_href: Option<String>,
}

/// Before the first plan is imported.
#[derive(Template)]
#[template(path = "cockpit_empty.html")]
struct NoPlan {
    ctx: Ctx,
    /// Those who may import get a link to do it.
    imports: bool,
}

struct Stat {
    light: &'static str,
    count: i64,
    href: String,
}

struct CategoryRow {
    label: String,
    total: i64,
    href: String,
    bar: StackedBar,
}

struct Column {
    label: &'static str,
    href: String,
    /// aria-sort of the column sorted by.
    sorted: Option<&'static str>,
    figure: bool,
}

struct UnitRow {
    name: String,
    href: String,
    lead: i64,
    co: i64,
    verified: i64,
    declared: i64,
    percent: i64,
    overdue: i64,
    missed: i64,
    findings: i64,
    worst: &'static str,
}

struct TargetRow {
    task_href: String,
    task_number: String,
    metric: String,
    goal: String,
    actual: String,
    expected: String,
    pace: &'static str,
    pace_class: &'static str,
    chart: ProgressBar,
}

struct Recent {
    href: String,
    task: String,
    unit: String,
    period: String,
    text: String,
    time: String,
    acknowledged: Option<bool>,
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<CockpitQuery>,
) -> Result<Html<String>, WebError> {
    let plan_id = query.plan.as_deref().and_then(|p| p.trim().parse().ok());
    let Some(mut found) = crate::service::cockpit_cache::cockpit(
        &state.db,
        state.clock.as_ref(),
        &state.cockpits,
        &page.actor,
        plan_id,
    )
    .await?
    else {
        let view = NoPlan {
            ctx: page.ctx(),
            imports: page.is(&[Role::Admin, Role::Supervisor]),
        };
        return Ok(Html(view.render()?));
    };
    let sort = query
        .sort
        .as_deref()
        .and_then(UnitSort::parse)
        .unwrap_or(UnitSort::Light);
    // Names read A→Z; figures read the largest (the worst) first.
    let descending = match query.dir.as_deref() {
        Some("asc") => false,
        Some("desc") => true,
        _ => sort != UnitSort::Name,
    };
    sort_units(&mut found.units, sort, descending);
    let view = view(&page, &found, sort, descending);
    Ok(Html(view.render()?))
}

fn view(page: &Page, found: &Cockpit, sort: UnitSort, descending: bool) -> CockpitPage {
    let lang = page.lang;
    let plan = found.plan.id;
    let ledger = |extra: &str| format!("/ledger?plan={plan}{extra}");
    let light_label = |light: Light, count: i64, place: &str| {
        format!(
            "{place}{}{}{count} {}",
            lang.light(light.as_str()),
            lang.t("：", ": "),
            lang.t("项任务", "tasks")
        )
    };
    let parts = |counts: &LightCounts, filter: &str, place: &str| -> Vec<Part> {
        LIGHTS
            .iter()
            .map(|&light| Part {
                light,
                count: counts.of(light),
                label: light_label(light, counts.of(light), place),
                href: ledger(&format!("{filter}&light={}", light.as_str())),
            })
            .collect()
    };
    let categories = found
        .categories
        .iter()
        .map(|c| {
            let filter = format!("&category={}", url_encode(&c.ordinal));
            let label = format!("{}、{}", c.ordinal, c.title);
            CategoryRow {
                total: c.tasks.total(),
                href: ledger(&filter),
                bar: stacked_bar(
                    label.clone(),
                    parts(&c.tasks, &filter, &format!("{}、", c.ordinal)),
                    400.0,
                    22.0,
                ),
                label,
            }
        })
        .collect();
    CockpitPage {
        ctx: page.ctx(),
        plan_title: found.plan.title.clone(),
        plans: found
            .plans
            .iter()
            .map(|p| {
                (
                    format!("/cockpit?plan={}", p.id),
                    p.title.clone(),
                    p.id == plan,
                )
            })
            .collect(),
        today: found.today.to_string(),
        total: found.tasks.total(),
        ledger_href: ledger(""),
        stats: LIGHTS
            .iter()
            .map(|&light| Stat {
                light: light.as_str(),
                count: found.tasks.of(light),
                href: ledger(&format!("&light={}", light.as_str())),
            })
            .collect(),
        overall: stacked_bar(
            lang.t("全部任务按亮灯", "All tasks by light").to_string(),
            parts(&found.tasks, "", ""),
            800.0,
            28.0,
        ),
        categories,
        columns: columns(lang, plan, sort, descending),
        units: found
            .units
            .iter()
            .map(|u| UnitRow {
                href: ledger(&format!("&unit={}", url_encode(&u.name))),
                name: u.name.clone(),
                lead: u.lead,
                co: u.co,
                verified: u.verified,
                declared: u.declared,
                percent: u.completion_percent(),
                overdue: u.overdue_measures,
                missed: u.missed_reports,
                findings: u.open_findings,
                worst: u.worst.as_str(),
            })
            .collect(),
        targets: targets(lang, found),
        reports: found
            .reports
            .iter()
            .map(|r| Recent {
                href: format!("/tasks/{}", r.task_id),
                task: format!("{}. {}", r.task_number, r.task_title),
                unit: r.unit_name.clone(),
                period: r.period.clone(),
                text: excerpt(&r.narrative, 60),
                time: time_of(r.submitted_at),
                acknowledged: None,
            })
            .collect(),
        situations: found
            .situations
            .iter()
            .map(|s| Recent {
                href: format!("/tasks/{}", s.task_id),
                task: format!("{}. {}", s.task_number, s.task_title),
                unit: s
                    .unit_name
                    .clone()
                    .unwrap_or_else(|| lang.t("督查室", "The office").to_string()),
                period: String::new(),
                text: excerpt(&s.description, 60),
                time: time_of(s.reported_at),
                acknowledged: Some(s.acknowledged),
            })
            .collect(),
        supervises: page.is(&[Role::Admin, Role::Supervisor]),
        bulletin_href: page
            .is(&[Role::Admin, Role::Supervisor, Role::Leader])
            .then(|| format!("/bulletin?plan={plan}")),
    }
}

/// The unit table's headings, each a link that sorts by it (again: the other way).
fn columns(lang: Lang, plan: i64, sort: UnitSort, descending: bool) -> Vec<Column> {
    let heads: [(UnitSort, &str, &str); 7] = [
        (UnitSort::Name, "单位", "Unit"),
        (
            UnitSort::Assignments,
            "承担任务（牵头/配合）",
            "Assignments (lead/co)",
        ),
        (
            UnitSort::Completion,
            "完成率（已销号）",
            "Completion (verified)",
        ),
        (UnitSort::Overdue, "逾期措施", "Overdue measures"),
        (UnitSort::Missed, "未按期报送", "Missed reports"),
        (UnitSort::Findings, "未销号问题", "Open findings"),
        (UnitSort::Light, "亮灯", "Light"),
    ];
    heads
        .into_iter()
        .map(|(key, zh, en)| {
            let current = key == sort;
            let default_desc = key != UnitSort::Name;
            let next_desc = if current { !descending } else { default_desc };
            Column {
                label: lang.t(zh, en),
                href: format!(
                    "/cockpit?plan={plan}&sort={}&dir={}#units",
                    key.as_str(),
                    if next_desc { "desc" } else { "asc" }
                ),
                sorted: current.then_some(if descending {
                    "descending"
                } else {
                    "ascending"
                }),
                figure: key != UnitSort::Name && key != UnitSort::Light,
            }
        })
        .collect()
}

fn targets(lang: Lang, found: &Cockpit) -> Vec<TargetRow> {
    found
        .targets
        .iter()
        .map(|t| {
            let unit = t.unit.clone().unwrap_or_default();
            let with_unit = |x: f64| format!("{} {unit}", figure(x)).trim_end().to_string();
            let op = match t.op.as_str() {
                ">=" => "≥ ",
                "<=" => "≤ ",
                _ => "",
            };
            let expected = t.expected.map(with_unit).unwrap_or_default();
            let pace = match (t.pace, t.actual, t.expected) {
                (Some(p), _, _) => p.as_str(),
                (None, None, _) => "none",
                (None, Some(_), _) => "",
            };
            let title = format!(
                "{}{}{} {} / {}{}",
                t.metric,
                lang.t("：", ": "),
                lang.t("实际", "actual"),
                t.actual.map_or_else(|| "—".to_string(), with_unit),
                op,
                with_unit(t.value)
            );
            let marker = t.expected.map(|x| {
                (
                    x,
                    format!(
                        "{}{}{}",
                        lang.t("序时进度", "Trajectory"),
                        lang.t("：", ": "),
                        with_unit(x)
                    ),
                )
            });
            TargetRow {
                task_href: format!("/tasks/{}", t.task_id),
                task_number: t.task_number.clone(),
                metric: t.metric.clone(),
                goal: format!("{op}{}", with_unit(t.value)),
                actual: t.actual.map_or_else(|| "—".to_string(), with_unit),
                expected,
                pace: if pace.is_empty() { "" } else { lang.pace(pace) },
                pace_class: pace,
                chart: progress_bar(title, t.value, t.actual, marker, t.pace, 400.0),
            }
        })
        .collect()
}

/// 185 → "185", 12.5 → "12.5".
fn figure(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{:.0}", x.round())
    } else {
        format!("{x:.1}")
    }
}

fn excerpt(text: &str, chars: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// An instant as the office reads it: date and minute in China.
fn time_of(millis: i64) -> String {
    let Some(date) = china_date(millis) else {
        return String::new();
    };
    let minutes = (millis.rem_euclid(86_400_000) / 60_000 + 8 * 60) % (24 * 60);
    format!("{date} {:02}:{:02}", minutes / 60, minutes % 60)
}
