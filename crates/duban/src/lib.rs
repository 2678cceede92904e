//! Duban (督办): the application around the plan importer.
//!
//! `domain` holds pure rules, `store` all SQL, `service` the use cases (one
//! transaction and one audit event each), `api` the JSON API over the services, `app` the HTTP server, `cli` the commands,
//! `notify` the delivery channels (e-mail and chat robots), `directory` the LDAP directory that
//! signs directory accounts in and is synced, `jobs` the scheduler that sends them.

pub mod api;
pub mod app;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod directory;
pub mod domain;
pub mod error;
pub mod export;
pub mod jobs;
pub mod notify;
pub mod service;
pub mod store;
pub mod web;
