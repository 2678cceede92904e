//! 三色督办单: the colours of the office's formal notices and what each means.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// 蓝色督办单: a reminder.
    Blue,
    /// 黄色督办单: behind the time-proportional schedule (序时进度) or poor quality.
    Yellow,
    /// 红色督办单: overdue.
    Red,
}

impl Color {
    pub const ALL: [Color; 3] = [Color::Blue, Color::Yellow, Color::Red];

    pub fn as_str(self) -> &'static str {
        match self {
            Color::Blue => "blue",
            Color::Yellow => "yellow",
            Color::Red => "red",
        }
    }

    /// The notice's name: 蓝色督办单.
    pub fn zh(self) -> &'static str {
        match self {
            Color::Blue => "蓝色督办单",
            Color::Yellow => "黄色督办单",
            Color::Red => "红色督办单",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Color::Blue => "Blue notice (reminder)",
            Color::Yellow => "Yellow notice (behind schedule)",
            Color::Red => "Red notice (overdue)",
        }
    }

    /// The colour an assignment's light calls for: red for red, yellow for
    /// yellow, else a blue reminder.
    pub fn for_light(light: &str) -> Color {
        match light {
            "red" => Color::Red,
            "yellow" => Color::Yellow,
            _ => Color::Blue,
        }
    }

    /// The notice's number in its colour's series: 红色督办单〔2021〕3号.
    pub fn number(self, year: i64, seq: i64) -> String {
        format!("{}〔{year}〕{seq}号", self.zh())
    }
}

impl FromStr for Color {
    type Err = String;

    fn from_str(text: &str) -> Result<Color, String> {
        Color::ALL
            .into_iter()
            .find(|c| c.as_str() == text)
            .ok_or_else(|| format!("unknown colour '{text}': blue, yellow or red"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_light_calls_for_its_colour_and_numbers_run_per_colour() {
        assert_eq!(Color::for_light("red"), Color::Red);
        assert_eq!(Color::for_light("yellow"), Color::Yellow);
        assert_eq!(Color::for_light("green"), Color::Blue);
        assert_eq!(Color::Red.number(2021, 3), "红色督办单〔2021〕3号");
        assert_eq!("yellow".parse::<Color>(), Ok(Color::Yellow));
        assert!("green".parse::<Color>().is_err());
    }
}
