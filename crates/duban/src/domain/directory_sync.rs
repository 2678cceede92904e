//! What a directory sync changes, decided before anything is written: the
//! people and units read from the directory against the users and units the
//! record holds. Local accounts are never touched; directory accounts are
//! made, kept current, turned off when gone, and on again when back.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::directory::DirectoryPerson;
use super::email_address::EmailAddress;

/// A user as the record holds it, for the sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub id: i64,
    pub version: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub unit_id: Option<i64>,
    pub active: bool,
    /// False for a local account.
    pub directory: bool,
    /// Turned off by a sync because the directory no longer had it.
    pub gone: bool,
}

/// A unit a person belongs to: one on record, or one this sync makes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnitRef {
    Held(i64),
    New(String),
}

/// One decision about one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Create {
        username: String,
        display_name: String,
        email: Option<String>,
        unit: Option<UnitRef>,
    },
    /// New values for what differs; `reinstate` turns a gone account on again.
    Update {
        id: i64,
        version: i64,
        username: String,
        display_name: Option<String>,
        email: Option<Option<String>>,
        unit: Option<UnitRef>,
        reinstate: bool,
    },
    Disable {
        id: i64,
        version: i64,
        username: String,
    },
}

/// Everything one sync does, and what it left alone and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub new_units: Vec<String>,
    pub changes: Vec<Change>,
    /// (username or DN, why) for entries the sync would not act on.
    pub skipped: Vec<(String, String)>,
    /// Directory accounts already as the directory has them.
    pub unchanged: usize,
}

/// The rules a new account gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// A liaison acts for a unit: one without a unit cannot be made.
    pub needs_unit: bool,
}

fn valid_username(username: &str) -> bool {
    (2..=64).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'))
}

/// Decides the sync. `units` maps every name and alias on record to its
/// unit; `directory_units` are the units the directory lists (made when
/// missing); `people` the directory's people; `held` every user on record.
pub fn plan(
    people: &[DirectoryPerson],
    directory_units: &[String],
    units: &HashMap<String, i64>,
    held: &[Held],
    rules: Rules,
) -> Plan {
    let mut out = Plan::default();
    let new_units: BTreeSet<String> = directory_units
        .iter()
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty() && !units.contains_key(name))
        .collect();
    let unit_ref = |name: &str| -> Option<UnitRef> {
        match units.get(name) {
            Some(id) => Some(UnitRef::Held(*id)),
            None if new_units.contains(name) => Some(UnitRef::New(name.to_string())),
            None => None,
        }
    };
    // A username the directory gives twice names nobody for sure: neither is used.
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for person in people {
        *seen.entry(person.username.as_str()).or_default() += 1;
    }
    let by_name: HashMap<&str, &Held> = held.iter().map(|h| (h.username.as_str(), h)).collect();
    let mut present: BTreeSet<&str> = BTreeSet::new();
    for person in people {
        let name = person.username.as_str();
        if seen[name] > 1 {
            present.insert(name);
            out.skipped.push((
                name.into(),
                format!("{} entries have this username", seen[name]),
            ));
            continue;
        }
        present.insert(name);
        if !valid_username(name) {
            out.skipped.push((
                person.dn.clone(),
                format!("username '{name}': 2–64 letters, digits or _ - . @"),
            ));
            continue;
        }
        let display_name: String = person.display_name.trim().chars().take(100).collect();
        let email = person
            .email
            .as_deref()
            .and_then(|e| EmailAddress::parse(e).ok())
            .map(|e| e.as_str().to_string());
        let unit = match person.unit.as_deref().map(str::trim) {
            Some(unit_name) if !unit_name.is_empty() => match unit_ref(unit_name) {
                Some(found) => Some(found),
                None => {
                    let why = format!(
                        "unit '{unit_name}' is neither on record nor in the directory's units"
                    );
                    out.skipped.push((name.into(), why));
                    continue;
                }
            },
            _ => None,
        };
        match by_name.get(name) {
            None => {
                if unit.is_none() && rules.needs_unit {
                    out.skipped
                        .push((name.into(), "no unit: a liaison acts for a unit".into()));
                    continue;
                }
                out.changes.push(Change::Create {
                    username: name.into(),
                    display_name,
                    email,
                    unit,
                });
            }
            Some(user) if !user.directory => {
                out.skipped.push((
                    name.into(),
                    "a local account has this username; it is left alone".into(),
                ));
            }
            Some(user) => {
                let display = (user.display_name != display_name).then(|| display_name.clone());
                let mail = (user.email != email).then(|| email.clone());
                // No unit in the directory keeps the one on record (a liaison must have one).
                let moved = match &unit {
                    Some(UnitRef::Held(id)) if user.unit_id == Some(*id) => None,
                    other => other.clone(),
                };
                let reinstate = user.gone && !user.active;
                if display.is_none() && mail.is_none() && moved.is_none() && !reinstate {
                    out.unchanged += 1;
                    continue;
                }
                out.changes.push(Change::Update {
                    id: user.id,
                    version: user.version,
                    username: name.into(),
                    display_name: display,
                    email: mail,
                    unit: moved,
                    reinstate,
                });
            }
        }
    }
    for user in held {
        if user.directory && user.active && !present.contains(user.username.as_str()) {
            out.changes.push(Change::Disable {
                id: user.id,
                version: user.version,
                username: user.username.clone(),
            });
        }
    }
    out.new_units = new_units.into_iter().collect();
    out
}

#[cfg(test)]
#[path = "directory_sync_tests.rs"]
mod tests;
