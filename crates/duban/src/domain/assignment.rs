//! An assignment's life: assigned → claimed → in progress → done (declared) →
//! verified (销号), and the moves each role may make.

use std::fmt;
use std::str::FromStr;

use super::roles::{Actor, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Assigned,
    Claimed,
    InProgress,
    Done,
    Verified,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Assigned => "assigned",
            State::Claimed => "claimed",
            State::InProgress => "in_progress",
            State::Done => "done",
            State::Verified => "verified",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for State {
    type Err = String;

    fn from_str(text: &str) -> Result<State, String> {
        Ok(match text {
            "assigned" => State::Assigned,
            "claimed" => State::Claimed,
            "in_progress" => State::InProgress,
            "done" => State::Done,
            "verified" => State::Verified,
            other => return Err(format!("unknown assignment state '{other}'")),
        })
    }
}

/// A move on an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The unit takes the task on (认领).
    Claim,
    /// The unit starts work (also implied by its first measure).
    Start,
    /// The unit declares the work done (办结).
    DeclareDone,
    /// The supervisors accept the completion (销号).
    Verify,
    /// The supervisors send a declared completion back (驳回), with a reason.
    Reject,
}

impl Move {
    pub fn as_str(self) -> &'static str {
        match self {
            Move::Claim => "claim",
            Move::Start => "start",
            Move::DeclareDone => "declare_done",
            Move::Verify => "verify",
            Move::Reject => "reject",
        }
    }

    /// The state a move leads to from `from`, or why it cannot be made.
    pub fn apply(self, from: State) -> Result<State, String> {
        use State::*;
        let to = match (self, from) {
            (Move::Claim, Assigned) => Claimed,
            (Move::Start, Claimed) => InProgress,
            (Move::DeclareDone, Claimed | InProgress) => Done,
            (Move::Verify, Done) => Verified,
            (Move::Reject, Done) => InProgress,
            (Move::Claim, _) => {
                return Err(format!(
                    "the assignment is already {from}; it can be claimed once"
                ));
            }
            (Move::Start, _) => {
                return Err(format!(
                    "only a claimed assignment can start (it is {from})"
                ));
            }
            (Move::DeclareDone, _) => {
                return Err(format!(
                    "only claimed or running work can be declared done (it is {from})"
                ));
            }
            (Move::Verify | Move::Reject, _) => {
                return Err(format!(
                    "only work declared done can be verified or sent back (it is {from})"
                ));
            }
        };
        Ok(to)
    }

    /// Who may make the move on an assignment of `unit_id`.
    pub fn allowed(self, actor: &Actor, unit_id: i64) -> bool {
        match self {
            Move::Claim | Move::Start | Move::DeclareDone => {
                actor.role == Role::Admin
                    || (actor.role == Role::Liaison && actor.unit_id == Some(unit_id))
            }
            Move::Verify | Move::Reject => matches!(actor.role, Role::Admin | Role::Supervisor),
        }
    }
}

/// Who may add and edit the measures of an assignment of `unit_id`.
pub fn may_edit_measures(actor: &Actor, unit_id: i64) -> bool {
    actor.role == Role::Admin || (actor.role == Role::Liaison && actor.unit_id == Some(unit_id))
}

/// The deadline a unit works to: a granted extension's date, else the task's
/// own deadline, else the last day of the plan's year.
pub fn deadline_in_force(
    extended_to: Option<&str>,
    task_deadline: Option<&str>,
    plan_year: Option<i64>,
) -> Option<jiff::civil::Date> {
    let date = |text: &str| text.parse::<jiff::civil::Date>().ok();
    extended_to
        .and_then(date)
        .or_else(|| task_deadline.and_then(date))
        .or_else(|| {
            plan_year
                .and_then(|y| i16::try_from(y).ok())
                .and_then(|y| jiff::civil::Date::new(y, 12, 31).ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, unit_id: Option<i64>) -> Actor {
        Actor {
            name: "user:test".into(),
            role,
            unit_id,
            body_id: None,
        }
    }

    #[test]
    fn the_life_of_an_assignment() {
        let mut state = State::Assigned;
        for step in [
            Move::Claim,
            Move::Start,
            Move::DeclareDone,
            Move::Reject,
            Move::DeclareDone,
            Move::Verify,
        ] {
            state = step.apply(state).unwrap();
        }
        assert_eq!(state, State::Verified);
    }

    #[test]
    fn moves_out_of_turn_are_refused() {
        assert!(
            Move::Claim
                .apply(State::Claimed)
                .unwrap_err()
                .contains("claimed once")
        );
        assert!(Move::Verify.apply(State::InProgress).is_err());
        assert!(Move::Reject.apply(State::Verified).is_err());
        assert!(Move::Start.apply(State::Assigned).is_err());
        assert_eq!(Move::DeclareDone.apply(State::Claimed), Ok(State::Done));
    }

    #[test]
    fn units_act_for_themselves_and_supervisors_verify() {
        let own = actor(Role::Liaison, Some(7));
        let other = actor(Role::Liaison, Some(8));
        assert!(Move::Claim.allowed(&own, 7));
        assert!(!Move::Claim.allowed(&other, 7));
        assert!(!Move::Verify.allowed(&own, 7));
        assert!(Move::Verify.allowed(&actor(Role::Supervisor, None), 7));
        assert!(!Move::Claim.allowed(&actor(Role::Supervisor, None), 7));
        assert!(!Move::Claim.allowed(&actor(Role::Leader, None), 7));
        assert!(!may_edit_measures(&actor(Role::Viewer, None), 7));
        assert!(may_edit_measures(&own, 7));
    }

    #[test]
    fn the_deadline_in_force_is_the_extension_then_the_task_then_the_year_end() {
        let d = |t: &str| t.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(
            deadline_in_force(Some("2021-07-31"), Some("2021-07-05"), Some(2021)),
            Some(d("2021-07-31"))
        );
        assert_eq!(
            deadline_in_force(None, Some("2021-07-05"), Some(2021)),
            Some(d("2021-07-05"))
        );
        assert_eq!(
            deadline_in_force(None, None, Some(2021)),
            Some(d("2021-12-31"))
        );
        assert_eq!(deadline_in_force(None, None, None), None);
    }
}
