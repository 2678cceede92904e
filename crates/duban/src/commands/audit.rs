//! `duban audit verify`: walk the audit chain end to end.

use anyhow::{Context, bail};

use crate::service::audit::verify;
use crate::store::Db;

pub async fn verify_chain(db_url: &str) -> anyhow::Result<()> {
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let verification = verify(&db).await?;
    db.close().await;
    match verification.broken {
        None => {
            println!("audit chain intact: {} events", verification.events);
            Ok(())
        }
        Some((id, what)) => bail!(
            "audit chain broken at event {id}: {what} ({} events before it verified)",
            verification.events
        ),
    }
}
