//! `GET /calendar/{token}.ics`: a feed as iCalendar, for Outlook and phone
//! calendars that subscribe to it. No session: the token is the credential,
//! and an unknown one is a bare 404 that says nothing more. Each deadline is
//! an all-day event (VALUE=DATE, so no VTIMEZONE) with a stable UID, so a
//! refresh updates events instead of adding copies.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use icalendar::{Calendar, Component, EventLike, Property};

use super::error::WebError;
use crate::app::AppState;
use crate::service::calendar_content::{Deadline, Feed, What, feed};

pub fn router() -> Router<AppState> {
    Router::new().route("/calendar/{file}", get(ics))
}

async fn ics(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match feed(&state.db, state.clock.as_ref(), token).await {
        Ok(Some(feed)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                // The body is one person's or one unit's: no shared cache keeps it.
                (header::CACHE_CONTROL, "private, max-age=0, must-revalidate"),
                (header::REFERRER_POLICY, "no-referrer"),
            ],
            write(&feed, &base_url(&headers)),
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// The address this server is reached at, from the request: the `Host`
/// header (only if it looks like a host) and `X-Forwarded-Proto` when a
/// proxy in front terminates HTTPS.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .and_then(|p| p.split(',').next())
        .map(str::trim)
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// The feed as an iCalendar document; links point into `base`.
pub fn write(feed: &Feed, base: &str) -> String {
    let mut calendar = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//Duban//督办//ZH"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ] {
        calendar.append_property(Property::new(key, value));
    }
    calendar.name(&format!("督办 · {}", feed.name));
    calendar.append_property(
        Property::new("REFRESH-INTERVAL", "PT1H")
            .add_parameter("VALUE", "DURATION")
            .done(),
    );
    calendar.append_property(Property::new("X-PUBLISHED-TTL", "PT1H"));
    let stamp =
        chrono::DateTime::from_timestamp_millis(feed.stamp.as_millisecond()).unwrap_or_default();
    for deadline in &feed.deadlines {
        let (uid, summary, sequence) = headline(deadline);
        let mut event = icalendar::Event::new();
        event
            .uid(&uid)
            .timestamp(stamp)
            .starts(civil(deadline.date))
            .ends(civil(deadline.date.tomorrow().unwrap_or(deadline.date)))
            .summary(&summary)
            .description(&details(deadline))
            .url(&link(base, deadline))
            // A deadline does not make anyone busy.
            .add_property("TRANSP", "TRANSPARENT");
        if let Some(sequence) = sequence {
            event.sequence(u32::try_from(sequence).unwrap_or(0));
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

fn civil(date: jiff::civil::Date) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(
        i32::from(date.year()),
        date.month().unsigned_abs().into(),
        date.day().unsigned_abs().into(),
    )
    .unwrap_or_default()
}

/// The UID (stable across refreshes), the summary, and the SEQUENCE (the
/// record's version, so an edited measure or finding reads as an update).
fn headline(d: &Deadline) -> (String, String, Option<i64>) {
    match &d.what {
        What::Measure {
            id,
            version,
            description,
            ..
        } => (
            format!("measure-{id}@duban"),
            format!("【措施到期】{description}"),
            Some(*version),
        ),
        What::Report { period } => (
            format!("report-{}-{period}@duban", d.assignment_id),
            format!("【进展报送截止】{} {}", period_zh(*period), d.task_title),
            None,
        ),
        What::Rectification {
            id,
            version,
            description,
            ..
        } => (
            format!("rectification-{id}@duban"),
            format!("【整改期限】{description}"),
            Some(*version),
        ),
    }
}

pub use crate::domain::words::period_zh;

fn details(d: &Deadline) -> String {
    let task = format!(
        "任务：{}. {}\n责任单位：{}",
        d.task_number, d.task_title, d.unit_name
    );
    match &d.what {
        What::Measure {
            description,
            person,
            ..
        } => format!(
            "{task}\n措施：{description}\n责任人：{person}\n完成期限：{}",
            d.date
        ),
        What::Report { period } => {
            format!(
                "{task}\n报送期：{}\n报送截止：{}",
                period_zh(*period),
                d.date
            )
        }
        What::Rectification {
            description, body, ..
        } => format!(
            "{task}\n督查机构：{body}\n整改要求：{description}\n整改期限：{}",
            d.date
        ),
    }
}

fn link(base: &str, d: &Deadline) -> String {
    let section = match d.what {
        What::Measure { .. } => "measures",
        What::Report { .. } => "reports",
        What::Rectification { .. } => "findings",
    };
    format!("{base}/assignments/{}#{section}", d.assignment_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::period::Period;
    use crate::service::calendar_content::Deadline;

    fn feed() -> Feed {
        Feed {
            name: "区房管局".into(),
            stamp: "2021-06-15T01:00:00Z".parse().unwrap(),
            deadlines: vec![
                Deadline {
                    date: "2021-06-30".parse().unwrap(),
                    assignment_id: 7,
                    task_number: "18".into(),
                    task_title: "推进旧住房综合修缮和加装电梯，新开工不少于185台，竣工150台".into(),
                    unit_name: "区房管局".into(),
                    what: What::Measure {
                        id: 3,
                        version: 2,
                        description: "完成修缮方案审批; 报区政府常务会议, 明确资金".into(),
                        person: "王科长".into(),
                    },
                },
                Deadline {
                    date: "2021-07-05".parse().unwrap(),
                    assignment_id: 7,
                    task_number: "18".into(),
                    task_title: "推进旧住房综合修缮".into(),
                    unit_name: "区房管局".into(),
                    what: What::Report {
                        period: Period::Quarter {
                            year: 2021,
                            quarter: 2,
                        },
                    },
                },
            ],
        }
    }

    #[test]
    fn events_are_all_day_with_stable_uids_and_lines_fold_within_75_octets() {
        let text = write(&feed(), "https://duban.example");
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        let unfolded = text.replace("\r\n ", "");
        for expected in [
            "X-WR-CALNAME:督办 · 区房管局",
            "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
            "UID:measure-3@duban",
            "SEQUENCE:2",
            "DTSTART;VALUE=DATE:20210630",
            "DTEND;VALUE=DATE:20210701",
            "DTSTAMP:20210615T010000Z",
            "SUMMARY:【措施到期】完成修缮方案审批\\; 报区政府常务会议\\, 明确资金",
            "URL:https://duban.example/assignments/7#measures",
            "UID:report-7-2021-Q2@duban",
            "SUMMARY:【进展报送截止】2021年第2季度 推进旧住房综合修缮",
            "TRANSP:TRANSPARENT",
        ] {
            assert!(unfolded.contains(expected), "{expected} in\n{unfolded}");
        }
        assert!(!text.contains("ICALENDAR-RS"));
    }

    #[test]
    fn the_base_url_is_the_requests_host_and_only_a_host() {
        let mut headers = HeaderMap::new();
        assert_eq!(base_url(&headers), "http://localhost");
        headers.insert(header::HOST, "duban.gov.example:8080".parse().unwrap());
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert_eq!(base_url(&headers), "https://duban.gov.example:8080");
        headers.insert(header::HOST, "evil.example/x?".parse().unwrap());
        assert_eq!(base_url(&headers), "https://localhost");
    }
}
