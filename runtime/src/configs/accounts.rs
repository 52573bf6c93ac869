//! Account tools: batches (utility), delegation (proxy) and shared accounts (multisig).

use crate::{token::deposit, Balances, OriginCaller, Runtime, RuntimeCall, RuntimeEvent, System};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	parameter_types,
	traits::{ConstU32, InstanceFilter},
	weights::Weight,
};
use scale_info::TypeInfo;
use sp_runtime::traits::{BlakeTwo256, Zero};

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

/// What a proxy may do for the account that appointed it.
///
/// Every filter applies to the calls nested in a `Utility` batch too: pallet-proxy dispatches
/// the proxied call with an origin that carries the filter, and `Utility::batch`,
/// `batch_all`, `force_batch`, `as_derivative` and `if_else` dispatch their inner calls with
/// that same origin. A call that dispatches as *another* account (`Proxy::proxy`,
/// `Proxy::proxy_announced`, `Multisig::as_multi_threshold_1`) starts from a fresh origin, so
/// the outer filter would not follow it: those are refused by every filter but [`Any`].
///
/// [`Any`]: ProxyType::Any
#[derive(
	Copy,
	Clone,
	Eq,
	PartialEq,
	Ord,
	PartialOrd,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum ProxyType {
	/// Any call.
	#[default]
	#[codec(index = 0)]
	Any,
	/// Any call that cannot move the account's funds to another account: no balance transfer,
	/// no vesting transfer, no research bounty, no sudo, and no call that dispatches as another
	/// account (see [`ProxyType::non_transfer`]).
	#[codec(index = 1)]
	NonTransfer,
	/// Governance calls only: council motions and votes, treasury.
	#[codec(index = 2)]
	Governance,
	/// A patient's guardian: exactly the patient's own health calls (see
	/// [`ProxyType::patient_call`]), never a provider's, a practitioner's or a transfer.
	#[codec(index = 3)]
	HealthGuardian,
}

impl ProxyType {
	/// Whether a [`ProxyType::NonTransfer`] proxy may make `call`.
	///
	/// Every pallet of the runtime is named, so that a pallet added later is refused until
	/// someone decides. Refused:
	/// - `Balances`: every call moves or burns funds;
	/// - `Sudo`: the key's proxy would be a superuser;
	/// - `Vesting::vested_transfer` and `force_vested_transfer`: a schedule vesting at once is a
	///   transfer (finding 5 of the December 2026 review);
	/// - `Access::request_access` with a bounty: the bounty is paid to the patient when it
	///   approves, so an accomplice patient would receive the account's funds. Without a bounty
	///   the request's fee goes to the treasury, like a transaction fee, and is admitted;
	/// - `Proxy::proxy`, `Proxy::proxy_announced`: they dispatch as another account (a pure
	///   proxy) without this filter;
	/// - `Multisig::as_multi_threshold_1`, `as_multi` and `approve_as_multi`: a multisig call
	///   dispatches as the multisig account without this filter, so the proxy and an accomplice
	///   co-signatory could empty a multisig the account shares. Only `cancel_as_multi` and
	///   `poke_deposit` (which return or adjust the account's own deposit) are admitted.
	///
	/// Admitted calls may put funds on hold (deposits, a provider's bond, a dispute's bond);
	/// a held bond moves only by a judged sanction, never where the proxy directs it.
	pub fn non_transfer(call: &RuntimeCall) -> bool {
		match call {
			RuntimeCall::Balances(..) | RuntimeCall::Sudo(..) => false,
			RuntimeCall::Vesting(call) => matches!(
				call,
				pallet_vesting::Call::vest { .. }
					| pallet_vesting::Call::vest_other { .. }
					| pallet_vesting::Call::merge_schedules { .. }
			),
			RuntimeCall::Access(pallet_access::Call::request_access { bounty, .. }) => {
				bounty.is_zero()
			},
			RuntimeCall::Proxy(call) => !matches!(
				call,
				pallet_proxy::Call::proxy { .. } | pallet_proxy::Call::proxy_announced { .. }
			),
			RuntimeCall::Multisig(call) => matches!(
				call,
				pallet_multisig::Call::cancel_as_multi { .. }
					| pallet_multisig::Call::poke_deposit { .. }
			),
			RuntimeCall::System(..)
			| RuntimeCall::Timestamp(..)
			| RuntimeCall::Grandpa(..)
			| RuntimeCall::Utility(..)
			| RuntimeCall::Council(..)
			| RuntimeCall::CouncilMembership(..)
			| RuntimeCall::Treasury(..)
			| RuntimeCall::ArbitratorsMembership(..)
			| RuntimeCall::HealthIdentity(..)
			| RuntimeCall::Consent(..)
			| RuntimeCall::Access(..)
			| RuntimeCall::Disputes(..)
			| RuntimeCall::Rewards(..) => true,
		}
	}

	/// Whether `call` is one a patient makes for itself, which a
	/// [`ProxyType::HealthGuardian`] may make for its ward: every other call is refused,
	/// including any call a pallet adds later, until it is listed here (finding 4 of the
	/// December 2026 review).
	///
	/// - identity: `announce_commitment` and `register_patient` (a guardian may register its
	///   ward; the deposit is the ward's and comes back when the ward deregisters),
	///   `update_encryption_key`, `accept_link` and `remove_link` (a record-number link about
	///   the ward), `accept_record` and `remove_record_proposal` (an anchor about the ward). Not
	///   `deregister_patient` nor `release_commitment` (they give up the ward's registration or
	///   its commitment), nor any provider, admin or practitioner call;
	/// - consent: `grant_consent`, `revoke_consent`, `set_emergency_directive`, `prune_consent`;
	/// - access, the patient's answers: `approve_request`, `deny_request`,
	///   `acknowledge_emergency`, `contest_emergency`. Not `request_access`,
	///   `cancel_request`, `declare_emergency`, `log_disclosure`, `log_disclosures` (a
	///   practitioner's);
	/// - disputes: `open_dispute`, `submit_evidence`, `appeal` (not `vote`, an arbitrator's);
	/// - rewards: `claim_rewards`;
	/// - batches of the above: `Utility::batch`, `batch_all`, `force_batch` (each inner call
	///   passes this filter again).
	//
	pub fn patient_call(call: &RuntimeCall) -> bool {
		use pallet_access::Call as Access;
		use pallet_consent::Call as Consent;
		use pallet_disputes::Call as Disputes;
		use pallet_health_identity::Call as Identity;
		match call {
			RuntimeCall::HealthIdentity(call) => matches!(
				call,
				Identity::announce_commitment { .. }
					| Identity::register_patient { .. }
					| Identity::update_encryption_key { .. }
					| Identity::accept_link { .. }
					| Identity::remove_link { .. }
					| Identity::accept_record { .. }
					| Identity::remove_record_proposal { .. }
			),
			RuntimeCall::Consent(call) => matches!(
				call,
				Consent::grant_consent { .. }
					| Consent::revoke_consent { .. }
					| Consent::set_emergency_directive { .. }
					| Consent::prune_consent { .. }
			),
			RuntimeCall::Access(call) => matches!(
				call,
				Access::approve_request { .. }
					| Access::deny_request { .. }
					| Access::acknowledge_emergency { .. }
					| Access::contest_emergency { .. }
			),
			RuntimeCall::Disputes(call) => matches!(
				call,
				Disputes::open_dispute { .. }
					| Disputes::submit_evidence { .. }
					| Disputes::appeal { .. }
			),
			RuntimeCall::Rewards(call) => {
				matches!(call, pallet_rewards::Call::claim_rewards { .. })
			},
			RuntimeCall::Utility(call) => matches!(
				call,
				pallet_utility::Call::batch { .. }
					| pallet_utility::Call::batch_all { .. }
					| pallet_utility::Call::force_batch { .. }
			),
			_ => false,
		}
	}
}

impl InstanceFilter<RuntimeCall> for ProxyType {
	fn filter(&self, call: &RuntimeCall) -> bool {
		match self {
			ProxyType::Any => true,
			ProxyType::NonTransfer => Self::non_transfer(call),
			ProxyType::Governance => matches!(
				call,
				RuntimeCall::Council(..)
					| RuntimeCall::CouncilMembership(..)
					| RuntimeCall::Treasury(..)
					| RuntimeCall::Utility(..)
			),
			ProxyType::HealthGuardian => Self::patient_call(call),
		}
	}

	fn is_superset(&self, other: &Self) -> bool {
		match (self, other) {
			(x, y) if x == y => true,
			(ProxyType::Any, _) => true,
			(_, ProxyType::Any) => false,
			(ProxyType::NonTransfer, ProxyType::Governance | ProxyType::HealthGuardian) => true,
			_ => false,
		}
	}
}

parameter_types! {
	/// Held per account that has proxies: one item (the proxy list).
	pub const ProxyDepositBase: crate::Balance = deposit(1, 8);
	/// Held per proxy: 33 bytes (an account id and a proxy type).
	pub const ProxyDepositFactor: crate::Balance = deposit(0, 33);
	/// Held per account with announcements: one item.
	pub const AnnouncementDepositBase: crate::Balance = deposit(1, 8);
	/// Held per announcement: 66 bytes (an account id, a call hash and a block number).
	pub const AnnouncementDepositFactor: crate::Balance = deposit(0, 66);
	/// Held per multisig operation: one item of 88 bytes.
	pub const DepositBase: crate::Balance = deposit(1, 88);
	/// Held per signatory of a multisig operation: 32 bytes.
	pub const DepositFactor: crate::Balance = deposit(0, 32);
}

impl pallet_proxy::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type ProxyType = ProxyType;
	type ProxyDepositBase = ProxyDepositBase;
	type ProxyDepositFactor = ProxyDepositFactor;
	type MaxProxies = ConstU32<32>;
	type WeightInfo = pallet_proxy::weights::SubstrateWeight<Runtime>;
	type MaxPending = ConstU32<32>;
	type CallHasher = BlakeTwo256;
	type AnnouncementDepositBase = AnnouncementDepositBase;
	type AnnouncementDepositFactor = AnnouncementDepositFactor;
	type BlockNumberProvider = System;
}

impl pallet_multisig::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type DepositBase = DepositBase;
	type DepositFactor = DepositFactor;
	type MaxSignatories = ConstU32<100>;
	type WeightInfo = MultisigWeight;
	type BlockNumberProvider = System;
}

/// The multisig account's `System::Account` read and write, for a multisig call that
/// dispatches as it. The Salus pallets' benchmarks whitelist the signer's account (every signed
/// transaction's nonce check and fee already read and write it); a call dispatched as another
/// account touches that account too. pallet-proxy's `proxy` and pallet-multisig's
/// `as_multi_threshold_1` already add it to their weight; `as_multi`, which completes with the
/// caller's `max_weight` for the call, does not, so its completion adds it here.
fn dispatched_as_another() -> Weight {
	<Runtime as frame_system::Config>::DbWeight::get().reads_writes(1, 1)
}

type SdkMultisigWeight = pallet_multisig::weights::SubstrateWeight<Runtime>;

/// pallet-multisig's weights, with the multisig account's read and write
/// (`dispatched_as_another`) on a completing `as_multi`.
pub struct MultisigWeight;
impl pallet_multisig::WeightInfo for MultisigWeight {
	fn as_multi_threshold_1(z: u32) -> Weight {
		SdkMultisigWeight::as_multi_threshold_1(z)
	}
	fn as_multi_create(s: u32, z: u32) -> Weight {
		SdkMultisigWeight::as_multi_create(s, z)
	}
	fn as_multi_approve(s: u32, z: u32) -> Weight {
		SdkMultisigWeight::as_multi_approve(s, z)
	}
	fn as_multi_complete(s: u32, z: u32) -> Weight {
		SdkMultisigWeight::as_multi_complete(s, z).saturating_add(dispatched_as_another())
	}
	fn approve_as_multi_create(s: u32) -> Weight {
		SdkMultisigWeight::approve_as_multi_create(s)
	}
	fn approve_as_multi_approve(s: u32) -> Weight {
		SdkMultisigWeight::approve_as_multi_approve(s)
	}
	fn cancel_as_multi(s: u32) -> Weight {
		SdkMultisigWeight::cancel_as_multi(s)
	}
	fn poke_deposit(s: u32) -> Weight {
		SdkMultisigWeight::poke_deposit(s)
	}
}
