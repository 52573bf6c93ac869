//! The Salus pallets: identity, consent and access (more land with their issues).

use crate::{
	configs::governance::RootOrCouncilMajority, time::DAYS, token::deposit, Access, Balance,
	Balances, Consent, HealthIdentity, Runtime, RuntimeEvent, RuntimeHoldReason, Timestamp, SLS,
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
	/// A patient with consents, open requests or open emergency reviews may not deregister;
	/// its consent ledger goes when it does.
	type PatientLifecycle = (Consent, Access);
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

/// A day, in milliseconds.
const DAY_MS: Moment = 24 * 60 * 60 * 1000;

parameter_types! {
	/// An open request (at most 145 bytes and a 48-byte key), its place in the patient's
	/// pending list (8 bytes) and its provider-index entry (60 bytes with its key).
	pub const RequestDeposit: Balance = deposit(3, 300);
	/// An emergency under review (at most 153 bytes and a 48-byte key), its place in the
	/// patient's open reviews (8 bytes), and the grant it adds to the patient's consent ledger
	/// (a 143-byte consent and its 80-byte index entry).
	pub const EmergencyDeposit: Balance = deposit(3, 440);
	/// A disclosure-log entry (at most 121 bytes) and its share of the page's key.
	pub const DisclosureDeposit: Balance = deposit(0, 130);
	/// How long a request waits for the patient's answer: a week. Root (sudo on dev chains,
	/// governance later) may change it with `system.set_storage`.
	pub storage RequestLifetime: Moment = 7 * DAY_MS;
	/// The longest access a request may ask for: a year.
	pub const MaxAccessDuration: Moment = 365 * DAY_MS;
	/// Emergency (break-glass) access lasts a day.
	pub const EmergencyWindow: Moment = DAY_MS;
	/// Emergencies a practitioner may declare per day.
	pub const EmergencyRatePeriod: Moment = DAY_MS;
	/// The patient has two weeks to review an emergency before it goes to the arbitrators.
	pub const ReviewPeriod: Moment = 14 * DAY_MS;
	/// Disclosures are kept six years (HIPAA §164.530(j)) before a page may be pruned.
	pub const DisclosureRetention: Moment = 6 * 365 * DAY_MS;
}

impl pallet_access::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Patients = HealthIdentity;
	type Providers = HealthIdentity;
	type AccessControl = Consent;
	/// No dispute court yet: contesting fails with `Unavailable`, and an unreviewed emergency's
	/// review closes with no dispute.
	type Disputes = ();
	/// No reward pallet yet.
	type AccessEvents = ();
	type RequestDeposit = RequestDeposit;
	type EmergencyDeposit = EmergencyDeposit;
	type DisclosureDeposit = DisclosureDeposit;
	type RequestLifetime = RequestLifetime;
	type MaxAccessDuration = MaxAccessDuration;
	/// Open requests to one patient at once.
	type MaxPendingRequests = ConstU32<16>;
	type EmergencyWindow = EmergencyWindow;
	/// Five emergencies per practitioner per day.
	type MaxEmergencies = ConstU32<5>;
	type EmergencyRatePeriod = EmergencyRatePeriod;
	type ReviewPeriod = ReviewPeriod;
	/// Emergencies on one patient with open reviews at once.
	type MaxOpenReviews = ConstU32<16>;
	/// 32 entries a page: a page stays under 4 KB.
	type DisclosurePageSize = ConstU32<32>;
	type DisclosureRetention = DisclosureRetention;
	#[cfg(feature = "runtime-benchmarks")]
	type Fixtures = HealthIdentity;
	#[cfg(feature = "runtime-benchmarks")]
	type ConsentFixtures = Consent;
	#[cfg(feature = "runtime-benchmarks")]
	type Clock = BenchmarkClock;
	type WeightInfo = pallet_access::weights::SubstrateWeight<Runtime>;
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
