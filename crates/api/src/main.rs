//! `otmetka`: the Otmetka server and its administration commands.

use std::io::Read;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use otmetka_api::config::{CliOverrides, Settings};
use otmetka_api::startup::Application;

/// mimalloc instead of glibc's malloc, for Rust's allocations here and, through the crate's
/// `override` feature, for SQLite's C code too: glibc gave every thread (actix workers, tokio,
/// one per SQLite connection) an arena that kept what a report or an import had freed, and its
/// arena locks serialized SQLite's connections. Built with `no_thp` (no transparent huge pages
/// for its arenas). README "Memory", BENCHMARKS.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Otmetka — electronic school journal and diary.
#[derive(Parser)]
#[command(name = "otmetka", version, about)]
struct Cli {
    /// TOML configuration file (also `OTMETKA_CONFIG`).
    #[arg(long, global = true, env = "OTMETKA_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Default)]
struct DbArgs {
    /// Database URL (`sqlite://…` or `postgres://…`).
    #[arg(long)]
    database_url: Option<String>,
    /// Data directory (generated JWT secret).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve the API and the SPA on one port.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        bind: Option<String>,
        #[command(flatten)]
        db: DbArgs,
        /// Directory of the built SPA.
        #[arg(long)]
        static_dir: Option<PathBuf>,
        /// On an empty database, create the demo school and accounts and print them.
        #[arg(long)]
        demo: bool,
        /// With --demo: also fill the lessons up to today with topics, homework, marks and
        /// attendance (takes a minute).
        #[arg(long, requires = "demo")]
        with_marks: bool,
    },
    /// Apply pending migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Create a deployment superadmin; the password is read from standard input.
    CreateSuperadmin {
        /// The login (3–64 characters).
        #[arg(long)]
        login: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Create the demo school (sample roster, timetable data, one account per role) on an empty
    /// database and print the demo logins.
    SeedDemo {
        #[command(flatten)]
        db: DbArgs,
        /// Also fill the lessons up to today with topics, homework, marks (most 4 and 5, a few
        /// 2) and attendance (about 5 % absences), through the journal's own write code.
        #[arg(long)]
        with_marks: bool,
    },
    /// Fill one school's lessons up to a day with topics, homework, marks and attendance (the
    /// demo's distribution, written as the school's first admin account). For the benchmark's
    /// reference school; does nothing when the school already has marks.
    SeedMarks {
        #[command(flatten)]
        db: DbArgs,
        /// The school's id.
        #[arg(long)]
        school_id: uuid::Uuid,
        /// The last day filled (inclusive), e.g. 2027-05-28.
        #[arg(long)]
        until: chrono::NaiveDate,
    },
    /// Print the OpenAPI document (or write it to a file).
    ExportOpenapi {
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "info".into());
    // Colours only on a terminal: log files and CI output stay plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi)
        .try_init();
}

fn load(cli_config: Option<&PathBuf>, overrides: CliOverrides) -> anyhow::Result<Settings> {
    Settings::load(cli_config.map(|p| p.as_path()), &overrides).map_err(|e| anyhow::anyhow!("{e}"))
}

#[actix_web::main]
async fn main() {
    if let Err(e) = real_main().await {
        eprintln!("otmetka: {e:#}");
        std::process::exit(1);
    }
}

/// Fills the demo school's journal and prints what was written.
async fn seed_marks(state: &otmetka_api::state::AppState) -> anyhow::Result<()> {
    println!("Filling the demo journal up to today (takes a minute)…");
    let done = otmetka_api::service::demo::seed_demo_marks(state)
        .await
        .map_err(|e| anyhow::anyhow!("demo marks: {e}"))?;
    println!(
        "Demo journal: {} lessons, {} marks, {} absences, {} final marks of closed periods.",
        done.lessons, done.marks, done.absences, done.final_marks
    );
    Ok(())
}

async fn real_main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            bind,
            db,
            static_dir,
            demo,
            with_marks,
        } => {
            let settings = load(
                cli.config.as_ref(),
                CliOverrides {
                    bind,
                    database_url: db.database_url,
                    data_dir: db.data_dir,
                    static_dir,
                },
            )?;
            init_tracing(&settings.log);
            let app = Application::build(settings).await?;
            let url = format!("http://{}", app_url(&app));
            if demo {
                let created = otmetka_api::service::demo::seed_if_empty(app.state())
                    .await
                    .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
                if !created {
                    println!("The database already has accounts; demo data was not added.");
                }
                if with_marks && created {
                    seed_marks(app.state()).await?;
                }
                println!("{}", otmetka_api::service::demo::banner(Some(&url)));
            } else {
                println!("Otmetka is running at {url}");
            }
            app.run_until_stopped().await?;
        }
        Command::Migrate { db } => {
            let settings = load(
                cli.config.as_ref(),
                CliOverrides {
                    database_url: db.database_url,
                    data_dir: db.data_dir,
                    ..Default::default()
                },
            )?;
            init_tracing(&settings.log);
            settings.ensure_sqlite_dir()?;
            let conn = otmetka_api::db::connect(&settings).await?;
            otmetka_api::db::migrate(&conn).await?;
            println!("migrations applied");
        }
        Command::CreateSuperadmin {
            login,
            password_stdin: _,
            db,
        } => {
            let settings = load(
                cli.config.as_ref(),
                CliOverrides {
                    database_url: db.database_url,
                    data_dir: db.data_dir,
                    ..Default::default()
                },
            )?;
            init_tracing(&settings.log);
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            settings.ensure_sqlite_dir()?;
            let conn = otmetka_api::db::connect(&settings).await?;
            otmetka_api::db::migrate(&conn).await?;
            let id = otmetka_api::service::superadmin::create(&conn, &login, &password)
                .await
                .map_err(|e| {
                    anyhow::anyhow!("{}", e.detail.clone().unwrap_or_else(|| e.code.to_string()))
                })?;
            println!("superadmin {login} created ({id})");
        }
        Command::SeedDemo { db, with_marks } => {
            let settings = load(
                cli.config.as_ref(),
                CliOverrides {
                    database_url: db.database_url,
                    data_dir: db.data_dir,
                    ..Default::default()
                },
            )?;
            init_tracing(&settings.log);
            let state = otmetka_api::startup::build_state(settings).await?;
            let created = otmetka_api::service::demo::seed_if_empty(&state)
                .await
                .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
            if created {
                if with_marks {
                    seed_marks(&state).await?;
                }
                println!("{}", otmetka_api::service::demo::banner(None));
            } else if with_marks {
                seed_marks(&state).await?;
            } else {
                println!("The database already has accounts; demo data was not added.");
            }
        }
        Command::SeedMarks {
            db,
            school_id,
            until,
        } => {
            let settings = load(
                cli.config.as_ref(),
                CliOverrides {
                    database_url: db.database_url,
                    data_dir: db.data_dir,
                    ..Default::default()
                },
            )?;
            init_tracing(&settings.log);
            let state = otmetka_api::startup::build_state(settings).await?;
            let done = otmetka_api::service::demo::seed_marks(&state, school_id, until)
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "seed-marks: {}",
                        e.detail.clone().unwrap_or_else(|| e.code.to_string())
                    )
                })?;
            println!(
                "{} lessons, {} marks, {} absences, {} final marks of closed periods.",
                done.lessons, done.marks, done.absences, done.final_marks
            );
        }
        Command::ExportOpenapi { out } => {
            let json = otmetka_api::openapi::spec_pretty();
            match out {
                Some(path) => std::fs::write(&path, json)?,
                None => print!("{json}"),
            }
        }
    }
    Ok(())
}

fn app_url(app: &Application) -> String {
    let bind = &app.state().settings.bind;
    let host = bind.rsplit_once(':').map(|(h, _)| h).unwrap_or("127.0.0.1");
    let host = if host == "0.0.0.0" { "127.0.0.1" } else { host };
    format!("{host}:{}", app.port())
}
