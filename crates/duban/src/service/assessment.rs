//! The annual unit assessment of a plan on the clock's day: each unit's
//! evaluations and record-derived rates weighted and ranked
//! (`domain::assessment`), every figure with the rows it was counted from
//! (`domain::assessment_evidence`). The weights are a setting an admin keeps.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde_json::json;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::assessment::{Assessed, AssessmentWeights, Figure, UnitFigures, assess};
use crate::domain::assessment_evidence::{AssignmentRecord, Evidence, evidence, ratio};
use crate::domain::indicators::TargetFigure;
use crate::domain::light::china_date;
use crate::domain::roles::{Actor, Role};
use crate::store::assessment::{PlanRecord, plan_record};
use crate::store::audit::NewEvent;
use crate::store::plans::PlanHeader;
use crate::store::{Db, audit, evaluations};

const WEIGHTS_KEY: &str = "assessment.weights";

/// Who reads the assessment: the office and the leaders.
const READERS: &[Role] = &[Role::Admin, Role::Supervisor, Role::Leader];

/// The weights in force and their version (0 while the defaults apply).
pub async fn weights(db: &Db) -> ServiceResult<(AssessmentWeights, i64)> {
    match evaluations::setting(db, WEIGHTS_KEY).await? {
        Some((text, version)) => serde_json::from_str(&text)
            .map(|w| (w, version))
            .map_err(|e| {
                ServiceError::Invalid(format!("stored assessment weights are unreadable: {e}"))
            }),
        None => Ok((AssessmentWeights::default(), 0)),
    }
}

/// An admin sets the weights (they add up to 100) if still at `version`.
pub async fn set_weights(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    new: AssessmentWeights,
    version: i64,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "change the assessment weights")?;
    new.check().map_err(|message| ServiceError::Field {
        field: "weights",
        message,
    })?;
    let text = serde_json::to_string(&new).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let next = evaluations::put_setting(&mut tx, WEIGHTS_KEY, &text, version).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "settings.assessment_weights",
            entity: "setting",
            entity_id: None,
            before: None,
            after: Some(json!(new)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

/// A plan's assessment.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub plan: PlanHeader,
    pub today: Date,
    pub weights: AssessmentWeights,
    pub weights_version: i64,
    /// Best first.
    pub units: Vec<Assessed>,
    /// Every row behind every figure, by unit.
    pub evidence: BTreeMap<i64, Vec<Evidence>>,
}

/// The assessment of a plan (the latest published one when none is named).
pub async fn assessment(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: Option<i64>,
) -> ServiceResult<Assessment> {
    require(actor, READERS, "read the assessment")?;
    let (plan, _) = super::ledger::plan_for(db, actor, plan_id).await?;
    let today = super::lights::today(clock)?;
    let (thresholds, _) = super::settings::thresholds(db).await?;
    let (weights, weights_version) = weights(db).await?;
    let record = plan_record(db, plan.id).await?;
    let year = plan.year.and_then(|y| i16::try_from(y).ok());
    let round_of_year = year.map(|y| y.to_string());
    let mut units: BTreeMap<i64, UnitFigures> = BTreeMap::new();
    let mut rows: BTreeMap<i64, Vec<Evidence>> = BTreeMap::new();
    for (unit_id, unit_name, record) in records(&record, year) {
        let found = evidence(&record, today, &thresholds);
        rows.entry(unit_id).or_default().extend(found);
        units.entry(unit_id).or_insert_with(|| UnitFigures {
            unit_id,
            unit_name,
            ..UnitFigures::default()
        });
    }
    for (assignment, round, body, weighted) in &record.evaluations {
        // The year's evaluations: round 2021, 2021-H1, 2021-Q3…
        if round_of_year
            .as_ref()
            .is_some_and(|y| !round.starts_with(y.as_str()))
        {
            continue;
        }
        if let Some(line) = record.assignments.iter().find(|a| a.id == *assignment)
            && let Some(unit) = units.get_mut(&line.unit_id)
        {
            unit.evaluations.push(*weighted);
            // The evaluation's own row, for the drill-down.
            rows.entry(line.unit_id).or_default().push(Evidence {
                figure: Figure::Evaluation,
                assignment_id: line.id,
                task: format!("{}、{}", line.task_number, line.task_title),
                item: format!("{body} · {round} · 加权得分 {weighted:.2}"),
                due: None,
                done: None,
                counted: true,
                credited: true,
            });
        }
    }
    for (unit_id, unit) in &mut units {
        let mine = rows.get(unit_id).map_or(&[][..], Vec::as_slice);
        unit.claims = ratio(mine, Figure::Claims);
        unit.measures = ratio(mine, Figure::Measures);
        unit.reports = ratio(mine, Figure::Reports);
        unit.rectifications = ratio(mine, Figure::Rectifications);
        unit.targets = ratio(mine, Figure::Targets);
    }
    Ok(Assessment {
        units: assess(units.into_values().collect(), &weights),
        evidence: rows,
        plan,
        today,
        weights,
        weights_version,
    })
}

/// Each live assignment's record, with its unit.
fn records(r: &PlanRecord, year: Option<i16>) -> Vec<(i64, String, AssignmentRecord)> {
    let date = |text: &str| text.parse::<Date>().ok();
    let claims: HashMap<i64, i64> = r.claims.iter().copied().collect();
    r.assignments
        .iter()
        .map(|a| {
            let id = a.id;
            let record = AssignmentRecord {
                assignment_id: id,
                task: format!("{}、{}", a.task_number, a.task_title),
                assigned_on: china_date(a.assigned_at),
                claimed_on: claims.get(&id).and_then(|at| china_date(*at)),
                plan_year: year,
                rhythm: a.rhythm,
                measures: r
                    .measures
                    .iter()
                    .filter(|m| m.0 == id)
                    .filter_map(|(_, what, due, done)| {
                        Some((what.clone(), date(due)?, done.and_then(china_date)))
                    })
                    .collect(),
                reports: r
                    .reports
                    .iter()
                    .filter(|p| p.0 == id)
                    .filter_map(|(_, period, at)| Some((period.parse().ok()?, china_date(*at)?)))
                    .collect(),
                rectifications: r
                    .rectifications
                    .iter()
                    .filter(|f| f.0 == id)
                    .map(|(_, what, due, state, answered)| {
                        (
                            what.clone(),
                            due.as_deref().and_then(date),
                            state == "closed",
                            answered.and_then(china_date),
                        )
                    })
                    .collect(),
                targets: r
                    .targets
                    .iter()
                    .filter(|g| g.0 == id)
                    .map(|(_, metric, op, value, unit, actual)| TargetFigure {
                        metric: metric.clone(),
                        op: op.clone(),
                        value: *value,
                        unit: unit.clone(),
                        actual: *actual,
                    })
                    .collect(),
            };
            (a.unit_id, a.unit_name.clone(), record)
        })
        .collect()
}

/// The assessment as an .xlsx workbook: (file name, bytes).
pub async fn workbook(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: Option<i64>,
) -> ServiceResult<(String, Vec<u8>)> {
    let a = assessment(db, clock, actor, plan_id).await?;
    let names: HashMap<i64, &str> = a
        .units
        .iter()
        .map(|u| (u.figures.unit_id, u.figures.unit_name.as_str()))
        .collect();
    // The rows in the ranking's order.
    let evidence = a
        .units
        .iter()
        .filter_map(|u| {
            let rows = a.evidence.get(&u.figures.unit_id)?;
            Some((*names.get(&u.figures.unit_id)?, rows.as_slice()))
        })
        .collect();
    let bytes =
        crate::export::assessment_xlsx::write(&crate::export::assessment_xlsx::AssessmentBook {
            plan_title: &a.plan.title,
            today: a.today,
            weights: &a.weights,
            units: &a.units,
            evidence,
        })
        .map_err(|e| ServiceError::Invalid(format!("the workbook could not be written: {e}")))?;
    let name = format!(
        "{}年度考核-{}.xlsx",
        a.plan.title,
        a.today.to_string().replace('-', "")
    );
    Ok((name, bytes))
}
