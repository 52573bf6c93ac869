//! # Salus runtime
//!
//! The state-transition function of the Salus health-data network: the Salus pallets (added one
//! issue at a time) composed with the standard FRAME pallets a production solochain needs.
//!
//! | index | pallet | role |
//! |---|---|---|
//! | 0 | [`System`] | accounts, blocks, events |
//! | 1 | [`Timestamp`] | block time, used by Aura and by consent validity windows |
//! | 2 | [`Aura`] | block authoring (6 s slots) |
//! | 3 | [`Grandpa`] | finality |
//! | 10 | [`Balances`] | the native token SLS (12 decimals), holds for deposits and bonds |
//! | 11 | [`TransactionPayment`] | fees; fees go to the treasury |
//! | 12 | [`SkipFeelessPayment`] | lets patients' consent operations skip fees (within a limit) |
//! | 13 | [`Vesting`] | genesis allocations that unlock over time |
//! | 20 | [`Sudo`] | a superuser for development chains only |
//! | 21 | [`Utility`] | batches |
//! | 22 | [`Proxy`] | delegation (guardians act for patients through proxies) |
//! | 23 | [`Multisig`] | shared accounts |
//! | 30 | [`Council`] | the governing body (a collective) |
//! | 31 | [`CouncilMembership`] | who sits on the council |
//! | 32 | [`Treasury`] | the network's funds |
//! | 33 | [`ArbitratorsMembership`] | the arbitrators, who vote on disputes (set by the council) |
//! | 40 | [`HealthIdentity`] | patients, providers, practitioners, record anchors and links |
//! | 41 | [`Consent`] | the consent registry and the access decision |
//! | 42 | [`Access`] | access requests, emergency (break-glass) access, the disclosure log |
//! | 43 | [`Disputes`] | disputes against providers, arbitration, appeals and sanctions |
//! | 44 | [`Rewards`] | the reward pool, its emission, points, claims and clawback |
//!
//! The configuration is split by concern in [`configs`]; the runtime APIs are in [`apis`]; the
//! genesis presets (dev, local, testnet) in [`genesis_config_presets`].

#![cfg_attr(not(feature = "std"), no_std)]
// The runtime, API and wasm-binary macros generate public items that cannot carry docs; every
// hand-written item here has them.
#![allow(missing_docs)]
// `#[frame_support::runtime]` recurses deeply.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
#[cfg(test)]
mod tests;
#[cfg(feature = "try-runtime")]
mod try_runtime;
pub mod weights;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::{runtime_version, RuntimeVersion};

pub use configs::accounts::ProxyType;

/// The native token: symbol, decimals and the SS58 prefix of Salus addresses.
pub mod token {
	use super::Balance;

	/// Ticker of the native token.
	pub const SYMBOL: &str = "SLS";
	/// Decimal places of the native token.
	pub const DECIMALS: u8 = 12;
	/// SS58 address prefix (42, the generic Substrate prefix).
	pub const SS58_PREFIX: u16 = 42;

	/// One SLS, in its smallest unit (the planck).
	pub const SLS: Balance = 1_000_000_000_000;
	/// One thousandth of an SLS.
	pub const MILLI_SLS: Balance = 1_000_000_000;
	/// One millionth of an SLS.
	pub const MICRO_SLS: Balance = 1_000_000;

	/// The smallest balance an account may hold: 1 milli-SLS. Below it the account is reaped.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_SLS;

	/// The deposit for storing `items` items of `bytes` bytes in all: 0.1 SLS per item and
	/// 1 milli-SLS per byte, so that state costs in proportion to its size.
	pub const fn deposit(items: u32, bytes: u32) -> Balance {
		(items as Balance)
			.saturating_mul(100 * MILLI_SLS)
			.saturating_add((bytes as Balance).saturating_mul(MILLI_SLS))
	}
}

/// Block times and the number of blocks in longer periods.
pub mod time {
	use super::BlockNumber;

	/// The target time between two blocks. Aura's slot is this long; GRANDPA finalises behind.
	pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
	/// The Aura slot duration. It cannot change once a chain has started.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

	/// Blocks in a minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
	/// Blocks in an hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks in a day.
	pub const DAYS: BlockNumber = HOURS * 24;
}

pub use token::{EXISTENTIAL_DEPOSIT, SLS};

/// The number of a block.
pub type BlockNumber = u32;
/// A transaction signature: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;
/// An account: the public key of the signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// An amount of SLS, in plancks (10^-12 SLS).
pub type Balance = u128;
/// The number of transactions an account has sent.
pub type Nonce = u32;
/// A block or state hash.
pub type Hash = sp_core::H256;
/// The address format of calls: an account id or an index.
pub type Address = MultiAddress<AccountId, ()>;

/// Types the node uses without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Block.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Block id.
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		/// The session keys of a validator: its Aura and GRANDPA keys.
		pub struct SessionKeys {
			/// Block authoring key.
			pub aura: Aura,
			/// Finality voting key.
			pub grandpa: Grandpa,
		}
	}
}

/// The version of this runtime. Bump `spec_version` with every change of logic and
/// `transaction_version` with every change of a call's encoding.
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("salus"),
	impl_name: alloc::borrow::Cow::Borrowed("salus-node"),
	authoring_version: 1,
	spec_version: 110,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The checks and payments every signed transaction goes through, in order.
///
/// `CheckMetadataHash` lets an offline signer prove which metadata it displayed; it is active
/// when the runtime is built with the `metadata-hash` feature.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	// Charges fees, except for calls a pallet marks `feeless_if` (patients' consent operations).
	pallet_skip_feeless_payment::SkipCheckIfFeeless<
		Runtime,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// An extrinsic as submitted to the chain.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on the next runtime upgrade, besides the pallets' own.
type Migrations = (
	pallet_rewards::migrations::v1::MigrateToV1<Runtime>,
	pallet_access::migrations::v1::MigrateToV1<Runtime>,
	pallet_access::migrations::v2::MigrateToV2<Runtime>,
	pallet_consent::migrations::v1::MigrateToV1<Runtime>,
);

/// Dispatches blocks and extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	/// The Salus runtime.
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	/// Accounts, blocks and events.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	/// Block time.
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	/// Block authoring.
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;
	/// Finality.
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	/// The native token.
	#[runtime::pallet_index(10)]
	pub type Balances = pallet_balances;
	/// Transaction fees.
	#[runtime::pallet_index(11)]
	pub type TransactionPayment = pallet_transaction_payment;
	/// Fee-free calls.
	#[runtime::pallet_index(12)]
	pub type SkipFeelessPayment = pallet_skip_feeless_payment;
	/// Allocations that unlock over time.
	#[runtime::pallet_index(13)]
	pub type Vesting = pallet_vesting;

	/// Superuser (development chains).
	#[runtime::pallet_index(20)]
	pub type Sudo = pallet_sudo;
	/// Batches of calls.
	#[runtime::pallet_index(21)]
	pub type Utility = pallet_utility;
	/// Delegation.
	#[runtime::pallet_index(22)]
	pub type Proxy = pallet_proxy;
	/// Shared accounts.
	#[runtime::pallet_index(23)]
	pub type Multisig = pallet_multisig;

	/// The council, a collective that governs the network.
	#[runtime::pallet_index(30)]
	pub type Council = pallet_collective<Instance1>;
	/// The council's membership.
	#[runtime::pallet_index(31)]
	pub type CouncilMembership = pallet_membership<Instance1>;
	/// The network's funds.
	#[runtime::pallet_index(32)]
	pub type Treasury = pallet_treasury;
	/// The arbitrators, who vote on disputes; the council appoints them.
	#[runtime::pallet_index(33)]
	pub type ArbitratorsMembership = pallet_membership<Instance2>;

	/// Patients, providers, practitioners, record anchors and links.
	#[runtime::pallet_index(40)]
	pub type HealthIdentity = pallet_health_identity;
	/// The consent registry and the access decision.
	#[runtime::pallet_index(41)]
	pub type Consent = pallet_consent;
	/// Access requests, emergency (break-glass) access and the disclosure log.
	#[runtime::pallet_index(42)]
	pub type Access = pallet_access;
	/// Disputes against providers: arbitration, appeals and sanctions.
	#[runtime::pallet_index(43)]
	pub type Disputes = pallet_disputes;
	/// The reward pool: emission, points for useful sharing, claims and clawback.
	#[runtime::pallet_index(44)]
	pub type Rewards = pallet_rewards;
}
