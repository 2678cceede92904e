//! Findings of an inspection and their closing: a rectification (整改) closes
//! only when a supervisor verifies the unit's response (销号).

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 主动提醒.
    Reminder,
    /// 主动服务: the office offers help.
    Service,
    /// 促进整改: a problem to fix by a deadline.
    Rectification,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Reminder => "reminder",
            Action::Service => "service",
            Action::Rectification => "rectification",
        }
    }
}

impl FromStr for Action {
    type Err = String;

    fn from_str(text: &str) -> Result<Action, String> {
        Ok(match text {
            "reminder" => Action::Reminder,
            "service" => Action::Service,
            "rectification" => Action::Rectification,
            other => {
                return Err(format!(
                    "'{other}' is not an action: reminder, service or rectification"
                ));
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingState {
    Open,
    Answered,
    Closed,
}

impl FindingState {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingState::Open => "open",
            FindingState::Answered => "answered",
            FindingState::Closed => "closed",
        }
    }
}

impl FromStr for FindingState {
    type Err = String;

    fn from_str(text: &str) -> Result<FindingState, String> {
        Ok(match text {
            "open" => FindingState::Open,
            "answered" => FindingState::Answered,
            "closed" => FindingState::Closed,
            other => return Err(format!("unknown finding state '{other}'")),
        })
    }
}

/// The unit answers an open finding (or answers again after a reopening).
pub fn respond(state: FindingState) -> Result<FindingState, String> {
    match state {
        FindingState::Open => Ok(FindingState::Answered),
        FindingState::Answered => {
            Err("the finding is already answered; wait for the supervisors".into())
        }
        FindingState::Closed => Err("the finding is closed".into()),
    }
}

/// A supervisor closes a finding (销号). A rectification needs the unit's
/// answer first; a reminder or an offer of service may close unanswered.
pub fn verify(action: Action, state: FindingState) -> Result<FindingState, String> {
    match (action, state) {
        (_, FindingState::Closed) => Err("the finding is already closed".into()),
        (Action::Rectification, FindingState::Open) => {
            Err("a rectification closes only after the unit has answered it".into())
        }
        _ => Ok(FindingState::Closed),
    }
}

/// A supervisor does not accept the answer: the finding opens again.
pub fn reopen(state: FindingState) -> Result<FindingState, String> {
    match state {
        FindingState::Answered => Ok(FindingState::Open),
        FindingState::Open => Err("the finding is open already".into()),
        FindingState::Closed => Err("a closed finding stays closed; raise a new one".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rectification_closes_only_when_answered_and_verified() {
        assert!(verify(Action::Rectification, FindingState::Open).is_err());
        let answered = respond(FindingState::Open).unwrap();
        assert_eq!(reopen(answered), Ok(FindingState::Open));
        assert_eq!(
            verify(Action::Rectification, answered),
            Ok(FindingState::Closed)
        );
        assert!(respond(FindingState::Closed).is_err());
        assert!(verify(Action::Reminder, FindingState::Closed).is_err());
        assert_eq!(
            verify(Action::Reminder, FindingState::Open),
            Ok(FindingState::Closed)
        );
    }
}
