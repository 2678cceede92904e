//! The command line: subcommands and their options.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::domain::roles::Role;

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
        #[arg(long, conflicts_with = "revise")]
        publish: bool,
        /// Read the document as a new revision of this plan: tasks added,
        /// removed, reworded and units moved are applied, history kept.
        #[arg(long, value_name = "PLAN_ID")]
        revise: Option<i64>,
    },
    /// Write documents from the record: the ledger (台账) and the annual assessment
    /// as .xlsx, the supervision bulletin (督查通报) as .docx.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// A consistent copy of the database, taken while it is in use: a SQLite
    /// file with every table (attachments included), whichever the backend.
    Backup {
        /// The backup file to write (it must not exist yet).
        #[arg(long, value_name = "FILE.db")]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Bring a backup back: into a new SQLite file or an empty PostgreSQL database.
    Restore {
        /// The backup file (`duban backup`).
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// The audit chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Serve the web application and the API on the configured database.
    Serve {
        /// The database (default sqlite://duban.db).
        #[arg(long, env = "DUBAN_DB")]
        db: Option<String>,
        /// Address and port to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "DUBAN_LISTEN")]
        listen: Option<SocketAddr>,
        /// Largest request body accepted, in megabytes (default 16).
        #[arg(long, env = "DUBAN_MAX_BODY_MB")]
        max_body_mb: Option<usize>,
        /// A TOML file with db, listen and max_body_mb; flags and environment win over it.
        #[arg(long, env = "DUBAN_CONFIG", value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Serve the seed plan with demo accounts (password "demo"), in a temporary database unless --db.
    Demo {
        /// Keep the demo in this database instead of a temporary one.
        #[arg(long, env = "DUBAN_DB")]
        db: Option<String>,
        /// The day the demo runs on (YYYY-MM-DD, or "today"): by default a day
        /// in the seed plan's year, so its lights and report windows read as
        /// they did then; time runs on from it.
        #[arg(long, default_value = crate::commands::demo::DEFAULT_AS_OF)]
        as_of: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// User accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The directory (LDAP / Active Directory) of the config file's [directory] table.
    Directory {
        #[command(subcommand)]
        command: DirectoryCommand,
    },
    /// Benchmarks: a synthetic city-scale data set to measure the server on
    /// (the load itself: `bench/load.py`, see README).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Write a deterministic synthetic data set into an empty database: the
    /// city's and its districts' plans over six years, with their claims,
    /// measures, reports and accounts (password "bench").
    Gen {
        /// city (20,000 tasks, 1,000,000 reports), district, or small.
        #[arg(long, default_value = "city")]
        scale: String,
        /// "Today" in the data (YYYY-MM-DD): plans run to its year.
        #[arg(long, default_value = "2026-11-30")]
        as_of: String,
        /// The random seed: the same seed makes the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        sizes: crate::commands::bench::Sizes,
        /// Where to write what the load test needs (users, plans, tasks, open report periods).
        #[arg(long, value_name = "FILE.json", default_value = "bench-manifest.json")]
        manifest: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    /// Address and port to listen on.
    #[arg(long, env = "DUBAN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Largest request body accepted, in megabytes (uploads included).
    #[arg(long, env = "DUBAN_MAX_BODY_MB", default_value_t = 16)]
    pub max_body_mb: usize,
}

impl ServerArgs {
    fn body_limit(&self) -> usize {
        self.max_body_mb.saturating_mul(1024 * 1024)
    }
}

#[derive(Debug, clap::Args)]
pub struct PasswordArgs {
    /// The password (at least 8 characters).
    #[arg(long, conflicts_with = "password_stdin")]
    pub password: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user.
    Add {
        username: String,
        /// admin, supervisor, leader, liaison or viewer.
        #[arg(long)]
        role: Role,
        /// The unit a liaison acts for, as documents name it.
        #[arg(long)]
        unit: Option<String>,
        /// The supervision body a supervisor acts for (e.g. 区委办督查).
        #[arg(long)]
        body: Option<String>,
        /// The name shown in the application (default: the username).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        password: PasswordArgs,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a user's password.
    Passwd {
        username: String,
        #[command(flatten)]
        password: PasswordArgs,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Issue a long-lived API token for scripts (printed once; send it as `Authorization: Bearer TOKEN`).
    Token {
        username: String,
        /// What the token is for, e.g. "月报导出脚本".
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a user's role.
    Role {
        username: String,
        role: Role,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The ledger (台账): one sheet, one row per measure, ready to print on A4.
    Ledger {
        /// The plan (default: the newest published one).
        #[arg(long, value_name = "PLAN_ID")]
        plan: Option<i64>,
        /// One unit's ledger: its own tasks and measures only.
        #[arg(long, value_name = "名称")]
        unit: Option<String>,
        /// Only tasks with this light: green, yellow, red or done.
        #[arg(long)]
        light: Option<String>,
        /// Only tasks of this category (its ordinal, e.g. 七).
        #[arg(long)]
        category: Option<String>,
        /// Where to write the workbook.
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// A plan's whole record as JSON (format duban.plan-data.v1), streamed
    /// from one consistent snapshot: tasks, assignments, measures, reports,
    /// inspections, findings, evaluations and the rest.
    Data {
        /// The plan.
        #[arg(long, value_name = "PLAN_ID")]
        plan: i64,
        /// Where to write the document.
        #[arg(long, value_name = "FILE.json")]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// The annual assessment: the units ranked, and every row each figure was counted from.
    Assessment {
        /// The plan (default: the newest published one).
        #[arg(long, value_name = "PLAN_ID")]
        plan: Option<i64>,
        /// Where to write the workbook.
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// The supervision bulletin (督查通报) of a period, as a .docx in the
    /// official document layout.
    Bulletin {
        /// The plan.
        #[arg(long, value_name = "PLAN_ID")]
        plan: i64,
        /// A month (2021-06), a quarter (2021-Q2) or two dates (2021-06-01..2021-06-30).
        #[arg(long)]
        period: String,
        /// The document number (文号), e.g. 督查通报〔2021〕6号.
        #[arg(long)]
        number: Option<String>,
        /// The issuing office (default 区委督促检查工作领导小组办公室).
        #[arg(long)]
        office: Option<String>,
        /// Draw it up as on this day (YYYY-MM-DD) instead of today.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Where to write the document.
        #[arg(long, value_name = "FILE.docx")]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Read every person and unit from the directory and bring the accounts in
    /// line in one transaction: make missing units and accounts, update names,
    /// e-mail and units, turn off accounts gone from the directory. Exits 1 and
    /// changes nothing when the directory cannot be read.
    Sync {
        /// The config file with the [directory] table (and the database, unless --db).
        #[arg(long, env = "DUBAN_CONFIG", value_name = "FILE")]
        config: PathBuf,
        /// The database (default: the config file's db, else sqlite://duban.db).
        #[arg(long, env = "DUBAN_DB")]
        db: Option<String>,
    },
    /// The last sync's time and outcome.
    Status {
        #[command(flatten)]
        db: DbArgs,
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

impl Command {
    /// Commands that read or write whole tables on purpose: sqlx's warning
    /// about statements slower than a second says nothing useful there.
    pub fn works_in_bulk(&self) -> bool {
        matches!(
            self,
            Command::Backup { .. }
                | Command::Restore { .. }
                | Command::Export { .. }
                | Command::Bench { .. }
        )
    }
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
            revise,
        } => runtime()?.block_on(crate::commands::import::run(
            &db.db,
            &file,
            registry.as_deref(),
            publish,
            revise,
        )),
        Command::Export {
            command:
                ExportCommand::Ledger {
                    plan,
                    unit,
                    light,
                    category,
                    out,
                    db,
                },
        } => {
            let query = crate::service::ledger_export::LedgerExportQuery {
                plan,
                unit,
                light,
                category,
                ..Default::default()
            };
            runtime()?.block_on(crate::commands::export::ledger(&db.db, &query, &out))
        }
        Command::Export {
            command: ExportCommand::Data { plan, out, db },
        } => runtime()?.block_on(crate::commands::export::data(&db.db, plan, &out)),
        Command::Export {
            command: ExportCommand::Assessment { plan, out, db },
        } => runtime()?.block_on(crate::commands::export::assessment(&db.db, plan, &out)),
        Command::Export {
            command:
                ExportCommand::Bulletin {
                    plan,
                    period,
                    number,
                    office,
                    as_of,
                    out,
                    db,
                },
        } => runtime()?.block_on(crate::commands::export::bulletin(
            &db.db,
            plan,
            &period,
            number,
            office,
            as_of.as_deref(),
            &out,
        )),
        Command::Backup { out, db } => {
            runtime()?.block_on(crate::commands::backup::backup(&db.db, &out))
        }
        Command::Restore { file, db } => {
            runtime()?.block_on(crate::commands::backup::restore(&file, &db.db))
        }
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => runtime()?.block_on(crate::commands::audit::verify_chain(&db.db)),
        Command::Serve {
            db,
            listen,
            max_body_mb,
            config,
        } => {
            let (file, directory) = match config {
                Some(path) => {
                    let file = crate::config::FileConfig::load(&path)?;
                    let directory = file.directory(&path)?;
                    (file, directory)
                }
                None => (crate::config::FileConfig::default(), None),
            };
            let config = crate::config::ServeConfig::resolve(db, listen, max_body_mb, file);
            runtime()?.block_on(crate::commands::serve::run(
                &config.db,
                config.listen,
                config.body_limit(),
                directory,
            ))
        }
        Command::Demo { db, as_of, server } => runtime()?.block_on(crate::commands::demo::run(
            db.as_deref(),
            &as_of,
            server.listen,
            server.body_limit(),
        )),
        Command::User { command } => run_user(command),
        Command::Directory {
            command: DirectoryCommand::Sync { config, db },
        } => {
            let file = crate::config::FileConfig::load(&config)?;
            let Some(directory) = file.directory(&config)? else {
                anyhow::bail!("{}: no [directory] table", config.display());
            };
            let db = crate::config::ServeConfig::resolve(db, None, None, file).db;
            runtime()?.block_on(crate::commands::directory::sync(&db, &directory))
        }
        Command::Directory {
            command: DirectoryCommand::Status { db },
        } => runtime()?.block_on(crate::commands::directory::status(&db.db)),
        Command::Bench {
            command:
                BenchCommand::Gen {
                    scale,
                    as_of,
                    seed,
                    sizes,
                    manifest,
                    db,
                },
        } => runtime()?.block_on(crate::commands::bench::generate(
            &db.db, &scale, &as_of, seed, &sizes, &manifest,
        )),
    }
}

fn run_user(command: UserCommand) -> anyhow::Result<()> {
    use crate::commands::user;
    match command {
        UserCommand::Add {
            username,
            role,
            unit,
            body,
            name,
            password,
            db,
        } => {
            let password = user::password(password.password, password.password_stdin)?;
            runtime()?.block_on(user::add(
                &db.db,
                &username,
                role,
                unit.as_deref(),
                body.as_deref(),
                name.as_deref(),
                &password,
            ))
        }
        UserCommand::Passwd {
            username,
            password,
            db,
        } => {
            let password = user::password(password.password, password.password_stdin)?;
            runtime()?.block_on(user::passwd(&db.db, &username, &password))
        }
        UserCommand::Role { username, role, db } => {
            runtime()?.block_on(user::role(&db.db, &username, role))
        }
        UserCommand::Token { username, name, db } => {
            runtime()?.block_on(user::token(&db.db, &username, &name))
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
