//! The HTTP application: state, router, serving with graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::api::views::HealthBody;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::clock::{Clock, ShiftedClock};
use crate::error::ApiError;
use crate::service::lights::DailyGate;
use crate::store::Db;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// The day this process last saw the stored lights current.
    pub lights_gate: Arc<DailyGate>,
    /// Wakes the scheduler so that a 催办 goes out now; absent when none runs.
    pub scheduler: Option<Arc<tokio::sync::Notify>>,
    /// The demo's movable clock: an admin may move the demo's date.
    pub demo_clock: Option<Arc<ShiftedClock>>,
    /// Cockpits built since the record last changed.
    pub cockpits: Arc<crate::service::cockpit_cache::CockpitCache>,
    /// The directory (LDAP) directory accounts sign in with, if configured.
    pub directory: Option<Arc<crate::directory::Directory>>,
}

impl AppState {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> AppState {
        AppState {
            db,
            clock,
            lights_gate: Arc::default(),
            scheduler: None,
            demo_clock: None,
            cockpits: Arc::default(),
            directory: None,
        }
    }

    /// Asks the scheduler (if one runs in this process) to look now.
    pub fn wake_scheduler(&self) {
        if let Some(wake) = &self.scheduler {
            wake.notify_one();
        }
    }
}

/// On the first request of a new day, lights are brought up to date before
/// anything reads them (the scheduler does the same on its tick).
async fn lights_current(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if let Err(e) =
        crate::service::lights::ensure_current(&state.db, state.clock.as_ref(), &state.lights_gate)
            .await
    {
        tracing::error!(error = %e, "lights could not be brought up to date");
    }
    next.run(request).await
}

/// The span each request is logged in: its method and path, never its query
/// (search text, filters) and never a secret in the path (a calendar feed's
/// URL is its token).
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %loggable_path(request.uri().path()),
    )
}

pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/calendar/") {
        Some(file) if file.ends_with(".ics") => "/calendar/***.ics".into(),
        _ => path.into(),
    }
}

/// Request bodies larger than this are refused (413) before they are read.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub fn router(state: AppState, body_limit: usize) -> Router {
    let (api, openapi) = openapi_router().split_for_parts();
    let openapi = Arc::new(openapi);
    api.route("/healthz", get(healthz))
        .route(
            "/api/v1/openapi.json",
            // Like every endpoint but /healthz and /login, for signed-in callers only.
            get(move |_caller: crate::api::Caller| {
                let document = Arc::clone(&openapi);
                async move { Json(document.as_ref().clone()) }
            }),
        )
        .merge(crate::web::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            lights_current,
        ))
        // A bug must cost one request a 500, not the connection: the caller
        // learns the server failed, and the log says where.
        .layer(CatchPanicLayer::custom(answer_panic))
        .layer(axum::middleware::from_fn(crate::web::error::render_errors))
        .layer(axum::middleware::from_fn(crate::web::security_headers::add))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The answer to a request whose handler panicked: logged with its message,
/// answered like any internal failure.
fn answer_panic(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %message, "a handler panicked");
    axum::response::IntoResponse::into_response(ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server could not complete the request",
    ))
}

/// The API routes with the OpenAPI document they generate.
pub fn openapi_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::api::ApiDoc::openapi()).nest("/api/v1", crate::api::router())
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi_router().split_for_parts().1
}

async fn healthz(State(state): State<AppState>) -> Result<Json<HealthBody>, ApiError> {
    crate::store::ping(&state.db).await.map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            e.to_string(),
        )
    })?;
    Ok(Json(HealthBody {
        status: "ok".to_string(),
        database: state.db.backend().to_string(),
    }))
}

/// An unknown address: a JSON error under the API, a page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint").into_response()
    } else {
        crate::web::WebError::not_found(format!("no page at {}", uri.path())).into_response()
    }
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_is_answered_as_an_internal_failure() {
        let response = answer_panic(Box::new("attempt to multiply with overflow"));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "internal");
        // The panic's text is for the log, never for the caller.
        assert!(!body.to_string().contains("overflow"));
    }
}
