//! The weights the runtime charges, measured for this runtime on the release benchmark node
//! (`scripts/build-release.sh --benchmarks`):
//!
//! - `block_weights.rs`, `extrinsic_weights.rs`: the base weights of a block and of an
//!   extrinsic, from `benchmark overhead` (`scripts/benchmark-overhead.sh`);
//! - `pallet_*.rs`: every call of the Salus pallets, and of `pallet_balances` (the reference
//!   they are compared with), from `benchmark pallet` as the runtime wires each pallet
//!   (`scripts/benchmark-pallets.sh`);
//! - the SDK pallets every transaction or block pays for, as this runtime wires them:
//!   `frame_system.rs`, `frame_system_extensions.rs` (the transaction extensions' checks) and
//!   `pallet_transaction_payment.rs` (charging the fee; `configs::monetary::FeeWeight` adds
//!   the reads of the vesting path).
//!
//! Generated files: do not edit by hand.

pub mod block_weights;
pub mod extrinsic_weights;
pub mod frame_system;
pub mod frame_system_extensions;
pub mod pallet_access;
pub mod pallet_balances;
pub mod pallet_consent;
pub mod pallet_disputes;
pub mod pallet_health_identity;
pub mod pallet_rewards;
pub mod pallet_transaction_payment;
