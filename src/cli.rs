//! The command line: `serve` (the default), `migrate`, `user create`, `demo`, `audit verify`, `sweep`,
//! `backup`, `restore`. Every command takes the same database settings and applies pending migrations
//! first, except `backup` and `restore`, which copy the database as it is.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::bootstrap::open_db_once;
use crate::config::{DatabaseSettings, RuleSettings, ServeSettings};
use crate::policy::Role;

/// Niuyang: traceability for Guangzhou's cattle and sheep designated slaughter (穗府规〔2018〕8号).
#[derive(Debug, Parser)]
#[command(name = "niuyang", version, about)]
pub struct Cli {
    #[command(flatten)]
    db: DatabaseSettings,
    #[command(flatten)]
    serve: ServeSettings,
    #[command(flatten)]
    rules: RuleSettings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP service (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Fill the database with a realistic demonstration dataset and print its accounts.
    Demo {
        /// Print the accounts as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Run the scheduled rules once (heads unaccounted for, lapses, overdue complaints, and the erasure of
    /// reporters' data past `NIUYANG_REPORTER_RETENTION_DAYS`) and print what they recorded; the service also
    /// runs them every `NIUYANG_RULES_SWEEP_SECS`.
    Sweep,
    /// Back up the database to FILE while the service may be running (SQLite: the online backup API;
    /// PostgreSQL: `pg_dump --format=custom`). FILE must not exist; it is created owner-only (0600).
    Backup {
        /// The backup file to write.
        #[arg(long, value_name = "FILE")]
        to: std::path::PathBuf,
    },
    /// Restore the database from a backup made by `niuyang backup`. Stop the service first. Refuses a
    /// database that holds tables unless `--force`; run `niuyang audit verify` afterwards.
    Restore {
        /// The backup file to read.
        #[arg(long, value_name = "FILE")]
        from: std::path::PathBuf,
        /// Replace the contents of a database that is not empty.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account; prints its id and one-time password.
    Create {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Role (admin, slaughter_regulator, market_regulator, official_vet, slaughterhouse, vendor,
        /// inspector, hotline_operator).
        #[arg(long)]
        role: Role,
        /// Organisation id.
        #[arg(long)]
        org: String,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Verify the audit trail; exits 1 and names the first broken entry when it is not sound.
    Verify,
}

/// Parse the command line and run it.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init();
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!(error = %e, "failed");
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let state = crate::app::prepare(&cli.db, &cli.serve, &cli.rules)?;
            actix_web::rt::System::new().block_on(crate::app::serve(state, &cli.serve))?;
        }
        Command::Migrate => {
            let db = open_db_once(&cli.db)?;
            drop(db);
            println!("数据库已是最新 / database is up to date");
        }
        Command::User(UserCommand::Create {
            username,
            role,
            org,
        }) => {
            let db = open_db_once(&cli.db)?;
            let password = crate::auth::password::generate();
            let hash = crate::auth::password::hash(&password)?;
            let user = db.write_now(|conn| {
                crate::users::queries::create(
                    conn,
                    None,
                    crate::users::queries::NewUser {
                        username: &username,
                        password_hash: &hash,
                        role,
                        org_id: &org,
                        must_change_password: true,
                    },
                )
            })?;
            println!(
                "{}",
                serde_json::json!({
                    "id": user.id, "username": user.username, "role": user.role,
                    "org_id": user.org_id, "one_time_password": password,
                })
            );
        }
        Command::Demo { json } => {
            let db = open_db_once(&cli.db)?;
            let out = crate::demo::load(&db, &cli.rules)?;
            crate::audit::seal_all(&db)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                print!("{}", out.as_table());
            }
        }
        Command::Sweep => {
            let db = open_db_once(&cli.db)?;
            let report = crate::violations::schedule::sweep(&db, &cli.rules, crate::time::now())?;
            crate::audit::seal_all(&db)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Backup { to } => {
            let report = crate::backup::backup(&cli.db.url(), &to)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Restore { from, force } => {
            let report = crate::backup::restore(&cli.db.url(), &from, force)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Audit(AuditCommand::Verify) => {
            let db = open_db_once(&cli.db)?;
            let report = crate::audit::verify::verify_and_checkpoint(&db)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            if !report.ok {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
