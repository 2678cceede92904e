//! Who acts: a user's role, and the actor a service call runs as.

use std::fmt;
use std::str::FromStr;

/// The roles of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything.
    Admin,
    /// Plans, assignments, inspections, findings, evaluations, reminders, for its body.
    Supervisor,
    /// Reads everything, writes instructions (批示).
    Leader,
    /// Acts for its own unit only.
    Liaison,
    /// Reads.
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Leader => "leader",
            Role::Liaison => "liaison",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Role, String> {
        Ok(match text {
            "admin" => Role::Admin,
            "supervisor" => Role::Supervisor,
            "leader" => Role::Leader,
            "liaison" => Role::Liaison,
            "viewer" => Role::Viewer,
            other => {
                return Err(format!(
                    "unknown role '{other}': admin, supervisor, leader, liaison or viewer"
                ));
            }
        })
    }
}

/// Who a service call acts for; written into every audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// "user:NAME", or "system:cli" for the operator at the server's shell.
    pub name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    /// The supervision body a supervisor acts for.
    pub body_id: Option<i64>,
}

impl Actor {
    /// The operator running a `duban` command on the server: shell access to
    /// the database is already everything, so the command acts as admin.
    pub fn operator() -> Actor {
        Actor {
            name: "system:cli".to_string(),
            role: Role::Admin,
            unit_id: None,
            body_id: None,
        }
    }

    /// True unless the actor is a supervisor of another body.
    pub fn acts_for_body(&self, body_id: i64) -> bool {
        self.role != Role::Supervisor || self.body_id.is_none_or(|own| own == body_id)
    }
}
