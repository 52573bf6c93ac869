//! A test runtime: System, Balances and this pallet, with the identity registry the pallets'
//! tests share ([`salus_primitives::mock`]; slashes mint into [`Balances`]), and the
//! arbitrators' body and the rewards it sees through traits kept in a few statics.
//!
//! | account | who |
//! |---|---|
//! | 1, 2 | registered patients |
//! | 3 | a registered patient with less than a bond |
//! | 11, 12 | practitioners of provider 0, an accredited hospital with a bond of 1 000 |
//! | 21 | practitioner of provider 1, an accredited clinic |
//! | 31 | practitioner of provider 2, a laboratory pending accreditation |
//! | 50 | nobody: neither patient nor practitioner |
//! | 101–105 | the arbitrators |
//! | 999 | the treasury |
//!
//! The access pallet's acts are in [`Acts`] (set with [`record_act`]); every test starts with
//! [`EMERGENCY`] and [`DISCLOSURE`] done by the hospital (provider 0) to patient 1, and
//! [`OTHER_DISCLOSURE`] by the hospital to patient 2.

use crate as pallet_disputes;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, SortedMembers},
};
pub use salus_primitives::mock::{self as registry, de, PROVIDER_BOND};
use salus_primitives::{
	DisputeSubject, DisputeSubjects, ProviderId, ProviderKind, ProviderStatus, RewardClawback,
};
use sp_runtime::{BuildStorage, Perbill, Weight};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Disputes: pallet_disputes,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

pub const DISPUTE_BOND: u64 = 100;
pub const APPEAL_BOND: u64 = 300;
pub const EVIDENCE_PERIOD: u64 = 10;
pub const VOTING_PERIOD: u64 = 20;
pub const APPEAL_WINDOW: u64 = 10;
pub const RULING_PERIOD: u64 = 15;
pub const SLASH: u64 = 200;
/// What an upheld dispute asks the rewards to take back.
pub const CLAWBACK: u64 = 50;
/// What the mock rewards hold unclaimed for any account: less than [`CLAWBACK`].
pub const UNCLAIMED: u64 = 30;
pub const MAX_EVIDENCE: u32 = 4;
pub const MAX_ARBITRATORS: u32 = 6;
/// The most open conduct disputes against one provider.
pub const MAX_CONDUCT: u32 = 3;
pub const MAX_PER_CLAIMANT: u32 = 2;
pub const SUSPEND_AFTER: u32 = 2;
/// What every test account starts with.
pub const ENDOWMENT: u64 = 10_000;
/// A patient who cannot pay a bond.
pub const POOR: u64 = 3;
/// Provider 0, whose practitioners are 11 and 12.
pub const HOSPITAL: ProviderId = 0;
/// Someone with no role.
pub const NOBODY: u64 = 50;
/// The arbitrators at the start of every test.
pub const ARBITRATORS: [u64; 5] = [101, 102, 103, 104, 105];
/// The treasury account.
pub const TREASURY: u64 = 999;
/// An emergency the hospital declared on patient 1.
pub const EMERGENCY: DisputeSubject = DisputeSubject::Emergency(5);
/// A disclosure the hospital logged of patient 1's data.
pub const DISCLOSURE: DisputeSubject = DisputeSubject::Disclosure(5);
/// A disclosure the hospital logged of patient 2's data.
pub const OTHER_DISCLOSURE: DisputeSubject = DisputeSubject::Disclosure(6);

parameter_types! {
	/// The arbitrators, sorted.
	pub static Members: alloc::vec::Vec<u64> = alloc::vec::Vec::new();
	/// The clawbacks asked for, in order: (account, amount).
	pub static ClawedBack: alloc::vec::Vec<(u64, u64)> = alloc::vec::Vec::new();
	pub const ClawbackAmount: u64 = CLAWBACK;
	pub const Treasury: u64 = TREASURY;
	pub const Quorum: Perbill = Perbill::from_percent(60);
	pub const UpheldThreshold: Perbill = Perbill::from_percent(50);
	pub const Compensation: Perbill = Perbill::from_percent(50);
	pub const ArbitratorFee: Perbill = Perbill::from_percent(10);
	pub const RejectedRefund: Perbill = Perbill::from_percent(50);
	pub const LapseForfeit: Perbill = Perbill::from_percent(20);
	/// The emergencies and disclosures the access pallet would know: (act, patient, provider).
	pub static Acts: alloc::vec::Vec<(DisputeSubject, u64, ProviderId)> = alloc::vec::Vec::new();
	/// The appeal period; tests set it to zero to apply verdicts at once.
	pub static AppealPeriod: u64 = APPEAL_WINDOW;
}

/// The identity registry of every pallet's tests; slashes mint into [`Balances`].
pub type MockIdentity = salus_primitives::mock::MockIdentity<Balances>;

/// The arbitrators' body.
pub struct MockArbitrators;
impl SortedMembers<u64> for MockArbitrators {
	fn sorted_members() -> alloc::vec::Vec<u64> {
		Members::get()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn add(who: &u64) {
		Members::mutate(|members| {
			if let Err(at) = members.binary_search(who) {
				members.insert(at, *who);
			}
		});
	}
}

/// Records that `patient`'s data was touched by `provider` in the emergency or disclosure
/// `act`, as the access pallet would.
pub fn record_act(act: DisputeSubject, patient: u64, provider: ProviderId) {
	Acts::mutate(|acts| acts.push((act, patient, provider)));
}

/// What the mock charges for looking a disclosure up (`DisputeSubjects::parties_weight`).
pub const LOOKUP_WEIGHT: u64 = 7_000_000;

/// The acts of [`Acts`].
pub struct MockSubjects;
impl DisputeSubjects<u64> for MockSubjects {
	/// As the access pallet does: an emergency is found whoever asks, a disclosure only in its
	/// patient's own log.
	fn parties(subject: DisputeSubject, claimant: &u64) -> Option<(u64, ProviderId)> {
		Acts::get()
			.into_iter()
			.find(|(act, patient, _)| {
				*act == subject
					&& (matches!(act, DisputeSubject::Emergency(_)) || patient == claimant)
			})
			.map(|(_, patient, provider)| (patient, provider))
	}

	fn parties_weight() -> Weight {
		Weight::from_parts(LOOKUP_WEIGHT, 0)
	}
}

/// Records what it is asked to claw back, and takes at most [`UNCLAIMED`].
pub struct MockClawback;
impl RewardClawback<u64, u64> for MockClawback {
	fn claw_back(who: &u64, amount: u64) -> u64 {
		ClawedBack::mutate(|done| done.push((*who, amount)));
		amount.min(UNCLAIMED)
	}
	fn weight() -> Weight {
		Weight::from_parts(1_000, 0)
	}
}

impl pallet_disputes::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Patients = MockIdentity;
	type Providers = MockIdentity;
	type Subjects = MockSubjects;
	type Arbitrators = MockArbitrators;
	type AppealOrigin = frame_system::EnsureRoot<u64>;
	type Clawback = MockClawback;
	type ClawbackAmount = ClawbackAmount;
	type Treasury = Treasury;
	type DisputeBond = ConstU64<DISPUTE_BOND>;
	type AppealBond = ConstU64<APPEAL_BOND>;
	type EvidencePeriod = ConstU64<EVIDENCE_PERIOD>;
	type VotingPeriod = ConstU64<VOTING_PERIOD>;
	type AppealPeriod = AppealPeriod;
	type RulingPeriod = ConstU64<RULING_PERIOD>;
	type Quorum = Quorum;
	type UpheldThreshold = UpheldThreshold;
	type Slash = ConstU64<SLASH>;
	type Compensation = Compensation;
	type ArbitratorFee = ArbitratorFee;
	type RejectedRefund = RejectedRefund;
	type LapseForfeit = LapseForfeit;
	type SuspendAfter = ConstU32<SUSPEND_AFTER>;
	type MaxEvidence = ConstU32<MAX_EVIDENCE>;
	type MaxArbitrators = ConstU32<MAX_ARBITRATORS>;
	type MaxConductDisputesPerRespondent = ConstU32<MAX_CONDUCT>;
	type MaxDisputesPerClaimant = ConstU32<MAX_PER_CLAIMANT>;
	#[cfg(feature = "runtime-benchmarks")]
	type Fixtures = MockIdentity;
	type WeightInfo = ();
}

/// Externalities with the accounts of the table above.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: alloc::vec::Vec<(u64, u64)> = [1, 2, 11, 12, 21, 31, NOBODY, TREASURY]
		.iter()
		.map(|who| (*who, ENDOWMENT))
		.collect();
	balances.extend(ARBITRATORS.iter().map(|who| (*who, ENDOWMENT)));
	balances.push((POOR, 50));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		registry::reset();
		[1, 2, POOR].into_iter().for_each(registry::register_patient);
		Members::set(ARBITRATORS.to_vec());
		ClawedBack::set(alloc::vec::Vec::new());
		AppealPeriod::set(APPEAL_WINDOW);
		Acts::set(alloc::vec![
			(EMERGENCY, 1, HOSPITAL),
			(DISCLOSURE, 1, HOSPITAL),
			(OTHER_DISCLOSURE, 2, HOSPITAL),
		]);
		use ProviderKind::*;
		use ProviderStatus::*;
		registry::add_provider(11, Hospital, de(), Accredited);
		registry::add_practitioner(12, HOSPITAL);
		registry::add_provider(21, Clinic, de(), Accredited);
		registry::add_provider(31, Laboratory, de(), Pending);
	});
	ext
}

/// Runs `test`, then checks every storage invariant of the pallet.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Disputes::do_try_state().expect("storage invariants hold");
	})
}
