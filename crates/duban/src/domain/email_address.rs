//! An e-mail address a person gives for their reminders: checked only as far
//! as a typing slip shows (one @, something on each side, no spaces); the mail
//! server is the judge of the rest.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The address trimmed, or why it is not one.
    pub fn parse(text: &str) -> Result<EmailAddress, String> {
        let address = text.trim();
        let bad = |why: &str| Err(format!("'{address}' is not an e-mail address: {why}"));
        if address.chars().any(char::is_whitespace) {
            return bad("it contains a space");
        }
        if address.matches('@').count() != 1 {
            return bad("it needs exactly one @");
        }
        let (local, domain) = address.split_once('@').unwrap_or_default();
        if local.is_empty() || domain.is_empty() {
            return bad("a name before the @ and a domain after it");
        }
        if address.chars().count() > 254 {
            return bad("at most 254 characters");
        }
        Ok(EmailAddress(address.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_at_sign_and_no_spaces() {
        assert_eq!(
            EmailAddress::parse(" wang@fgj.gov.cn ").unwrap().as_str(),
            "wang@fgj.gov.cn"
        );
        assert!(EmailAddress::parse("王房管@区房管局.中国").is_ok());
        for bad in [
            "",
            "wang",
            "wang@@fgj.gov.cn",
            "a@b@c",
            "wang @fgj.gov.cn",
            "@fgj.gov.cn",
            "wang@",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }
}
