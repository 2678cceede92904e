//! How reminders reach people and units: a user's e-mail address, whether
//! e-mails go, and quiet hours (each user sets their own, an admin anyone's);
//! a unit's head (told from the escalation's later rounds) and the quiet
//! hours of its robots (admins only).

use serde_json::json;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::email_address::EmailAddress;
use crate::domain::quiet_hours::QuietHours;
use crate::domain::roles::{Actor, Role};
use crate::store::audit::NewEvent;
use crate::store::{Db, audit, units, users};

/// Quiet hours as typed: empty for "as the office's", else "22:00-08:00".
pub fn quiet_hours_in(text: &str) -> ServiceResult<Option<QuietHours>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    QuietHours::parse(text)
        .map(Some)
        .map_err(|message| ServiceError::Field {
            field: "quiet_hours",
            message,
        })
}

/// A user's channels as a form sends them, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelsInput {
    pub email: Option<EmailAddress>,
    pub email_enabled: bool,
    pub quiet_hours: Option<QuietHours>,
}

impl ChannelsInput {
    /// From the form's text: every problem at once, each for its field. An
    /// empty address means none (and so no e-mails, whatever the checkbox).
    pub fn parse(
        email: &str,
        email_enabled: bool,
        quiet_hours: &str,
    ) -> Result<ChannelsInput, Vec<ServiceError>> {
        let email = match email.trim() {
            "" => Ok(None),
            text => EmailAddress::parse(text)
                .map(Some)
                .map_err(|message| ServiceError::Field {
                    field: "email",
                    message,
                }),
        };
        match (email, quiet_hours_in(quiet_hours)) {
            (Ok(email), Ok(quiet_hours)) => Ok(ChannelsInput {
                email,
                email_enabled,
                quiet_hours,
            }),
            (email, quiet) => Err([email.err(), quiet.err()].into_iter().flatten().collect()),
        }
    }
}

/// A user's channels as stored, for a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserChannels {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub email_enabled: bool,
    pub quiet_hours: String,
    pub version: i64,
}

fn own_or_admin(actor: &Actor, username: &str, doing: &str) -> ServiceResult<()> {
    if actor.name == format!("user:{username}") {
        return Ok(());
    }
    require(actor, &[Role::Admin], doing)
}

/// One user's channels: their own, or anyone's for an admin.
pub async fn of_user(db: &Db, actor: &Actor, username: &str) -> ServiceResult<UserChannels> {
    own_or_admin(actor, username, "read another user's notification settings")?;
    let user = users::by_username(db, username)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("user '{username}'")))?;
    Ok(UserChannels {
        username: user.username,
        display_name: user.display_name,
        email: user.email.unwrap_or_default(),
        email_enabled: user.email_enabled,
        quiet_hours: user.quiet_hours.unwrap_or_default(),
        version: user.version,
    })
}

/// Saves a user's channels if the user is still at `version`; the new version.
pub async fn set_for_user(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    username: &str,
    input: &ChannelsInput,
    version: i64,
) -> ServiceResult<i64> {
    own_or_admin(
        actor,
        username,
        "change another user's notification settings",
    )?;
    let now = clock.now_millis();
    let email = input.email.as_ref().map(EmailAddress::as_str);
    let quiet = input.quiet_hours.map(|q| q.to_string());
    let mut tx = db.begin().await?;
    let user = users::by_username_in(&mut tx, username)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("user '{username}'")))?;
    users::set_channels(
        &mut tx,
        user.id,
        version,
        email,
        input.email_enabled,
        quiet.as_deref(),
    )
    .await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "user.channels",
            entity: "user",
            entity_id: Some(user.id),
            before: Some(json!({
                "email": user.email, "email_enabled": user.email_enabled, "quiet_hours": user.quiet_hours,
            })),
            after: Some(json!({
                "email": email, "email_enabled": input.email_enabled, "quiet_hours": quiet,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(version + 1)
}

/// A unit's settings and who may head it (its active users).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitChannels {
    pub id: i64,
    pub name: String,
    pub head_user_id: Option<i64>,
    pub quiet_hours: String,
    pub version: i64,
    /// (user id, display name)
    pub candidates: Vec<(i64, String)>,
}

/// Every unit's settings, for the administration.
pub async fn of_units(db: &Db, actor: &Actor) -> ServiceResult<Vec<UnitChannels>> {
    require(actor, &[Role::Admin], "administer units")?;
    let people = users::all(db).await?;
    Ok(units::channels(db)
        .await?
        .into_iter()
        .map(|unit| UnitChannels {
            candidates: people
                .iter()
                .filter(|p| p.active && p.unit_id == Some(unit.id))
                .map(|p| (p.id, p.display_name.clone()))
                .collect(),
            id: unit.id,
            name: unit.name,
            head_user_id: unit.head_user_id,
            quiet_hours: unit.quiet_hours.unwrap_or_default(),
            version: unit.version,
        })
        .collect())
}

/// Sets a unit's head (one of its active users, or none) and quiet hours,
/// if the unit is still at `version`; the new version.
pub async fn set_for_unit(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    unit_id: i64,
    head_user_id: Option<i64>,
    quiet_hours: Option<QuietHours>,
    version: i64,
) -> ServiceResult<i64> {
    require(
        actor,
        &[Role::Admin],
        "change a unit's notification settings",
    )?;
    let now = clock.now_millis();
    let quiet = quiet_hours.map(|q| q.to_string());
    let mut tx = db.begin().await?;
    let unit = match units::by_id(&mut tx, unit_id).await? {
        Some(unit) if !unit.is_group => units::channels_of(&mut tx, unit_id).await?,
        _ => None,
    }
    .ok_or_else(|| ServiceError::NotFound(format!("unit {unit_id}")))?;
    if let Some(head) = head_user_id {
        let fits = users::by_id_in(&mut tx, head)
            .await?
            .is_some_and(|u| u.active && u.unit_id == Some(unit_id));
        if !fits {
            return Err(ServiceError::Field {
                field: "head",
                message: format!("the head of {} is one of its active users", unit.name),
            });
        }
    }
    units::set_channels(&mut tx, unit_id, version, head_user_id, quiet.as_deref()).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "unit.channels",
            entity: "unit",
            entity_id: Some(unit_id),
            before: Some(
                json!({"head_user_id": unit.head_user_id, "quiet_hours": unit.quiet_hours}),
            ),
            after: Some(json!({"head_user_id": head_user_id, "quiet_hours": quiet})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(version + 1)
}
