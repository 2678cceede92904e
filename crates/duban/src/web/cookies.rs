//! The cookies Duban sets, written in one place: HttpOnly (script never reads
//! them), SameSite=Lax (another site's form does not carry them), and Secure
//! when the request came over TLS, which a reverse proxy terminating it says
//! with `X-Forwarded-Proto: https` (README, "Behind nginx with TLS"). Trusting
//! that header can only ever add Secure, never take it away.

use axum::http::HeaderMap;

use super::csrf::LOGIN_COOKIE;
use super::i18n::LANG_COOKIE;
use crate::api::SESSION_COOKIE;
use crate::service::auth::SESSION_HOURS;

/// Whether the browser reached us over HTTPS through a proxy.
pub fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

fn cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
    headers: &HeaderMap,
) -> String {
    let mut cookie = format!("{name}={value}; HttpOnly; SameSite=Lax; Path={path}");
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if over_tls(headers) {
        cookie.push_str("; Secure");
    }
    cookie
}

/// A new session, for as long as sessions last.
pub fn session(token: &str, headers: &HeaderMap) -> String {
    cookie(
        SESSION_COOKIE,
        token,
        "/",
        Some(SESSION_HOURS * 3600),
        headers,
    )
}

/// The session cookie removed (signing out).
pub fn session_ended(headers: &HeaderMap) -> String {
    cookie(SESSION_COOKIE, "", "/", Some(0), headers)
}

/// The login form's CSRF token, sent back only to /login.
pub fn login_csrf(token: &str, headers: &HeaderMap) -> String {
    cookie(LOGIN_COOKIE, token, "/login", None, headers)
}

/// The login form's token, spent.
pub fn login_csrf_spent(headers: &HeaderMap) -> String {
    cookie(LOGIN_COOKIE, "", "/login", Some(0), headers)
}

/// The chosen language, kept for a year. Not HttpOnly-sensitive, but there is
/// no script that needs it either.
pub fn language(code: &str, headers: &HeaderMap) -> String {
    cookie(LANG_COOKIE, code, "/", Some(31_536_000), headers)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    #[test]
    fn secure_only_behind_tls() {
        let plain = HeaderMap::new();
        assert_eq!(
            super::session("abc", &plain),
            "duban_session=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200"
        );
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-proto", "https".parse().unwrap());
        assert_eq!(
            super::session_ended(&proxied),
            "duban_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Secure"
        );
        proxied.insert("x-forwarded-proto", "http".parse().unwrap());
        assert!(!super::login_csrf("t", &proxied).contains("Secure"));
    }
}
