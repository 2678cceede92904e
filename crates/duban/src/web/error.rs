//! Failures on pages. A handler returns a [`WebError`]; the response carries
//! what went wrong, and [`render_errors`] turns it into a page in the reader's
//! language (it knows the request's language cookie; the error does not).
//! Form mistakes are not errors: the form is shown again with its messages.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::i18n::Lang;
use crate::service::ServiceError;
use crate::store::StoreError;

#[derive(Debug)]
pub enum WebError {
    /// Not signed in: to the login page, then back to `next`.
    SignIn { next: String },
    /// A form post without its token, or with a foreign one.
    Csrf,
    /// A page that cannot be shown, with its status and the detail.
    Status { status: StatusCode, detail: String },
}

impl WebError {
    pub fn bad_request(detail: impl Into<String>) -> WebError {
        WebError::Status {
            status: StatusCode::BAD_REQUEST,
            detail: detail.into(),
        }
    }

    pub fn not_found(detail: impl Into<String>) -> WebError {
        WebError::Status {
            status: StatusCode::NOT_FOUND,
            detail: detail.into(),
        }
    }

    pub fn forbidden(detail: impl Into<String>) -> WebError {
        WebError::Status {
            status: StatusCode::FORBIDDEN,
            detail: detail.into(),
        }
    }
}

impl From<ServiceError> for WebError {
    fn from(error: ServiceError) -> WebError {
        // One mapping of service failures to statuses: the API's.
        let api = crate::error::ApiError::from(error);
        WebError::Status {
            status: api.status,
            detail: api.message,
        }
    }
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> WebError {
        WebError::from(ServiceError::Store(error))
    }
}

impl From<askama::Error> for WebError {
    fn from(error: askama::Error) -> WebError {
        tracing::error!(%error, "template failed");
        WebError::Status {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            detail: "the page could not be rendered".into(),
        }
    }
}

/// What a failed page response carries to [`render_errors`].
#[derive(Clone, Debug)]
struct Failure {
    status: StatusCode,
    detail: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::SignIn { next } => {
                let to = format!("/login?next={}", super::url_encode(&next));
                Redirect::to(&to).into_response()
            }
            WebError::Csrf => failure(
                StatusCode::FORBIDDEN,
                "the form's security token is missing or stale; reload the page and send it again"
                    .into(),
            ),
            WebError::Status { status, detail } => failure(status, detail),
        }
    }
}

fn failure(status: StatusCode, detail: String) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(Failure { status, detail });
    response
}

/// Renders failed page responses as pages in the reader's language.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let lang = Lang::of(request.headers());
    let response = next.run(request).await;
    let Some(failure) = response.extensions().get::<Failure>().cloned() else {
        return response;
    };
    let (title, hint) = explain(lang, failure.status);
    let page = ErrorPage {
        lang,
        status: failure.status.as_u16(),
        title,
        hint,
        detail: if failure.status.is_server_error() {
            String::new()
        } else {
            failure.detail
        },
    };
    match askama::Template::render(&page) {
        Ok(html) => (failure.status, Html(html)).into_response(),
        Err(_) => failure.status.into_response(),
    }
}

/// The title and the advice for a status, in the reader's language.
fn explain(lang: Lang, status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::FORBIDDEN => (
            lang.t("无权访问", "Not allowed"),
            lang.t(
                "此页面或操作不属于您的职责范围。如有疑问，请联系督查室。",
                "This page or action is outside your remit. Ask the supervision office if in doubt.",
            ),
        ),
        StatusCode::NOT_FOUND => (
            lang.t("未找到", "Not found"),
            lang.t(
                "您要找的页面或记录不存在，可能已被撤销。",
                "The page or record does not exist; it may have been withdrawn.",
            ),
        ),
        StatusCode::CONFLICT => (
            lang.t("记录已变化", "The record changed"),
            lang.t(
                "该记录刚被他人修改，或当前状态不允许此操作。请返回并刷新后再试。",
                "Someone else changed the record, or its state does not allow this. Go back, reload and try again.",
            ),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            lang.t("文件过大", "File too large"),
            lang.t(
                "上传的内容超过了服务器的限制。",
                "The upload exceeds the server's limit.",
            ),
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            lang.t("尝试次数过多", "Too many attempts"),
            lang.t("请 15 分钟后再试。", "Try again in 15 minutes."),
        ),
        s if s.is_server_error() => (
            lang.t("服务器出错", "Server error"),
            lang.t(
                "服务器未能完成请求，已记录日志。请稍后再试。",
                "The server could not complete the request; it has been logged. Try again later.",
            ),
        ),
        _ => (
            lang.t("请求有误", "Bad request"),
            lang.t(
                "提交的内容无法处理。",
                "What was sent cannot be processed.",
            ),
        ),
    }
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    lang: Lang,
    status: u16,
    title: &'static str,
    hint: &'static str,
    detail: String,
}
