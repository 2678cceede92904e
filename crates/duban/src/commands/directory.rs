//! `duban directory sync|status`: the directory sync from the server's shell.

use anyhow::{Context, anyhow};

use crate::clock::SystemClock;
use crate::directory::Directory;
use crate::domain::roles::Actor;
use crate::service::directory::{self, SyncOutcome};
use crate::store::Db;

async fn open(db_url: &str) -> anyhow::Result<Db> {
    Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))
}

/// One line of counts, as the command and the log print them.
fn summary(outcome: &SyncOutcome) -> String {
    let c = &outcome.counts;
    format!(
        "units created {}; users created {}, updated {}, disabled {}, reinstated {}, unchanged {}; skipped {}",
        c.units_created,
        c.users_created,
        c.users_updated,
        c.users_disabled,
        c.users_reinstated,
        c.users_unchanged,
        c.skipped
    )
}

pub async fn sync(db_url: &str, directory: &Directory) -> anyhow::Result<()> {
    let db = open(db_url).await?;
    let outcome = directory::sync(&db, &SystemClock, &Actor::operator(), directory).await;
    db.close().await;
    let outcome = outcome.map_err(|e| anyhow!("directory sync failed, nothing changed: {e}"))?;
    println!("directory synchronised: {}", summary(&outcome));
    for skipped in &outcome.skipped {
        println!("  skipped {}: {}", skipped.who, skipped.why);
    }
    Ok(())
}

pub async fn status(db_url: &str) -> anyhow::Result<()> {
    let db = open(db_url).await?;
    let last = directory::last_sync(&db).await;
    db.close().await;
    match last? {
        None => println!("the directory has not been synchronised yet"),
        Some(outcome) => {
            let at = jiff::Timestamp::from_millisecond(outcome.at)
                .map_or_else(|_| outcome.at.to_string(), |t| t.to_string());
            match &outcome.error {
                None => println!("{at} by {}: ok, {}", outcome.by, summary(&outcome)),
                Some(error) => println!("{at} by {}: FAILED, {error}", outcome.by),
            }
        }
    }
    Ok(())
}
