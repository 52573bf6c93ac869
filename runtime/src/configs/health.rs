//! The Salus pallets: identity and consent (more land with their issues).

use crate::{
	configs::governance::RootOrCouncilMajority, time::DAYS, token::deposit, Balance, Balances,
	Consent, HealthIdentity, Runtime, RuntimeEvent, RuntimeHoldReason, Timestamp, SLS,
};
use frame_support::{parameter_types, traits::ConstU32};
use salus_primitives::Timestamp as Moment;

parameter_types! {
	/// A patient entry (about 92 bytes), its commitment-index entry (64 bytes), and the base
	/// of its consent ledger (directive, fee-free count, key: about 100 bytes).
	pub const PatientDeposit: Balance = deposit(3, 260);
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
	/// A patient with consents may not deregister; its consent ledger goes when it does.
	type PatientLifecycle = Consent;
	type PatientDeposit = PatientDeposit;
	type ProviderBond = ProviderBond;
	type PractitionerDeposit = PractitionerDeposit;
	type RecordDeposit = RecordDeposit;
	type LinkDeposit = LinkDeposit;
	type MaxPractitioners = ConstU32<10_000>;
	type WeightInfo = pallet_health_identity::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// One consent in a patient's ledger (at most 143 bytes encoded) and its id-index entry
	/// (80 bytes).
	pub const ConsentDeposit: Balance = deposit(2, 230);
	/// How long an ended consent is kept before it may be pruned: 30 days, in milliseconds.
	pub const ConsentRetention: Moment = 30 * 24 * 60 * 60 * 1000;
	/// A fee-free period: one day.
	pub const FreePeriod: crate::BlockNumber = DAYS;
}

impl pallet_consent::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Patients = HealthIdentity;
	type Providers = HealthIdentity;
	/// Consents are valid against the block timestamp.
	type Time = Timestamp;
	type ConsentDeposit = ConsentDeposit;
	/// A patient's own consents: enough for every provider and research programme it deals
	/// with; the ledger (read whole by every access decision) stays under 20 KB.
	type MaxConsents = ConstU32<100>;
	/// Live grants from approved requests and emergencies at once.
	type MaxGrants = ConstU32<32>;
	type ConsentRetention = ConsentRetention;
	/// Ten free grant/revoke/directive operations per patient per day.
	type FreeOperations = ConstU32<10>;
	type FreePeriod = FreePeriod;
	#[cfg(feature = "runtime-benchmarks")]
	type Fixtures = HealthIdentity;
	#[cfg(feature = "runtime-benchmarks")]
	type Clock = BenchmarkClock;
	type WeightInfo = pallet_consent::weights::SubstrateWeight<Runtime>;
}

/// Sets the block timestamp for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkClock;

#[cfg(feature = "runtime-benchmarks")]
impl salus_primitives::benchmarking::ClockFixture for BenchmarkClock {
	fn set_now(now: Moment) {
		pallet_timestamp::Now::<Runtime>::put(now);
	}
}
