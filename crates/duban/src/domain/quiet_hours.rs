//! Quiet hours ("22:00-08:00", China time): e-mails and robot messages due
//! inside them wait for their end; the in-app inbox is never held back.

use jiff::civil::{DateTime, Time};

/// A daily span of quiet, possibly across midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    start: Time,
    end: Time,
}

impl QuietHours {
    /// "22:00-08:00"; the same start and end is refused (always or never?).
    pub fn parse(text: &str) -> Result<QuietHours, String> {
        let bad = || format!("'{text}' is not a span of hours: write 22:00-08:00");
        let (start, end) = text.trim().split_once('-').ok_or_else(bad)?;
        let time = |t: &str| -> Result<Time, String> {
            let (h, m) = t.trim().split_once(':').ok_or_else(bad)?;
            let (h, m): (i8, i8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            Time::new(h, m, 0, 0).map_err(|_| bad())
        };
        let (start, end) = (time(start)?, time(end)?);
        if start == end {
            return Err(format!("'{text}' starts and ends at the same time"));
        }
        Ok(QuietHours { start, end })
    }

    /// When a message due at `at` may go: `at` itself outside the quiet
    /// hours, else the end of them.
    pub fn release(&self, at: DateTime) -> DateTime {
        let time = at.time();
        let date = at.date();
        if self.start < self.end {
            if time >= self.start && time < self.end {
                return date.to_datetime(self.end);
            }
        } else if time >= self.start {
            // Quiet across midnight: from the start to the end the next morning.
            return date
                .tomorrow()
                .map_or(at, |next| next.to_datetime(self.end));
        } else if time < self.end {
            return date.to_datetime(self.end);
        }
        at
    }
}

impl std::fmt::Display for QuietHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start.hour(),
            self.start.minute(),
            self.end.hour(),
            self.end.minute()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime {
        text.parse().unwrap()
    }

    #[test]
    fn overnight_quiet_hours_hold_messages_until_morning() {
        let q = QuietHours::parse("22:00-08:00").unwrap();
        assert_eq!(q.to_string(), "22:00-08:00");
        assert_eq!(q.release(at("2021-06-15T21:59")), at("2021-06-15T21:59"));
        assert_eq!(q.release(at("2021-06-15T22:00")), at("2021-06-16T08:00"));
        assert_eq!(q.release(at("2021-06-16T03:10")), at("2021-06-16T08:00"));
        assert_eq!(q.release(at("2021-06-16T08:00")), at("2021-06-16T08:00"));
    }

    #[test]
    fn daytime_quiet_hours_and_bad_input() {
        let q = QuietHours::parse("12:00-13:30").unwrap();
        assert_eq!(q.release(at("2021-06-15T12:40")), at("2021-06-15T13:30"));
        assert_eq!(q.release(at("2021-06-15T14:00")), at("2021-06-15T14:00"));
        for bad in ["", "22:00", "25:00-08:00", "22:00-22:00", "a-b"] {
            assert!(QuietHours::parse(bad).is_err(), "{bad}");
        }
    }
}
