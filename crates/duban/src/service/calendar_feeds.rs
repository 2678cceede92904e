//! Managing calendar feeds: who may make, reset or stop which feed, and the
//! one-time token. A liaison manages its own unit's feed, an admin any
//! unit's, and everyone their own user feed.
//!
//! Only the token's SHA-256 is stored, like sessions: a leaked table opens no
//! calendar. The price is that the URL can be shown only once, right after it
//! is made or reset; someone who lost it resets it (the old URL stops working).

use serde_json::json;

use super::{ServiceError, ServiceResult, record};
use crate::clock::Clock;
use crate::domain::roles::{Actor, Role};
use crate::domain::secrets::{new_token, token_hash};
use crate::store::calendar_feeds::{self, FeedOwner, FeedRow};
use crate::store::{Db, units, users};

/// A feed's secret, shown once. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct FeedToken(String);

impl FeedToken {
    /// A token as it comes in a URL: 64 lowercase hex digits, else none
    /// (the lookup is skipped, and the answer is the same 404).
    pub fn parse(text: &str) -> Option<FeedToken> {
        (text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| FeedToken(text.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn hash(&self) -> String {
        token_hash(&self.0)
    }
}

impl std::fmt::Debug for FeedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FeedToken(***)")
    }
}

/// A feed as its management page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedStatus {
    pub owner: FeedOwner,
    /// The unit's name, or the user's display name.
    pub label: String,
    /// None until a feed is made.
    pub live: Option<FeedRow>,
}

/// What the signed-in person may manage: their own feed, and a unit's
/// (a liaison's own; for an admin, the one asked for, with the units to pick).
#[derive(Debug, Clone)]
pub struct Subscriptions {
    pub own: FeedStatus,
    pub unit: Option<FeedStatus>,
    pub unit_choices: Vec<(i64, String)>,
}

/// Permission first: a user feed is its user's; a unit feed its liaison's or an admin's.
fn may_manage(actor: &Actor, user_id: i64, owner: FeedOwner) -> ServiceResult<()> {
    let allowed = match owner {
        FeedOwner::User(id) => id == user_id,
        FeedOwner::Unit(unit) => match actor.role {
            Role::Admin => true,
            Role::Liaison => actor.unit_id == Some(unit),
            _ => false,
        },
    };
    if allowed {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!(
            "{} may not manage this calendar feed: a liaison manages its own unit's, an admin any unit's, everyone their own",
            actor.name
        )))
    }
}

/// The unit's name or the user's display name; NotFound when there is none.
async fn label_of(db: &Db, owner: FeedOwner) -> ServiceResult<String> {
    match owner {
        FeedOwner::Unit(id) => units::name_of(db, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("unit {id}"))),
        FeedOwner::User(id) => users::by_id(db, id)
            .await?
            .map(|u| u.display_name)
            .ok_or_else(|| ServiceError::NotFound(format!("user {id}"))),
    }
}

async fn status(db: &Db, owner: FeedOwner) -> ServiceResult<FeedStatus> {
    Ok(FeedStatus {
        owner,
        label: label_of(db, owner).await?,
        live: calendar_feeds::feed_of(db, owner).await?,
    })
}

/// The feeds `user_id` (the signed-in person acting as `actor`) may manage;
/// `unit` is the unit an admin asks for (the first one until it picks).
pub async fn subscriptions(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    unit: Option<i64>,
) -> ServiceResult<Subscriptions> {
    let own = status(db, FeedOwner::User(user_id)).await?;
    let (unit, unit_choices) = match actor.role {
        Role::Liaison => (actor.unit_id, Vec::new()),
        Role::Admin => {
            let all = units::all_units(db).await?;
            (unit.or(all.first().map(|(id, _)| *id)), all)
        }
        _ => (None, Vec::new()),
    };
    let unit = match unit {
        Some(id) => {
            may_manage(actor, user_id, FeedOwner::Unit(id))?;
            Some(status(db, FeedOwner::Unit(id)).await?)
        }
        None => None,
    };
    Ok(Subscriptions {
        own,
        unit,
        unit_choices,
    })
}

fn subject(owner: FeedOwner) -> (&'static str, i64) {
    match owner {
        FeedOwner::Unit(id) => ("unit", id),
        FeedOwner::User(id) => ("user", id),
    }
}

/// Makes the owner's feed, or resets it (the old URL stops working), and
/// returns the new token: the only time it is known.
pub async fn issue(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    user_id: i64,
    owner: FeedOwner,
) -> ServiceResult<FeedToken> {
    may_manage(actor, user_id, owner)?;
    let label = label_of(db, owner).await?;
    let token = FeedToken(new_token().map_err(ServiceError::Invalid)?);
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let reset = calendar_feeds::replace(&mut tx, owner, &token.hash(), now, &actor.name).await?;
    let (entity, id) = subject(owner);
    let action = if reset {
        "calendar_feed.reset"
    } else {
        "calendar_feed.create"
    };
    // The audit names the feed, never its token or hash.
    record(
        &mut tx,
        now,
        actor,
        action,
        entity,
        id,
        json!({"feed": label}),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Stops the owner's feed; its URL answers 404 from now on.
pub async fn revoke(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    user_id: i64,
    owner: FeedOwner,
) -> ServiceResult<()> {
    may_manage(actor, user_id, owner)?;
    let label = label_of(db, owner).await?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    if !calendar_feeds::remove(&mut tx, owner).await? {
        return Err(ServiceError::Transition(
            "this calendar feed is not in use".into(),
        ));
    }
    let (entity, id) = subject(owner);
    record(
        &mut tx,
        now,
        actor,
        "calendar_feed.revoke",
        entity,
        id,
        json!({"feed": label}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, unit_id: Option<i64>) -> Actor {
        Actor {
            name: "user:x".into(),
            role,
            unit_id,
            body_id: None,
        }
    }

    #[test]
    fn each_manages_only_the_feeds_that_are_theirs() {
        let liaison = actor(Role::Liaison, Some(7));
        assert!(may_manage(&liaison, 1, FeedOwner::Unit(7)).is_ok());
        assert!(may_manage(&liaison, 1, FeedOwner::Unit(8)).is_err());
        assert!(may_manage(&liaison, 1, FeedOwner::User(1)).is_ok());
        assert!(may_manage(&liaison, 1, FeedOwner::User(2)).is_err());
        let admin = actor(Role::Admin, None);
        assert!(may_manage(&admin, 1, FeedOwner::Unit(8)).is_ok());
        assert!(may_manage(&admin, 1, FeedOwner::User(2)).is_err());
        for role in [Role::Supervisor, Role::Leader, Role::Viewer] {
            assert!(may_manage(&actor(role, None), 3, FeedOwner::Unit(7)).is_err());
            assert!(may_manage(&actor(role, None), 3, FeedOwner::User(3)).is_ok());
        }
    }

    #[test]
    fn tokens_parse_only_as_issued_and_never_print() {
        let issued = new_token().unwrap();
        let token = FeedToken::parse(&issued).unwrap();
        assert_eq!(token.expose(), issued);
        assert_eq!(format!("{token:?}"), "FeedToken(***)");
        assert!(FeedToken::parse("abc").is_none());
        assert!(FeedToken::parse(&issued.to_uppercase()).is_none());
        assert!(FeedToken::parse(&format!("{}g", &issued[..63])).is_none());
    }
}
