//! The Salus pallets: identity, consent, access, disputes and rewards.

use crate::{
	configs::governance::{
		MaxArbitrators, RootOrCouncilMajority, RootOrCouncilSupermajority, TreasuryAccount,
	},
	time::DAYS,
	token::deposit,
	token::MILLI_SLS,
	Access, ArbitratorsMembership, Balance, Balances, BlockNumber, Consent, Disputes,
	HealthIdentity, Rewards, Runtime, RuntimeEvent, RuntimeHoldReason, Timestamp, SLS,
};
use frame_support::{parameter_types, traits::ConstU32, PalletId};
use salus_primitives::Timestamp as Moment;
use sp_runtime::Perbill;

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
	/// A patient with consents, open requests, open emergency reviews or open disputes may not
	/// deregister; its consent ledger goes when it does.
	type PatientLifecycle = (Consent, Access, Disputes);
	/// Anchored records earn their (vouched) patients points.
	type RecordEvents = Rewards;
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
	/// Research consents earn their (vouched) patients points.
	type ConsentEvents = Rewards;
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
	/// What every request costs its provider, to the treasury: more than the most an approval
	/// can earn the patient (`RewardSchedule::request_approved × MaxRewardPerPoint`), so that
	/// requests never pay for themselves.
	pub const RequestFee: Balance = SLS;
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
	/// A contested emergency opens a dispute with the patient's bond; an unreviewed one goes
	/// to the court on its own.
	type Disputes = Disputes;
	/// Approvals earn (vouched) patients points; justified emergencies earn providers.
	type AccessEvents = Rewards;
	type RequestDeposit = RequestDeposit;
	type RequestFee = RequestFee;
	type FeeCollector = TreasuryAccount;
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

parameter_types! {
	/// Held from a claimant while its dispute is open: it pays for the dispute's record (at most
	/// 1 407 bytes with a full evidence list and every arbitrator's vote), its index entries,
	/// and makes a frivolous claim cost something.
	pub const DisputeBond: Balance = 10 * SLS;
	/// Held from an appellant: three times the dispute's bond.
	pub const AppealBond: Balance = 30 * SLS;
	/// The parties file evidence for three days. Root (sudo on dev chains, governance later)
	/// may change this and the other periods with `system.set_storage`.
	pub storage DisputeEvidencePeriod: BlockNumber = 3 * DAYS;
	/// The arbitrators vote for a week after the evidence period.
	pub storage DisputeVotingPeriod: BlockNumber = 7 * DAYS;
	/// The losing party may appeal for a week.
	pub storage DisputeAppealPeriod: BlockNumber = 7 * DAYS;
	/// The council rules on an appeal or a referred dispute within two weeks (a council motion
	/// stays open three days).
	pub storage DisputeRulingPeriod: BlockNumber = 14 * DAYS;
	/// Half of the arbitrators must vote.
	pub const DisputeQuorum: Perbill = Perbill::from_percent(50);
	/// A dispute is upheld by a strict majority of the votes cast; a tie rejects it.
	pub const UpheldThreshold: Perbill = Perbill::from_percent(50);
	/// An upheld dispute slashes a quarter of the provider's 100 SLS bond...
	pub const DisputeSlash: Balance = 25 * SLS;
	/// ...of which 60 % compensates the claimant...
	pub const DisputeCompensation: Perbill = Perbill::from_percent(60);
	/// ...and 10 % is shared by the arbitrators who voted with the verdict (of a forfeited
	/// bond too); the rest goes to the treasury.
	pub const ArbitratorFee: Perbill = Perbill::from_percent(10);
	/// A rejected claimant gets half its bond back.
	pub const RejectedRefund: Perbill = Perbill::from_percent(50);
	/// An upheld dispute also takes back up to 100 SLS of the provider's unclaimed rewards:
	/// twenty days of the most its admin may earn (100 points a day at 0.05 SLS).
	pub const DisputeRewardClawback: Balance = 100 * SLS;
}

impl pallet_disputes::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Patients = HealthIdentity;
	type Providers = HealthIdentity;
	/// The council-appointed arbitrators.
	type Arbitrators = ArbitratorsMembership;
	/// Appeals and referred disputes go to a council supermajority (or root).
	type AppealOrigin = RootOrCouncilSupermajority;
	/// An upheld dispute returns unclaimed rewards of the provider's admin to the pool.
	type Clawback = Rewards;
	type ClawbackAmount = DisputeRewardClawback;
	type Treasury = TreasuryAccount;
	type DisputeBond = DisputeBond;
	type AppealBond = AppealBond;
	type EvidencePeriod = DisputeEvidencePeriod;
	type VotingPeriod = DisputeVotingPeriod;
	type AppealPeriod = DisputeAppealPeriod;
	type RulingPeriod = DisputeRulingPeriod;
	type Quorum = DisputeQuorum;
	type UpheldThreshold = UpheldThreshold;
	type Slash = DisputeSlash;
	type Compensation = DisputeCompensation;
	type ArbitratorFee = ArbitratorFee;
	type RejectedRefund = RejectedRefund;
	/// A provider is suspended at its third upheld dispute (at once for an emergency).
	type SuspendAfter = ConstU32<3>;
	/// Sixteen evidence hashes per dispute, both parties together.
	type MaxEvidence = ConstU32<16>;
	type MaxArbitrators = MaxArbitrators;
	/// Open disputes at once: bounds the work of withdrawing a departing arbitrator's votes.
	type MaxOpenDisputes = ConstU32<512>;
	/// Open disputes one account may bring at once.
	type MaxDisputesPerClaimant = ConstU32<8>;
	#[cfg(feature = "runtime-benchmarks")]
	type Fixtures = HealthIdentity;
	type WeightInfo = pallet_disputes::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The reward pool's account is derived from this id.
	pub const RewardsPalletId: PalletId = PalletId(*b"sls/rwrd");
	/// An epoch lasts a day. Root (sudo on dev chains, governance later) may change it with
	/// `system.set_storage`; the change applies from the epoch in progress.
	pub storage RewardEpochLength: BlockNumber = DAYS;
	/// The first year of epochs releases at most 50 000 SLS a day...
	pub const InitialEpochBudget: Balance = 50_000 * SLS;
	/// ...halving every year: at most 2 × 365 × 50 000 = 36.5 M SLS in all, below the 40 M
	/// the pool starts with.
	pub const HalvingInterval: u32 = 365;
	/// Rewards may be claimed for 90 days after their epoch; then they return to the pool.
	pub const ClaimWindow: u32 = 90;
	/// A point is worth at most 0.05 SLS: an approval (10 points at launch) earns at most
	/// 0.5 SLS, half the request fee.
	pub const MaxRewardPerPoint: Balance = 50 * MILLI_SLS;
}

impl pallet_rewards::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Patients = HealthIdentity;
	type Providers = HealthIdentity;
	/// A council majority (or root) sets the reward schedule.
	type ScheduleOrigin = RootOrCouncilMajority;
	type PalletId = RewardsPalletId;
	type EpochLength = RewardEpochLength;
	type InitialEpochBudget = InitialEpochBudget;
	type HalvingInterval = HalvingInterval;
	type ClaimWindow = ClaimWindow;
	type MaxRewardPerPoint = MaxRewardPerPoint;
	type RequestCost = RequestFee;
	/// Acts that count once per epoch: approvals and anchors by distinct providers, and a
	/// research consent.
	type MaxActsPerEpoch = ConstU32<16>;
	type WeightInfo = pallet_rewards::weights::SubstrateWeight<Runtime>;
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
