//! Word's automatic numbering: `word/numbering.xml` and the numbering that
//! paragraph styles in `word/styles.xml` carry, rendered to the text Word
//! shows ("一、", "（二）", "3.2") so the outline can read it like typed text.

use std::collections::{HashMap, HashSet};

use quick_xml::events::BytesStart;

use super::number_format::{Format, format_number};
use super::{Tag, attr, is_on, local, walk};

/// Word numbers list levels 0 to 8.
const LEVELS: usize = 9;
/// `basedOn` and `numStyleLink` chains longer than this are cycles.
const MAX_CHAIN: usize = 16;

/// One list level (`w:lvl`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    pub start: u32,
    pub format: Format,
    /// `w:lvlText`, e.g. "%1、", "（%1）", "%1.%2".
    pub text: String,
    /// `w:lvlRestart`: restart after a level shallower than this (1-based) is
    /// used; 0 never restarts. `None`: after any shallower level.
    pub restart: Option<u32>,
    /// `w:isLgl`: every `%n` printed in decimal.
    pub legal: bool,
    /// Whether Word puts a tab or space between number and text (`w:suff`).
    pub separated: bool,
    /// The paragraph style linked to this level (`w:pStyle`).
    pub style: Option<String>,
}

impl Default for Level {
    fn default() -> Self {
        Level {
            start: 1,
            format: Format::Decimal,
            text: String::new(),
            restart: None,
            legal: false,
            separated: true,
            style: None,
        }
    }
}

/// `w:lvlText` with each `%n` replaced by level n's counter.
pub fn render(levels: &[Option<Level>; LEVELS], counters: &[u32; LEVELS], ilvl: usize) -> String {
    let Some(Some(level)) = levels.get(ilvl) else {
        return String::new();
    };
    if level.format == Format::Nothing && !level.text.contains('%') {
        return String::new(); // a bullet's glyph
    }
    let mut out = String::new();
    let mut chars = level.text.chars().peekable();
    while let Some(c) = chars.next() {
        let placeholder = (c == '%')
            .then(|| chars.peek().and_then(|d| d.to_digit(10)))
            .flatten();
        match placeholder {
            Some(d @ 1..=9) => {
                chars.next();
                let i = d as usize - 1;
                let format = match levels.get(i) {
                    Some(Some(_)) if level.legal => Format::Decimal,
                    Some(Some(other)) => other.format,
                    _ => Format::Decimal,
                };
                out.push_str(&format_number(
                    counters.get(i).copied().unwrap_or(1),
                    format,
                ));
            }
            _ => out.push(c),
        }
    }
    out
}

#[derive(Debug, Clone, Default)]
struct Abstract {
    levels: [Option<Level>; LEVELS],
    /// `w:numStyleLink`: the levels live in the list a numbering style names.
    style_link: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Instance {
    abstract_id: String,
    /// `w:lvlOverride`: a new start and/or a whole new level.
    start_overrides: [Option<u32>; LEVELS],
    level_overrides: [Option<Level>; LEVELS],
}

/// Numbering a paragraph style carries (`w:pPr/w:numPr`) and its parent.
#[derive(Debug, Clone, Default)]
struct StyleNumbering {
    based_on: Option<String>,
    num_id: Option<String>,
    ilvl: Option<usize>,
}

/// The numbering definitions of one document, and the counters of its lists
/// as the body is read in order.
#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<String, Abstract>,
    instances: HashMap<String, Instance>,
    styles: HashMap<String, StyleNumbering>,
    /// Counters by abstract list: as in Word, every instance of a list
    /// counts on in one sequence; an instance's `startOverride` restarts its
    /// level once, where that instance is first used.
    lists: HashMap<String, ListState>,
    /// Instances met so far in the body.
    seen: HashSet<String>,
}

#[derive(Debug, Default)]
struct ListState {
    counters: [Option<u32>; LEVELS],
    /// The value the next item of a level takes (a start override).
    restart_at: [Option<u32>; LEVELS],
}

impl Numbering {
    /// Adds the list definitions of `word/numbering.xml`; the error says
    /// where the XML breaks.
    pub fn read_numbering(&mut self, xml: &str) -> Result<(), String> {
        let mut abstract_num: Option<(String, Abstract)> = None;
        let mut instance: Option<(String, Instance)> = None;
        let mut level: Option<(usize, Level)> = None;
        let mut override_level: Option<usize> = None;
        walk(xml, |tag| {
            let Tag::Open(e, open) = tag else {
                if let Tag::Close(name) = tag {
                    self.close_numbering(
                        name,
                        &mut abstract_num,
                        &mut instance,
                        &mut level,
                        &mut override_level,
                    );
                }
                return;
            };
            match (local(e.name().0), open) {
                ("abstractNum", true) => {
                    abstract_num = Some((
                        attr(e, "abstractNumId").unwrap_or_default(),
                        Abstract::default(),
                    ));
                }
                ("num", true) => {
                    instance = Some((attr(e, "numId").unwrap_or_default(), Instance::default()));
                }
                ("abstractNumId", _) => {
                    if let Some((_, inst)) = &mut instance {
                        inst.abstract_id = attr(e, "val").unwrap_or_default();
                    }
                }
                ("lvlOverride", true) => override_level = ilvl_of(e),
                ("startOverride", _) => {
                    if let (Some((_, inst)), Some(i)) = (&mut instance, override_level) {
                        inst.start_overrides[i] = attr(e, "val").and_then(|v| v.parse().ok());
                    }
                }
                ("lvl", true) => level = ilvl_of(e).map(|i| (i, Level::default())),
                ("start", _) => with_level(&mut level, |l| l.start = val_u32(e).unwrap_or(1)),
                ("numFmt", _) => with_level(&mut level, |l| {
                    // Word 2010 writes a "custom" format and a fallback beside it.
                    if let Some(v) = attr(e, "val").filter(|v| v != "custom") {
                        l.format = Format::from_word(&v);
                    }
                }),
                ("lvlText", _) => {
                    with_level(&mut level, |l| l.text = attr(e, "val").unwrap_or_default())
                }
                ("lvlRestart", _) => with_level(&mut level, |l| l.restart = val_u32(e)),
                ("isLgl", _) => with_level(&mut level, |l| l.legal = is_on(e)),
                ("suff", _) => with_level(&mut level, |l| {
                    l.separated = attr(e, "val").as_deref() != Some("nothing")
                }),
                ("pStyle", _) => with_level(&mut level, |l| l.style = attr(e, "val")),
                ("numStyleLink", _) => {
                    if let Some((_, a)) = &mut abstract_num {
                        a.style_link = attr(e, "val");
                    }
                }
                _ => {}
            }
        })
    }

    fn close_numbering(
        &mut self,
        name: &str,
        abstract_num: &mut Option<(String, Abstract)>,
        instance: &mut Option<(String, Instance)>,
        level: &mut Option<(usize, Level)>,
        override_level: &mut Option<usize>,
    ) {
        match name {
            "lvl" => {
                if let Some((i, l)) = level.take() {
                    if let Some((_, inst)) = instance {
                        inst.level_overrides[i] = Some(l);
                    } else if let Some((_, a)) = abstract_num {
                        a.levels[i] = Some(l);
                    }
                }
            }
            "lvlOverride" => *override_level = None,
            "abstractNum" => {
                if let Some((id, a)) = abstract_num.take() {
                    self.abstracts.insert(id, a);
                }
            }
            "num" => {
                if let Some((id, inst)) = instance.take() {
                    self.instances.insert(id, inst);
                }
            }
            _ => {}
        }
    }

    /// Adds the numbering that the paragraph styles of `word/styles.xml` carry.
    pub fn read_styles(&mut self, xml: &str) -> Result<(), String> {
        let mut style: Option<(String, StyleNumbering)> = None;
        let mut in_num_pr = false;
        walk(xml, |tag| match tag {
            Tag::Close("numPr") => in_num_pr = false,
            Tag::Close("style") => {
                if let Some((id, s)) = style.take() {
                    self.styles.insert(id, s);
                }
            }
            Tag::Close(_) => {}
            Tag::Open(e, open) => match (local(e.name().0), open) {
                ("style", true) => {
                    style = attr(e, "styleId").map(|id| (id, StyleNumbering::default()))
                }
                ("basedOn", _) => {
                    if let Some((_, s)) = &mut style {
                        s.based_on = attr(e, "val");
                    }
                }
                ("numPr", true) => in_num_pr = true,
                ("numId", _) if in_num_pr => {
                    if let Some((_, s)) = &mut style {
                        s.num_id = attr(e, "val");
                    }
                }
                ("ilvl", _) if in_num_pr => {
                    if let Some((_, s)) = &mut style {
                        s.ilvl = ilvl_val(e);
                    }
                }
                _ => {}
            },
        })
    }

    /// The numbering of a paragraph style, following `basedOn`: (numId, ilvl).
    fn style_numbering(&self, style: &str) -> (Option<String>, Option<usize>) {
        let mut ilvl = None;
        let mut current = self.styles.get(style);
        for _ in 0..MAX_CHAIN {
            let Some(s) = current else { break };
            ilvl = ilvl.or(s.ilvl);
            if s.num_id.is_some() {
                return (s.num_id.clone(), ilvl);
            }
            current = s.based_on.as_deref().and_then(|b| self.styles.get(b));
        }
        (None, ilvl)
    }

    /// The list an instance counts in (its abstract list, following
    /// `numStyleLink`) and the instance's levels.
    fn levels(&self, instance: &Instance) -> (String, [Option<Level>; LEVELS]) {
        let mut key = instance.abstract_id.clone();
        let mut abstract_num = self.abstracts.get(&instance.abstract_id);
        for _ in 0..MAX_CHAIN {
            let Some(link) = abstract_num.and_then(|a| a.style_link.as_deref()) else {
                break;
            };
            let Some(linked) = self
                .style_numbering(link)
                .0
                .and_then(|id| self.instances.get(&id))
                .filter(|i| self.abstracts.contains_key(&i.abstract_id))
            else {
                break;
            };
            key.clone_from(&linked.abstract_id);
            abstract_num = self.abstracts.get(&linked.abstract_id);
        }
        let mut levels = abstract_num.map(|a| a.levels.clone()).unwrap_or_default();
        for (i, level) in levels.iter_mut().enumerate() {
            if let Some(Some(replacement)) = instance.level_overrides.get(i) {
                *level = Some(replacement.clone());
            }
            if let (Some(level), Some(Some(start))) =
                (level.as_mut(), instance.start_overrides.get(i))
            {
                level.start = *start;
            }
        }
        (key, levels)
    }

    /// Counts a numbered paragraph and returns the number text Word shows
    /// before it ("一、", "（二）", "3.2"; nothing for bullets), with a space
    /// where Word puts a tab or space after the number. `num_id`/`ilvl` are the
    /// paragraph's own `w:numPr`, `style` its `w:pStyle`.
    pub fn label(
        &mut self,
        num_id: Option<&str>,
        ilvl: Option<usize>,
        style: Option<&str>,
    ) -> String {
        let (style_num, style_ilvl) = style.map(|s| self.style_numbering(s)).unwrap_or_default();
        let Some(num_id) = num_id.map(str::to_string).or(style_num) else {
            return String::new();
        };
        let Some(instance) = self.instances.get(&num_id) else {
            return String::new(); // numId 0 (numbering removed) or dangling
        };
        let (key, levels) = self.levels(instance);
        let list = self.lists.entry(key).or_default();
        if self.seen.insert(num_id.clone()) {
            for (restart, start) in list.restart_at.iter_mut().zip(&instance.start_overrides) {
                if start.is_some() {
                    *restart = *start;
                }
            }
        }
        let linked = style.and_then(|s| {
            levels
                .iter()
                .position(|l| l.as_ref().and_then(|l| l.style.as_deref()) == Some(s))
        });
        let ilvl = ilvl.or(style_ilvl).or(linked).unwrap_or(0).min(LEVELS - 1);
        let Some(level) = levels[ilvl].clone() else {
            return String::new();
        };
        let next = match list.restart_at[ilvl].take() {
            Some(start) => start,
            None => list.counters[ilvl].map_or(level.start, |n| n.saturating_add(1)),
        };
        list.counters[ilvl] = Some(next);
        let deeper = levels.iter().zip(list.counters.iter_mut()).skip(ilvl + 1);
        for (definition, counter) in deeper {
            let restart = definition.as_ref().and_then(|l| l.restart);
            // lvlRestart is 1-based: restart after level `r` (index r-1) or shallower.
            if restart.is_none_or(|r| r > 0 && ilvl < r as usize) {
                *counter = None;
            }
        }
        let mut counters = [1; LEVELS];
        for (i, counter) in counters.iter_mut().enumerate() {
            *counter = list.counters[i]
                .or_else(|| levels[i].as_ref().map(|l| l.start))
                .unwrap_or(1);
        }
        let mut text = render(&levels, &counters, ilvl);
        if level.separated && !text.is_empty() {
            text.push(' ');
        }
        text
    }
}

fn with_level(level: &mut Option<(usize, Level)>, f: impl FnOnce(&mut Level)) {
    if let Some((_, l)) = level {
        f(l);
    }
}

fn val_u32(e: &BytesStart<'_>) -> Option<u32> {
    attr(e, "val").and_then(|v| v.trim().parse().ok())
}

fn ilvl_val(e: &BytesStart<'_>) -> Option<usize> {
    val_u32(e).map(|v| v as usize).filter(|&v| v < LEVELS)
}

fn ilvl_of(e: &BytesStart<'_>) -> Option<usize> {
    attr(e, "ilvl")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&v| v < LEVELS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbering(abstract_levels: &str, nums: &str) -> Numbering {
        let xml = format!(
            r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="0">{abstract_levels}</w:abstractNum>{nums}</w:numbering>"#
        );
        let mut numbering = Numbering::default();
        numbering
            .read_numbering(&xml)
            .expect("test numbering is well-formed");
        numbering
    }

    fn lvl(ilvl: u32, format: &str, text: &str) -> String {
        format!(
            r#"<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{format}"/><w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>"#
        )
    }

    #[test]
    fn chinese_counting_runs_from_one_to_thirty_three() {
        let expected = [
            "一",
            "二",
            "三",
            "四",
            "五",
            "六",
            "七",
            "八",
            "九",
            "十",
            "十一",
            "十二",
            "十三",
            "十四",
            "十五",
            "十六",
            "十七",
            "十八",
            "十九",
            "二十",
            "二十一",
            "二十二",
            "二十三",
            "二十四",
            "二十五",
            "二十六",
            "二十七",
            "二十八",
            "二十九",
            "三十",
            "三十一",
            "三十二",
            "三十三",
        ];
        let mut n = numbering(
            &lvl(0, "chineseCounting", "%1、"),
            r#"<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
        );
        for numeral in expected {
            assert_eq!(n.label(Some("1"), Some(0), None), format!("{numeral}、"));
        }
    }

    #[test]
    fn multi_level_text_names_each_level_and_deeper_levels_restart() {
        let levels = format!("{}{}", lvl(0, "decimal", "%1."), lvl(1, "decimal", "%1.%2"));
        let mut n = numbering(
            &levels,
            r#"<w:num w:numId="7"><w:abstractNumId w:val="0"/></w:num>"#,
        );
        let labels: Vec<String> = [0, 1, 1, 0, 1]
            .into_iter()
            .map(|i| n.label(Some("7"), Some(i), None))
            .collect();
        assert_eq!(labels, ["1.", "1.1", "1.2", "2.", "2.1"]);
    }

    #[test]
    fn a_start_override_restarts_the_list_once() {
        let mut n = numbering(
            &lvl(0, "decimal", "（%1）"),
            r#"<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
               <w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
               <w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>"#,
        );
        assert_eq!(n.label(Some("1"), Some(0), None), "（1）");
        assert_eq!(n.label(Some("1"), Some(0), None), "（2）");
        assert_eq!(n.label(Some("2"), Some(0), None), "（5）");
        assert_eq!(n.label(Some("2"), Some(0), None), "（6）");
        // As in Word, the instances of one list count on in one sequence.
        assert_eq!(n.label(Some("1"), Some(0), None), "（7）");
        assert_eq!(n.label(Some("3"), Some(0), None), "（8）");
    }

    #[test]
    fn bullets_print_nothing_and_dangling_ids_are_ignored() {
        let mut n = numbering(
            r#"<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>"#,
            r#"<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
        );
        assert_eq!(n.label(Some("1"), Some(0), None), "");
        assert_eq!(n.label(Some("0"), Some(0), None), "");
        assert_eq!(n.label(Some("9"), Some(0), None), "");
        assert_eq!(n.label(Some("1"), Some(8), None), "");
    }

    #[test]
    fn styles_carry_numbering_through_based_on() {
        let styles = r#"<w:styles xmlns:w="w">
            <w:style w:type="paragraph" w:styleId="List"><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="Task"><w:basedOn w:val="List"/></w:style>
        </w:styles>"#;
        let numbering_xml = format!(
            r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="0">{}{}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#,
            lvl(0, "chineseCounting", "%1、"),
            lvl(1, "decimalFullWidth", "%2."),
        );
        let mut n = Numbering::default();
        n.read_numbering(&numbering_xml).expect("well-formed");
        n.read_styles(styles).expect("well-formed");
        assert_eq!(n.label(None, None, Some("Task")), "１.");
        assert_eq!(n.label(None, None, Some("Task")), "２.");
        assert_eq!(n.label(None, None, Some("Unknown")), "");
    }
}
