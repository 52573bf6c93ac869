//! # Salus node
//!
//! A standard Substrate solochain node — Aura authoring, GRANDPA finality, ParityDB storage —
//! that executes the Salus runtime. Run `salus-node --help` for the commands; `salus-node --dev`
//! starts a single-validator development chain.

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
