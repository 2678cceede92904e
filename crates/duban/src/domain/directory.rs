//! What Duban reads from an LDAP directory, without the network: search
//! filters with a username put in safely, the unit a distinguished name
//! places a person in, and a directory entry read into a person.

use std::collections::HashMap;

/// Escapes a value for an LDAP search filter (RFC 4515): `*`, `(`, `)`, `\`
/// and NUL become `\2a`, `\28`, `\29`, `\5c`, `\00`, so a username such as
/// `*)(uid=*` matches only itself and cannot widen the search.
pub fn escape_filter_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '*' => out.push_str("\\2a"),
            '(' => out.push_str("\\28"),
            ')' => out.push_str("\\29"),
            '\\' => out.push_str("\\5c"),
            '\0' => out.push_str("\\00"),
            other => out.push(other),
        }
    }
    out
}

/// The placeholder of a user filter: `(&(objectClass=inetOrgPerson)(uid={username}))`.
pub const USERNAME_PLACEHOLDER: &str = "{username}";

/// The filter that finds one person by the name typed at sign-in.
pub fn filter_for(user_filter: &str, username: &str) -> String {
    user_filter.replace(USERNAME_PLACEHOLDER, &escape_filter_value(username))
}

/// The filter that finds every person the sync reads: the same filter with
/// any name (`uid=*`), so sign-in and sync agree on who is a user.
pub fn filter_for_everyone(user_filter: &str) -> String {
    user_filter.replace(USERNAME_PLACEHOLDER, "*")
}

/// A distinguished name's parts, first (the entry's own) to last, each as
/// (attribute in lower case, value unescaped). `uid=zhang,ou=区房管局,dc=gov`
/// → [("uid","zhang"), ("ou","区房管局"), ("dc","gov")]. `None` when the name
/// does not read as one (a part without `=`, a dangling escape).
pub fn dn_parts(dn: &str) -> Option<Vec<(String, String)>> {
    let mut parts = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let bytes = dn.as_bytes();
    let mut i = 0;
    let mut finish = |raw: &[u8]| -> Option<()> {
        let text = String::from_utf8(raw.to_vec()).ok()?;
        let (key, value) = text.split_once('=')?;
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() {
            return None;
        }
        parts.push((key, value.trim().to_string()));
        Some(())
    };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let next = *bytes.get(i + 1)?;
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|pair| std::str::from_utf8(pair).ok())
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok());
                match hex {
                    Some(byte) => {
                        current.push(byte);
                        i += 3;
                    }
                    None => {
                        current.push(next);
                        i += 2;
                    }
                }
            }
            b',' => {
                finish(&current)?;
                current.clear();
                i += 1;
            }
            byte => {
                current.push(byte);
                i += 1;
            }
        }
    }
    if !current.is_empty() {
        finish(&current)?;
    }
    Some(parts)
}

/// True when two names denote the same entry, whatever their spacing and
/// the case of attribute names and values (`OU=Units, DC=x` = `ou=units,dc=x`).
pub fn same_dn(a: &str, b: &str) -> bool {
    let fold = |dn: &str| {
        dn_parts(dn).map(|parts| {
            parts
                .into_iter()
                .map(|(key, value)| (key, value.to_lowercase()))
                .collect::<Vec<_>>()
        })
    };
    match (fold(a), fold(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// The unit a person's place in the tree names: the nearest `ou=` above the
/// entry (`uid=zhang,ou=区房管局,ou=units,…` → 区房管局).
pub fn unit_of_dn(dn: &str) -> Option<String> {
    dn_parts(dn)?
        .into_iter()
        .skip(1)
        .find(|(key, _)| key == "ou")
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// Which attributes hold what (the config file's names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub username: String,
    pub display_name: String,
    pub email: String,
    /// An attribute holding the unit's name; `None`: the entry's `ou=` in its DN.
    pub unit: Option<String>,
}

/// A person as the directory has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPerson {
    pub dn: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub unit: Option<String>,
}

/// The first value of an attribute, whatever the case of its name (LDAP
/// attribute names are case-insensitive: `sAMAccountName`, `samaccountname`).
pub fn first_value<'a>(attrs: &'a HashMap<String, Vec<String>>, name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .and_then(|(_, values)| values.iter().map(|v| v.trim()).find(|v| !v.is_empty()))
}

/// An entry read into a person; the reason when it cannot be one (it has no
/// username). A missing display name is the username; a missing unit is
/// left for the sync to judge.
pub fn person_of(
    dn: &str,
    attrs: &HashMap<String, Vec<String>>,
    mapping: &Mapping,
) -> Result<DirectoryPerson, String> {
    let username = first_value(attrs, &mapping.username)
        .ok_or_else(|| format!("{dn}: no {} attribute", mapping.username))?
        .to_string();
    let display_name = first_value(attrs, &mapping.display_name)
        .unwrap_or(&username)
        .to_string();
    let email = first_value(attrs, &mapping.email).map(str::to_string);
    let unit = match &mapping.unit {
        Some(attribute) => first_value(attrs, attribute).map(str::to_string),
        None => unit_of_dn(dn),
    };
    Ok(DirectoryPerson {
        dn: dn.to_string(),
        username,
        display_name,
        email,
        unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_cannot_widen_the_filter() {
        let filter = "(&(objectClass=inetOrgPerson)(uid={username}))";
        assert_eq!(
            filter_for(filter, "*)(uid=*"),
            "(&(objectClass=inetOrgPerson)(uid=\\2a\\29\\28uid=\\2a))"
        );
        assert_eq!(
            filter_for(filter, "a\\b\0"),
            "(&(objectClass=inetOrgPerson)(uid=a\\5cb\\00))"
        );
        assert_eq!(
            filter_for_everyone(filter),
            "(&(objectClass=inetOrgPerson)(uid=*))"
        );
    }

    #[test]
    fn the_unit_is_the_nearest_ou_above_the_entry() {
        assert_eq!(
            unit_of_dn("uid=zhang,ou=区房管局,ou=units,dc=district,dc=gov,dc=cn").as_deref(),
            Some("区房管局")
        );
        // Escaped commas and hex escapes (how some servers send non-ASCII).
        assert_eq!(
            unit_of_dn("cn=Li\\, Si,OU=\\E5\\8C\\BA\\E6\\B0\\91\\E6\\94\\BF\\E5\\B1\\80,DC=x")
                .as_deref(),
            Some("区民政局")
        );
        assert_eq!(unit_of_dn("cn=admin,dc=x"), None);
        assert_eq!(
            unit_of_dn("ou=区房管局,dc=x"),
            None,
            "its own ou is not above it"
        );
        assert_eq!(dn_parts("cn=a,broken"), None);
        assert!(same_dn("OU=Units, DC=x", "ou=units,dc=x"));
        assert!(!same_dn("ou=区房管局,ou=units,dc=x", "ou=units,dc=x"));
        assert_eq!(dn_parts("cn=a\\"), None);
    }

    #[test]
    fn an_entry_reads_into_a_person_whatever_the_case_of_its_attributes() {
        let attrs: HashMap<String, Vec<String>> = [
            ("sAMAccountName", vec!["zhangsan"]),
            ("displayName", vec!["张三"]),
            ("department", vec![" 区房管局 "]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
        .collect();
        let ad = Mapping {
            username: "samaccountname".into(),
            display_name: "displayname".into(),
            email: "mail".into(),
            unit: Some("department".into()),
        };
        let person = person_of("CN=张三,OU=Staff,DC=x", &attrs, &ad).unwrap();
        assert_eq!(person.username, "zhangsan");
        assert_eq!(person.display_name, "张三");
        assert_eq!(person.email, None);
        assert_eq!(person.unit.as_deref(), Some("区房管局"));
        let by_dn = Mapping {
            unit: None,
            ..ad.clone()
        };
        assert_eq!(
            person_of("CN=张三,OU=Staff,DC=x", &attrs, &by_dn)
                .unwrap()
                .unit
                .as_deref(),
            Some("Staff")
        );
        let nameless = Mapping {
            username: "uid".into(),
            ..ad
        };
        assert!(
            person_of("CN=x", &attrs, &nameless)
                .unwrap_err()
                .contains("no uid attribute")
        );
    }
}
