//! The ledger as an .xlsx download (`/ledger.xlsx`), with the ledger page's
//! filters; a liaison gets its own unit's ledger.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::WebError;
use super::ledger::{LedgerQuery, given};
use super::page::Page;
use crate::app::AppState;
use crate::service::ledger_export::{LedgerExportQuery, export_ledger};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn router() -> Router<AppState> {
    Router::new().route("/ledger.xlsx", get(download))
}

async fn download(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<LedgerQuery>,
) -> Result<Response, WebError> {
    let wanted = LedgerExportQuery {
        plan: given(&query.plan)
            .map(|p| p.parse())
            .transpose()
            .map_err(|_| WebError::bad_request("plan is a number"))?,
        unit: given(&query.unit),
        light: given(&query.light),
        category: given(&query.category),
        state: given(&query.state),
        text: given(&query.q),
    };
    let file = export_ledger(&state.db, state.clock.as_ref(), &page.actor, &wanted).await?;
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CONTENT_DISPOSITION, attachment(&file.file_name)),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        file.bytes,
    )
        .into_response())
}

/// `attachment` with an ASCII fallback name and the real one in UTF-8 (RFC 6266 / 5987).
pub fn attachment(name: &str) -> String {
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    format!("attachment; filename=\"ledger.{ext}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_name_travels_in_utf8() {
        assert_eq!(
            super::attachment("台账 1.xlsx"),
            "attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6%201.xlsx"
        );
    }
}
