//! # Salus node
//!
//! A standard Substrate solochain node — Aura authoring, GRANDPA finality, ParityDB storage —
//! that executes the Salus runtime. Run `salus-node --help` for the commands; `salus-node --dev`
//! starts a single-validator development chain.

// `sc_cli::Error` is large and the Substrate command API returns it from every closure; boxing
// it here would only add noise.
#![allow(clippy::result_large_err)]

mod access;
mod access_changes;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod metrics;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
