//! The chat robots of the office and of the units, as the administration
//! keeps them: listed with the URL cut to its scheme and host (the rest is
//! the robot's token) and never the secret, added, turned on and off, and
//! tried with a test message whose answer is shown as the robot gave it.

use std::time::Duration;

use serde_json::json;

use super::{ServiceError, ServiceResult, notify_settings, record, require};
use crate::clock::Clock;
use crate::domain::roles::{Actor, Role};
use crate::notify::{self, Message, Robot, Secret, WebhookTarget};
use crate::store::notify_targets::{self, NewTarget};
use crate::store::{Db, units};

/// Whose group a robot posts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The supervision office's own group (全区).
    Office,
    Unit(i64),
}

/// A robot as the administration lists it: nothing that would let a reader
/// post to the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotLine {
    pub id: i64,
    /// The unit's name; empty for the office's robots.
    pub unit: String,
    pub robot: Robot,
    pub name: String,
    /// `https://qyapi.weixin.qq.com`: scheme and host only.
    pub origin: String,
    pub has_secret: bool,
    pub enabled: bool,
    pub version: i64,
}

/// Every robot, the office's first.
pub async fn list(db: &Db, actor: &Actor) -> ServiceResult<Vec<RobotLine>> {
    require(actor, &[Role::Admin], "administer the robots")?;
    let names = units::all_units(db).await?;
    let mut lines = Vec::new();
    for t in notify_targets::all(db).await? {
        let Some(robot) = Robot::parse(&t.robot) else {
            continue; // the table's CHECK keeps this from happening
        };
        lines.push(RobotLine {
            id: t.id,
            unit: t
                .owner_id
                .and_then(|id| names.iter().find(|(i, _)| *i == id))
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            robot,
            name: t.name,
            origin: notify::origin(&t.url),
            has_secret: t.secret.is_some_and(|s| !s.is_empty()),
            enabled: t.enabled,
            version: t.version,
        });
    }
    Ok(lines)
}

/// The units a robot may belong to: (id, name).
pub async fn owners(db: &Db, actor: &Actor) -> ServiceResult<Vec<(i64, String)>> {
    require(actor, &[Role::Admin], "administer the robots")?;
    Ok(units::all_units(db).await?)
}

/// A robot to add, as typed.
#[derive(Debug, Clone)]
pub struct NewRobot<'a> {
    pub owner: Owner,
    pub robot: Robot,
    pub name: &'a str,
    pub url: &'a str,
    /// 加签 / 签名校验 / HMAC secret; empty for none.
    pub secret: &'a str,
}

fn checked_url(text: &str) -> ServiceResult<String> {
    let url = text.trim();
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {
            Ok(url.to_string())
        }
        _ => Err(ServiceError::Field {
            field: "url",
            message: "the robot's webhook address, starting with https:// or http://".into(),
        }),
    }
}

/// Adds a robot, turned on; its id.
pub async fn add(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    new: &NewRobot<'_>,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "add robots")?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::Field {
            field: "name",
            message: "a name of 1–100 characters".into(),
        });
    }
    let url = checked_url(new.url)?;
    let secret = Some(new.secret.trim()).filter(|s| !s.is_empty());
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let (owner_kind, owner_id) = match new.owner {
        Owner::Office => ("office", None),
        Owner::Unit(id) => match units::by_id(&mut tx, id).await? {
            Some(unit) if !unit.is_group => ("unit", Some(id)),
            _ => {
                return Err(ServiceError::Field {
                    field: "owner",
                    message: "choose the office or a registered unit".into(),
                });
            }
        },
    };
    let target = NewTarget {
        owner_kind,
        owner_id,
        robot: new.robot.as_str(),
        name,
        url: &url,
        secret,
    };
    let id = notify_targets::insert(&mut tx, &target, now).await?;
    // The URL's path and the secret are credentials: the audit keeps neither.
    let after = json!({
        "owner_kind": owner_kind, "owner_id": owner_id, "robot": new.robot.as_str(),
        "name": name, "url": notify::origin(&url), "secret": secret.is_some(),
    });
    record(&mut tx, now, actor, "robot.add", "robot", id, after).await?;
    tx.commit().await?;
    Ok(id)
}

/// Turns a robot on or off if it is still at `version`; the new version.
pub async fn set_enabled(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    enabled: bool,
    version: i64,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "turn robots on or off")?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    notify_targets::set_enabled(&mut tx, id, version, enabled).await?;
    let action = if enabled {
        "robot.enable"
    } else {
        "robot.disable"
    };
    record(
        &mut tx,
        now,
        actor,
        action,
        "robot",
        id,
        json!({"enabled": enabled}),
    )
    .await?;
    tx.commit().await?;
    Ok(version + 1)
}

/// Posts a test message through the robot (on or off) now. `Ok(Err(answer))`
/// is a robot that refused or could not be reached, in its own words.
pub async fn test(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> ServiceResult<Result<(), String>> {
    require(actor, &[Role::Admin], "test robots")?;
    let stored = notify_targets::get(db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("robot {id}")))?;
    let robot = Robot::parse(&stored.robot)
        .ok_or_else(|| ServiceError::Invalid(format!("robot kind '{}'", stored.robot)))?;
    let (office, _) = notify_settings::office(db).await?;
    let proxy = Some(office.proxy.as_str()).filter(|p| !p.trim().is_empty());
    let target = WebhookTarget {
        robot,
        url: stored.url.clone(),
        secret: stored.secret.filter(|s| !s.is_empty()).map(Secret::new),
    };
    let message = Message {
        subject: "【测试】督办系统测试消息".into(),
        body: format!(
            "这是督办系统发出的测试消息。收到即说明机器人“{}”设置正确，今后的提醒和催办将发到这里。",
            stored.name
        ),
        link: Some(office.link("/")),
    };
    let outcome = match notify::http_client(proxy, Duration::from_secs(10)) {
        Ok(client) => notify::send_webhook(&client, &target, &message, clock.now())
            .await
            .map_err(|e| e.message),
        Err(e) => Err(e.message),
    };
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let after =
        json!({"name": stored.name, "sent": outcome.is_ok(), "error": outcome.as_ref().err()});
    record(&mut tx, now, actor, "robot.test", "robot", id, after).await?;
    tx.commit().await?;
    Ok(outcome)
}
