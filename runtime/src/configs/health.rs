//! The Salus pallets: identity (more land with their issues).

use crate::{
	configs::governance::RootOrCouncilMajority, token::deposit, Balance, Balances, Runtime,
	RuntimeEvent, RuntimeHoldReason, SLS,
};
use frame_support::{parameter_types, traits::ConstU32};

parameter_types! {
	/// A patient entry (about 92 bytes) and its commitment-index entry (64 bytes).
	pub const PatientDeposit: Balance = deposit(2, 160);
	/// The bond behind a provider: what disputes can slash. It also pays for the provider
	/// entry and its admin-index entry.
	pub const ProviderBond: Balance = 100 * SLS;
	/// A practitioner entry (about 85 bytes).
	pub const PractitionerDeposit: Balance = deposit(1, 85);
	/// A record anchor (about 121 bytes) and its patient-index entry (about 68 bytes).
	pub const RecordDeposit: Balance = deposit(2, 190);
	/// A record link (about 117 bytes).
	pub const LinkDeposit: Balance = deposit(1, 117);
}

impl pallet_health_identity::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// The council accredits, suspends and revokes providers (or root, i.e. sudo on dev).
	type AccreditationOrigin = RootOrCouncilMajority;
	/// No other pallet holds patients to obligations yet.
	type PatientObligations = ();
	type PatientDeposit = PatientDeposit;
	type ProviderBond = ProviderBond;
	type PractitionerDeposit = PractitionerDeposit;
	type RecordDeposit = RecordDeposit;
	type LinkDeposit = LinkDeposit;
	type MaxPractitioners = ConstU32<10_000>;
	type WeightInfo = pallet_health_identity::weights::SubstrateWeight<Runtime>;
}
