//! The command line: subcommands and their options.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "duban",
    version,
    about = "督办 Duban: key-task supervision, from the published plan to the annual assessment"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the plan found in a document (.txt, .docx, .pdf; `-` for stdin) as JSON.
    Parse {
        /// The plan document.
        file: PathBuf,
        /// A unit registry (TOML) to use instead of the built-in one.
        #[arg(long, value_name = "FILE")]
        registry: Option<PathBuf>,
        /// Print the JSON on one line instead of indented.
        #[arg(long)]
        compact: bool,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Parse {
            file,
            registry,
            compact,
        } => crate::parse_command::run(&file, registry.as_deref(), compact),
    }
}
