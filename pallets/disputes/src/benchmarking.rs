//! Benchmarks of every call, each in its worst case: a full body of arbitrators (each looked up
//! in the registry for a conflict of interest when a dispute opens, when a vote is cast, when
//! the votes are counted and when the verdict pays them), the evidence list as long as it
//! gets, every arbitrator voted, every one of them paid a share of the slash.
// Benchmark setup that cannot proceed should stop the benchmark loudly.
#![allow(clippy::expect_used)]

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get, SortedMembers};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use salus_primitives::{
	benchmarking::IdentityFixtures, DisputeId, DisputeSubject, Jurisdiction, ProviderId,
	ProviderKind,
};
use sp_core::H256;
use sp_runtime::traits::{One, Saturating};

const SEED: u32 = 0;

fn de() -> Jurisdiction {
	Jurisdiction::from_code("DE").expect("DE is an assigned code")
}

fn set_block<T: Config>(block: BlockNumberFor<T>) {
	frame_system::Pallet::<T>::set_block_number(block);
}

/// The parties of a dispute: a patient (the claimant) and a practitioner of an accredited
/// hospital (the respondent's).
struct Parties<T: Config> {
	claimant: T::AccountId,
	practitioner: T::AccountId,
	provider: ProviderId,
}

fn parties<T: Config>() -> Parties<T> {
	set_block::<T>(One::one());
	let claimant: T::AccountId = account("claimant", 0, SEED);
	T::Fixtures::patient(&claimant);
	let practitioner: T::AccountId = account("practitioner", 0, SEED);
	let provider = T::Fixtures::practitioner(&practitioner, ProviderKind::Hospital, de());
	T::Fixtures::fund(&T::Treasury::get());
	Parties { claimant, practitioner, provider }
}

/// Fills the arbitrators' body to `MaxArbitrators` with funded accounts; returns its members.
fn full_body<T: Config>() -> alloc::vec::Vec<T::AccountId> {
	let mut index = 0u32;
	while (T::Arbitrators::count() as u32) < T::MaxArbitrators::get() {
		let arbitrator: T::AccountId = account("arbitrator", index, SEED);
		T::Fixtures::fund(&arbitrator);
		T::Arbitrators::add(&arbitrator);
		index = index.saturating_add(1);
	}
	let members = T::Arbitrators::sorted_members();
	for member in members.iter() {
		T::Fixtures::fund(member);
	}
	members
}

/// A dispute of `parties` about the respondent's conduct, in its voting period, with `votes`
/// arbitrators voted `verdict`.
fn voted<T: Config>(parties: &Parties<T>, votes: u32, verdict: Verdict) -> DisputeId {
	let members = full_body::<T>();
	Pallet::<T>::open_dispute(
		RawOrigin::Signed(parties.claimant.clone()).into(),
		parties.provider,
		DisputeSubject::Conduct,
		H256::repeat_byte(1),
	)
	.expect("dispute opened");
	let id = NextDisputeId::<T>::get().saturating_sub(1);
	set_block::<T>(T::EvidencePeriod::get().saturating_add(One::one()).saturating_add(One::one()));
	for member in members.iter().take(votes as usize) {
		Pallet::<T>::vote(RawOrigin::Signed(member.clone()).into(), id, verdict)
			.expect("vote cast");
	}
	id
}

/// The block after the stage of dispute `id` ends.
fn after_stage<T: Config>(id: DisputeId) -> BlockNumberFor<T> {
	let ends = match OpenDisputes::<T>::get(id).expect("dispute open").stage {
		Stage::Open { voting_ends, .. } => voting_ends,
		Stage::Referred { ends } | Stage::Appealed { ends, .. } => ends,
		Stage::Decided { appeal_ends, .. } => appeal_ends,
	};
	ends.saturating_add(One::one())
}

/// The fewest votes that decide a dispute of a full body of arbitrators.
fn quorum<T: Config>() -> u32 {
	T::Quorum::get().mul_ceil(T::MaxArbitrators::get()).max(1)
}

/// A dispute every one of `votes` arbitrators (at least a quorum) voted Upheld, decided and
/// appealed by the provider.
fn appealed<T: Config>(parties: &Parties<T>, votes: u32) -> DisputeId {
	let id = voted::<T>(parties, votes, Verdict::Upheld);
	set_block::<T>(after_stage::<T>(id));
	let caller: T::AccountId = account("closer", 0, SEED);
	Pallet::<T>::close_dispute(RawOrigin::Signed(caller).into(), id).expect("decided");
	Pallet::<T>::appeal(RawOrigin::Signed(parties.practitioner.clone()).into(), id)
		.expect("appealed");
	id
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A practitioner of another provider (the longest eligibility check) brings a claim
	/// about the respondent's conduct before a full body of arbitrators, each checked for a
	/// stake in the respondent. (A disclosure claim skips the eligibility reads for the
	/// look-up of the disclosure — its call's record of parties, at most about 2 KB, and for
	/// an entry logged before spec version 104 a second read — and one of `Subjects`; the
	/// benchmarks cannot log a disclosure in the access pallet.)
	#[benchmark]
	fn open_dispute() {
		let parties = parties::<T>();
		full_body::<T>();
		let claimant: T::AccountId = account("rival", 0, SEED);
		T::Fixtures::practitioner(&claimant, ProviderKind::Clinic, de());

		#[extrinsic_call]
		_(
			RawOrigin::Signed(claimant.clone()),
			parties.provider,
			DisputeSubject::Conduct,
			H256::repeat_byte(1),
		);

		assert_eq!(ClaimantDisputes::<T>::get(&claimant), Some(OpenBy { total: 1, claims: 1 }));
		assert!(RespondentDisputes::<T>::contains_key(parties.provider));
	}

	/// The respondent files evidence in a dispute that already holds `e` hashes, the two sides'
	/// in turn (each side may file half of `MaxEvidence`).
	#[benchmark]
	fn submit_evidence(e: Linear<1, { T::MaxEvidence::get().saturating_sub(1) }>) {
		let parties = parties::<T>();
		Pallet::<T>::open_dispute(
			RawOrigin::Signed(parties.claimant.clone()).into(),
			parties.provider,
			DisputeSubject::Conduct,
			H256::repeat_byte(1),
		)
		.expect("dispute opened");
		for filed in 1..e {
			let side = if filed % 2 == 1 { &parties.practitioner } else { &parties.claimant };
			Pallet::<T>::submit_evidence(
				RawOrigin::Signed(side.clone()).into(),
				0,
				H256::repeat_byte(2),
			)
			.expect("evidence filed");
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(parties.practitioner.clone()), 0, H256::repeat_byte(3));

		let dispute = OpenDisputes::<T>::get(0).expect("dispute open");
		assert_eq!(dispute.evidence.len() as u32, e.saturating_add(1));
	}

	/// The last arbitrator votes after `a` others.
	#[benchmark]
	fn vote(a: Linear<0, { T::MaxArbitrators::get().saturating_sub(1) }>) {
		let parties = parties::<T>();
		let id = voted::<T>(&parties, a, Verdict::Upheld);
		let last = T::Arbitrators::sorted_members()
			.into_iter()
			.nth(a as usize)
			.expect("the body is full");

		#[extrinsic_call]
		_(RawOrigin::Signed(last), id, Verdict::Rejected);

		let dispute = OpenDisputes::<T>::get(id).expect("dispute open");
		assert_eq!(dispute.votes.len() as u32, a.saturating_add(1));
	}

	/// The votes of `a` arbitrators are counted after the voting period, against a full body
	/// each checked for a conflict of interest: the dispute is decided (or referred) and waits
	/// for an appeal.
	#[benchmark]
	fn close_dispute_count(a: Linear<1, { T::MaxArbitrators::get() }>) {
		let parties = parties::<T>();
		let id = voted::<T>(&parties, a, Verdict::Upheld);
		set_block::<T>(after_stage::<T>(id));
		let caller: T::AccountId = account("closer", 0, SEED);

		#[extrinsic_call]
		close_dispute(RawOrigin::Signed(caller), id);

		let stage = OpenDisputes::<T>::get(id).expect("dispute open").stage;
		assert!(!matches!(stage, Stage::Open { .. }));
	}

	/// An appeal nobody ruled on lapses: the appellant's bond returns and the Upheld verdict
	/// of `a` arbitrators is applied, each of them paid a share of the slash.
	#[benchmark]
	fn close_dispute_apply(a: Linear<{ quorum::<T>() }, { T::MaxArbitrators::get() }>) {
		let parties = parties::<T>();
		let id = appealed::<T>(&parties, a);
		set_block::<T>(after_stage::<T>(id));
		let caller: T::AccountId = account("closer", 0, SEED);

		#[extrinsic_call]
		close_dispute(RawOrigin::Signed(caller), id);

		assert!(OpenDisputes::<T>::get(id).is_none());
		assert_eq!(UpheldCount::<T>::get(parties.provider), 1);
	}

	#[benchmark]
	fn appeal() {
		let parties = parties::<T>();
		let id = voted::<T>(&parties, T::MaxArbitrators::get(), Verdict::Upheld);
		set_block::<T>(after_stage::<T>(id));
		let caller: T::AccountId = account("closer", 0, SEED);
		Pallet::<T>::close_dispute(RawOrigin::Signed(caller).into(), id).expect("decided");

		#[extrinsic_call]
		_(RawOrigin::Signed(parties.practitioner.clone()), id);

		let stage = OpenDisputes::<T>::get(id).expect("dispute open").stage;
		assert!(matches!(stage, Stage::Appealed { .. }));
	}

	/// The appeal origin confirms the Upheld verdict of `a` arbitrators: the appellant's bond
	/// is forfeited and the verdict applied, each of them paid a share of the slash.
	#[benchmark]
	fn rule_on_appeal(
		a: Linear<{ quorum::<T>() }, { T::MaxArbitrators::get() }>,
	) -> Result<(), BenchmarkError> {
		let parties = parties::<T>();
		let id = appealed::<T>(&parties, a);
		let origin =
			T::AppealOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, Verdict::Upheld);

		assert!(OpenDisputes::<T>::get(id).is_none());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
