//! The one place where failures become HTTP statuses and JSON error bodies
//! (`{"error": {"code", "message", "field"}}`). 5xx details are logged once
//! and never sent to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::service::ServiceError;
use crate::store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in first")
    }

    pub fn bad_request(field: Option<&str>, message: impl Into<String>) -> ApiError {
        ApiError {
            field: field.map(str::to_string),
            ..ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> ApiError {
        match error {
            ServiceError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            ServiceError::Transition(m) => {
                ApiError::new(StatusCode::CONFLICT, "invalid_transition", m)
            }
            ServiceError::Unauthorized(m) => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", m)
            }
            ServiceError::RateLimited(m) => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", m)
            }
            ServiceError::Unavailable(m) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "directory_unavailable", m)
            }
            ServiceError::NotFound(m) => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{m} does not exist"),
            ),
            ServiceError::Invalid(m) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", m)
            }
            ServiceError::Field { field, message } => ApiError {
                field: Some(field.to_string()),
                ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
            },
            ServiceError::Parse(e) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unreadable_document",
                e.to_string(),
            ),
            ServiceError::Store(StoreError::Conflict {
                entity,
                id,
                expected,
            }) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!(
                    "{entity} {id} was changed by someone else since version {expected}; reload and try again"
                ),
            ),
            ServiceError::Store(StoreError::NotFound { entity, id }) => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{entity} {id} does not exist"),
            ),
            ServiceError::Store(busy @ StoreError::Busy(_)) => {
                tracing::warn!(error = %busy, "write refused");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", busy.to_string())
            }
            ServiceError::Internal(message) => {
                tracing::error!(error = %message, "internal failure");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not complete the request",
                )
            }
            ServiceError::Store(other) => {
                tracing::error!(error = %other, "storage failure");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not complete the request",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            json!({"error": {"code": self.code, "message": self.message, "field": self.field}});
        (self.status, Json(body)).into_response()
    }
}
