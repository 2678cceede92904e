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

#[derive(Debug, clap::Args)]
pub struct DbArgs {
    /// The database: sqlite://PATH (created if missing) or postgres://USER@HOST/NAME.
    #[arg(long, env = "DUBAN_DB", default_value = "sqlite://duban.db")]
    pub db: String,
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
    /// Load a plan document into the database (a draft, or published with --publish).
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_name = "FILE")]
        registry: Option<PathBuf>,
        /// Publish the plan at once instead of leaving it a draft to review.
        #[arg(long)]
        publish: bool,
    },
    /// The audit chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain end to end and name the first altered or removed event.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Parse {
            file,
            registry,
            compact,
        } => crate::commands::parse::run(&file, registry.as_deref(), compact),
        Command::Import {
            file,
            db,
            registry,
            publish,
        } => runtime()?.block_on(crate::commands::import::run(
            &db.db,
            &file,
            registry.as_deref(),
            publish,
        )),
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => runtime()?.block_on(crate::commands::audit::verify_chain(&db.db)),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
