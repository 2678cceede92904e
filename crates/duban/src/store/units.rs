//! Units, their aliases and groups.

use duban_plan::Registry;
use sqlx::Row;

use super::{StoreResult, Tx};
use crate::on_tx;

/// A unit or group as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub is_group: bool,
    pub open_group: bool,
}

/// Makes the stored units match the registry's: missing units, aliases,
/// groups and members are added; nothing stored is removed (assignments may
/// point at it).
pub async fn sync_registry(tx: &mut Tx, registry: &Registry) -> StoreResult<()> {
    for unit in &registry.units {
        let id = upsert(tx, &unit.name, &unit.kind, false, false).await?;
        for alias in &unit.aliases {
            add_alias(tx, alias, id).await?;
        }
    }
    for group in &registry.groups {
        let id = upsert(tx, &group.name, "group", true, group.open).await?;
        for alias in &group.aliases {
            add_alias(tx, alias, id).await?;
        }
        for member in &group.members {
            if let Some(found) = resolve(tx, member).await? {
                on_tx!(tx, conn => {
                    sqlx::query(
                        "INSERT INTO unit_group_members (group_id, member_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(found.id)
                    .execute(&mut **conn)
                    .await?;
                });
            }
        }
    }
    Ok(())
}

async fn upsert(
    tx: &mut Tx,
    name: &str,
    kind: &str,
    is_group: bool,
    open: bool,
) -> StoreResult<i64> {
    if let Some(found) = by_name(tx, name).await? {
        return Ok(found.id);
    }
    create(tx, name, kind, is_group, open).await
}

/// Adds a unit (or group) and returns its id.
pub async fn create(
    tx: &mut Tx,
    name: &str,
    kind: &str,
    is_group: bool,
    open: bool,
) -> StoreResult<i64> {
    let id = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO units (name, kind, is_group, open_group) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(kind)
        .bind(is_group)
        .bind(open)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    });
    Ok(id)
}

async fn add_alias(tx: &mut Tx, alias: &str, unit_id: i64) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(alias)
            .bind(unit_id)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

async fn by_name(tx: &mut Tx, name: &str) -> StoreResult<Option<UnitRow>> {
    let row = on_tx!(tx, conn => {
        sqlx::query("SELECT id, name, is_group, open_group FROM units WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut **conn)
            .await?
            .map(|r| -> StoreResult<UnitRow> {
                Ok(UnitRow { id: r.try_get(0)?, name: r.try_get(1)?, is_group: r.try_get(2)?, open_group: r.try_get(3)? })
            })
            .transpose()?
    });
    Ok(row)
}

/// The unit or group a document's name refers to, by name or alias.
pub async fn resolve(tx: &mut Tx, name: &str) -> StoreResult<Option<UnitRow>> {
    if let Some(found) = by_name(tx, name).await? {
        return Ok(Some(found));
    }
    let row = on_tx!(tx, conn => {
        sqlx::query(
            "SELECT u.id, u.name, u.is_group, u.open_group FROM unit_aliases a \
             JOIN units u ON u.id = a.unit_id WHERE a.alias = $1",
        )
        .bind(name)
        .fetch_optional(&mut **conn)
        .await?
        .map(|r| -> StoreResult<UnitRow> {
            Ok(UnitRow { id: r.try_get(0)?, name: r.try_get(1)?, is_group: r.try_get(2)?, open_group: r.try_get(3)? })
        })
        .transpose()?
    });
    Ok(row)
}

/// The member units of a group, in the order they were added.
pub async fn members(tx: &mut Tx, group_id: i64) -> StoreResult<Vec<i64>> {
    let ids = on_tx!(tx, conn => {
        sqlx::query("SELECT member_id FROM unit_group_members WHERE group_id = $1 ORDER BY member_id")
            .bind(group_id)
            .fetch_all(&mut **conn)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<Vec<_>, _>>()?
    });
    Ok(ids)
}

/// Every unit that can hold a task (not groups), by name: (id, name).
pub async fn all_units(db: &super::Db) -> StoreResult<Vec<(i64, String)>> {
    Ok(crate::on_db!(db, pool => {
        sqlx::query("SELECT id, name FROM units WHERE is_group = FALSE ORDER BY name")
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// A unit or group as the administration lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitListing {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub is_group: bool,
    pub open_group: bool,
    pub aliases: Vec<String>,
    /// For a unit: the groups it belongs to. For a group: its members.
    pub related: Vec<String>,
    /// Assignments held (a unit) or handed out through it (a group).
    pub assignments: i64,
}

/// Every unit and group with aliases, memberships and assignment counts.
pub async fn listing(db: &super::Db) -> StoreResult<Vec<UnitListing>> {
    let (units, aliases, members, counts) = crate::on_db!(db, pool => {
        let units = sqlx::query("SELECT id, name, kind, is_group, open_group FROM units ORDER BY is_group, name")
            .fetch_all(pool).await?
            .iter()
            .map(|r| Ok(UnitListing {
                id: r.try_get(0)?, name: r.try_get(1)?, kind: r.try_get(2)?,
                is_group: r.try_get(3)?, open_group: r.try_get(4)?,
                aliases: Vec::new(), related: Vec::new(), assignments: 0,
            }))
            .collect::<StoreResult<Vec<_>>>()?;
        let aliases = sqlx::query("SELECT unit_id, alias FROM unit_aliases ORDER BY alias")
            .fetch_all(pool).await?
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect::<StoreResult<Vec<_>>>()?;
        let members = sqlx::query("SELECT group_id, member_id FROM unit_group_members ORDER BY group_id, member_id")
            .fetch_all(pool).await?
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)?)))
            .collect::<StoreResult<Vec<_>>>()?;
        let counts = sqlx::query(
            "SELECT unit_id, COUNT(*) FROM assignments GROUP BY unit_id \
             UNION ALL SELECT via_group_id, COUNT(*) FROM assignments WHERE via_group_id IS NOT NULL GROUP BY via_group_id",
        )
            .fetch_all(pool).await?
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)?)))
            .collect::<StoreResult<Vec<_>>>()?;
        (units, aliases, members, counts)
    });
    let name_of = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let mut listed = units.clone();
    for unit in &mut listed {
        unit.aliases = aliases
            .iter()
            .filter(|(id, _)| *id == unit.id)
            .map(|(_, alias)| alias.clone())
            .collect();
        unit.related = members
            .iter()
            .filter_map(|&(group, member)| match unit.is_group {
                true if group == unit.id => Some(name_of(member)),
                false if member == unit.id => Some(name_of(group)),
                _ => None,
            })
            .collect();
        unit.assignments = counts
            .iter()
            .filter(|(id, _)| *id == unit.id)
            .map(|(_, n)| n)
            .sum();
    }
    Ok(listed)
}

/// A unit or group by id.
pub async fn by_id(tx: &mut Tx, id: i64) -> StoreResult<Option<UnitRow>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT id, name, is_group, open_group FROM units WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **conn)
            .await?
            .map(|r| -> StoreResult<UnitRow> {
                Ok(UnitRow { id: r.try_get(0)?, name: r.try_get(1)?, is_group: r.try_get(2)?, open_group: r.try_get(3)? })
            })
            .transpose()?
    }))
}

/// Adds an alias; false when the alias is already taken.
pub async fn insert_alias(tx: &mut Tx, alias: &str, unit_id: i64) -> StoreResult<bool> {
    changed_one(
        tx,
        "INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        alias.to_owned(),
        unit_id,
    )
    .await
}

/// Removes a unit's alias; false when the unit has no such alias.
pub async fn delete_alias(tx: &mut Tx, alias: &str, unit_id: i64) -> StoreResult<bool> {
    changed_one(
        tx,
        "DELETE FROM unit_aliases WHERE alias = $1 AND unit_id = $2",
        alias.to_owned(),
        unit_id,
    )
    .await
}

/// Puts a unit into a group; false when it is a member already.
pub async fn insert_member(tx: &mut Tx, group_id: i64, member_id: i64) -> StoreResult<bool> {
    changed_one(
        tx,
        "INSERT INTO unit_group_members (group_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        group_id,
        member_id,
    )
    .await
}

/// Takes a unit out of a group; false when it was not a member.
pub async fn delete_member(tx: &mut Tx, group_id: i64, member_id: i64) -> StoreResult<bool> {
    changed_one(
        tx,
        "DELETE FROM unit_group_members WHERE group_id = $1 AND member_id = $2",
        group_id,
        member_id,
    )
    .await
}

/// Runs a statement with two bound values; true when it changed exactly one
/// row (an insert that met a conflict or a delete that found nothing
/// changes none).
async fn changed_one<A, B>(tx: &mut Tx, sql: &'static str, first: A, second: B) -> StoreResult<bool>
where
    A: Bindable + Send,
    B: Bindable + Send,
{
    Ok(on_tx!(tx, conn => {
        sqlx::query(sql)
            .bind(first)
            .bind(second)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    }) == 1)
}

/// A value both drivers can bind.
trait Bindable:
    for<'q> sqlx::Encode<'q, sqlx::Sqlite>
    + sqlx::Type<sqlx::Sqlite>
    + for<'q> sqlx::Encode<'q, sqlx::Postgres>
    + sqlx::Type<sqlx::Postgres>
{
}

impl<T> Bindable for T where
    T: for<'q> sqlx::Encode<'q, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
        + for<'q> sqlx::Encode<'q, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
{
}

/// Every name the database knows a unit or group by: names and aliases.
pub async fn known_names(db: &super::Db) -> StoreResult<Vec<String>> {
    Ok(crate::on_db!(db, pool => {
        sqlx::query("SELECT name FROM units UNION SELECT alias FROM unit_aliases")
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<Vec<_>, _>>()?
    }))
}

/// A unit's (or group's) name by id.
pub async fn name_of(db: &super::Db, id: i64) -> StoreResult<Option<String>> {
    Ok(crate::on_db!(db, pool => {
        sqlx::query("SELECT name FROM units WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<String, _>(0))
            .transpose()?
    }))
}

/// A unit's own notification settings: who heads it (told from the
/// escalation's second round) and its robots' quiet hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitChannelsRow {
    pub id: i64,
    pub name: String,
    pub head_user_id: Option<i64>,
    /// `None` follows the office's.
    pub quiet_hours: Option<String>,
    pub version: i64,
}

const CHANNELS: &str = "SELECT id, name, head_user_id, quiet_hours, version FROM units";

fn channels_row<R: Row>(r: &R) -> StoreResult<UnitChannelsRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(UnitChannelsRow {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        head_user_id: r.try_get(2)?,
        quiet_hours: r.try_get(3)?,
        version: r.try_get(4)?,
    })
}

/// Every unit's (not group's) notification settings, by name.
pub async fn channels(db: &super::Db) -> StoreResult<Vec<UnitChannelsRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{CHANNELS} WHERE is_group = FALSE ORDER BY name"));
    crate::on_db!(db, pool => sqlx::query(sql).fetch_all(pool).await?.iter().map(channels_row).collect())
}

pub async fn channels_of(tx: &mut Tx, id: i64) -> StoreResult<Option<UnitChannelsRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{CHANNELS} WHERE id = $1"));
    on_tx!(tx, conn => sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(channels_row).transpose())
}

/// Sets a unit's head and quiet hours if the unit is still at `version`.
pub async fn set_channels(
    tx: &mut Tx,
    id: i64,
    version: i64,
    head_user_id: Option<i64>,
    quiet_hours: Option<&str>,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE units SET head_user_id = $1, quiet_hours = $2, version = version + 1 \
             WHERE id = $3 AND version = $4",
        )
        .bind(head_user_id)
        .bind(quiet_hours)
        .bind(id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "unit", id, version)
}
