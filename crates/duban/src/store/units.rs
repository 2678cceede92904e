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

/// Records `alias` as another name of unit `unit_id` (a name a document used
/// for it); false when the alias was already taken, by this unit or another.
pub async fn add_unit_alias(tx: &mut Tx, alias: &str, unit_id: i64) -> StoreResult<bool> {
    let added = on_tx!(tx, conn => {
        sqlx::query("INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(alias)
            .bind(unit_id)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    });
    Ok(added > 0)
}

/// A unit or group by id.
pub async fn by_id(tx: &mut Tx, id: i64) -> StoreResult<Option<UnitRow>> {
    let row = on_tx!(tx, conn => {
        sqlx::query("SELECT id, name, is_group, open_group FROM units WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **conn)
            .await?
            .map(|r| -> StoreResult<UnitRow> {
                Ok(UnitRow { id: r.try_get(0)?, name: r.try_get(1)?, is_group: r.try_get(2)?, open_group: r.try_get(3)? })
            })
            .transpose()?
    });
    Ok(row)
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
