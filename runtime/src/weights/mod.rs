//! The weights the runtime charges, measured for this runtime on the release benchmark node
//! (`scripts/build-release.sh --benchmarks`):
//!
//! - `block_weights.rs`, `extrinsic_weights.rs`: the base weights of a block and of an
//!   extrinsic, from `benchmark overhead` (`scripts/benchmark-overhead.sh`);
//! - `pallet_*.rs`: every call of the Salus pallets, and of `pallet_balances` (the reference
//!   they are compared with), from `benchmark pallet` as the runtime wires each pallet
//!   (`scripts/benchmark-pallets.sh`).
//!
//! Generated files: do not edit by hand.

pub mod block_weights;
pub mod extrinsic_weights;
pub mod pallet_access;
pub mod pallet_balances;
pub mod pallet_consent;
pub mod pallet_disputes;
pub mod pallet_health_identity;
pub mod pallet_rewards;
