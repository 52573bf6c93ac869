//! The configuration of every pallet in the runtime, split by concern:
//!
//! - [`system`]: frame-system, block limits, the runtime's identity.
//! - [`consensus`]: timestamp, Aura, GRANDPA.
//! - [`monetary`]: balances (SLS) and transaction payment.
//! - [`accounts`]: utility, proxy (with the proxy types), multisig.
//! - [`governance`]: sudo, the council and its membership, the treasury.
//! - [`health`]: the Salus pallets.

pub mod accounts;
pub mod consensus;
pub mod governance;
pub mod health;
pub mod monetary;
pub mod system;
