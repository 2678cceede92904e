//! `duban export ledger`: the ledger (台账) as .xlsx, with the ledger page's filters.

use std::path::Path;

use anyhow::Context;

use crate::clock::SystemClock;
use crate::domain::roles::Actor;
use crate::service::ledger_export::{LedgerExportQuery, export_ledger};
use crate::store::Db;

pub async fn ledger(db_url: &str, query: &LedgerExportQuery, out: &Path) -> anyhow::Result<()> {
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let file = export_ledger(&db, &SystemClock, &Actor::operator(), query).await;
    db.close().await;
    let file = file?;
    std::fs::write(out, &file.bytes).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "ledger written to {}: {} tasks, {} bytes",
        out.display(),
        file.tasks,
        file.bytes.len()
    );
    Ok(())
}
