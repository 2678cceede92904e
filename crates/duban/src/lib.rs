//! Duban (督办): the application around the plan importer. `cli` owns the
//! command line; the server, storage and UI arrive as their own modules.

pub mod cli;
pub mod parse_command;
