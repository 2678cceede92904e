//! Who a reminder reaches and on which channels, planned in the
//! transaction that stores it: an inbox item per person (delivered by being
//! stored), an e-mail per person with an address who has not turned mail
//! off, a message per robot of the unit (and of the office for what the
//! office must hear); e-mails and robot messages wait out quiet hours.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::ServiceResult;
use super::notify_settings::OfficeSettings;
use crate::domain::quiet_hours::QuietHours;
use crate::domain::reminders::Audience;
use crate::store::deliveries::{self, NewDelivery};
use crate::store::notify_targets::TargetRow;
use crate::store::reminders::{self as store, Recipient};
use crate::store::{Db, Tx, notify_targets};

/// Plans a reminder's deliveries: who is told by `audience`, on which channels.
/// What the office has set up that planning reads: its defaults, and
/// whether a mail server is configured (without one, no e-mail is planned
/// rather than failing each one).
pub(crate) struct Setup {
    pub office: OfficeSettings,
    pub mail: bool,
    /// Who is who, read once per unit and role for all the reminders
    /// planned in one transaction (a day's run plans many for one unit).
    people: Directory,
}

#[derive(Default)]
struct Directory {
    liaisons: HashMap<i64, Vec<Recipient>>,
    heads: HashMap<i64, Vec<Recipient>>,
    quiet: HashMap<i64, Option<String>>,
    roles: HashMap<&'static str, Vec<Recipient>>,
    robots: HashMap<(Option<i64>, bool), Vec<TargetRow>>,
}

impl Directory {
    async fn liaisons(&mut self, tx: &mut Tx, unit: i64) -> ServiceResult<Vec<Recipient>> {
        Ok(match self.liaisons.entry(unit) {
            Entry::Occupied(known) => known.get().clone(),
            Entry::Vacant(slot) => slot.insert(store::liaisons(tx, unit).await?).clone(),
        })
    }

    async fn head(&mut self, tx: &mut Tx, unit: i64) -> ServiceResult<Vec<Recipient>> {
        Ok(match self.heads.entry(unit) {
            Entry::Occupied(known) => known.get().clone(),
            Entry::Vacant(slot) => slot.insert(store::head(tx, unit).await?).clone(),
        })
    }

    async fn role(&mut self, tx: &mut Tx, role: &'static str) -> ServiceResult<Vec<Recipient>> {
        Ok(match self.roles.entry(role) {
            Entry::Occupied(known) => known.get().clone(),
            Entry::Vacant(slot) => slot.insert(store::of_role(tx, role).await?).clone(),
        })
    }

    async fn quiet(&mut self, tx: &mut Tx, unit: i64) -> ServiceResult<Option<String>> {
        Ok(match self.quiet.entry(unit) {
            Entry::Occupied(known) => known.get().clone(),
            Entry::Vacant(slot) => slot
                .insert(store::unit_quiet_hours(tx, unit).await?)
                .clone(),
        })
    }

    async fn robots(
        &mut self,
        tx: &mut Tx,
        unit: Option<i64>,
        office: bool,
    ) -> ServiceResult<Vec<TargetRow>> {
        Ok(match self.robots.entry((unit, office)) {
            Entry::Occupied(known) => known.get().clone(),
            Entry::Vacant(slot) => slot
                .insert(notify_targets::enabled_for(tx, unit, office).await?)
                .clone(),
        })
    }
}

impl Setup {
    pub(crate) async fn load(db: &Db) -> ServiceResult<Setup> {
        Ok(Setup {
            office: super::notify_settings::office(db).await?.0,
            mail: super::notify_settings::smtp(db).await?.0.is_some(),
            people: Directory::default(),
        })
    }
}

pub(crate) async fn plan(
    tx: &mut Tx,
    reminder_id: i64,
    unit_id: i64,
    audience: Audience,
    to_office_robots: bool,
    setup: &mut Setup,
    now: i64,
) -> ServiceResult<()> {
    let people_of = &mut setup.people;
    let mut people: Vec<(Recipient, bool)> = Vec::new();
    let leaders = match audience {
        Audience::Unit { head, leaders } => {
            people.extend(
                people_of
                    .liaisons(tx, unit_id)
                    .await?
                    .into_iter()
                    .map(|r| (r, false)),
            );
            if head {
                people.extend(
                    people_of
                        .head(tx, unit_id)
                        .await?
                        .into_iter()
                        .map(|r| (r, false)),
                );
            }
            leaders
        }
        Audience::Office { leaders } => {
            people.extend(
                people_of
                    .role(tx, "supervisor")
                    .await?
                    .into_iter()
                    .map(|r| (r, false)),
            );
            leaders
        }
    };
    if leaders {
        people.extend(
            people_of
                .role(tx, "leader")
                .await?
                .into_iter()
                .map(|r| (r, true)),
        );
    }
    let unit_quiet = people_of.quiet(tx, unit_id).await?;
    let office = &setup.office;
    // Everyone's inbox in one statement: an escalation copies every leader,
    // and a city's day makes thousands of reminders.
    let users: Vec<String> = people.iter().map(|(p, _)| p.user_id.to_string()).collect();
    let inbox: Vec<NewDelivery> = people
        .iter()
        .zip(&users)
        .map(|((person, in_copy), user)| NewDelivery {
            reminder_id,
            channel: "inbox",
            address: user,
            user_id: Some(person.user_id),
            target_id: None,
            in_copy: *in_copy,
            status: "sent",
            next_attempt_at: now,
            sent_at: Some(now),
        })
        .collect();
    deliveries::insert_all(tx, &inbox).await?;
    for (person, in_copy) in &people {
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
    let robots = setup.people.robots(tx, unit_robots, office_robots).await?;
    for robot in robots {
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
