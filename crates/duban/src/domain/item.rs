//! A supervised item (督办事项) opened outside the annual plan: where it came
//! from, its number in the office's series, whether a leader approves it
//! before it is assigned, and why a unit may hand it back (退回).

use std::fmt;
use std::str::FromStr;

/// Where an item came from (立项来源). The annual plan's tasks are opened by
/// importing the plan; these are the other sources an office registers by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// 会议交办: a decision of a meeting.
    Meeting,
    /// 领导批示: a leader's written instruction.
    LeaderInstruction,
    /// 上级文件: a higher-level document.
    HigherDocument,
    /// 人大代表建议: an NPC deputy's suggestion.
    NpcSuggestion,
    /// 政协提案: a CPPCC proposal.
    CppccProposal,
    /// 群众线索: a clue from the public (hotline, letters and visits).
    PublicClue,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Meeting,
        Source::LeaderInstruction,
        Source::HigherDocument,
        Source::NpcSuggestion,
        Source::CppccProposal,
        Source::PublicClue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Meeting => "meeting",
            Source::LeaderInstruction => "leader_instruction",
            Source::HigherDocument => "higher_document",
            Source::NpcSuggestion => "npc_suggestion",
            Source::CppccProposal => "cppcc_proposal",
            Source::PublicClue => "public_clue",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Source::Meeting => "会议交办",
            Source::LeaderInstruction => "领导批示",
            Source::HigherDocument => "上级文件",
            Source::NpcSuggestion => "人大代表建议",
            Source::CppccProposal => "政协提案",
            Source::PublicClue => "群众线索",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Source::Meeting => "Meeting decision",
            Source::LeaderInstruction => "Leader's instruction",
            Source::HigherDocument => "Higher-level document",
            Source::NpcSuggestion => "NPC deputy's suggestion",
            Source::CppccProposal => "CPPCC proposal",
            Source::PublicClue => "Public clue",
        }
    }

    /// What the source reference names, for the form's hint.
    pub fn reference_hint(self) -> &'static str {
        match self {
            Source::Meeting => "会议名称及日期，如：区政府第12次常务会议（2021年5月10日）",
            Source::LeaderInstruction => "批示领导、日期及批示件号",
            Source::HigherDocument => "发文机关及文号",
            Source::NpcSuggestion => "建议编号及领衔代表",
            Source::CppccProposal => "提案编号及提案人",
            Source::PublicClue => "线索来源（热线工单号、来信来访编号）",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Source {
    type Err = String;

    fn from_str(text: &str) -> Result<Source, String> {
        Source::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "unknown source '{text}': meeting, leader_instruction, higher_document, \
                     npc_suggestion, cppcc_proposal or public_clue"
                )
            })
    }
}

/// An item's standing before it becomes work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// Opened, waiting for a leader's approval (领导审核) before assignment.
    AwaitingApproval,
    /// The leader refused it; it is kept, never assigned.
    Refused,
    /// Handed to its units (交办).
    Assigned,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::AwaitingApproval => "awaiting_approval",
            ItemState::Refused => "refused",
            ItemState::Assigned => "assigned",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            ItemState::AwaitingApproval => "待领导审核",
            ItemState::Refused => "未通过审核",
            ItemState::Assigned => "已交办",
        }
    }
}

impl FromStr for ItemState {
    type Err = String;

    fn from_str(text: &str) -> Result<ItemState, String> {
        Ok(match text {
            "awaiting_approval" => ItemState::AwaitingApproval,
            "refused" => ItemState::Refused,
            "assigned" => ItemState::Assigned,
            other => return Err(format!("unknown item state '{other}'")),
        })
    }
}

/// The office's numbering of its items when no setting says otherwise.
pub const DEFAULT_NUMBER_FORMAT: &str = "督〔{year}〕{seq}号";

/// An item's number in the office's format: `{year}` and `{seq}` filled in.
pub fn number(format: &str, year: i64, seq: i64) -> String {
    format
        .replace("{year}", &year.to_string())
        .replace("{seq}", &seq.to_string())
}

/// A number format must say where the sequence goes, or every item of a
/// year would carry the same number.
pub fn check_number_format(format: &str) -> Result<(), String> {
    if !format.contains("{seq}") {
        return Err("the number format must contain {seq}, e.g. 督〔{year}〕{seq}号".into());
    }
    if format.chars().count() > 40 {
        return Err("the number format is at most 40 characters".into());
    }
    Ok(())
}

/// Why a unit hands an assignment back (退回).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnReason {
    /// 不属于本单位职责.
    NotOurRemit,
    /// 交办单位有误 (another unit holds this remit).
    WrongUnit,
    Other,
}

impl ReturnReason {
    pub const ALL: [ReturnReason; 3] = [
        ReturnReason::NotOurRemit,
        ReturnReason::WrongUnit,
        ReturnReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReturnReason::NotOurRemit => "not_our_remit",
            ReturnReason::WrongUnit => "wrong_unit",
            ReturnReason::Other => "other",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            ReturnReason::NotOurRemit => "不属于本单位职责",
            ReturnReason::WrongUnit => "交办单位有误",
            ReturnReason::Other => "其他原因",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            ReturnReason::NotOurRemit => "Not our remit",
            ReturnReason::WrongUnit => "Wrong unit",
            ReturnReason::Other => "Other",
        }
    }
}

impl FromStr for ReturnReason {
    type Err = String;

    fn from_str(text: &str) -> Result<ReturnReason, String> {
        ReturnReason::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| {
                format!("unknown return reason '{text}': not_our_remit, wrong_unit or other")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_office_format() {
        assert_eq!(number(DEFAULT_NUMBER_FORMAT, 2021, 12), "督〔2021〕12号");
        assert_eq!(
            number("长督办〔{year}〕第{seq}号", 2022, 3),
            "长督办〔2022〕第3号"
        );
        assert!(check_number_format("督〔{year}〕号").is_err());
        assert!(check_number_format(DEFAULT_NUMBER_FORMAT).is_ok());
    }

    #[test]
    fn sources_and_reasons_read_back_what_they_write() {
        for source in Source::ALL {
            assert_eq!(source.as_str().parse::<Source>(), Ok(source));
        }
        for reason in ReturnReason::ALL {
            assert_eq!(reason.as_str().parse::<ReturnReason>(), Ok(reason));
        }
        assert!("annual_plan".parse::<Source>().is_err());
    }
}
