//! Tests of the working-day calendar against the shipped 2020–2026 schedule
//! and of the holiday file's errors.

use super::*;

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

fn refused(text: &str) -> (Option<usize>, String) {
    let error = WorkCalendar::parse(text).unwrap_err();
    (error.line, error.field)
}

const SPRING_2021: &str = "\
[[year]]
year = 2021
[[year.holiday]]
name = \"春节\"
from = 2021-02-11
to = 2021-02-17
workdays = [2021-02-07, 2021-02-20]
";

#[test]
fn the_shipped_file_parses_and_covers_2020_to_2026() {
    let calendar = WorkCalendar::parse(WorkCalendar::EMBEDDED_TEXT).unwrap();
    assert_eq!(calendar, WorkCalendar::embedded());
    assert_eq!(calendar.years(), (2020..=2026).collect::<Vec<i16>>());
    assert!(calendar.covers(2021));
    assert!(!calendar.covers(2019));
}

#[test]
fn holidays_and_adjusted_weekends_of_2021() {
    let c = WorkCalendar::embedded();
    assert!(
        c.is_working_day(date("2021-02-07")),
        "Sunday worked for 春节"
    );
    assert!(!c.is_working_day(date("2021-02-11")));
    assert!(c.is_working_day(date("2021-10-08")), "Friday");
    assert!(
        c.is_working_day(date("2021-10-09")),
        "Saturday worked for 国庆"
    );
    assert!(!c.is_working_day(date("2021-10-04")));
    assert!(!c.is_working_day(date("2021-10-10")), "a plain Sunday");
    assert_eq!(c.holiday_name(date("2021-10-04")), Some("国庆节"));
    assert_eq!(c.holiday_name(date("2021-02-13")), Some("春节"));
    assert_eq!(c.holiday_name(date("2021-10-09")), None);
    assert_eq!(c.holiday_name(date("2021-10-10")), None);
}

#[test]
fn the_extended_spring_festival_of_2020_and_new_year_2023() {
    let c = WorkCalendar::embedded();
    assert!(!c.is_working_day(date("2020-01-31")));
    assert!(
        !c.is_working_day(date("2020-02-01")),
        "the make-up Saturday was cancelled"
    );
    assert!(c.is_working_day(date("2020-01-19")));
    assert_eq!(
        c.working_days_between(date("2020-01-23"), date("2020-02-03")),
        1
    );
    assert_eq!(c.holiday_name(date("2022-12-31")), Some("元旦"));
    assert_eq!(
        c.add_working_days(date("2022-12-30"), 1),
        date("2023-01-03")
    );
}

#[test]
fn adding_working_days_across_national_day() {
    let c = WorkCalendar::embedded();
    // Oct 8 (Fri), 9 (Sat, worked), 11, 12, 13.
    assert_eq!(
        c.add_working_days(date("2021-09-30"), 5),
        date("2021-10-13")
    );
    assert_eq!(
        c.add_working_days(date("2021-10-08"), -1),
        date("2021-09-30")
    );
    assert_eq!(
        c.add_working_days(date("2021-10-04"), 0),
        date("2021-10-04")
    );
    assert_eq!(
        c.add_working_days(date("2021-10-10"), -1),
        date("2021-10-09")
    );
    assert_eq!(c.add_working_days(Date::MAX, 3), Date::MAX);
    assert_eq!(c.add_working_days(Date::MIN, -3), Date::MIN);
}

#[test]
fn working_days_between_across_spring_festival_and_national_day() {
    let c = WorkCalendar::embedded();
    // Feb 18, 19, 20 (Sat, worked), 22.
    assert_eq!(
        c.working_days_between(date("2021-02-10"), date("2021-02-22")),
        4
    );
    assert_eq!(
        c.working_days_between(date("2021-02-22"), date("2021-02-10")),
        -4
    );
    assert_eq!(
        c.working_days_between(date("2021-09-30"), date("2021-10-13")),
        5
    );
    // Sep 26 (Sun, worked), 27, 28, 29, 30.
    assert_eq!(
        c.working_days_between(date("2021-09-24"), date("2021-09-30")),
        5
    );
    assert_eq!(
        c.working_days_between(date("2021-10-04"), date("2021-10-04")),
        0
    );
    assert_eq!(
        c.working_days_between(date("2021-10-08"), date("2021-10-10")),
        1
    );
    assert_eq!(
        c.working_days_between(date("2021-10-10"), date("2021-10-08")),
        -2
    );
}

#[test]
fn adding_and_counting_are_inverse_over_2020_to_2026() {
    let c = WorkCalendar::embedded();
    // Every other day (odd against the week, so every weekday starts):
    // every day would take some 9 s unoptimized, to no further end.
    let days = date("2020-01-01").series(2.days());
    for from in days.take_while(|day| *day <= date("2026-12-31")) {
        for n in -40..40 {
            let to = c.add_working_days(from, n);
            assert_eq!(c.working_days_between(from, to), n, "{from} {n:+}");
            assert!(n == 0 || c.is_working_day(to), "{from} {n:+}");
        }
    }
}

#[test]
fn years_not_listed_count_monday_to_friday() {
    let c = WorkCalendar::embedded();
    assert!(c.is_working_day(date("2019-10-01")), "a Tuesday");
    assert!(c.is_working_day(date("2027-01-01")), "a Friday");
    assert!(!c.is_working_day(date("2027-01-02")));
    assert_eq!(c.holiday_name(date("2019-10-01")), None);
    assert_eq!(
        c.working_days_between(date("2027-01-01"), date("2027-01-08")),
        5
    );
}

#[test]
fn dates_may_be_strings_and_a_holiday_one_day() {
    let text =
        "[[year]]\nyear = 2024\n[[year.holiday]]\nname = \"端午节\"\nfrom = \"2024-06-10\"\n";
    let c = WorkCalendar::parse(text).unwrap();
    assert_eq!(c.holiday_name(date("2024-06-10")), Some("端午节"));
    assert!(c.is_working_day(date("2024-06-11")));
}

#[test]
fn malformed_files_name_the_line_and_the_field() {
    let with = |from: &str, to: &str| SPRING_2021.replacen(from, to, 1);
    assert_eq!(refused(""), (None, "year".into()));
    assert_eq!(refused("# only a comment\n"), (None, "year".into()));
    let unparsable = with("to = 2021-02-17", "to = \"2021-02-30\"");
    assert_eq!(refused(&unparsable), (Some(6), "to".into()));
    assert_eq!(
        refused(&with("to = 2021-02-17", "to = 17")),
        (Some(6), "to".into())
    );
    let backwards = with("to = 2021-02-17", "to = 2021-02-10");
    assert_eq!(refused(&backwards), (Some(6), "to".into()));
    let elsewhere = with("2021-02-20]", "2022-01-01]");
    assert_eq!(refused(&elsewhere), (Some(7), "workdays".into()));
    let monday = with("2021-02-20]", "2021-02-22]");
    assert_eq!(refused(&monday), (Some(7), "workdays".into()));
    let both = with("2021-02-20]", "2021-02-13]");
    assert_eq!(refused(&both), (Some(7), "workdays".into()));
    assert_eq!(refused(&with("name", "nmae")), (Some(4), "nmae".into()));
    assert_eq!(
        refused(&with("name = \"春节\"", "name = \" \"")),
        (Some(4), "name".into())
    );
    let twice = format!("{SPRING_2021}[[year]]\nyear = 2021\n");
    assert_eq!(refused(&twice), (Some(9), "year".into()));
    let bare = "[[year]]\nyear = 2021\n";
    assert_eq!(refused(bare), (Some(2), "holiday".into()));
    assert_eq!(
        refused("[[year]]\nyear = 20211\n"),
        (Some(2), "year".into())
    );
    assert_eq!(refused("[[year]\nyear = 2021\n").0, Some(1));
}

#[test]
fn a_day_off_listed_elsewhere_as_a_workday_or_twice_is_refused() {
    let later = "\n[[year.holiday]]\nname = \"x\"\nfrom = 2021-02-20\n";
    assert_eq!(
        refused(&format!("{SPRING_2021}{later}")),
        (Some(11), "from".into())
    );
    let overlap = "\n[[year.holiday]]\nname = \"x\"\nfrom = 2021-02-16\nto = 2021-02-18\n";
    assert_eq!(
        refused(&format!("{SPRING_2021}{overlap}")),
        (Some(11), "from".into())
    );
    let long = SPRING_2021.replacen("to = 2021-02-17", "to = 2021-12-17", 1);
    assert_eq!(refused(&long), (Some(6), "to".into()));
}

#[test]
fn the_error_reads_line_field_message() {
    let error = CalendarError {
        line: Some(12),
        field: "to".into(),
        message: "春节 ends on 2021-02-10, before it begins on 2021-02-11".into(),
    };
    assert_eq!(
        error.to_string(),
        "line 12, field `to`: 春节 ends on 2021-02-10, before it begins on 2021-02-11"
    );
}

#[test]
fn no_prefix_of_the_shipped_file_panics() {
    let text = WorkCalendar::EMBEDDED_TEXT;
    for (end, _) in text.char_indices().step_by(3) {
        let _ = WorkCalendar::parse(&text[..end]);
    }
}
