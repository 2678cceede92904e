//! The scheduler inside `duban serve`: on every tick the process that holds
//! the lease (one per database, however many servers share it) brings the
//! lights to today, makes today's reminders once, and sends what is due. It
//! runs on its own task, so sending never holds up a request; a 催办 wakes it
//! at once. It also syncs the directory (LDAP) on its configured interval.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::sender::{self, Sent};
use crate::clock::Clock;
use crate::directory::Directory;
use crate::service::ServiceResult;
use crate::service::directory;
use crate::service::lights::{self, DailyGate};
use crate::service::reminders::{self, Generated};
use crate::store::{Db, leases};

/// How long a lease lasts unless renewed: a server that dies is replaced
/// after this long.
const LEASE_MS: i64 = 60_000;

pub struct Scheduler {
    db: Db,
    clock: Arc<dyn Clock>,
    /// This process's name in the lease and the attempt log.
    holder: String,
    wake: Arc<Notify>,
    every: Duration,
    gate: DailyGate,
    /// The directory to sync on its interval, if one is configured.
    directory: Option<Arc<Directory>>,
}

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tick {
    /// False when another process holds the lease (it did the work).
    pub held: bool,
    pub generated: Generated,
    pub sent: Sent,
}

impl Scheduler {
    pub fn new(db: Db, clock: Arc<dyn Clock>, holder: String, every: Duration) -> Scheduler {
        Scheduler {
            db,
            clock,
            holder,
            wake: Arc::new(Notify::new()),
            every,
            gate: DailyGate::default(),
            directory: None,
        }
    }

    /// Syncs `directory` on its configured interval too.
    pub fn with_directory(mut self, directory: Option<Arc<Directory>>) -> Scheduler {
        self.directory = directory;
        self
    }

    /// What wakes this scheduler early (handed to the app's state).
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// One round: lease, lights, reminders, sending.
    pub async fn tick(&self) -> ServiceResult<Tick> {
        let now = self.clock.now_millis();
        if !leases::acquire(&self.db, "scheduler", &self.holder, now, now + LEASE_MS).await? {
            return Ok(Tick::default());
        }
        lights::ensure_current(&self.db, self.clock.as_ref(), &self.gate).await?;
        let generated = reminders::generate(&self.db, self.clock.as_ref()).await?;
        let sent = sender::send_due(&self.db, self.clock.as_ref(), &self.holder).await?;
        if let Some(directory) = &self.directory {
            // Its failure is kept for the admin's page by the sync itself;
            // it must not hold up the reminders of the next tick.
            if let Err(e) = directory::sync_if_due(&self.db, self.clock.as_ref(), directory).await {
                tracing::error!(error = %e, holder = %self.holder, "scheduled directory sync failed");
            }
        }
        Ok(Tick {
            held: true,
            generated,
            sent,
        })
    }

    /// Ticks every `every` (or when woken) until `shutdown` resolves. A
    /// failing tick is logged and the next one tries again.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.tick().await {
                tracing::error!(error = %e, holder = %self.holder, "scheduler tick failed");
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = self.wake.notified() => {},
                () = tokio::time::sleep(self.every) => {},
            }
        }
    }
}
