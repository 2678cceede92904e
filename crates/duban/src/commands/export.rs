//! `duban export ledger`: the ledger (台账) as .xlsx, with the ledger page's
//! filters; `duban export assessment`: the annual assessment as .xlsx.

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

pub async fn assessment(db_url: &str, plan: Option<i64>, out: &Path) -> anyhow::Result<()> {
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let file =
        crate::service::assessment::workbook(&db, &SystemClock, &Actor::operator(), plan).await;
    db.close().await;
    let (_, bytes) = file?;
    std::fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "assessment written to {}: {} bytes",
        out.display(),
        bytes.len()
    );
    Ok(())
}
