//! The `duban` command: parse the CLI, set up logging, dispatch.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// See Cargo.toml: memory freed is memory returned.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = duban::cli::Cli::parse();
    // Logs go to stderr in key=value form; RUST_LOG sets the level (default:
    // warnings, without the slow-statement ones for whole-table commands).
    let default = if cli.command.works_in_bulk() {
        "warn,sqlx::query=error"
    } else {
        "warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default)),
        )
        .with_writer(std::io::stderr)
        // Colours for a person at a terminal, plain text for a log file or journald.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match duban::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line on stderr, nothing on stdout: scripts can rely on both.
            eprintln!("duban: {error:#}");
            ExitCode::FAILURE
        }
    }
}
