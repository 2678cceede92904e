//! `duban serve`: the server on the configured database.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::app::{self, AppState};
use crate::clock::{Clock, SystemClock};
use crate::store::Db;

pub async fn run(db_url: &str, listen: SocketAddr, body_limit: usize) -> anyhow::Result<()> {
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    eprintln!(
        "duban: serving on http://{} ({} database)",
        listener.local_addr()?,
        db.backend()
    );
    serve(db, Arc::new(SystemClock), listener, body_limit).await
}

/// Serves `db` on `listener` until SIGINT or SIGTERM.
pub async fn serve(
    db: Db,
    clock: Arc<dyn Clock>,
    listener: TcpListener,
    body_limit: usize,
) -> anyhow::Result<()> {
    let state = AppState {
        db: db.clone(),
        clock,
    };
    app::serve(
        listener,
        app::router(state, body_limit),
        app::shutdown_signal(),
    )
    .await?;
    db.close().await;
    Ok(())
}
