//! Settings: the light thresholds and report period, and the evaluation
//! weights. Each form carries the version it was loaded with; a save over
//! someone else's says so and keeps what was typed.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{again, field_errors, only_admin, version_of};
use crate::app::AppState;
use crate::domain::evaluation::Weights;
use crate::service::settings::{self, ReportPeriod, StoredThresholds};
use crate::service::{ServiceError, evaluations};
use crate::web::error::WebError;
use crate::web::form::FieldErrors;
use crate::web::page::{Ctx, Page, Posted};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/settings", get(show))
        .route("/admin/settings/thresholds", post(save_thresholds))
        .route("/admin/settings/weights", post(save_weights))
}

/// The thresholds form as typed.
#[derive(Debug, Default, Deserialize)]
struct ThresholdsForm {
    #[serde(default)]
    claim_days: String,
    #[serde(default)]
    measure_warning_days: String,
    #[serde(default)]
    report_grace_days: String,
    #[serde(default)]
    report_period: String,
    #[serde(default)]
    version: String,
}

/// The weights form as typed.
#[derive(Debug, Default, Deserialize)]
struct WeightsForm {
    #[serde(default)]
    completion: String,
    #[serde(default)]
    innovation: String,
    #[serde(default)]
    effect: String,
    #[serde(default)]
    attitude: String,
    #[serde(default)]
    version: String,
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    ctx: Ctx,
    thresholds: ThresholdsForm,
    weights: WeightsForm,
    /// "thresholds" or "weights": the form the messages belong to.
    failed: &'static str,
    errors: FieldErrors,
    done: String,
    /// After a stale save: what is stored now, shown beside the typed values.
    stored_now: Option<String>,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

/// The page with the stored values, except the form being shown again.
async fn settings_page(
    state: &AppState,
    page: &Page,
    typed_thresholds: Option<ThresholdsForm>,
    typed_weights: Option<WeightsForm>,
    failed: &'static str,
    errors: FieldErrors,
    done: String,
) -> Result<SettingsPage, WebError> {
    only_admin(page)?;
    let (stored, t_version) = settings::thresholds(&state.db).await?;
    let (weights, w_version) = evaluations::weights(&state.db).await?;
    let stored = StoredThresholds::from(stored);
    // A stale form keeps what was typed but takes the stored version: the
    // person has now seen the latest values, and sending again means it.
    let stale = |typed: &str, current: i64| typed.trim() != current.to_string();
    let mut stored_now = None;
    let typed_thresholds = typed_thresholds.map(|mut form| {
        if stale(&form.version, t_version) {
            stored_now = Some(format!(
                "{} {} · {} {} · {} {} · {}",
                page.lang.t("认领", "claim"),
                stored.claim_days,
                page.lang.t("措施预警", "measure warning"),
                stored.measure_warning_days,
                page.lang.t("报告宽限", "report grace"),
                stored.report_grace_days,
                page.lang
                    .t(stored.report_period.zh(), stored.report_period.en()),
            ));
            form.version = t_version.to_string();
        }
        form
    });
    let typed_weights = typed_weights.map(|mut form| {
        if stale(&form.version, w_version) {
            stored_now = Some(format!(
                "{} {} · {} {} · {} {} · {} {}",
                page.lang.t("完成情况", "completion"),
                weights.completion,
                page.lang.t("方法创新", "innovation"),
                weights.innovation,
                page.lang.t("实际效果", "effect"),
                weights.effect,
                page.lang.t("工作状态", "attitude"),
                weights.attitude,
            ));
            form.version = w_version.to_string();
        }
        form
    });
    Ok(SettingsPage {
        ctx: page.ctx(),
        stored_now,
        thresholds: typed_thresholds.unwrap_or_else(|| ThresholdsForm {
            claim_days: stored.claim_days.to_string(),
            measure_warning_days: stored.measure_warning_days.to_string(),
            report_grace_days: stored.report_grace_days.to_string(),
            report_period: stored.report_period.as_str().to_string(),
            version: t_version.to_string(),
        }),
        weights: typed_weights.unwrap_or_else(|| WeightsForm {
            completion: weights.completion.to_string(),
            innovation: weights.innovation.to_string(),
            effect: weights.effect.to_string(),
            attitude: weights.attitude.to_string(),
            version: w_version.to_string(),
        }),
        failed,
        errors,
        done,
    })
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let done = done.done.unwrap_or_default();
    let view = settings_page(&state, &page, None, None, "", FieldErrors::new(), done).await?;
    Ok(crate::web::render(&view)?.into_response())
}

/// A number as typed, or a message for its field.
fn number<T: std::str::FromStr>(field: &'static str, text: &str) -> Result<T, ServiceError> {
    text.trim().parse().map_err(|_| ServiceError::Field {
        field,
        message: format!("{field} must be a number"),
    })
}

fn parse_thresholds(form: &ThresholdsForm) -> Result<StoredThresholds, ServiceError> {
    Ok(StoredThresholds {
        claim_days: number("claim_days", &form.claim_days)?,
        measure_warning_days: number("measure_warning_days", &form.measure_warning_days)?,
        report_grace_days: number("report_grace_days", &form.report_grace_days)?,
        report_period: ReportPeriod::parse(&form.report_period).ok_or(ServiceError::Field {
            field: "report_period",
            message: "weekly, half_monthly, monthly or quarterly".into(),
        })?,
    })
}

async fn save_thresholds(
    State(state): State<AppState>,
    Posted(page, form): Posted<ThresholdsForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let version = version_of(&form.version)?;
    let outcome = match parse_thresholds(&form) {
        Ok(new) => {
            settings::set_thresholds(&state.db, state.clock.as_ref(), &page.actor, new, version)
                .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to("/admin/settings?done=thresholds").into_response()),
        Err(e) => {
            let errors = field_errors(page.lang, vec![e])?;
            let view = settings_page(
                &state,
                &page,
                Some(form),
                None,
                "thresholds",
                errors,
                String::new(),
            )
            .await?;
            again(&view)
        }
    }
}

fn parse_weights(form: &WeightsForm) -> Result<Weights, ServiceError> {
    // Any bad figure is the weights' problem as a whole: they add up together.
    let weight = |text: &str| number::<f64>("weights", text);
    Ok(Weights {
        completion: weight(&form.completion)?,
        innovation: weight(&form.innovation)?,
        effect: weight(&form.effect)?,
        attitude: weight(&form.attitude)?,
    })
}

async fn save_weights(
    State(state): State<AppState>,
    Posted(page, form): Posted<WeightsForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    let version = version_of(&form.version)?;
    let outcome = match parse_weights(&form) {
        Ok(weights) => {
            evaluations::set_weights(
                &state.db,
                state.clock.as_ref(),
                &page.actor,
                weights,
                version,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to("/admin/settings?done=weights").into_response()),
        Err(e) => {
            let errors = field_errors(page.lang, vec![e])?;
            let view = settings_page(
                &state,
                &page,
                None,
                Some(form),
                "weights",
                errors,
                String::new(),
            )
            .await?;
            again(&view)
        }
    }
}
