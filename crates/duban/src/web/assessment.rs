//! The annual unit assessment (年度考核): the units of a plan ranked by the
//! weighted total of their evaluations and their record's five rates, each
//! figure a link to the rows it was counted from; the admin sets the weights.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::error::WebError;
use super::form::FieldErrors;
use super::page::{Ctx, Page, Posted};
use super::render;
use crate::app::AppState;
use crate::domain::assessment::{Assessed, AssessmentWeights, Figure};
use crate::domain::assessment_evidence::Evidence;
use crate::domain::roles::Role;
use crate::service::assessment::{Assessment, assessment, set_weights};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assessment", get(show))
        .route("/assessment/weights", post(save_weights))
        .route("/assessment/units/{id}", get(unit))
        .route("/assessment.xlsx", get(download))
}

#[derive(Deserialize, Default)]
struct PlanQuery {
    plan: Option<i64>,
}

/// A figure's name, Chinese first.
pub fn figure_label(ctx: &Ctx, figure: Figure) -> &'static str {
    match figure {
        Figure::Evaluation => ctx.t("督查评价", "Evaluations"),
        Figure::Claims => ctx.t("按时认领率", "Claimed on time"),
        Figure::Measures => ctx.t("措施按期完成率", "Measures on time"),
        Figure::Reports => ctx.t("进展按时报送率", "Reports on time"),
        Figure::Rectifications => ctx.t("整改按期销号率", "Rectified on time"),
        Figure::Targets => ctx.t("量化目标达成率", "Targets reached"),
    }
}

fn score(value: &Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v:.2}"))
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    ctx: Ctx,
    a: Assessment,
    figures: [Figure; 6],
    admin: bool,
    errors: FieldErrors,
    typed: Option<WeightsForm>,
}

impl AssessmentPage {
    fn label(&self, figure: &Figure) -> &'static str {
        figure_label(&self.ctx, *figure)
    }

    fn score(&self, value: &Option<f64>) -> String {
        score(value)
    }

    fn weight(&self, index: &usize) -> String {
        match &self.typed {
            Some(form) => form.each()[*index].clone(),
            None => self.a.weights.each()[*index].to_string(),
        }
    }

    fn ratio(&self, unit: &Assessed, figure: &Figure) -> String {
        let f = &unit.figures;
        let r = match figure {
            Figure::Evaluation => return format!("{} 次", f.evaluations.len()),
            Figure::Claims => f.claims,
            Figure::Measures => f.measures,
            Figure::Reports => f.reports,
            Figure::Rectifications => f.rectifications,
            Figure::Targets => f.targets,
        };
        format!("{}/{}", r.done, r.of)
    }
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<PlanQuery>,
) -> Result<Html<String>, WebError> {
    let a = assessment(&state.db, state.clock.as_ref(), &page.actor, q.plan).await?;
    render(&AssessmentPage {
        ctx: page.ctx(),
        figures: Figure::ALL,
        admin: page.is(&[Role::Admin]),
        errors: FieldErrors::default(),
        typed: None,
        a,
    })
}

#[derive(Deserialize, Default, Clone)]
struct WeightsForm {
    #[serde(default)]
    plan: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    evaluation: String,
    #[serde(default)]
    claims: String,
    #[serde(default)]
    measures: String,
    #[serde(default)]
    reports: String,
    #[serde(default)]
    rectifications: String,
    #[serde(default)]
    targets: String,
}

impl WeightsForm {
    fn each(&self) -> [String; 6] {
        [
            self.evaluation.clone(),
            self.claims.clone(),
            self.measures.clone(),
            self.reports.clone(),
            self.rectifications.clone(),
            self.targets.clone(),
        ]
    }

    fn parse(&self) -> Option<AssessmentWeights> {
        let n = |text: &str| text.trim().parse::<u32>().ok();
        Some(AssessmentWeights {
            evaluation: n(&self.evaluation)?,
            claims: n(&self.claims)?,
            measures: n(&self.measures)?,
            reports: n(&self.reports)?,
            rectifications: n(&self.rectifications)?,
            targets: n(&self.targets)?,
        })
    }
}

async fn save_weights(
    State(state): State<AppState>,
    Posted(page, form): Posted<WeightsForm>,
) -> Result<Response, WebError> {
    let plan = form.plan.trim().parse::<i64>().ok();
    let version = form.version.trim().parse::<i64>().unwrap_or(-1);
    let outcome = match form.parse() {
        Some(weights) => {
            set_weights(
                &state.db,
                state.clock.as_ref(),
                &page.actor,
                weights,
                version,
            )
            .await
        }
        None => Err(crate::service::ServiceError::Field {
            field: "weights",
            message: "each weight is a whole number of percent".into(),
        }),
    };
    match outcome {
        Ok(_) => {
            let to = plan.map_or_else(
                || "/assessment".to_string(),
                |p| format!("/assessment?plan={p}"),
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(error) => {
            let errors = FieldErrors::from_service(page.lang, error)?;
            let a = assessment(&state.db, state.clock.as_ref(), &page.actor, plan).await?;
            let body = render(&AssessmentPage {
                ctx: page.ctx(),
                figures: Figure::ALL,
                admin: page.is(&[Role::Admin]),
                errors,
                typed: Some(form),
                a,
            })?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "assessment_unit.html")]
struct UnitPage {
    ctx: Ctx,
    plan_id: i64,
    plan_title: String,
    unit: Assessed,
    /// (figure, its rows)
    sections: Vec<(Figure, Vec<Evidence>)>,
}

impl UnitPage {
    fn label(&self, figure: &Figure) -> &'static str {
        figure_label(&self.ctx, *figure)
    }

    fn score(&self, value: &Option<f64>) -> String {
        score(value)
    }
}

async fn unit(
    State(state): State<AppState>,
    page: Page,
    Path(unit_id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> Result<Html<String>, WebError> {
    let mut a = assessment(&state.db, state.clock.as_ref(), &page.actor, q.plan).await?;
    let at = a
        .units
        .iter()
        .position(|u| u.figures.unit_id == unit_id)
        .ok_or_else(|| WebError::not_found(format!("unit {unit_id} holds no task of this plan")))?;
    let unit = a.units.swap_remove(at);
    let rows = a.evidence.remove(&unit_id).unwrap_or_default();
    let sections = Figure::ALL
        .iter()
        .map(|f| {
            (
                *f,
                rows.iter().filter(|e| e.figure == *f).cloned().collect(),
            )
        })
        .collect();
    render(&UnitPage {
        ctx: page.ctx(),
        plan_id: a.plan.id,
        plan_title: a.plan.title.clone(),
        unit,
        sections,
    })
}

/// The ranking and every row behind it, as a workbook.
async fn download(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<PlanQuery>,
) -> Result<Response, WebError> {
    use axum::http::header;
    let (name, bytes) =
        crate::service::assessment::workbook(&state.db, state.clock.as_ref(), &page.actor, q.plan)
            .await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                super::ledger_download::XLSX.to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                super::ledger_download::attachment(&name),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
