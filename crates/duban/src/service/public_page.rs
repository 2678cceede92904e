//! A plan's public progress page (公开进度): read-only, no sign-in, on only
//! when the office turns it on for a published plan, and showing only the
//! fields it chose. The page's model is built from those fields alone: a
//! field not chosen is never read, so nothing unpublished can reach it.

use std::collections::HashMap;

use jiff::civil::Date;
use serde_json::json;

use super::cockpit::LightCounts;
use super::plans::TaskQuery;
use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::light::Light;
use crate::domain::public_page::{PublicField, fields_of, list_of};
use crate::domain::roles::{Actor, Role};
use crate::store::Db;
use crate::store::public_pages::{self as store, PublicPageRow};

const OFFICE: &[Role] = &[Role::Admin, Role::Supervisor];

/// The office's settings of a plan's page (off, with no field, until saved).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub plan: crate::store::plans::PlanHeader,
    pub enabled: bool,
    pub fields: Vec<PublicField>,
    /// 0 until first saved.
    pub version: i64,
}

fn settings_of(plan: crate::store::plans::PlanHeader, row: Option<PublicPageRow>) -> Settings {
    match row {
        Some(row) => Settings {
            plan,
            enabled: row.enabled,
            fields: fields_of(&row.fields),
            version: row.version,
        },
        None => Settings {
            plan,
            enabled: false,
            fields: Vec::new(),
            version: 0,
        },
    }
}

async fn header(db: &Db, plan_id: i64) -> ServiceResult<crate::store::plans::PlanHeader> {
    crate::store::plans::header(db, plan_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("plan {plan_id}")))
}

pub async fn settings(db: &Db, actor: &Actor, plan_id: i64) -> ServiceResult<Settings> {
    require(actor, OFFICE, "manage the public page")?;
    let plan = header(db, plan_id).await?;
    Ok(settings_of(plan, store::get(db, plan_id).await?))
}

/// Turns the page on or off and chooses its fields (office), if the
/// settings are still at `version`; audited.
pub async fn save(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: i64,
    enabled: bool,
    fields: &[String],
    version: i64,
) -> ServiceResult<Settings> {
    require(actor, OFFICE, "manage the public page")?;
    let mut chosen = Vec::new();
    for name in fields {
        chosen.push(PublicField::parse(name.trim()).ok_or_else(|| {
            ServiceError::field(
                "fields",
                format!(
                    "'{name}' is not a field of the public page: choose from {}",
                    PublicField::ALL.map(PublicField::as_str).join(", ")
                ),
            )
        })?);
    }
    let plan = header(db, plan_id).await?;
    let list = list_of(&chosen);
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let next = store::save(&mut tx, plan_id, enabled, &list, version, &actor.name, now).await?;
    super::record(
        &mut tx,
        now,
        actor,
        "plan.public_page",
        "plan",
        plan_id,
        json!({ "enabled": enabled, "fields": list }),
    )
    .await?;
    tx.commit().await?;
    Ok(Settings {
        plan,
        enabled,
        fields: fields_of(&list),
        version: next,
    })
}

/// One task as the public sees it: a field the office did not choose is None.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicTask {
    pub number: String,
    pub title: String,
    pub body: Option<String>,
    /// (unit, lead or co)
    pub units: Option<Vec<(String, String)>>,
    pub deadline: Option<String>,
    pub light: Option<Light>,
    /// (unit, period, narrative)
    pub progress: Option<Vec<(String, String, String)>>,
    /// (metric, op, value, unit, latest figure reached by any unit)
    pub targets: Option<Vec<PublicTarget>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublicTarget {
    pub metric: String,
    pub op: String,
    pub value: Option<f64>,
    pub unit: Option<String>,
    /// The units' latest figures added up, when any reported one.
    pub reached: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublicCategory {
    pub ordinal: String,
    pub title: String,
    pub tasks: Vec<PublicTask>,
}

/// The public page of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicPlan {
    pub title: String,
    pub as_of: Date,
    pub fields: Vec<PublicField>,
    pub summary: Option<LightCounts>,
    pub categories: Vec<PublicCategory>,
}

/// The page for anyone, signed in or not: not found unless the plan is
/// published and its page is on.
pub async fn page(db: &Db, clock: &dyn Clock, plan_id: i64) -> ServiceResult<PublicPlan> {
    let hidden = || ServiceError::NotFound(format!("public page of plan {plan_id}"));
    let settings = store::get(db, plan_id).await?.ok_or_else(hidden)?;
    let plan = header(db, plan_id).await.map_err(|_| hidden())?;
    if !settings.enabled || plan.state != "published" {
        return Err(hidden());
    }
    let fields = fields_of(&settings.fields);
    let has = |f: PublicField| fields.contains(&f);
    let tasks = super::plans::all_tasks_of_visible_plan(db, plan_id, &TaskQuery::default()).await?;
    let ids: Vec<i64> = tasks
        .iter()
        .flat_map(|t| t.assignments.iter().map(|a| a.id))
        .collect();
    // Only what a chosen field needs is read.
    let latest: HashMap<i64, (String, String)> = if has(PublicField::Progress) {
        crate::store::reports::latest_of_many(db, &ids)
            .await?
            .into_iter()
            .map(|(id, period, narrative, _)| (id, (period, narrative)))
            .collect()
    } else {
        HashMap::new()
    };
    let reached: HashMap<i64, f64> = if has(PublicField::Targets) {
        let (_, actuals) = crate::store::cockpit::light_inputs_of_plan(db, plan_id).await?;
        let mut sums = HashMap::new();
        for a in actuals {
            if let Some(actual) = a.actual {
                *sums.entry(a.target_id).or_insert(0.0) += actual;
            }
        }
        sums
    } else {
        HashMap::new()
    };
    let mut summary = LightCounts::default();
    let mut categories: Vec<PublicCategory> = Vec::new();
    for t in tasks {
        summary.add(t.light);
        let ordinal = t.task.category_ordinal.clone().unwrap_or_default();
        if categories.last().is_none_or(|c| c.ordinal != ordinal) {
            categories.push(PublicCategory {
                ordinal: ordinal.clone(),
                title: t.task.category_title.clone().unwrap_or_default(),
                tasks: Vec::new(),
            });
        }
        let public = PublicTask {
            number: t.task.number.clone(),
            title: t.task.title.clone(),
            body: has(PublicField::Body).then(|| t.task.body.clone()),
            units: has(PublicField::Units).then(|| {
                t.assignments
                    .iter()
                    .map(|a| (a.unit_name.clone(), a.role.clone()))
                    .collect()
            }),
            deadline: has(PublicField::Deadline)
                .then(|| {
                    t.task
                        .deadline_text
                        .clone()
                        .or(t.task.deadline_date.clone())
                })
                .flatten(),
            light: has(PublicField::Light).then_some(t.light),
            progress: has(PublicField::Progress).then(|| {
                t.assignments
                    .iter()
                    .filter_map(|a| {
                        let (period, narrative) = latest.get(&a.id)?;
                        Some((a.unit_name.clone(), period.clone(), narrative.clone()))
                    })
                    .collect()
            }),
            targets: has(PublicField::Targets).then(|| {
                t.targets
                    .iter()
                    .map(|g| PublicTarget {
                        metric: g.metric.clone(),
                        op: g.op.clone(),
                        value: g.value,
                        unit: g.unit.clone(),
                        reached: reached.get(&g.id).copied(),
                    })
                    .collect()
            }),
        };
        if let Some(category) = categories.last_mut() {
            category.tasks.push(public);
        }
    }
    Ok(PublicPlan {
        title: plan.title,
        as_of: super::lights::today(clock)?,
        summary: has(PublicField::Summary).then_some(summary),
        fields,
        categories,
    })
}
