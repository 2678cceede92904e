//! The unit registry as the administration keeps it: units, their aliases
//! (the other names documents use for them), groups and their members, and
//! the supervision bodies.

use serde_json::json;

use super::{ServiceError, ServiceResult, record, require};
use crate::clock::Clock;
use crate::domain::roles::{Actor, Role};
use crate::store::units::{self, UnitListing, UnitRow};
use crate::store::{Db, Tx, supervision};

/// Every unit and group, for the administration page.
pub async fn listing(db: &Db, actor: &Actor) -> ServiceResult<Vec<UnitListing>> {
    require(actor, &[Role::Admin], "administer units")?;
    Ok(units::listing(db).await?)
}

/// A name as typed: trimmed, 1–100 characters, else a message for `field`.
fn name_in(field: &'static str, text: &str) -> ServiceResult<String> {
    let name = text.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::Field {
            field,
            message: "a name of 1–100 characters".into(),
        });
    }
    Ok(name.to_string())
}

/// Refuses a name a document could already mean another unit by.
async fn name_is_free(tx: &mut Tx, field: &'static str, name: &str) -> ServiceResult<()> {
    if let Some(taken) = units::resolve(tx, name).await? {
        return Err(ServiceError::Field {
            field,
            message: format!("'{name}' already names {}", taken.name),
        });
    }
    Ok(())
}

async fn unit_in(tx: &mut Tx, id: i64) -> ServiceResult<UnitRow> {
    units::by_id(tx, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("unit {id}")))
}

/// Adds a unit (`group` false) or a group of units; returns its id.
pub async fn add_unit(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    name: &str,
    kind: &str,
    group: bool,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "add units")?;
    let name = name_in("name", name)?;
    let kind = if group { "group" } else { kind.trim() };
    if kind.chars().count() > 50 {
        return Err(ServiceError::Field {
            field: "kind",
            message: "a kind of at most 50 characters".into(),
        });
    }
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    name_is_free(&mut tx, "name", &name).await?;
    let id = units::create(&mut tx, &name, kind, group, false).await?;
    let entity = if group { "unit_group" } else { "unit" };
    record(
        &mut tx,
        now,
        actor,
        &format!("{entity}.add"),
        entity,
        id,
        json!({"name": name, "kind": kind}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Gives a unit or group another name documents may use for it.
pub async fn add_alias(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    unit_id: i64,
    alias: &str,
) -> ServiceResult<()> {
    require(actor, &[Role::Admin], "add unit aliases")?;
    let alias = name_in("alias", alias)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let unit = unit_in(&mut tx, unit_id).await?;
    name_is_free(&mut tx, "alias", &alias).await?;
    if !units::insert_alias(&mut tx, &alias, unit.id).await? {
        return Err(ServiceError::Field {
            field: "alias",
            message: format!("'{alias}' is already an alias"),
        });
    }
    audit_alias(tx, now, actor, "unit.alias_add", &unit, &alias).await
}

pub async fn remove_alias(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    unit_id: i64,
    alias: &str,
) -> ServiceResult<()> {
    require(actor, &[Role::Admin], "remove unit aliases")?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let unit = unit_in(&mut tx, unit_id).await?;
    if !units::delete_alias(&mut tx, alias, unit.id).await? {
        return Err(ServiceError::NotFound(format!(
            "alias '{alias}' of {}",
            unit.name
        )));
    }
    audit_alias(tx, now, actor, "unit.alias_remove", &unit, alias).await
}

/// Records an alias change of `unit` and commits it.
async fn audit_alias(
    mut tx: Tx,
    now: i64,
    actor: &Actor,
    action: &str,
    unit: &UnitRow,
    alias: &str,
) -> ServiceResult<()> {
    record(
        &mut tx,
        now,
        actor,
        action,
        "unit",
        unit.id,
        json!({"unit": unit.name, "alias": alias}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The group and the unit a membership change names, both checked.
async fn group_and_member(
    tx: &mut Tx,
    group_id: i64,
    member_id: i64,
) -> ServiceResult<(UnitRow, UnitRow)> {
    let group = unit_in(tx, group_id).await?;
    if !group.is_group {
        return Err(ServiceError::Field {
            field: "group",
            message: format!("{} is a unit, not a group", group.name),
        });
    }
    let member = unit_in(tx, member_id).await?;
    if member.is_group {
        return Err(ServiceError::Field {
            field: "member",
            message: "a group's members are units, not groups".into(),
        });
    }
    Ok((group, member))
}

/// Puts a unit into a group; a unit already in it is a field error.
pub async fn add_member(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    group_id: i64,
    member_id: i64,
) -> ServiceResult<()> {
    change_membership(db, clock, actor, group_id, member_id, true).await
}

/// Takes a unit out of a group; a unit not in it is not found.
pub async fn remove_member(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    group_id: i64,
    member_id: i64,
) -> ServiceResult<()> {
    change_membership(db, clock, actor, group_id, member_id, false).await
}

/// Adds (`add`) or removes a group member, checked and audited the same way
/// both ways.
async fn change_membership(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    group_id: i64,
    member_id: i64,
    add: bool,
) -> ServiceResult<()> {
    require(actor, &[Role::Admin], "change unit groups")?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let (group, member) = group_and_member(&mut tx, group_id, member_id).await?;
    let action = if add {
        if !units::insert_member(&mut tx, group.id, member.id).await? {
            return Err(ServiceError::Field {
                field: "member",
                message: format!("{} is already in {}", member.name, group.name),
            });
        }
        "unit_group.member_add"
    } else {
        if !units::delete_member(&mut tx, group.id, member.id).await? {
            return Err(ServiceError::NotFound(format!(
                "{} as a member of {}",
                member.name, group.name
            )));
        }
        "unit_group.member_remove"
    };
    record(
        &mut tx,
        now,
        actor,
        action,
        "unit_group",
        group.id,
        json!({"group": group.name, "member": member.name}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every supervision body, for the administration page.
pub async fn bodies(db: &Db, actor: &Actor) -> ServiceResult<Vec<(i64, String)>> {
    require(actor, &[Role::Admin], "administer supervision bodies")?;
    Ok(supervision::bodies(db).await?)
}

/// Adds a supervision body; a name already in use is a field error.
pub async fn add_body(db: &Db, clock: &dyn Clock, actor: &Actor, name: &str) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "add supervision bodies")?;
    let name = name_in("name", name)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    if supervision::body_id(&mut tx, &name).await?.is_some() {
        return Err(ServiceError::Field {
            field: "name",
            message: format!("the body '{name}' exists already"),
        });
    }
    let id = supervision::ensure_body(&mut tx, &name, now).await?;
    record(
        &mut tx,
        now,
        actor,
        "supervision_body.add",
        "supervision_body",
        id,
        json!({"name": name}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
