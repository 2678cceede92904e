//! Signing in and out, and who a request's session or token belongs to.

use serde_json::json;

use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::directory::Directory;
use crate::domain::roles::{Actor, Role};
use crate::domain::secrets::{hash_password, new_token, token_hash, verify_password};
use crate::store::audit::NewEvent;
use crate::store::{Db, audit, sessions, users};

/// How long a session lasts without signing in again.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins tolerated in the window, per account and per address.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// A signed-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub token: String,
    pub actor: Actor,
    pub user_id: i64,
    pub display_name: String,
}

fn actor_of(user: &users::UserRow) -> ServiceResult<Actor> {
    let role: Role = user
        .role
        .parse()
        .map_err(|e: String| ServiceError::Invalid(e))?;
    Ok(Actor {
        name: format!("user:{}", user.username),
        role,
        unit_id: user.unit_id,
        body_id: user.body_id,
    })
}

/// Signs in a local account (a directory account is refused as with no
/// directory configured): the command line's and most tests' way in.
pub async fn login(
    db: &Db,
    clock: &dyn Clock,
    username: &str,
    password: &str,
    address: &str,
) -> ServiceResult<SignedIn> {
    login_with_directory(db, clock, None, username, password, address).await
}

/// Signs in: a local account by its password hash, a directory account by
/// the directory (`directory`: the one configured, if any).
pub async fn login_with_directory(
    db: &Db,
    clock: &dyn Clock,
    directory: Option<&Directory>,
    username: &str,
    password: &str,
    address: &str,
) -> ServiceResult<SignedIn> {
    let user = check_password(db, clock, directory, username, password, address).await?;
    open_session(db, clock, &user, address).await
}

/// A new session for a user who has just proved who they are (signing in,
/// or changing their password, which ends every other session).
pub async fn open_session(
    db: &Db,
    clock: &dyn Clock,
    user: &users::UserRow,
    address: &str,
) -> ServiceResult<SignedIn> {
    let now = clock.now_millis();
    let actor = actor_of(user)?;
    let token = new_token().map_err(ServiceError::Invalid)?;
    let mut tx = db.begin().await?;
    sessions::create(
        &mut tx,
        &token_hash(&token),
        user.id,
        now,
        now + SESSION_HOURS * 3_600_000,
    )
    .await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "session.login",
            entity: "user",
            entity_id: Some(user.id),
            before: None,
            after: Some(if user.directory {
                json!({"address": address, "source": "directory"})
            } else {
                json!({"address": address})
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(SignedIn {
        token,
        actor,
        user_id: user.id,
        display_name: user.display_name.clone(),
    })
}

/// The user whose password this is, under the same failure limits as
/// signing in (changing a password asks for the current one).
pub async fn check_password(
    db: &Db,
    clock: &dyn Clock,
    directory: Option<&Directory>,
    username: &str,
    password: &str,
    address: &str,
) -> ServiceResult<users::UserRow> {
    let now = clock.now_millis();
    let since = now - FAILURE_WINDOW_MINUTES * 60_000;
    let (account, from_address) = sessions::failures_since(db, username, address, since).await?;
    if account >= MAX_FAILURES_PER_ACCOUNT || from_address >= MAX_FAILURES_PER_ADDRESS {
        return Err(ServiceError::RateLimited(format!(
            "too many failed sign-ins; try again in {FAILURE_WINDOW_MINUTES} minutes"
        )));
    }
    let user = users::by_username(db, username).await?;
    if let Some(account) = user.as_ref().filter(|user| user.directory && user.active) {
        return check_with_directory(db, directory, account, password, address, now).await;
    }
    // Argon2 takes tens of milliseconds of CPU and 19 MiB: on a blocking
    // thread, not on one of the few that serve every other request.
    let stored = user
        .as_ref()
        .filter(|user| user.active)
        .map(|user| user.password_hash.clone());
    let password = password.to_string();
    let valid = tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify_password(&password, &stored),
        None => {
            // Spend the same time as a real check, so timing does not tell
            // which usernames exist.
            let _ = hash_password(&password);
            false
        }
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("the password check stopped: {e}")))?;
    match user.filter(|_| valid) {
        Some(user) => Ok(user),
        None => {
            sessions::record_failure(db, username, address, now).await?;
            Err(ServiceError::Unauthorized(
                "wrong username or password".into(),
            ))
        }
    }
}

/// A directory account's password, checked by the directory (never here).
/// A wrong one counts as a failed sign-in like a local one; a directory that
/// cannot be asked does not, and says so.
async fn check_with_directory(
    db: &Db,
    directory: Option<&Directory>,
    account: &users::UserRow,
    password: &str,
    address: &str,
    now: i64,
) -> ServiceResult<users::UserRow> {
    let Some(directory) = directory else {
        tracing::warn!(username = %account.username, "a directory account signs in but no directory is configured");
        return Err(ServiceError::Unavailable(
            "the directory is unavailable; directory accounts cannot sign in now".into(),
        ));
    };
    match crate::directory::client::authenticate(directory, &account.username, password).await {
        Ok(_) => Ok(account.clone()),
        Err(error) => {
            let error = super::directory::sign_in_error(error);
            if matches!(error, ServiceError::Unauthorized(_)) {
                sessions::record_failure(db, &account.username, address, now).await?;
            }
            Err(error)
        }
    }
}

/// The actor behind a session cookie or an API token, if it is live.
pub async fn authenticate(
    db: &Db,
    clock: &dyn Clock,
    token: &str,
) -> ServiceResult<Option<(Actor, users::UserRow)>> {
    match users::by_token(db, &token_hash(token), clock.now_millis()).await? {
        Some(user) if user.active => Ok(Some((actor_of(&user)?, user))),
        _ => Ok(None),
    }
}

/// [`authenticate`] for a page, with the user's unread inbox count that its
/// header shows.
pub async fn authenticate_page(
    db: &Db,
    clock: &dyn Clock,
    token: &str,
) -> ServiceResult<Option<(Actor, users::UserRow, i64)>> {
    match users::by_token_with_unread(db, &token_hash(token), clock.now_millis()).await? {
        Some((user, unread)) if user.active => Ok(Some((actor_of(&user)?, user, unread))),
        _ => Ok(None),
    }
}

pub async fn logout(db: &Db, clock: &dyn Clock, token: &str) -> ServiceResult<()> {
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    if let Some(user_id) = sessions::delete(&mut tx, &token_hash(token)).await? {
        audit::append(
            &mut tx,
            now,
            NewEvent {
                actor: "session",
                action: "session.logout",
                entity: "user",
                entity_id: Some(user_id),
                before: None,
                after: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
