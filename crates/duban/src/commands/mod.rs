//! One module per command: each turns its arguments into service calls and
//! prints the outcome.

pub mod audit;
pub mod backup;
pub mod bench;
pub mod demo;
pub mod directory;
pub mod export;
pub mod import;
pub mod parse;
pub mod serve;
pub mod user;

use std::path::Path;

use anyhow::Context;
use duban_plan::Registry;

/// The folder a file is written in: its temporary twin goes there too, so
/// the final rename stays on one file system.
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The built-in unit registry, or the one in `path`.
pub fn load_registry(path: Option<&Path>) -> anyhow::Result<Registry> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the unit registry {}", path.display()))?;
            Ok(Registry::from_toml(&text).with_context(|| format!("{}", path.display()))?)
        }
        None => Ok(Registry::builtin()),
    }
}
