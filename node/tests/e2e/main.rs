//! End-to-end tests: a real `salus-node` process, a real RPC client.
//!
//! Each `#[tokio::test]` starts its own dev node through [`harness::run_scenario`], which kills
//! the node when the scenario ends, passes or fails. Add a pallet's scenarios as a new module
//! here (see `balances.rs` for the shape). `polkadot_js.rs` drives the chain with polkadot.js
//! (`tests/polkadot-js/`, installed by `npm ci` in `scripts/test.sh`).

mod access;
mod access_changes;
mod balances;
mod chain;
mod cli;
mod cli_roles;
mod consent;
mod disputes;
mod faults;
mod fhir_flow;
mod gateway;
mod harness;
mod identity;
mod native_access;
mod ops;
mod polkadot_js;
mod read_path;
mod rewards;
mod write_path;
