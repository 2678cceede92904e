//! The cockpit of a plan, kept between requests until the record changes.
//!
//! A city plan's cockpit reads every assignment's measures, reports and
//! findings to count what each unit owes; readers open it far more often
//! than anything changes. Every change appends to the audit chain, so the
//! chain's newest event id is the record's version: a cockpit built at that
//! version, for that plan, on that day, is the cockpit — on every server
//! sharing the database, without any message between them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::civil::Date;

use super::ServiceResult;
use super::cockpit::{Cockpit, build};
use crate::clock::Clock;
use crate::domain::light::china_date;
use crate::domain::roles::Actor;
use crate::store::{Db, audit};

/// Cockpits kept: one per plan being looked at is plenty.
const KEPT: usize = 16;

/// A plan's cockpit on a day.
type Key = (i64, Date);
/// The record's version it was built at, and the cockpit.
type Built = (i64, Arc<Cockpit>);

#[derive(Default)]
pub struct CockpitCache {
    built: Mutex<HashMap<Key, Built>>,
}

impl std::fmt::Debug for CockpitCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.built.lock().map_or(0, |b| b.len());
        f.debug_struct("CockpitCache").field("kept", &kept).finish()
    }
}

impl CockpitCache {
    fn get(&self, key: Key, version: i64) -> Option<Arc<Cockpit>> {
        let built = self.built.lock().ok()?;
        built
            .get(&key)
            .filter(|(at, _)| *at == version)
            .map(|(_, cockpit)| Arc::clone(cockpit))
    }

    fn put(&self, key: Key, version: i64, cockpit: Arc<Cockpit>) {
        if let Ok(mut built) = self.built.lock() {
            if built.len() >= KEPT && !built.contains_key(&key) {
                // Forget the oldest version: the plan least recently changed and read.
                if let Some(oldest) = built.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| *k) {
                    built.remove(&oldest);
                }
            }
            built.insert(key, (version, cockpit));
        }
    }
}

/// The cockpit as [`super::cockpit::cockpit`] builds it, from the cache when
/// nothing was recorded since it was built. The plan picker is the reader's own.
pub async fn cockpit(
    db: &Db,
    clock: &dyn Clock,
    cache: &CockpitCache,
    actor: &Actor,
    plan_id: Option<i64>,
) -> ServiceResult<Option<Cockpit>> {
    let today = china_date(clock.now_millis())
        .ok_or_else(|| super::ServiceError::Invalid("the clock is out of range".into()))?;
    // The reader's permission and plan first: the cache is per plan, not per reader.
    super::require(actor, super::cockpit::READERS, "open the cockpit")?;
    if plan_id.is_none() && super::plans::visible(db, actor).await?.is_empty() {
        return Ok(None);
    }
    let (plan, plans) = super::ledger::plan_for(db, actor, plan_id).await?;
    let key = (plan.id, today);
    // Read the version before building: a change made while building is
    // newer than the key, and the next reader builds again.
    let version = audit::last_event_id(db).await?;
    let built = match cache.get(key, version) {
        Some(built) => built,
        None => {
            let built = Arc::new(build(db, plan, Vec::new(), today, today).await?);
            cache.put(key, version, Arc::clone(&built));
            built
        }
    };
    let mut cockpit = (*built).clone();
    cockpit.plans = plans;
    Ok(Some(cockpit))
}
