//! Chinese numerals as plans print them: 一…十, 十二, 二十三, 一百零五, 两, 〇.

/// Parses a Chinese numeral (一, 十二, 二十, 一百零五, 两千, 三万) or a digit-by-digit
/// one (二〇三五). `None` when `text` holds anything else.
pub fn parse_chinese(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let has_multiplier = text.chars().any(|c| multiplier(c).is_some());
    if !has_multiplier {
        // Digit by digit: 二〇三五 → 2035.
        let mut value: u64 = 0;
        for c in text.chars() {
            value = value.checked_mul(10)?.checked_add(digit(c)?)?;
        }
        return Some(value);
    }
    let mut total: u64 = 0; // completed 万/亿 sections
    let mut section: u64 = 0; // below 万
    let mut pending: Option<u64> = None; // a digit waiting for its multiplier
    for c in text.chars() {
        if let Some(d) = digit(c) {
            pending = Some(d);
        } else if let Some(m) = multiplier(c) {
            if m >= 10_000 {
                section += pending.take().unwrap_or(0);
                let base = if section == 0 { 1 } else { section };
                total = total.checked_add(base.checked_mul(m)?)?;
                section = 0;
            } else {
                // 十 alone means 10.
                let d = pending.take().unwrap_or(1);
                section += d * m;
            }
        } else {
            return None;
        }
    }
    Some(total + section + pending.unwrap_or(0))
}

fn digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' | 'Ｏ' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn multiplier(c: char) -> Option<u64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1_000,
        '万' => 10_000,
        '亿' => 100_000_000,
        _ => return None,
    })
}

/// True for the characters that make up a Chinese numeral.
pub fn is_chinese_numeral_char(c: char) -> bool {
    digit(c).is_some() || multiplier(c).is_some()
}

/// 1 → 一, 12 → 十二, 20 → 二十, 105 → 一百零五 (up to 9999).
pub fn to_chinese(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return DIGITS[0].to_string();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let parts = [
        (n / 1000, "千"),
        ((n / 100) % 10, "百"),
        ((n / 10) % 10, "十"),
        (n % 10, ""),
    ];
    let mut out = String::new();
    let mut pending_zero = false;
    for (d, unit) in parts {
        if d == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        if pending_zero {
            out.push_str(DIGITS[0]);
            pending_zero = false;
        }
        // 十二, not 一十二, when the number starts at the tens.
        if !(unit == "十" && d == 1 && out.is_empty()) {
            out.push_str(DIGITS[d as usize]);
        }
        out.push_str(unit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_plans_use() {
        for (text, value) in [
            ("一", 1),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("三十三", 33),
            ("一百零五", 105),
            ("两", 2),
            ("两千", 2000),
            ("三万", 30_000),
            ("二〇三五", 2035),
            ("一亿二千万", 120_000_000),
        ] {
            assert_eq!(parse_chinese(text), Some(value), "{text}");
        }
        assert_eq!(parse_chinese("十四五规划"), None);
        assert_eq!(parse_chinese(""), None);
    }

    #[test]
    fn writes_ordinals_back() {
        for n in [1, 9, 10, 12, 20, 33, 99, 100, 105, 110, 2035] {
            assert_eq!(parse_chinese(&to_chinese(n)), Some(u64::from(n)), "{n}");
        }
        assert_eq!(to_chinese(12), "十二");
        assert_eq!(to_chinese(105), "一百零五");
    }
}
