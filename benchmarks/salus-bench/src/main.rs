//! `salus-bench`: runs a read-path plan against a running node (see the library's docs).
//!
//! ```sh
//! salus-bench read --plan plan.json --out outcome.json
//! salus-bench http --plan plan.json --out outcome.json
//! ```
//!
//! The plan is JSON ([`salus_bench::Plan`]); the outcome, JSON too ([`salus_bench::Outcome`]),
//! goes to `--out` (written whole or not at all: a temporary file, flushed, then renamed) or to standard
//! output. Progress goes to standard error; any failure is one line there and exit status 1.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(name = "salus-bench", version, about = "Salus read-path load generator")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Runs a read-path plan against a running node.
	Read(Run),
	/// Runs an HTTP plan against a running salus-gateway.
	Http(Run),
}

/// A plan to run, and where its outcome goes.
#[derive(clap::Args)]
struct Run {
	/// The plan (JSON).
	#[arg(long)]
	plan: PathBuf,
	/// Where to write the outcome (JSON); standard output if absent.
	#[arg(long)]
	out: Option<PathBuf>,
	/// No progress on standard error.
	#[arg(long)]
	quiet: bool,
}

/// The plan at `path`.
fn plan<T: serde::de::DeserializeOwned>(path: &Path) -> salus_bench::Result<T> {
	let text = std::fs::read_to_string(path)
		.map_err(|e| format!("cannot read the plan {}: {e}", path.display()))?;
	Ok(serde_json::from_str(&text)
		.map_err(|e| format!("the plan {} is not a plan: {e}", path.display()))?)
}

async fn read(plan_path: PathBuf, out: Option<PathBuf>, quiet: bool) -> salus_bench::Result {
	let plan: salus_bench::Plan = plan(&plan_path)?;
	let outcome = salus_bench::run(&plan, |step| {
		if !quiet {
			eprintln!("salus-bench: {step}");
		}
	})
	.await?;
	write_out(out, &serde_json::to_string(&outcome)?)
}

async fn http(plan_path: PathBuf, out: Option<PathBuf>, quiet: bool) -> salus_bench::Result {
	let plan: salus_bench::http::HttpPlan = plan(&plan_path)?;
	let outcome = salus_bench::http::run(&plan, |step| {
		if !quiet {
			eprintln!("salus-bench: {step}");
		}
	})
	.await?;
	write_out(out, &serde_json::to_string(&outcome)?)
}

/// Writes the outcome to `out`, or standard output.
fn write_out(out: Option<PathBuf>, json: &str) -> salus_bench::Result {
	match out {
		Some(path) => write_whole(&path, json.as_bytes())
			.map_err(|e| format!("cannot write {}: {e}", path.display()))?,
		None => println!("{json}"),
	}
	Ok(())
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file beside it, flushed to
/// disk, then renamed over it; the temporary file is removed if anything fails.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
	use std::io::Write as _;
	let mut name = path.file_name().unwrap_or_default().to_os_string();
	name.push(format!(".{}.partial", std::process::id()));
	let partial = path.with_file_name(name);
	let written = std::fs::File::create(&partial)
		.and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
		.and_then(|()| std::fs::rename(&partial, path));
	if written.is_err() {
		let _ = std::fs::remove_file(&partial);
	}
	written
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
	let Cli { command } = Cli::parse();
	let result = match command {
		Command::Read(Run { plan, out, quiet }) => read(plan, out, quiet).await,
		Command::Http(Run { plan, out, quiet }) => http(plan, out, quiet).await,
	};
	match result {
		Ok(()) => std::process::ExitCode::SUCCESS,
		Err(error) => {
			eprintln!("salus-bench: {error}");
			std::process::ExitCode::FAILURE
		},
	}
}
