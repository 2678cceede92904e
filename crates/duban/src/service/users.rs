//! Adding users, changing passwords and roles.

use serde_json::json;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::roles::{Actor, Role};
use crate::domain::secrets::NewPassword;
use crate::store::audit::NewEvent;
use crate::store::users::NewUser;
use crate::store::{Db, audit, units, users};

/// A user to add. A liaison belongs to a unit, named as documents name it.
#[derive(Debug, Clone)]
pub struct UserSpec<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub unit: Option<&'a str>,
    /// The supervision body a supervisor acts for.
    pub body: Option<&'a str>,
}

fn check_username(username: &str) -> ServiceResult<()> {
    let ok = (2..=64).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::Field {
            field: "username",
            message: format!("username '{username}': 2–64 letters, digits or _ - . @"),
        })
    }
}

/// What is wrong with a user to add, before anything is looked up: every
/// problem at once, so a form can show each next to its field. (Whether the
/// unit exists and the username is free is checked when adding.)
pub fn spec_problems(spec: &UserSpec<'_>, password: &str) -> Vec<ServiceError> {
    let mut problems = Vec::new();
    if let Err(e) = check_username(spec.username) {
        problems.push(e);
    }
    let display = spec.display_name.trim();
    if display.is_empty() || display.chars().count() > 100 {
        problems.push(ServiceError::Field {
            field: "display_name",
            message: "a display name of 1–100 characters".into(),
        });
    }
    if spec.role == Role::Liaison && spec.unit.is_none() {
        problems.push(ServiceError::Field {
            field: "unit",
            message: "a liaison needs a unit (--unit)".into(),
        });
    }
    if let Err(message) = NewPassword::parse(password) {
        problems.push(ServiceError::Field {
            field: "password",
            message,
        });
    }
    problems
}

/// Adds a user with an already hashed password (the demo shares one hash).
pub async fn add_user_with_hash(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    spec: &UserSpec<'_>,
    password_hash: &str,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "add users")?;
    check_username(spec.username)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let unit_id = match spec.unit {
        Some(name) => Some(
            units::resolve(&mut tx, name)
                .await?
                .ok_or_else(|| ServiceError::Field {
                    field: "unit",
                    message: format!("unit '{name}' is not a known unit"),
                })?
                .id,
        ),
        None => None,
    };
    let body_id = match spec.body {
        Some(name) => Some(
            crate::store::supervision::body_id(&mut tx, name)
                .await?
                .ok_or_else(|| ServiceError::Field {
                    field: "body",
                    message: format!("'{name}' is not a supervision body"),
                })?,
        ),
        None => None,
    };
    if spec.role == Role::Liaison && unit_id.is_none() {
        return Err(ServiceError::Field {
            field: "unit",
            message: "a liaison needs a unit (--unit)".into(),
        });
    }
    let role = spec.role.as_str();
    let id = users::create(
        &mut tx,
        &NewUser {
            username: spec.username,
            display_name: spec.display_name,
            password_hash,
            role,
            unit_id,
            body_id,
        },
        now,
    )
    .await?
    .ok_or_else(|| ServiceError::Field {
        field: "username",
        message: format!("username '{}' is taken", spec.username),
    })?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "user.add",
            entity: "user",
            entity_id: Some(id),
            before: None,
            after: Some(json!({"username": spec.username, "role": role, "unit_id": unit_id, "body_id": body_id})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn add_user(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    spec: &UserSpec<'_>,
    password: &NewPassword,
) -> ServiceResult<i64> {
    let hash = password.hash().map_err(ServiceError::Invalid)?;
    add_user_with_hash(db, clock, actor, spec, &hash).await
}

pub async fn set_password(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    username: &str,
    password: &NewPassword,
) -> ServiceResult<()> {
    let own = actor.name == format!("user:{username}");
    if !own {
        require(actor, &[Role::Admin], "reset another user's password")?;
    }
    let hash = password.hash().map_err(ServiceError::Invalid)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let user = users::by_username_in(&mut tx, username)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("user '{username}'")))?;
    if user.directory {
        // The directory checks this account's password: a local hash would
        // never be asked, and setting one would only mislead.
        return Err(ServiceError::Invalid(format!(
            "'{username}' is a directory account: its password is changed in the directory"
        )));
    }
    users::set_password_hash(&mut tx, user.id, user.version, &hash).await?;
    // Whoever knew the old password is signed out everywhere; the web form
    // signs its owner in again on a fresh session.
    let ended = crate::store::sessions::delete_all_of(&mut tx, user.id).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "user.password",
            entity: "user",
            entity_id: Some(user.id),
            before: None,
            // The hash is a secret too: the event records that it changed, not what to.
            after: Some(
                json!({"username": username, "password": "changed", "sessions_ended": ended}),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a user's role. `version` is the user's as a form showed it (a
/// stale one is refused); `None` for the operator's command line.
pub async fn set_role(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    username: &str,
    role: Role,
    version: Option<i64>,
) -> ServiceResult<()> {
    require(actor, &[Role::Admin], "change roles")?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let user = users::by_username_in(&mut tx, username)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("user '{username}'")))?;
    if role == Role::Liaison && user.unit_id.is_none() {
        return Err(ServiceError::Invalid("a liaison needs a unit".into()));
    }
    let version = version.unwrap_or(user.version);
    users::set_role(&mut tx, user.id, version, role.as_str()).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "user.role",
            entity: "user",
            entity_id: Some(user.id),
            before: Some(json!({"role": user.role})),
            after: Some(json!({"role": role.as_str()})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A long-lived API token for scripts, shown once; only its hash is kept.
pub async fn create_api_token(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    username: &str,
    name: &str,
) -> ServiceResult<String> {
    require(actor, &[Role::Admin], "issue API tokens")?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::Field {
            field: "name",
            message: "name the token (1–100 characters)".into(),
        });
    }
    let token = crate::domain::secrets::new_token().map_err(ServiceError::Invalid)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let user = users::by_username_in(&mut tx, username)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("user '{username}'")))?;
    crate::store::sessions::create_api_token(
        &mut tx,
        &crate::domain::secrets::token_hash(&token),
        user.id,
        name,
        now,
    )
    .await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "user.api_token",
            entity: "user",
            entity_id: Some(user.id),
            before: None,
            after: Some(json!({"username": username, "token_name": name})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Every user, for the administration page.
pub async fn list(db: &Db, actor: &Actor) -> ServiceResult<Vec<users::UserRow>> {
    require(actor, &[Role::Admin], "list users")?;
    Ok(users::all(db).await?)
}

/// One user, for the administration page.
pub async fn get(db: &Db, actor: &Actor, username: &str) -> ServiceResult<users::UserRow> {
    require(actor, &[Role::Admin], "read users")?;
    users::by_username(db, username)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("user '{username}'")))
}

/// Signs a user out everywhere (a lost phone, a shared computer): every
/// session ends at once; API tokens are revoked on their own. The admin only.
pub async fn end_sessions(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    username: &str,
) -> ServiceResult<u64> {
    require(actor, &[Role::Admin], "sign users out")?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let user = users::by_username_in(&mut tx, username)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("user '{username}'")))?;
    let ended = crate::store::sessions::delete_all_of(&mut tx, user.id).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "user.sessions_end",
            entity: "user",
            entity_id: Some(user.id),
            before: None,
            after: Some(json!({"username": username, "sessions_ended": ended})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// Lets a user sign in again (`active`) or stops them: a deactivated user's
/// sign-in is refused and their live sessions stop working (sign-in and
/// `authenticate` both check `active`). `version` is the user's as the form
/// showed it; an admin cannot deactivate themself.
pub async fn set_active(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    username: &str,
    active: bool,
    version: i64,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "deactivate or reactivate users")?;
    if !active && actor.name == format!("user:{username}") {
        return Err(ServiceError::Invalid(
            "you cannot deactivate your own account".into(),
        ));
    }
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let user = users::by_username_in(&mut tx, username)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("user '{username}'")))?;
    users::set_active(&mut tx, user.id, version, active).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: if active {
                "user.reactivate"
            } else {
                "user.deactivate"
            },
            entity: "user",
            entity_id: Some(user.id),
            before: Some(json!({"active": user.active})),
            after: Some(json!({"active": active})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(version + 1)
}
