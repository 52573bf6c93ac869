//! `salus-fuzz [--extrinsics N] [--seed S] [--json]`: applies random extrinsics to the Salus
//! runtime and checks its invariants after every block. Exits with status 1 on a failure (a
//! panic or a broken invariant), printing the seed, block and extrinsic that reproduce it.

use clap::Parser;
use std::time::Duration;

/// Fuzzes the Salus runtime (development preset, in memory) with random extrinsics.
#[derive(Debug, Parser)]
#[command(name = "salus-fuzz", version)]
struct Cli {
	/// Random extrinsics to apply after the setup phase.
	#[arg(long, default_value_t = 10_000)]
	extrinsics: u64,
	/// The seed (a run is a pure function of it).
	#[arg(long, default_value_t = 0)]
	seed: u64,
	/// At most this many extrinsics per block (each block has 1 to this many).
	#[arg(long, default_value_t = 40)]
	max_per_block: u64,
	/// Skip the scripted setup phase.
	#[arg(long)]
	no_setup: bool,
	/// Print every extrinsic (call and outcome) from this block on.
	#[arg(long)]
	trace_from_block: Option<u32>,
	/// Stop after this many seconds (with a summary), even if extrinsics are left (0: never).
	#[arg(long, default_value_t = 0)]
	seconds: u64,
	/// Seconds between progress lines on stderr (0: none).
	#[arg(long, default_value_t = 10)]
	progress: u64,
	/// Rebuild the in-memory state from its live key-values every this many blocks (0: never);
	/// keeps a long run's memory flat.
	#[arg(long, default_value_t = 2000)]
	compact_every: u32,
	/// Print the summary as JSON on stdout.
	#[arg(long)]
	json: bool,
	/// Only print, for every call, how many of 100 generated encodings decode (the share the
	/// generator wastes), and exit.
	#[arg(long)]
	probe: bool,
}

fn main() {
	let cli = Cli::parse();
	if cli.probe {
		for (call, ok, total) in salus_fuzz::probe(cli.seed, 100) {
			println!("{ok:>4}/{total}  {call}");
		}
		return;
	}
	let summary = salus_fuzz::run(salus_fuzz::Config {
		seed: cli.seed,
		extrinsics: cli.extrinsics,
		max_per_block: cli.max_per_block.max(1),
		setup: !cli.no_setup,
		trace_from_block: cli.trace_from_block,
		progress: (cli.progress > 0).then(|| Duration::from_secs(cli.progress)),
		time_limit: (cli.seconds > 0).then(|| Duration::from_secs(cli.seconds)),
		compact_every: cli.compact_every,
	});
	if cli.json {
		println!("{}", serde_json::to_string_pretty(&summary.to_json()).unwrap_or_default());
	} else {
		print!("{}", summary.to_text());
	}
	if summary.failure.is_some() {
		if cli.json {
			eprint!("{}", summary.to_text());
		}
		std::process::exit(1);
	}
}
