//! One e-mail or robot delivery from the log, with every attempt made: when,
//! how it ended, the error the peer gave, and which server process tried.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;

use super::notify::{robot_label, standing_label};
use super::only_admin;
use crate::app::AppState;
use crate::service::notify_admin::{self, Attempt, LogLine};
use crate::web::error::WebError;
use crate::web::page::{Ctx, Page};

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/notify/deliveries/{id}", get(show))
}

#[derive(Template)]
#[template(path = "admin/delivery.html")]
struct DeliveryPage {
    ctx: Ctx,
    delivery: LogLine,
    attempts: Vec<Attempt>,
}

impl DeliveryPage {
    fn channel_label(&self) -> &'static str {
        match self.delivery.channel.as_str() {
            "email" => self.ctx.t("邮件", "E-mail"),
            robot => robot_label(self.ctx.lang, robot),
        }
    }

    fn standing_label(&self) -> &'static str {
        standing_label(self.ctx.lang, self.delivery.standing)
    }

    fn outcome_label(&self, outcome: &str) -> &'static str {
        match outcome {
            "sent" => self.ctx.t("已发送", "Sent"),
            "retry" => self.ctx.t("失败，将重试", "Failed, to be retried"),
            _ => self.ctx.t("失败", "Failed"),
        }
    }
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    only_admin(&page)?;
    let (delivery, attempts) = notify_admin::delivery(&state.db, &page.actor, id).await?;
    crate::web::render(&DeliveryPage {
        ctx: page.ctx(),
        delivery,
        attempts,
    })
}
