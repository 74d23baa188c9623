//! `otmetka-bench`: benchmark tools for Otmetka.
//!
//! - `generate-school OUT_DIR`: a realistic school's import files (see [`school`]);
//! - `load --base-url URL --requests FILE.jsonl --concurrency C`: an HTTP load generator that
//!   prints latency percentiles, throughput and the server's SQL statement counts as JSON (see
//!   [`load`]).

mod load;
mod school;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

/// Otmetka benchmark tools.
#[derive(Debug, Parser)]
#[command(name = "otmetka-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a realistic school's import CSVs (subjects, staff, classes, students, parents,
    /// courses, bell schedule, timetable, periods, holidays) into OUT_DIR; a port of
    /// shared/tools/make_school.py. The reference school of DESIGN §7 is `--letters 3 --size 24-30`.
    GenerateSchool {
        /// Output folder (created when missing; existing files are overwritten).
        out_dir: PathBuf,
        /// Parallel classes per grade in grades 1–9 (1–5); grades 10–11 get one fewer.
        #[arg(long, default_value_t = 2)]
        letters: usize,
        /// Class size range MIN-MAX.
        #[arg(long, default_value = "18-27")]
        size: String,
        /// Random seed: the same seed gives the same files.
        #[arg(long, default_value_t = 20_260_901)]
        seed: u64,
        /// First calendar year of the academic year (2026 → 2026/2027).
        #[arg(long, default_value_t = 2026)]
        year: i32,
    },
    /// Send requests from a JSON Lines file with C concurrent workers and print a JSON report
    /// (count, ok, non_2xx, errors, p50/p95/p99/mean/max ms, wall_s, rps, sql_statements,
    /// first_error).
    Load {
        /// Scheme, host and port of the server, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        base_url: String,
        /// JSON Lines file, one request a line:
        /// {"method":"GET","path":"/api/v1/…","token":"…"|null,"body":{…}} (body optional).
        #[arg(long)]
        requests: PathBuf,
        /// Concurrent workers.
        #[arg(long)]
        concurrency: usize,
        /// Measured requests (default: the number of lines, each sent once); lines are used
        /// round-robin.
        #[arg(long)]
        count: Option<usize>,
        /// Unmeasured requests sent first (lines round-robin from the first).
        #[arg(long, default_value_t = 0)]
        warmup: usize,
        /// Limit of the whole run; what finished by then is reported.
        #[arg(long, default_value_t = 120)]
        timeout_secs: u64,
        /// Write the JSON report here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::GenerateSchool {
            out_dir,
            letters,
            size,
            seed,
            year,
        } => {
            let (size_min, size_max) = school::parse_size(&size)?;
            let params = school::Params {
                letters,
                size_min,
                size_max,
                seed,
                year,
            };
            let school = school::generate(&params)?;
            school.write_to(&out_dir)?;
            eprintln!("{}: {}", out_dir.display(), school.counts);
        }
        Command::Load {
            base_url,
            requests,
            concurrency,
            count,
            warmup,
            timeout_secs,
            out,
        } => {
            let specs = load::read_requests(&requests)?;
            let cfg = load::LoadConfig {
                base_url,
                concurrency,
                count: count.unwrap_or(specs.len()),
                warmup,
                timeout: Duration::from_secs(timeout_secs),
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the tokio runtime")?;
            let report = runtime.block_on(load::run(&cfg, &specs))?;
            let json = serde_json::to_string_pretty(&report)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, format!("{json}\n"))
                        .with_context(|| format!("writing {}", path.display()))?;
                    let ms = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
                    eprintln!(
                        "{}: {} requests, {} ok, p50 {} ms, p95 {} ms, {} rps",
                        path.display(),
                        report.count,
                        report.ok,
                        ms(report.p50_ms),
                        ms(report.p95_ms),
                        report.rps
                    );
                }
                None => println!("{json}"),
            }
        }
    }
    Ok(())
}
