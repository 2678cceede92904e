//! `duban export …`: documents written from the record to a file — the
//! ledger (台账) and the annual assessment as .xlsx, the supervision
//! bulletin (督查通报) as .docx, a plan's whole record as JSON.

use std::path::Path;

use anyhow::{Context, bail};

use crate::clock::{Clock, FixedClock, SystemClock};
use crate::domain::bulletin_period::BulletinPeriod;
use crate::domain::roles::Actor;
use crate::service::bulletin::{BulletinRequest, bulletin as draw_up};
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

/// `duban export data`: the plan's record, streamed into a temporary file
/// beside `out` that takes `out`'s name only once it is complete.
pub async fn data(db_url: &str, plan: i64, out: &Path) -> anyhow::Result<()> {
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let written = write_data(&db, plan, out).await;
    db.close().await;
    let bytes = written?;
    println!(
        "plan {plan}'s record written to {}: {bytes} bytes",
        out.display()
    );
    Ok(())
}

async fn write_data(db: &Db, plan: i64, out: &Path) -> anyhow::Result<u64> {
    let mut export =
        crate::service::plan_data::export(db, &SystemClock, &Actor::operator(), plan).await?;
    let dir = super::folder_of(out);
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let mut bytes = 0;
    while let Some(chunk) = export.chunks.recv().await {
        let chunk = chunk?;
        std::io::Write::write_all(&mut file, &chunk)
            .with_context(|| format!("cannot write {}", out.display()))?;
        bytes += chunk.len() as u64;
    }
    file.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", out.display()))?;
    file.persist(out)
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(bytes)
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

/// `duban export bulletin`: the supervision bulletin (督查通报) as .docx.
pub async fn bulletin(
    db_url: &str,
    plan: i64,
    period: &str,
    number: Option<String>,
    office: Option<String>,
    as_of: Option<&str>,
    out: &Path,
) -> anyhow::Result<()> {
    let period: BulletinPeriod = match period.parse() {
        Ok(period) => period,
        Err(message) => bail!("--period: {message}"),
    };
    // A day other than today: the bulletin as it read then (noon in China).
    let clock: Box<dyn Clock> = match as_of {
        None => Box::new(SystemClock),
        Some(day) => {
            let noon = format!("{day}T12:00:00+08:00");
            match noon.parse() {
                Ok(at) => Box::new(FixedClock(at)),
                Err(_) => bail!("--as-of: '{day}' is not a date such as 2021-07-08"),
            }
        }
    };
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let actor = Actor::operator();
    let request = BulletinRequest {
        plan_id: Some(plan),
        period,
        number,
        office,
    };
    let found = draw_up(&db, clock.as_ref(), &actor, request).await;
    db.close().await;
    let found = found?;
    let bytes =
        crate::export::bulletin_docx::write(&crate::export::bulletin_text::document(&found))
            .context("cannot write the bulletin")?;
    std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "bulletin of plan {} for {} written to {}: {} red tasks, {} units",
        found.plan_id,
        found.period,
        out.display(),
        found.red_tasks.len(),
        found.units.len()
    );
    Ok(())
}
