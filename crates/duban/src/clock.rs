//! Time is injected: nothing below `main` asks the system for "now".

use std::sync::atomic::{AtomicI64, Ordering};

use jiff::Timestamp;

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;

    /// Milliseconds since the epoch, the form instants are stored in.
    fn now_millis(&self) -> i64 {
        self.now().as_millisecond()
    }
}

/// The wall clock, for the running server and the CLI.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that says what it is told, for tests across month ends and holidays.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

/// A clock a test moves by hand (through a plan year, day by day), shared
/// by the servers and schedulers it drives.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(at: Timestamp) -> ManualClock {
        ManualClock(AtomicI64::new(at.as_millisecond()))
    }

    pub fn set(&self, at: Timestamp) {
        self.0.store(at.as_millisecond(), Ordering::Release);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millisecond(self.0.load(Ordering::Acquire)).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// The wall clock moved to another day: time passes as usual, but "today" is
/// in the year the demo's plan runs (`duban demo --as-of 2021-06-15`), so its
/// lights, windows and deadlines read as they would have then. The demo's
/// admin may move it on (or back) to watch lights and reminders follow.
#[derive(Debug)]
pub struct ShiftedClock {
    offset_ms: AtomicI64,
}

impl ShiftedClock {
    /// A clock whose current instant is `at` (then running on from there).
    pub fn starting_at(at: Timestamp) -> ShiftedClock {
        ShiftedClock {
            offset_ms: AtomicI64::new(at.as_millisecond() - Timestamp::now().as_millisecond()),
        }
    }

    /// Moves the clock so that now is `at`.
    pub fn set(&self, at: Timestamp) {
        self.offset_ms.store(
            at.as_millisecond() - Timestamp::now().as_millisecond(),
            Ordering::Release,
        );
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> Timestamp {
        let now = Timestamp::now()
            .as_millisecond()
            .saturating_add(self.offset_ms.load(Ordering::Acquire));
        Timestamp::from_millisecond(now).unwrap_or_else(|_| Timestamp::now())
    }
}
