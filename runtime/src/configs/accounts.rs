//! Account tools: batches (utility), delegation (proxy) and shared accounts (multisig).

use crate::{token::deposit, Balances, OriginCaller, Runtime, RuntimeCall, RuntimeEvent, System};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	parameter_types,
	traits::{ConstU32, InstanceFilter},
};
use scale_info::TypeInfo;
use sp_runtime::traits::BlakeTwo256;

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

/// What a proxy may do for the account that appointed it.
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
	/// Any call but balance transfers (and sudo): the proxy cannot move the account's funds.
	#[codec(index = 1)]
	NonTransfer,
	/// Governance calls only: council motions and votes, treasury.
	#[codec(index = 2)]
	Governance,
	/// A patient's guardian: the patient's health calls only (identity, consent, access,
	/// opening disputes), never a transfer of the patient's funds.
	#[codec(index = 3)]
	HealthGuardian,
}

impl InstanceFilter<RuntimeCall> for ProxyType {
	fn filter(&self, call: &RuntimeCall) -> bool {
		match self {
			ProxyType::Any => true,
			ProxyType::NonTransfer => {
				!matches!(call, RuntimeCall::Balances(..) | RuntimeCall::Sudo(..))
			},
			ProxyType::Governance => matches!(
				call,
				RuntimeCall::Council(..)
					| RuntimeCall::CouncilMembership(..)
					| RuntimeCall::Treasury(..)
					| RuntimeCall::Utility(..)
			),
			ProxyType::HealthGuardian => {
				matches!(
					call,
					RuntimeCall::HealthIdentity(..)
						| RuntimeCall::Consent(..)
						| RuntimeCall::Access(..)
						| RuntimeCall::Utility(..)
				)
			},
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
	type WeightInfo = pallet_multisig::weights::SubstrateWeight<Runtime>;
	type BlockNumberProvider = System;
}
