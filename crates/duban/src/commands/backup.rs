//! `duban backup` and `duban restore`: a consistent copy of a live database
//! as one SQLite file, and back into a new SQLite file or an empty
//! PostgreSQL database (store/backup.rs has the how). Both check what they
//! wrote (SQLite's integrity check, the audit chain end to end) before they
//! report success, and neither leaves a half-written file behind.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::folder_of;
use crate::service::audit::verify;
use crate::store::Db;
use crate::store::backup::{self, Copied, RestoreTarget, sqlite_url};

pub async fn backup(db_url: &str, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        bail!(
            "{} exists: a backup is written to a new file",
            out.display()
        );
    }
    // Written inside a temporary directory beside `out`, moved into place
    // once checked: an interrupted backup leaves no file that looks whole.
    let dir = folder_of(out);
    let work = tempfile::Builder::new()
        .prefix(".duban-backup-")
        .tempdir_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let partial = work.path().join("backup.db");
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let copied = backup::backup(&db, &partial).await;
    db.close().await;
    let copied = copied.with_context(|| format!("the backup of {db_url} failed"))?;
    let events = check(&sqlite_url(&partial), "the backup").await?;
    std::fs::rename(&partial, out)
        .with_context(|| format!("cannot move the backup to {}", out.display()))?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup of {} written to {}: {}, audit chain intact ({events} events), {bytes} bytes",
        redacted(db_url),
        out.display(),
        summary(&copied)
    );
    Ok(())
}

pub async fn restore(file: &Path, db_url: &str) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    if !backup::is_duban_file(file).await {
        bail!(
            "{} is not a Duban backup (a SQLite database written by `duban backup`)",
            file.display()
        );
    }
    // The backup is never written to: a copy is opened, and brought to this
    // version's schema by the migrations if it is older.
    let work = tempfile::tempdir().context("cannot make a temporary directory")?;
    let copy = work.path().join("backup.db");
    std::fs::copy(file, &copy).with_context(|| format!("cannot read {}", file.display()))?;
    let source = Db::connect(&sqlite_url(&copy))
        .await
        .with_context(|| format!("cannot open the backup {}", file.display()))?;
    if let Some(problem) = backup::integrity_problem(&source).await? {
        source.close().await;
        bail!("{} is damaged: {problem}", file.display());
    }
    let restored = restore_into(&source, db_url).await;
    source.close().await;
    let copied = restored?;
    let events = check(db_url, "the restored database").await?;
    println!(
        "{} restored into {}: {}, audit chain intact ({events} events)",
        file.display(),
        redacted(db_url),
        summary(&copied)
    );
    Ok(())
}

async fn restore_into(source: &Db, db_url: &str) -> anyhow::Result<Vec<Copied>> {
    if let Some(rest) = db_url.strip_prefix("sqlite://") {
        let path = PathBuf::from(rest.split('?').next().unwrap_or(rest));
        if path.exists() {
            bail!(
                "{} exists: a restore writes a new database file (move the old one away first)",
                path.display()
            );
        }
        return Ok(backup::restore(source, RestoreTarget::SqliteFile(&path)).await?);
    }
    let target = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {}", redacted(db_url)))?;
    let copied = async {
        if !backup::is_empty(&target).await? {
            bail!(
                "{} already holds units, users or plans: restore into an empty database",
                redacted(db_url)
            );
        }
        Ok(backup::restore(source, RestoreTarget::Postgres(&target)).await?)
    }
    .await;
    target.close().await;
    copied
}

/// The integrity check (SQLite) and the audit chain of what was written:
/// the number of events verified.
async fn check(url: &str, what: &str) -> anyhow::Result<i64> {
    let db = Db::connect(url)
        .await
        .with_context(|| format!("cannot open {what}"))?;
    let checked = async {
        if let Some(problem) = backup::integrity_problem(&db).await? {
            bail!("{what} failed SQLite's integrity check: {problem}");
        }
        let chain = verify(&db).await?;
        if let Some((id, why)) = chain.broken {
            bail!("{what}: the audit chain is broken at event {id}: {why}");
        }
        Ok(chain.events)
    }
    .await;
    db.close().await;
    checked
}

fn summary(copied: &[Copied]) -> String {
    let rows: u64 = copied.iter().map(|c| c.rows).sum();
    let of = |table: &str| {
        copied
            .iter()
            .find(|c| c.table == table)
            .map_or(0, |c| c.rows)
    };
    format!(
        "{rows} rows in {} tables ({} plans, {} tasks, {} progress reports, {} attachments, {} users)",
        copied.len(),
        of("plans"),
        of("tasks"),
        of("progress_reports"),
        of("attachments"),
        of("users")
    )
}

/// A database URL without its password, for messages.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            super::redacted("postgres://duban:s3cret@db.intranet/duban"),
            "postgres://duban:***@db.intranet/duban"
        );
        assert_eq!(
            super::redacted("postgres://duban@db/duban"),
            "postgres://duban@db/duban"
        );
        assert_eq!(super::redacted("sqlite://a.db"), "sqlite://a.db");
    }
}
