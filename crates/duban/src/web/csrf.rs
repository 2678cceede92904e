//! Cross-site request forgery: every form carries a token a foreign page
//! cannot know. Signed in, the token is derived from the session secret (the
//! cookie is HttpOnly, so script on another site can read neither); before
//! signing in, the login form pairs a hidden field with a cookie of its own.

use sha2::{Digest, Sha256};

/// The cookie that pairs with the login form's hidden field.
pub const LOGIN_COOKIE: &str = "duban_login_csrf";

/// The form token of a session.
pub fn session_token(session: &str) -> String {
    let digest = Sha256::digest(format!("duban-csrf\0{session}").as_bytes());
    hex::encode(&digest[..20])
}

/// A fresh random token for the login form.
pub fn login_token() -> Result<String, String> {
    crate::domain::secrets::new_token()
}

/// Equal, in time that does not depend on where they differ.
pub fn matches(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_token_is_stable_and_differs_between_sessions() {
        assert_eq!(session_token("abc"), session_token("abc"));
        assert_ne!(session_token("abc"), session_token("abd"));
        assert_eq!(session_token("abc").len(), 40);
    }

    #[test]
    fn tokens_match_only_when_equal_and_present() {
        assert!(matches("0123", "0123"));
        assert!(!matches("0123", "0124"));
        assert!(!matches("0123", "012"));
        assert!(!matches("", ""));
    }
}
