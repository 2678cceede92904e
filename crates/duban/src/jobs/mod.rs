//! Work that runs beside the requests inside `duban serve`: the scheduler
//! (lights, reminders, sending) and the sender it drives.

pub mod scheduler;
pub mod sender;
