//! What a calendar feed lists, read with its token and no session: the token
//! is the credential. A unit's feed (and its liaison's) lists the unit's open
//! measures, every report period it still has to report, and its open
//! rectifications; a supervisor's lists the rectifications its body raised;
//! a leader's, an admin's or a viewer's every open rectification.
//!
//! Done work is left out rather than sent as cancelled: subscribed calendars
//! replace the whole feed on each refresh, so an event that is no longer
//! listed disappears from them.

use std::collections::HashMap;

use jiff::civil::Date;

use super::ServiceResult;
use super::calendar_feeds::FeedToken;
use crate::clock::Clock;
use crate::domain::light::{Thresholds, china_date};
use crate::domain::period::Period;
use crate::domain::report_window::owed;
use crate::domain::roles::Role;
use crate::store::calendar_feeds::{self, FeedOwner, OpenRectification, RectificationsOf};
use crate::store::{Db, assignments, reports, units, users};

/// A feed as calendars read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// The unit's name, or the user's display name.
    pub name: String,
    /// When it was read (the events' DTSTAMP), by the injected clock.
    pub stamp: jiff::Timestamp,
    pub deadlines: Vec<Deadline>,
}

/// One dated thing to do, on the assignment it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub date: Date,
    pub assignment_id: i64,
    pub task_number: String,
    pub task_title: String,
    pub unit_name: String,
    pub what: What,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A measure not done, due on its deadline.
    Measure {
        id: i64,
        version: i64,
        description: String,
        person: String,
    },
    /// A report period not reported, due on the last day of its window.
    Report { period: Period },
    /// A rectification not closed, due on its deadline.
    Rectification {
        id: i64,
        version: i64,
        description: String,
        body: String,
    },
}

/// The feed the token opens, or None (unknown token, stopped feed, or a
/// user no longer active): the caller answers 404 alike.
pub async fn feed(db: &Db, clock: &dyn Clock, token: &str) -> ServiceResult<Option<Feed>> {
    let Some(token) = FeedToken::parse(token) else {
        return Ok(None);
    };
    let Some(owner) = calendar_feeds::owner_of(db, &token.hash()).await? else {
        return Ok(None);
    };
    let (thresholds, _) = super::settings::thresholds(db).await?;
    let (name, deadlines) = match owner {
        FeedOwner::Unit(unit_id) => {
            let Some(name) = units::name_of(db, unit_id).await? else {
                return Ok(None);
            };
            let deadlines = of_unit(db, unit_id, &name, &thresholds).await?;
            (name, deadlines)
        }
        FeedOwner::User(user_id) => {
            let Some(user) = users::by_id(db, user_id).await?.filter(|u| u.active) else {
                return Ok(None);
            };
            let role = user
                .role
                .parse::<Role>()
                .map_err(super::ServiceError::Invalid)?;
            let deadlines = match (role, user.unit_id, user.body_id) {
                (Role::Liaison, Some(unit_id), _) => {
                    let unit = units::name_of(db, unit_id).await?.unwrap_or_default();
                    of_unit(db, unit_id, &unit, &thresholds).await?
                }
                (Role::Liaison, None, _) => Vec::new(),
                (Role::Supervisor, _, Some(body)) => {
                    rectifications(db, RectificationsOf::Body(body)).await?
                }
                _ => rectifications(db, RectificationsOf::All).await?,
            };
            (user.display_name, deadlines)
        }
    };
    Ok(Some(Feed {
        name,
        stamp: clock.now(),
        deadlines,
    }))
}

/// A unit's open measures, reports still to make, and open rectifications.
async fn of_unit(
    db: &Db,
    unit_id: i64,
    unit_name: &str,
    thresholds: &Thresholds,
) -> ServiceResult<Vec<Deadline>> {
    let open = calendar_feeds::open_assignments_of_unit(db, unit_id).await?;
    let ids: Vec<i64> = open.iter().map(|a| a.id).collect();
    let by_id: HashMap<i64, &calendar_feeds::OpenAssignment> =
        open.iter().map(|a| (a.id, a)).collect();
    let deadline = |a: &calendar_feeds::OpenAssignment, date: Date, what: What| Deadline {
        date,
        assignment_id: a.id,
        task_number: a.task_number.clone(),
        task_title: a.task_title.clone(),
        unit_name: unit_name.to_string(),
        what,
    };
    let mut out = Vec::new();
    for m in assignments::measures_of_many(db, &ids).await? {
        let (Some(a), None, Ok(date)) =
            (by_id.get(&m.assignment_id), m.done_at, m.deadline.parse())
        else {
            continue;
        };
        let what = What::Measure {
            id: m.id,
            version: m.version,
            description: m.description,
            person: m.responsible_person,
        };
        out.push(deadline(a, date, what));
    }
    let mut reported: HashMap<i64, Vec<Period>> = HashMap::new();
    for (id, period) in reports::periods_of_many(db, &ids).await? {
        if let Ok(period) = period.parse() {
            reported.entry(id).or_default().push(period);
        }
    }
    for a in &open {
        // Work not yet claimed owes no report (as on the workspace and the light).
        let working = matches!(a.state.as_str(), "claimed" | "in_progress" | "done");
        let year = a.plan_year.and_then(|y| i16::try_from(y).ok());
        let (true, Some(year), Some(assigned_on)) = (working, year, china_date(a.assigned_at))
        else {
            continue;
        };
        let done = reported.get(&a.id).map_or(&[][..], |v| v);
        let t = thresholds.with_rhythm(a.rhythm);
        for o in still_to_report(year, assigned_on, done, &t) {
            out.push(deadline(a, o.0, What::Report { period: o.1 }));
        }
    }
    out.extend(rectifications(db, RectificationsOf::Unit(unit_id)).await?);
    out.sort_by_key(|d| d.date);
    Ok(out)
}

/// Every period of the year not yet reported, with its due day: past,
/// present and future windows alike. The due day is `report_window::owed`'s
/// (asked as of a day after every window of the year has closed), so the
/// feed follows whatever rule it computes, working days included.
fn still_to_report(
    year: i16,
    assigned_on: Date,
    reported: &[Period],
    t: &Thresholds,
) -> Vec<(Date, Period)> {
    let after_the_year = Date::new(year.saturating_add(1), 12, 31).unwrap_or(Date::MAX);
    owed(year, assigned_on, reported, after_the_year, t)
        .into_iter()
        .map(|o| (o.due, o.period))
        .collect()
}

async fn rectifications(db: &Db, of: RectificationsOf) -> ServiceResult<Vec<Deadline>> {
    Ok(calendar_feeds::open_rectifications(db, of)
        .await?
        .into_iter()
        .filter_map(|r: OpenRectification| {
            Some(Deadline {
                date: r.deadline.parse().ok()?,
                assignment_id: r.assignment_id,
                task_number: r.task_number,
                task_title: r.task_title,
                unit_name: r.unit_name,
                what: What::Rectification {
                    id: r.id,
                    version: r.version,
                    description: r.description,
                    body: r.body_name,
                },
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn every_period_not_reported_is_listed_after_its_period_ends() {
        let t = Thresholds::default(); // monthly
        let month = |month| Period::Month { year: 2021, month };
        let all = still_to_report(2021, date("2021-05-10"), &[month(5)], &t);
        // April ended before the assignment, May is reported; June to
        // December are listed, past windows and future ones alike, each due
        // after its month ends (by whatever grace rule report_window applies).
        let periods: Vec<Period> = all.iter().map(|(_, p)| *p).collect();
        assert_eq!(periods, (6..=12).map(month).collect::<Vec<_>>());
        for (due, period) in &all {
            let Period::Month { month, .. } = *period else {
                unreachable!()
            };
            let end = Date::new(2021, month as i8, 1).unwrap().last_of_month();
            assert!(*due > end, "{period} due {due}");
        }
    }
}
