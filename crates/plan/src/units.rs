//! Unit lists as annotations write them: `A、B、C`, `A，B`, `A和B`, `A及B等相关部门`.

use crate::registry::Registry;

/// A unit name found in a list, with its byte offset in the list text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAt {
    pub name: String,
    pub offset: usize,
    /// Marked as the lead in the list itself: 区发改委（牵头）.
    pub leads: bool,
}

/// Marks after a name that make it the lead unit.
const LEAD_MARKS: &[&str] = &["（牵头）", "(牵头)", "牵头"];

const SEPARATORS: &[char] = &['、', '，', ',', '；', ';', '/', '／', '\u{3000}', ' ', '\t'];

/// Tails that are not part of a name: "等相关部门", "按职责分工负责".
const TAILS: &[&str] = &[
    "按职责分工负责",
    "按职责负责",
    "分别负责",
    "共同负责",
    "负责",
    "等相关单位",
    "等有关单位",
    "等相关部门",
    "等有关部门",
    "等部门",
    "等单位",
    "等",
];

const CONJUNCTIONS: &[&str] = &["以及", "和", "及", "与"];

/// How unit names end: 局, 委, 办, 中心, 街道…
const UNIT_ENDINGS: &[&str] = &[
    "局",
    "委",
    "办",
    "部",
    "院",
    "厅",
    "处",
    "室",
    "会",
    "中心",
    "街道",
    "镇",
    "乡",
    "集团",
    "公司",
    "支队",
    "大队",
    "所",
    "站",
    "馆",
    "队",
    "政府",
    "监委",
    "部门",
    "单位",
    "街镇",
    "委员会",
    "联",
    "协",
    "行",
    "海关",
    "团",
];

/// How unit names start when written in full: 区…, 市…, 各…
const UNIT_STARTS: &[&str] = &["区", "市", "县", "省", "各", "镇", "乡", "街道"];

/// Splits a unit list. Names joined by 和/及 are split only when both sides
/// read as units, so 区发展和改革局 and registry names stay whole.
pub fn split(list: &str, registry: &Registry) -> Vec<NameAt> {
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut piece_start = 0;
    for (at, c) in list.char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            c if depth == 0 && SEPARATORS.contains(&c) => {
                push_piece(&list[piece_start..at], piece_start, registry, &mut names);
                piece_start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    push_piece(&list[piece_start..], piece_start, registry, &mut names);
    names
}

fn push_piece(piece: &str, offset: usize, registry: &Registry, out: &mut Vec<NameAt>) {
    let trimmed_start = piece.trim_start_matches(|c: char| c.is_whitespace() || c == '由');
    let offset = offset + (piece.len() - trimmed_start.len());
    let mut name = trimmed_start.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(c, '。' | '.' | '）' | ')' if !has_open_bracket(trimmed_start))
    });
    loop {
        let before = name;
        for tail in TAILS {
            if let Some(stripped) = name.strip_suffix(tail)
                && !stripped.is_empty()
                && !registry.knows(name)
            {
                name = stripped;
            }
        }
        if before == name {
            break;
        }
    }
    let mut leads = false;
    for mark in LEAD_MARKS {
        if let Some(stripped) = name.strip_suffix(mark)
            && !stripped.is_empty()
            && !registry.knows(name)
        {
            name = stripped;
            leads = true;
            break;
        }
    }
    if name.is_empty() || name == "等" {
        return;
    }
    let first = out.len();
    split_conjunctions(name, offset, registry, out);
    for found in &mut out[first..] {
        found.leads = leads;
    }
}

fn has_open_bracket(text: &str) -> bool {
    text.contains(['（', '('])
}

fn split_conjunctions(name: &str, offset: usize, registry: &Registry, out: &mut Vec<NameAt>) {
    if !registry.knows(name) {
        for conjunction in CONJUNCTIONS {
            for (at, _) in name.match_indices(conjunction) {
                let left = &name[..at];
                let right = &name[at + conjunction.len()..];
                if reads_as_unit(left, registry)
                    && (registry.knows(right)
                        || (UNIT_STARTS.iter().any(|s| right.starts_with(s))
                            && reads_as_unit(right, registry)))
                {
                    split_conjunctions(left, offset, registry, out);
                    split_conjunctions(right, offset + at + conjunction.len(), registry, out);
                    return;
                }
            }
        }
    }
    out.push(NameAt {
        name: name.to_string(),
        offset,
        leads: false,
    });
}

/// True when a name is in the registry or is shaped like a unit's name.
pub fn reads_as_unit(name: &str, registry: &Registry) -> bool {
    registry.knows(name) || shaped_like_unit(name)
}

/// True when a name ends the way unit names do (局, 委, 办, 中心, 街道…).
pub fn shaped_like_unit(name: &str) -> bool {
    name.chars().count() >= 3 && UNIT_ENDINGS.iter().any(|e| name.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &str) -> Vec<String> {
        split(list, &Registry::builtin())
            .into_iter()
            .map(|n| n.name)
            .collect()
    }

    #[test]
    fn splits_on_every_separator_form() {
        assert_eq!(
            names("区委办公室、区政府办公室，区人大办公室,区法院；区地区办;各街镇"),
            [
                "区委办公室",
                "区政府办公室",
                "区人大办公室",
                "区法院",
                "区地区办",
                "各街镇"
            ]
        );
    }

    #[test]
    fn splits_conjunctions_only_between_units() {
        assert_eq!(names("区委宣传部和区文明办"), ["区委宣传部", "区文明办"]);
        assert_eq!(
            names("区教育局及区卫生健康委"),
            ["区教育局", "区卫生健康委"]
        );
        assert_eq!(names("区发展和改革局"), ["区发展和改革局"]);
        assert_eq!(names("区科技和经信局"), ["区科技和经信局"]);
        assert_eq!(
            names("区投促办、相关部门和国企集团、各街镇"),
            ["区投促办", "相关部门和国企集团", "各街镇"]
        );
    }

    #[test]
    fn drops_trailing_et_cetera_and_duty_phrases() {
        assert_eq!(
            names("市发改委、市经信局等相关部门"),
            ["市发改委", "市经信局"]
        );
        assert_eq!(
            names("区民政局、区医保局按职责分工负责"),
            ["区民政局", "区医保局"]
        );
        assert_eq!(
            names("区人民法院（区法院）、区司法局"),
            ["区人民法院（区法院）", "区司法局"]
        );
    }

    #[test]
    fn a_lead_mark_after_a_name_is_a_role_not_a_name() {
        let found = split("区发改委（牵头）、区财政局", &Registry::builtin());
        assert_eq!(found[0].name, "区发改委");
        assert!(found[0].leads);
        assert_eq!(found[1].name, "区财政局");
        assert!(!found[1].leads);
    }

    #[test]
    fn offsets_point_at_each_name() {
        let list = "区房管局、区建设管理委";
        for n in split(list, &Registry::builtin()) {
            assert!(list[n.offset..].starts_with(&n.name));
        }
    }
}
