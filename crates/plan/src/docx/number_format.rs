//! How Word prints a list counter in each `w:numFmt`: 1, 一, 十一, ①, Ⅳ, A…

use crate::numerals::to_chinese;

/// How a level prints its counter (`w:numFmt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Decimal,
    DecimalZero,
    FullWidth,
    /// chineseCounting, chineseCountingThousand, japaneseCounting…: 一 … 十一
    Chinese,
    /// chineseLegalSimplified: 壹 贰 叁
    ChineseLegal,
    /// ideographDigital: 一〇 for 10
    ChineseDigits,
    /// ideographTraditional: 甲 乙 丙
    Stems,
    Circled,
    /// decimalEnclosedParen ⑴, rendered （1） so it reads as the marker it means.
    Parenthesised,
    UpperLetter,
    LowerLetter,
    UpperRoman,
    LowerRoman,
    /// bullet and none: no number.
    Nothing,
}

impl Format {
    /// The format a `w:numFmt` value names; unknown ones print in decimal.
    pub fn from_word(value: &str) -> Format {
        match value {
            "decimalZero" => Format::DecimalZero,
            "decimalFullWidth" | "decimalFullWidth2" => Format::FullWidth,
            "chineseCounting"
            | "chineseCountingThousand"
            | "japaneseCounting"
            | "taiwaneseCounting"
            | "taiwaneseCountingThousand"
            | "koreanCounting" => Format::Chinese,
            "chineseLegalSimplified" | "japaneseLegal" => Format::ChineseLegal,
            "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => {
                Format::ChineseDigits
            }
            "ideographTraditional" => Format::Stems,
            "decimalEnclosedCircle"
            | "decimalEnclosedCircleChinese"
            | "ideographEnclosedCircle" => Format::Circled,
            "decimalEnclosedParen" => Format::Parenthesised,
            "upperLetter" => Format::UpperLetter,
            "lowerLetter" => Format::LowerLetter,
            "upperRoman" => Format::UpperRoman,
            "lowerRoman" => Format::LowerRoman,
            "bullet" | "none" => Format::Nothing,
            _ => Format::Decimal,
        }
    }
}

/// `n` printed in `format`.
pub fn format_number(n: u32, format: Format) -> String {
    match format {
        Format::Decimal => n.to_string(),
        Format::DecimalZero => format!("{n:02}"),
        Format::FullWidth => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(u32::from(c) - u32::from('0') + u32::from('０')).unwrap_or(c))
            .collect(),
        Format::Chinese => to_chinese(n),
        Format::ChineseLegal => to_chinese(n)
            .chars()
            .map(|c| {
                let plain = "一二三四五六七八九十百千零";
                let legal = "壹贰叁肆伍陆柒捌玖拾佰仟零";
                plain
                    .chars()
                    .position(|p| p == c)
                    .and_then(|i| legal.chars().nth(i))
                    .unwrap_or(c)
            })
            .collect(),
        Format::ChineseDigits => n
            .to_string()
            .chars()
            .map(|c| {
                c.to_digit(10)
                    .and_then(|d| "〇一二三四五六七八九".chars().nth(d as usize))
                    .unwrap_or(c)
            })
            .collect(),
        Format::Stems => {
            let index = (n.max(1) - 1) % 10;
            "甲乙丙丁戊己庚辛壬癸"
                .chars()
                .nth(index as usize)
                .map_or_else(String::new, String::from)
        }
        Format::Circled if (1..=20).contains(&n) => {
            char::from_u32(u32::from('①') + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        Format::Circled => n.to_string(),
        Format::Parenthesised => format!("（{n}）"),
        // Word stops letters at 780 (30 × Z) and Roman numerals at 3999.
        Format::UpperLetter | Format::LowerLetter if n > 780 => n.to_string(),
        Format::UpperRoman | Format::LowerRoman if n > 3999 => n.to_string(),
        Format::UpperLetter | Format::LowerLetter => {
            // Word: A … Z, AA … ZZ, AAA …
            let n = n.max(1) - 1;
            let letter = char::from(b'A' + (n % 26) as u8);
            let letter = if format == Format::LowerLetter {
                letter.to_ascii_lowercase()
            } else {
                letter
            };
            std::iter::repeat_n(letter, (n / 26) as usize + 1).collect()
        }
        Format::UpperRoman => roman(n),
        Format::LowerRoman => roman(n).to_lowercase(),
        Format::Nothing => String::new(),
    }
}

fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_print_as_word_prints_them() {
        assert_eq!(format_number(3, Format::Circled), "③");
        assert_eq!(format_number(28, Format::UpperLetter), "BB");
        assert_eq!(format_number(14, Format::LowerRoman), "xiv");
        assert_eq!(
            format_number(u32::MAX, Format::UpperLetter),
            u32::MAX.to_string()
        );
        assert_eq!(format_number(5000, Format::UpperRoman), "5000");
        assert_eq!(format_number(2, Format::Stems), "乙");
        assert_eq!(format_number(12, Format::ChineseLegal), "拾贰");
        assert_eq!(format_number(10, Format::ChineseDigits), "一〇");
        assert_eq!(format_number(7, Format::Nothing), "");
        assert_eq!(Format::from_word("bullet"), Format::Nothing);
    }
}
