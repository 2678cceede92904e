//! Cascades (分解下达): a street or department passes its part of a task down
//! to a unit directly under it (a residents' committee), which may pass it
//! down again. Each part is an assignment of the same task, so measures,
//! reports and lights work as everywhere; progress rolls up the tree, and
//! each tier reads its own subtree only. The unit tree is kept free of loops.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use super::{ServiceError, ServiceResult, record, require};
use crate::clock::Clock;
use crate::domain::light::Light;
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::{self, AssignmentRow};
use crate::store::{Db, cascades, units};

/// The deepest tree a walk follows: far beyond any district's tiers, and a
/// stop for a loop a database edited by hand might hold.
const MAX_DEPTH: usize = 64;

/// Puts a unit under another, or under none (admin). A parent that is the
/// unit itself or already under it would make a loop: refused.
pub async fn set_parent(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    unit: &str,
    parent: Option<&str>,
) -> ServiceResult<()> {
    require(actor, &[Role::Admin], "arrange the unit tree")?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let child = units::resolve(&mut tx, unit.trim())
        .await?
        .filter(|u| !u.is_group)
        .ok_or_else(|| ServiceError::field("unit", format!("'{unit}' is not a known unit")))?;
    let parent_id = match parent.map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(name) => {
            let found = units::resolve(&mut tx, name)
                .await?
                .filter(|u| !u.is_group)
                .ok_or_else(|| {
                    ServiceError::field("parent", format!("'{name}' is not a known unit"))
                })?;
            // Walk up from the new parent: meeting the unit means a loop.
            let mut at = Some(found.id);
            for _ in 0..MAX_DEPTH {
                let Some(id) = at else { break };
                if id == child.id {
                    return Err(ServiceError::field(
                        "parent",
                        format!(
                            "{} is {} itself or under it: that would make a loop",
                            found.name, child.name
                        ),
                    ));
                }
                at = cascades::parent_of(&mut tx, id).await?;
            }
            Some(found.id)
        }
    };
    cascades::set_parent(&mut tx, child.id, parent_id).await?;
    record(
        &mut tx,
        now,
        actor,
        "unit.parent",
        "unit",
        child.id,
        json!({ "parent": parent }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The unit's liaison passes its part of the task down to a unit directly
/// under it; returns the new part.
pub async fn cascade(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    unit: &str,
) -> ServiceResult<AssignmentRow> {
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    let parent = assignments::get(&mut tx, assignment_id).await?;
    let own = actor.role == Role::Liaison && actor.unit_id == Some(parent.unit_id);
    if !(own || actor.role == Role::Admin) {
        return Err(ServiceError::Forbidden(format!(
            "only {}'s liaison passes its part down",
            parent.unit_name
        )));
    }
    if !matches!(parent.state.as_str(), "claimed" | "in_progress") {
        return Err(ServiceError::Transition(
            "sign for the work (claim it) before passing it down; finished work is not".into(),
        ));
    }
    let sub = units::resolve(&mut tx, unit.trim())
        .await?
        .filter(|u| !u.is_group)
        .ok_or_else(|| ServiceError::field("unit", format!("'{unit}' is not a known unit")))?;
    if cascades::parent_of(&mut tx, sub.id).await? != Some(parent.unit_id) {
        return Err(ServiceError::field(
            "unit",
            format!("{} is not directly under {}", sub.name, parent.unit_name),
        ));
    }
    let made =
        crate::store::plans::insert_assignment(&mut tx, parent.task_id, sub.id, "co", None, now)
            .await?
            .ok_or_else(|| {
                ServiceError::Transition(format!("{} already holds this task", sub.name))
            })?;
    cascades::insert(&mut tx, made, parent.id, &actor.name, now).await?;
    record(
        &mut tx,
        now,
        actor,
        "assignment.cascade",
        "assignment",
        parent.id,
        json!({ "to": sub.name, "assignment_id": made }),
    )
    .await?;
    lights.task(&mut tx, parent.task_id).await?;
    let row = assignments::get(&mut tx, made).await?;
    tx.commit().await?;
    Ok(row)
}

/// One part below an assignment, with its tier (1 directly under it) and
/// its latest report (period, narrative).
#[derive(Debug, Clone)]
pub struct Node {
    pub assignment: AssignmentRow,
    pub depth: usize,
    pub latest: Option<(String, String)>,
}

/// An assignment's subtree: the parts passed down from it, depth first,
/// and the worst light among it and them (progress rolls up).
#[derive(Debug, Clone)]
pub struct Subtree {
    pub root: AssignmentRow,
    pub nodes: Vec<Node>,
    pub rolled: Light,
    /// The part this one was passed down from, if it was.
    pub parent: Option<i64>,
}

/// An assignment's subtree, for the office, leaders, viewers, its own unit
/// and the units above it; a sibling or a unit below reads none of it.
pub async fn subtree(db: &Db, actor: &Actor, assignment_id: i64) -> ServiceResult<Subtree> {
    let root = assignments::read(db, assignment_id).await?;
    let all = assignments::of_tasks(db, &[root.task_id]).await?;
    let links = cascades::of_task(db, root.task_id).await?;
    if actor.role == Role::Liaison {
        let units: HashMap<i64, i64> = all.iter().map(|a| (a.id, a.unit_id)).collect();
        let up: HashMap<i64, i64> = links.iter().copied().collect();
        let mut at = Some(root.id);
        let mut allowed = false;
        for _ in 0..MAX_DEPTH {
            let Some(id) = at else { break };
            if units.get(&id).copied() == actor.unit_id {
                allowed = true;
                break;
            }
            at = up.get(&id).copied();
        }
        if !allowed {
            return Err(ServiceError::Forbidden(
                "a unit reads its own part and the parts below it".into(),
            ));
        }
    }
    subtree_among(db, root, &all, &links).await
}

/// The same for an assignment already read with its task's assignments
/// and cascades, by one who may read it.
pub async fn subtree_among(
    db: &Db,
    root: AssignmentRow,
    all: &[AssignmentRow],
    links: &[(i64, i64)],
) -> ServiceResult<Subtree> {
    let by_id: HashMap<i64, &AssignmentRow> = all.iter().map(|a| (a.id, a)).collect();
    let mut below: HashMap<i64, Vec<i64>> = HashMap::new();
    for &(child, parent) in links {
        below.entry(parent).or_default().push(child);
    }
    let mut nodes: Vec<(i64, usize)> = Vec::new();
    let mut seen: HashSet<i64> = HashSet::from([root.id]);
    let mut stack: Vec<(i64, usize)> = below
        .get(&root.id)
        .into_iter()
        .flatten()
        .rev()
        .map(|&c| (c, 1))
        .collect();
    while let Some((id, depth)) = stack.pop() {
        if depth > MAX_DEPTH || !seen.insert(id) {
            continue;
        }
        nodes.push((id, depth));
        for &c in below.get(&id).into_iter().flatten().rev() {
            stack.push((c, depth + 1));
        }
    }
    let ids: Vec<i64> = nodes.iter().map(|(id, _)| *id).collect();
    let latest: HashMap<i64, (String, String)> = crate::store::reports::latest_of_many(db, &ids)
        .await?
        .into_iter()
        .map(|(id, period, narrative, _)| (id, (period, narrative)))
        .collect();
    let light = |a: &AssignmentRow| super::lights::parse_light(&a.light);
    let mut rolled = light(&root);
    let nodes: Vec<Node> = nodes
        .into_iter()
        .filter_map(|(id, depth)| {
            let a = by_id.get(&id)?;
            rolled = rolled.max(light(a));
            Some(Node {
                assignment: (*a).clone(),
                depth,
                latest: latest.get(&id).cloned(),
            })
        })
        .collect();
    let parent = links.iter().find(|(c, _)| *c == root.id).map(|(_, p)| *p);
    Ok(Subtree {
        root,
        nodes,
        rolled,
        parent,
    })
}
