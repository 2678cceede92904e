//! Quantitative targets inside task text: "新开工不少于185台，竣工150台",
//! "不少于100万平方米精品小区建设", "完成古羊路等四条道路…", "增长7%以上", and
//! value-less directions ("发案同比下降").

use crate::marker;
use crate::model::{Comparison, Direction, Target, Trend};
use crate::numerals::{is_chinese_numeral_char, parse_chinese};

/// Measure words a target can count in, longest first so 平方米 wins over 米.
const MEASURES: &[&str] = &[
    "万千瓦时",
    "个百分点",
    "平方公里",
    "平方米",
    "立方米",
    "千瓦时",
    "百分点",
    "千瓦",
    "兆瓦",
    "公里",
    "千米",
    "公顷",
    "人次",
    "标箱",
    "户次",
    "%",
    "％",
    "米",
    "亩",
    "台",
    "辆",
    "个",
    "家",
    "所",
    "座",
    "套",
    "户",
    "名",
    "人",
    "条",
    "项",
    "处",
    "件",
    "场",
    "次",
    "吨",
    "元",
    "张",
    "床",
    "间",
    "栋",
    "幢",
    "棵",
    "株",
    "艘",
    "架",
    "部",
    "本",
    "册",
    "篇",
    "只",
    "头",
    "班",
    "支",
    "块",
    "片",
    "段",
    "根",
    "盏",
    "辆次",
    "宗",
];

/// The first characters of [`MEASURES`]: most characters after a numeral
/// start none, and are turned away by one `match`.
fn may_start_measure(c: char) -> bool {
    matches!(
        c,
        '万' | '个'
            | '平'
            | '立'
            | '千'
            | '百'
            | '公'
            | '米'
            | '亩'
            | '人'
            | '标'
            | '户'
            | '%'
            | '％'
            | '台'
            | '辆'
            | '家'
            | '所'
            | '座'
            | '套'
            | '名'
            | '条'
            | '项'
            | '处'
            | '件'
            | '场'
            | '次'
            | '吨'
            | '元'
            | '张'
            | '床'
            | '间'
            | '栋'
            | '幢'
            | '棵'
            | '株'
            | '艘'
            | '架'
            | '部'
            | '本'
            | '册'
            | '篇'
            | '只'
            | '头'
            | '班'
            | '支'
            | '块'
            | '片'
            | '段'
            | '根'
            | '盏'
            | '宗'
            | '兆'
    )
}

/// The measure word at `at`, longest first.
fn measure_at(chars: &[char], at: usize) -> Option<&'static str> {
    let first = *chars.get(at)?;
    if !may_start_measure(first) {
        return None;
    }
    MEASURES
        .iter()
        .copied()
        .find(|m| starts_with_at(chars, at, m))
}

/// Words before a figure that set its comparison.
const PREFIX_COMPARISONS: &[(&str, Comparison)] = &[
    ("不少于", Comparison::AtLeast),
    ("不低于", Comparison::AtLeast),
    ("不小于", Comparison::AtLeast),
    ("提高到", Comparison::AtLeast),
    ("提高至", Comparison::AtLeast),
    ("提升到", Comparison::AtLeast),
    ("提升至", Comparison::AtLeast),
    ("增加到", Comparison::AtLeast),
    ("增加至", Comparison::AtLeast),
    ("达到", Comparison::AtLeast),
    ("至少", Comparison::AtLeast),
    ("超过", Comparison::AtLeast),
    ("突破", Comparison::AtLeast),
    ("增至", Comparison::AtLeast),
    ("达", Comparison::AtLeast),
    ("不超过", Comparison::AtMost),
    ("不高于", Comparison::AtMost),
    ("不大于", Comparison::AtMost),
    ("控制在", Comparison::AtMost),
    ("降低到", Comparison::AtMost),
    ("降低至", Comparison::AtMost),
    ("下降到", Comparison::AtMost),
    ("下降至", Comparison::AtMost),
    ("降至", Comparison::AtMost),
    ("低于", Comparison::AtMost),
    ("少于", Comparison::AtMost),
];

/// Words after a figure: (word, comparison, qualifier).
const SUFFIXES: &[(&str, Option<Comparison>, Option<&str>)] = &[
    ("及以上", Some(Comparison::AtLeast), None),
    ("以上", Some(Comparison::AtLeast), None),
    ("以下", Some(Comparison::AtMost), None),
    ("以内", Some(Comparison::AtMost), None),
    ("之内", Some(Comparison::AtMost), None),
    ("左右", None, Some("左右")),
];

/// Adverbs and general verbs that open a clause without naming what is measured.
const LEADING_WORDS: &[&str] = &[
    "加大力度",
    "进一步",
    "持续",
    "大力",
    "积极",
    "深入",
    "加快",
    "全力",
    "着力",
    "全面",
    "继续",
    "稳步",
    "有序",
    "扎实",
    "切实",
    "努力",
    "力争",
    "确保",
    "争取",
    "全年",
    "年内",
    "今年",
    "同时",
    "其中",
    "累计",
    "推进",
    "实施",
    "推动",
    "开展",
    "完成",
    "做好",
    "抓好",
    "落实",
    "实现",
    "组织",
    "并",
    "再",
];

/// Verbs that belong to the metric when they govern a counted object (新建5所学校).
const COUNTED_ACTIONS: &[&str] = &[
    "新开工",
    "新建",
    "新增",
    "建成",
    "开工",
    "竣工",
    "改造",
    "培育",
    "引进",
    "新设",
    "打造",
    "创建",
    "培训",
    "招录",
    "举办",
    "新开",
    "开通",
    "增设",
    "提供",
];

/// What may stand before a Chinese-numeral figure for it to count: enumerations
/// closed by 等 and verbs of delivery. Elsewhere 两个, 一批, 八项 are phrases.
const NUMERAL_CONTEXT: &[&str] = &[
    "等", "完成", "新建", "新增", "建成", "开工", "竣工", "改造", "创建", "打造", "培育", "引进",
    "建设", "举办", "实现", "提供", "新设", "增设", "开通", "累计",
];

const DIRECTION_LEADS: &[&str] = &["同比", "环比", "逐年", "较上年"];
const DIRECTION_WORDS: &[(&str, Trend)] = &[
    ("下降", Trend::Down),
    ("减少", Trend::Down),
    ("降低", Trend::Down),
    ("下滑", Trend::Down),
    ("增长", Trend::Up),
    ("上升", Trend::Up),
    ("提高", Trend::Up),
    ("提升", Trend::Up),
    ("增加", Trend::Up),
];

/// A figure found in the text, as char indices.
#[derive(Debug)]
struct Figure {
    /// Where the comparison word (or the figure) starts.
    start: usize,
    /// After the measure word and any suffix (以上, 左右).
    end: usize,
    value: f64,
    measure: String,
    op: Comparison,
    qualifier: Option<&'static str>,
}

/// The targets and directions of a task text.
pub fn extract(text: &str) -> (Vec<Target>, Vec<Direction>) {
    let mut targets = Vec::new();
    let mut directions = Vec::new();
    if !may_hold_targets(text) {
        return (targets, directions);
    }
    for sentence in sentences(text) {
        let directions_possible = DIRECTION_LEADS.iter().any(|lead| sentence.contains(lead));
        if !directions_possible && !may_hold_figure(sentence) {
            continue;
        }
        // Sub-items ("1.1 引进…") keep their numbers in the task text; a number
        // is not part of what is measured.
        let sentence = &sentence[marker::detect(sentence).map_or(0, |m| m.len)..];
        read_sentence(sentence, directions_possible, &mut targets, &mut directions);
    }
    (targets, directions)
}

/// Sentences of a text (split at 。！？；and line ends outside quotes).
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0usize;
    let mut ascii_open = false;
    let mut from = 0;
    let mut ranges = Vec::new();
    for (at, c) in text.char_indices() {
        match c {
            '“' | '‘' | '「' | '《' | '『' => depth += 1,
            '”' | '’' | '」' | '》' | '』' => depth = depth.saturating_sub(1),
            '"' => ascii_open = !ascii_open,
            '。' | '！' | '？' | '；' | ';' | '!' | '?' | '\n' if depth == 0 && !ascii_open => {
                ranges.push(from..at);
                from = at + c.len_utf8();
            }
            _ => {}
        }
    }
    ranges.push(from..text.len());
    ranges
        .into_iter()
        .map(move |range| &text[range])
        .filter(|sentence| !sentence.is_empty())
}

/// One sentence: its clauses in order; a clause without figures is the subject
/// of the figures that follow it.
fn read_sentence(
    sentence: &str,
    directions_possible: bool,
    targets: &mut Vec<Target>,
    directions: &mut Vec<Direction>,
) {
    let chars: Vec<char> = sentence.chars().collect();
    let quoted = quote_mask(&chars);
    let clause_end = |c: char| matches!(c, '，' | ',' | '：' | ':');
    let mut subject: Option<(usize, usize)> = None;
    for (start, end) in split(&chars, &quoted, 0, chars.len(), clause_end) {
        let figures = figures_in(&chars, &quoted, start, end);
        if figures.is_empty() {
            if directions_possible && let Some(direction) = direction_in(&chars, start, end) {
                directions.push(direction);
            }
            subject = Some((start, end));
            continue;
        }
        let mut segment_start = start;
        for figure in &figures {
            if let Some(target) = name_target(&chars, segment_start, end, figure, subject) {
                targets.push(target);
            }
            segment_start = figure.end;
        }
    }
}

/// Most task text names no figure: a quick look for digits, a Chinese numeral
/// after a word that may govern one, or a direction word spares the full scan.
fn may_hold_targets(text: &str) -> bool {
    may_hold_figure(text) || DIRECTION_LEADS.iter().any(|l| text.contains(l))
}

/// A digit, or a Chinese numeral followed by a measure word's first character.
fn may_hold_figure(text: &str) -> bool {
    if text.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_chinese_numeral_char(c) && chars.peek().is_some_and(|&next| may_start_measure(next)) {
            return true;
        }
    }
    false
}

/// Ranges between separators, skipping separators inside quotes.
fn split(
    chars: &[char],
    quoted: &[bool],
    start: usize,
    end: usize,
    is_separator: impl Fn(char) -> bool,
) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut from = start;
    for i in start..end {
        if is_separator(chars[i]) && !quoted[i] {
            if i > from {
                ranges.push((from, i));
            }
            from = i + 1;
        }
    }
    if end > from {
        ranges.push((from, end));
    }
    ranges
}

/// True for characters inside quotes or book-title marks: figures there are names.
fn quote_mask(chars: &[char]) -> Vec<bool> {
    let mut mask = vec![false; chars.len()];
    let mut depth = 0usize;
    let mut ascii_open = false;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '“' | '‘' | '「' | '《' | '『' => depth += 1,
            '”' | '’' | '」' | '》' | '』' => depth = depth.saturating_sub(1),
            '"' => ascii_open = !ascii_open,
            _ => {}
        }
        mask[i] = depth > 0 || ascii_open;
    }
    mask
}

fn starts_with_at(chars: &[char], at: usize, word: &str) -> bool {
    let mut rest = chars.get(at..).unwrap_or_default().iter();
    word.chars().all(|w| rest.next() == Some(&w))
}

fn ends_with_at(chars: &[char], end: usize, word: &str) -> bool {
    let mut before = chars.get(..end).unwrap_or_default().iter().rev();
    word.chars().rev().all(|w| before.next() == Some(&w))
}

fn is_cjk_letter(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

fn figures_in(chars: &[char], quoted: &[bool], start: usize, end: usize) -> Vec<Figure> {
    let mut figures = Vec::new();
    let mut i = start;
    while i < end {
        let c = chars[i];
        let found = if quoted[i] {
            None
        } else if c.is_ascii_digit() {
            arabic_figure(chars, start, end, i)
        } else if is_chinese_numeral_char(c) {
            chinese_figure(chars, start, end, i)
        } else {
            None
        };
        match found {
            Some(figure) => {
                i = figure.end;
                figures.push(figure);
            }
            None => i += 1,
        }
    }
    figures
}

fn arabic_figure(chars: &[char], clause_start: usize, end: usize, at: usize) -> Option<Figure> {
    if at > clause_start {
        let before = chars[at - 1];
        if before.is_ascii_alphanumeric()
            || matches!(before, '.' | '+' | '-' | '第' | '/' | '：' | '#')
        {
            return None;
        }
    }
    let mut i = at;
    while i < end && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i + 1 < end && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
        i += 1;
        while i < end && chars[i].is_ascii_digit() {
            i += 1;
        }
    }
    let number: String = chars[at..i].iter().collect();
    let value: f64 = number.parse().ok()?;
    if i < end && (chars[i].is_ascii_alphabetic() || chars[i] == '+') {
        return None;
    }
    figure_after_number(chars, clause_start, end, at, i, value)
}

fn chinese_figure(chars: &[char], clause_start: usize, end: usize, at: usize) -> Option<Figure> {
    if at > clause_start && (is_chinese_numeral_char(chars[at - 1]) || chars[at - 1] == '第') {
        return None;
    }
    let mut i = at;
    while i < end && is_chinese_numeral_char(chars[i]) {
        i += 1;
    }
    // Cheap test first: a measure word must follow (四条, 两个).
    measure_at(chars, i)?;
    let comparison_or_context = PREFIX_COMPARISONS
        .iter()
        .any(|(word, _)| ends_with_at(chars, at, word))
        || NUMERAL_CONTEXT
            .iter()
            .any(|word| ends_with_at(chars, at, word));
    if !comparison_or_context {
        return None;
    }
    let numeral: String = chars[at..i].iter().collect();
    let value = parse_chinese(&numeral)? as f64;
    figure_after_number(chars, clause_start, end, at, i, value)
}

/// Reads magnitude, measure word, comparison and suffix around a number at
/// `number_start..number_end`.
fn figure_after_number(
    chars: &[char],
    clause_start: usize,
    end: usize,
    number_start: usize,
    number_end: usize,
    mut value: f64,
) -> Option<Figure> {
    let mut i = number_end;
    let mut measure = measure_at(chars, i);
    if measure.is_none() {
        while i < end {
            let scale = match chars[i] {
                '万' => 1e4,
                '亿' => 1e8,
                '千' => 1e3,
                '百' => 1e2,
                _ => break,
            };
            value *= scale;
            i += 1;
        }
        measure = measure_at(chars, i);
    }
    let measure = measure?;
    i += measure.chars().count();
    if i > end {
        return None;
    }
    let (mut op, mut start) = (Comparison::Equal, number_start);
    if let Some((word, comparison)) = PREFIX_COMPARISONS
        .iter()
        .find(|(word, _)| ends_with_at(chars, number_start, word))
    {
        let word_len = word.chars().count();
        if number_start >= clause_start + word_len {
            op = *comparison;
            start = number_start - word_len;
        }
    }
    let mut qualifier = None;
    if let Some((word, comparison, hedge)) = SUFFIXES
        .iter()
        .find(|(word, _, _)| starts_with_at(chars, i, word))
    {
        if let Some(comparison) = comparison {
            op = *comparison;
        }
        qualifier = *hedge;
        i += word.chars().count();
    }
    let measure = match measure {
        "％" => "%",
        other => other,
    };
    Some(Figure {
        start,
        end: i.min(end),
        value,
        measure: measure.to_string(),
        op,
        qualifier,
    })
}

/// The first characters of [`LEADING_WORDS`], to skip the list when none can match.
const LEADING_STARTS: &str = "加进持大积深全着继稳有扎切努力确争年今同其累推实开完做抓落组并再";

fn strip_leading(mut text: &str) -> (&str, bool) {
    let mut hedged = false;
    loop {
        if !text
            .chars()
            .next()
            .is_some_and(|c| LEADING_STARTS.contains(c))
        {
            return (text, hedged);
        }
        let before = text;
        for word in LEADING_WORDS {
            if let Some(rest) = text.strip_prefix(word) {
                hedged |= *word == "力争";
                text = rest;
            }
        }
        if before == text {
            return (text, hedged);
        }
    }
}

fn trim_separators(text: &str) -> &str {
    text.trim_matches(|c: char| {
        matches!(c, '、' | '，' | ',' | '和' | '及' | ' ') || c.is_whitespace()
    })
}

/// The subject of a clause for the figures that follow it: general verbs and
/// a trailing 工作 removed.
fn subject_of(clause: &str) -> String {
    let (text, _) = strip_leading(trim_separators(clause));
    text.strip_suffix("工作").unwrap_or(text).to_string()
}

fn name_target(
    chars: &[char],
    segment_start: usize,
    clause_end: usize,
    figure: &Figure,
    subject: Option<(usize, usize)>,
) -> Option<Target> {
    let before: String = chars[segment_start..figure.start].iter().collect();
    let (before_core, hedged) = strip_leading(trim_separators(&before));
    let qualifier = figure
        .qualifier
        .or(hedged.then_some("力争"))
        .map(str::to_string);

    // The counted object follows the figure: 100万平方米精品小区建设, 四条道路积水点改善工程.
    let mut object_start = figure.end;
    if chars.get(object_start) == Some(&'的') {
        object_start += 1;
    }
    let object_follows = chars
        .get(object_start)
        .is_some_and(|&c| is_cjk_letter(c) && object_start < clause_end);
    let metric = if object_follows {
        let object_end = (object_start..clause_end)
            .find(|&i| matches!(chars[i], '、' | '，' | ',' | '；' | '。'))
            .unwrap_or(clause_end);
        let object: String = chars[object_start..object_end].iter().collect();
        let object = object.strip_suffix("工作").unwrap_or(&object).to_string();
        match COUNTED_ACTIONS
            .iter()
            .find(|action| before_core.ends_with(*action))
        {
            Some(action) => format!("{action}{object}"),
            None => object,
        }
    } else {
        let needs_subject =
            before_core.chars().count() <= 3 || COUNTED_ACTIONS.contains(&before_core);
        match subject {
            Some((from, to)) if needs_subject => {
                let clause: String = chars[from..to].iter().collect();
                format!("{}{before_core}", subject_of(&clause))
            }
            _ => before_core.to_string(),
        }
    };
    if metric.is_empty() {
        return None;
    }
    Some(Target {
        metric,
        op: figure.op,
        value: figure.value,
        unit: figure.measure.clone(),
        qualifier,
    })
}

fn direction_in(chars: &[char], start: usize, end: usize) -> Option<Direction> {
    for i in start..end {
        let Some(lead) = DIRECTION_LEADS.iter().find(|w| starts_with_at(chars, i, w)) else {
            continue;
        };
        let after_lead = i + lead.chars().count();
        let Some((word, trend)) = DIRECTION_WORDS
            .iter()
            .find(|(w, _)| starts_with_at(chars, after_lead, w))
        else {
            continue;
        };
        let after = after_lead + word.chars().count();
        if chars[after..end].iter().any(|c| c.is_ascii_digit()) {
            return None; // a figure follows: "同比增长7%" is a target, not a direction
        }
        let before: String = chars[start..i].iter().collect();
        let (metric, hedged) = strip_leading(trim_separators(&before));
        if metric.is_empty() {
            return None;
        }
        return Some(Direction {
            metric: metric.to_string(),
            op: *trend,
            qualifier: hedged.then(|| "力争".to_string()),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(text: &str) -> Vec<(String, &'static str, f64, String)> {
        extract(text)
            .0
            .into_iter()
            .map(|t| {
                let op = match t.op {
                    Comparison::AtLeast => ">=",
                    Comparison::AtMost => "<=",
                    Comparison::Equal => "=",
                };
                (t.metric, op, t.value, t.unit)
            })
            .collect()
    }

    fn t(
        metric: &str,
        op: &'static str,
        value: f64,
        unit: &str,
    ) -> (String, &'static str, f64, String) {
        (metric.to_string(), op, value, unit.to_string())
    }

    #[test]
    fn every_leading_word_starts_with_a_listed_character() {
        for word in LEADING_WORDS {
            let first = word.chars().next().unwrap();
            assert!(LEADING_STARTS.contains(first), "{word}");
        }
    }

    #[test]
    fn every_measure_starts_with_a_listed_character() {
        for measure in MEASURES {
            let first = measure.chars().next().unwrap();
            assert!(may_start_measure(first), "{measure}");
        }
    }

    #[test]
    fn shares_the_subject_between_figures() {
        assert_eq!(
            targets("加大力度推进既有多层住宅加装电梯，新开工不少于185台，竣工150台。"),
            [
                t("既有多层住宅加装电梯新开工", ">=", 185.0, "台"),
                t("既有多层住宅加装电梯竣工", "=", 150.0, "台")
            ]
        );
        assert_eq!(
            targets("持续实施架空线入地和杆箱整治工作，开工45公里、竣工25公里。"),
            [
                t("架空线入地和杆箱整治开工", "=", 45.0, "公里"),
                t("架空线入地和杆箱整治竣工", "=", 25.0, "公里")
            ]
        );
    }

    #[test]
    fn multiplies_magnitudes_and_names_the_counted_object() {
        assert_eq!(
            targets("持续推进不少于100万平方米精品小区建设，探索推进"),
            [t("精品小区建设", ">=", 1_000_000.0, "平方米")]
        );
        assert_eq!(
            targets("完成古羊路等四条道路积水点改善工程。"),
            [t("道路积水点改善工程", "=", 4.0, "条")]
        );
        assert_eq!(targets("新建5所学校"), [t("新建学校", "=", 5.0, "所")]);
    }

    #[test]
    fn reads_percentages_and_suffixes() {
        assert_eq!(
            targets("地区生产总值增长7%以上"),
            [t("地区生产总值增长", ">=", 7.0, "%")]
        );
        assert_eq!(
            targets("城市生活垃圾回收利用率提高到95%。"),
            [t("城市生活垃圾回收利用率", ">=", 95.0, "%")]
        );
        assert_eq!(
            targets("能耗控制在3万吨以内"),
            [t("能耗", "<=", 30_000.0, "吨")]
        );
    }

    #[test]
    fn hedges_become_qualifiers() {
        let (found, _) = extract("力争新增就业岗位5000个左右");
        assert_eq!(found[0].qualifier.as_deref(), Some("左右"));
        let (found, _) = extract("力争培育高新技术企业30家");
        assert_eq!(found[0].metric, "培育高新技术企业");
        assert_eq!(found[0].qualifier.as_deref(), Some("力争"));
    }

    #[test]
    fn leaves_names_dates_and_versions_alone() {
        for text in [
            "庆祝中国共产党成立100周年",
            "打造具有长宁特色的城运主页2.0版",
            "对标全市优化营商环境4.0版方案",
            "加快推进娄山关路445弄等文体综合项目建设",
            "大力推动第二轮城市更新行动计划“50+X”项目按期完成",
            "加快实现5G、千兆光网覆盖",
            "持续做深做实区法院、古北市民中心两个市人大常委会基层立法联系点工作",
            "锲而不舍落实中央八项规定精神",
            "认真筹备召开区第十一次党代会，完成区、镇两级人大代表换届选举",
            "研究出台区“15分钟社区美好生活圈”建设规划导则",
            "精心编制实施“十四五”规划和二〇三五年远景目标纲要",
        ] {
            assert_eq!(targets(text), [], "{text}");
        }
    }

    #[test]
    fn finds_directions_without_figures() {
        let (found, directions) =
            extract("严厉打击违法犯罪，力争实现报警类110、电信网络诈骗发案同比下降。");
        assert!(found.is_empty());
        assert_eq!(
            directions,
            [Direction {
                metric: "报警类110、电信网络诈骗发案".into(),
                op: Trend::Down,
                qualifier: Some("力争".into())
            }]
        );
    }
}
