//! The `duban` command: parse the CLI and dispatch.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = duban::cli::Cli::parse();
    match duban::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line on stderr, nothing on stdout: scripts can rely on both.
            eprintln!("duban: {error:#}");
            ExitCode::FAILURE
        }
    }
}
