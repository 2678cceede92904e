//! Who a reminder reaches and on which channels, planned in the
//! transaction that stores it: an inbox item per person (delivered by being
//! stored), an e-mail per person with an address who has not turned mail
//! off, a message per robot of the unit (and of the office for what the
//! office must hear); e-mails and robot messages wait out quiet hours.

use super::ServiceResult;
use super::notify_settings::OfficeSettings;
use crate::domain::quiet_hours::QuietHours;
use crate::domain::reminders::Audience;
use crate::store::deliveries::{self, NewDelivery};
use crate::store::reminders::{self as store, Recipient};
use crate::store::{Db, Tx, notify_targets};

/// Plans a reminder's deliveries: who is told by `audience`, on which channels.
/// What the office has set up that planning reads: its defaults, and
/// whether a mail server is configured (without one, no e-mail is planned
/// rather than failing each one).
pub(crate) struct Setup {
    pub office: OfficeSettings,
    pub mail: bool,
}

impl Setup {
    pub(crate) async fn load(db: &Db) -> ServiceResult<Setup> {
        Ok(Setup {
            office: super::notify_settings::office(db).await?.0,
            mail: super::notify_settings::smtp(db).await?.0.is_some(),
        })
    }
}

pub(crate) async fn plan(
    tx: &mut Tx,
    reminder_id: i64,
    unit_id: i64,
    audience: Audience,
    to_office_robots: bool,
    setup: &Setup,
    now: i64,
) -> ServiceResult<()> {
    let office = &setup.office;
    let mut people: Vec<(Recipient, bool)> = Vec::new();
    let leaders = match audience {
        Audience::Unit { head, leaders } => {
            people.extend(
                store::liaisons(tx, unit_id)
                    .await?
                    .into_iter()
                    .map(|r| (r, false)),
            );
            if head {
                people.extend(
                    store::head(tx, unit_id)
                        .await?
                        .into_iter()
                        .map(|r| (r, false)),
                );
            }
            leaders
        }
        Audience::Office { leaders } => {
            people.extend(
                store::of_role(tx, "supervisor")
                    .await?
                    .into_iter()
                    .map(|r| (r, false)),
            );
            leaders
        }
    };
    if leaders {
        people.extend(
            store::of_role(tx, "leader")
                .await?
                .into_iter()
                .map(|r| (r, true)),
        );
    }
    let unit_quiet = store::unit_quiet_hours(tx, unit_id).await?;
    for (person, in_copy) in &people {
        let user = person.user_id.to_string();
        deliveries::insert(
            tx,
            &NewDelivery {
                reminder_id,
                channel: "inbox",
                address: &user,
                user_id: Some(person.user_id),
                target_id: None,
                in_copy: *in_copy,
                status: "sent",
                next_attempt_at: now,
                sent_at: Some(now),
            },
        )
        .await?;
        if let (Some(email), true, true) = (&person.email, person.email_enabled, setup.mail) {
            let quiet = person
                .quiet_hours
                .as_deref()
                .or(Some(office.quiet_hours.as_str()));
            deliveries::insert(
                tx,
                &NewDelivery {
                    reminder_id,
                    channel: "email",
                    address: email,
                    user_id: Some(person.user_id),
                    target_id: None,
                    in_copy: *in_copy,
                    status: "pending",
                    next_attempt_at: release(now, quiet),
                    sent_at: None,
                },
            )
            .await?;
        }
    }
    let quiet = unit_quiet.as_deref().or(Some(office.quiet_hours.as_str()));
    // A unit's group hears what is asked of the unit; the office's group
    // hears escalations, 催办 and what is asked of the office.
    let (unit_robots, office_robots) = match audience {
        Audience::Unit { .. } => (Some(unit_id), to_office_robots),
        Audience::Office { .. } => (None, true),
    };
    for robot in notify_targets::enabled_for(tx, unit_robots, office_robots).await? {
        let address = robot.id.to_string();
        deliveries::insert(
            tx,
            &NewDelivery {
                reminder_id,
                channel: &robot.robot,
                address: &address,
                user_id: None,
                target_id: Some(robot.id),
                in_copy: robot.owner_kind == "office",
                status: "pending",
                next_attempt_at: release(now, quiet),
                sent_at: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// The instant a message made at `now` may go out, past any quiet hours.
fn release(now: i64, quiet: Option<&str>) -> i64 {
    let Some(quiet) = quiet.filter(|q| !q.trim().is_empty()) else {
        return now;
    };
    let Ok(quiet) = QuietHours::parse(quiet) else {
        return now;
    };
    let china = jiff::tz::Offset::constant(8);
    let Ok(at) = jiff::Timestamp::from_millisecond(now) else {
        return now;
    };
    let local = china.to_datetime(at);
    let released = quiet.release(local);
    if released == local {
        return now;
    }
    china
        .to_timestamp(released)
        .map_or(now, |t| t.as_millisecond())
}
