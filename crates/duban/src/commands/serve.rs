//! `duban serve`: the server on the configured database.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::app::{self, AppState};
use std::time::Duration;

use crate::clock::{Clock, ShiftedClock, SystemClock};
use crate::directory::Directory;
use crate::jobs::scheduler::Scheduler;
use crate::store::Db;

pub async fn run(
    db_url: &str,
    listen: SocketAddr,
    body_limit: usize,
    directory: Option<Arc<Directory>>,
) -> anyhow::Result<()> {
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
    serve_with(
        db,
        Arc::new(SystemClock),
        None,
        directory,
        listener,
        body_limit,
    )
    .await
}

/// How often the scheduler looks for lights to refresh and reminders to send.
const SCHEDULER_EVERY: Duration = Duration::from_secs(30);

/// Serves `db` on `listener` with the scheduler beside it, until SIGINT or
/// SIGTERM. `demo_clock` lets the demo's admin move the date.
pub async fn serve(
    db: Db,
    clock: Arc<dyn Clock>,
    demo_clock: Option<Arc<ShiftedClock>>,
    listener: TcpListener,
    body_limit: usize,
) -> anyhow::Result<()> {
    serve_with(db, clock, demo_clock, None, listener, body_limit).await
}

/// [`serve`] with directory sign-in and the scheduled directory sync.
pub async fn serve_with(
    db: Db,
    clock: Arc<dyn Clock>,
    demo_clock: Option<Arc<ShiftedClock>>,
    directory: Option<Arc<Directory>>,
    listener: TcpListener,
    body_limit: usize,
) -> anyhow::Result<()> {
    let holder = format!(
        "{}:{}",
        listener
            .local_addr()
            .map_or_else(|_| "?".into(), |a| a.to_string()),
        std::process::id()
    );
    let scheduler = Scheduler::new(db.clone(), Arc::clone(&clock), holder, SCHEDULER_EVERY)
        .with_directory(directory.clone());
    let mut state = AppState::new(db.clone(), clock);
    state.directory = directory;
    state.scheduler = Some(scheduler.waker());
    state.demo_clock = demo_clock;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let jobs = tokio::spawn(scheduler.run(async {
        let _ = stopped.await;
    }));
    app::serve(
        listener,
        app::router(state, body_limit),
        app::shutdown_signal(),
    )
    .await?;
    let _ = stop.send(());
    let _ = jobs.await;
    db.close().await;
    Ok(())
}
