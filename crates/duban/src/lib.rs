//! Duban (督办): the application around the plan importer.
//!
//! `domain` holds pure rules, `store` all SQL, `service` the use cases (one
//! transaction and one audit event each), `cli` the commands.

pub mod cli;
pub mod clock;
pub mod commands;
pub mod domain;
pub mod service;
pub mod store;
