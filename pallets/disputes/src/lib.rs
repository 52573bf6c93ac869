#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

// FRAME's pallet macros expand to `expect`/`unreachable!` in branches that cannot be taken, and
// clippy reports them at the attributes. Hand-written code here uses neither:
// `scripts/check-no-panic.sh` (run by `scripts/test.sh`) checks the sources.
#[allow(clippy::expect_used, clippy::unreachable)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, MutateHold},
			tokens::{Fortitude, Precision, Restriction},
			SortedMembers,
		},
	};
	use frame_system::pallet_prelude::*;
	use salus_primitives::{
		DisputeId, DisputeSubject, PatientRegistry, ProviderId, ProviderRegistry, RewardClawback,
	};
	use sp_core::H256;
	use sp_runtime::{
		traits::{Saturating, Zero},
		Perbill,
	};

	/// The balance of an account, in the currency bonds are held in.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A dispute as stored.
	pub type DisputeOf<T> = Dispute<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		<T as Config>::MaxEvidence,
		<T as Config>::MaxArbitrators,
	>;
	/// A dispute's stage as stored.
	pub type StageOf<T> =
		Stage<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A claimant's bond behind an open dispute.
		#[codec(index = 0)]
		DisputeBond,
		/// An appellant's bond behind an appeal.
		#[codec(index = 1)]
		AppealBond,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The currency bonds are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The patients (the identity pallet).
		type Patients: PatientRegistry<Self::AccountId>;

		/// The providers, their practitioners, and the sanctions on them (the identity pallet).
		type Providers: ProviderRegistry<Self::AccountId, Balance = BalanceOf<Self>>;

		/// The arbitrators: the governance-managed body whose members vote on disputes.
		type Arbitrators: SortedMembers<Self::AccountId>;

		/// Who rules on appeals and on disputes the arbitrators left without a quorum.
		type AppealOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Takes back unclaimed rewards of a provider an upheld dispute condemned (those of its
		/// admin account); its weight is added to the calls that apply verdicts.
		type Clawback: RewardClawback<Self::AccountId, BalanceOf<Self>>;

		/// The treasury account: it receives the rest of slashes and forfeited bonds.
		#[pallet::constant]
		type Treasury: Get<Self::AccountId>;

		/// Held from a claimant while its dispute is open.
		#[pallet::constant]
		type DisputeBond: Get<BalanceOf<Self>>;

		/// Held from an appellant while its appeal is open; larger than `DisputeBond`.
		#[pallet::constant]
		type AppealBond: Get<BalanceOf<Self>>;

		/// Blocks the parties have to file evidence, from the opening.
		#[pallet::constant]
		type EvidencePeriod: Get<BlockNumberFor<Self>>;

		/// Blocks the arbitrators have to vote, after the evidence period.
		#[pallet::constant]
		type VotingPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks the losing party has to appeal a verdict, from its decision.
		#[pallet::constant]
		type AppealPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks the appeal origin has to rule on an appeal or a referred dispute.
		#[pallet::constant]
		type RulingPeriod: Get<BlockNumberFor<Self>>;

		/// The share of the arbitrators that must vote for the vote to decide.
		#[pallet::constant]
		type Quorum: Get<Perbill>;

		/// A dispute is upheld when more than this share of the votes cast say Upheld.
		#[pallet::constant]
		type UpheldThreshold: Get<Perbill>;

		/// What an upheld dispute slashes from the provider's bond (at most the whole bond).
		#[pallet::constant]
		type Slash: Get<BalanceOf<Self>>;

		/// What an upheld dispute takes back of the provider's unclaimed rewards, at most.
		#[pallet::constant]
		type ClawbackAmount: Get<BalanceOf<Self>>;

		/// The share of the slash paid to the claimant as compensation.
		#[pallet::constant]
		type Compensation: Get<Perbill>;

		/// The share of the slash (upheld) or of the forfeited bond (rejected) shared by the
		/// arbitrators who voted for the verdict.
		#[pallet::constant]
		type ArbitratorFee: Get<Perbill>;

		/// The share of the claimant's bond returned when its dispute is rejected.
		#[pallet::constant]
		type RejectedRefund: Get<Perbill>;

		/// After this many upheld disputes a provider is suspended. An upheld dispute about an
		/// emergency (a broken glass that was not justified) suspends at once.
		#[pallet::constant]
		type SuspendAfter: Get<u32>;

		/// The most evidence hashes a dispute keeps (both parties together).
		#[pallet::constant]
		type MaxEvidence: Get<u32>;

		/// The most arbitrators (the size of their body); bounds the votes on a dispute.
		#[pallet::constant]
		type MaxArbitrators: Get<u32>;

		/// The most disputes open at once.
		#[pallet::constant]
		type MaxOpenDisputes: Get<u32>;

		/// The most disputes one account may have opened and still open.
		#[pallet::constant]
		type MaxDisputesPerClaimant: Get<u32>;

		/// Sets up patients and providers in the registries for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type Fixtures: salus_primitives::benchmarking::IdentityFixtures<Self::AccountId>;

		/// Weights of the calls, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Open disputes: dispute id → the dispute. Removed when its verdict is applied.
	#[pallet::storage]
	pub type OpenDisputes<T: Config> = CountedStorageMap<_, Twox64Concat, DisputeId, DisputeOf<T>>;

	/// The id the next dispute gets.
	#[pallet::storage]
	pub type NextDisputeId<T: Config> = StorageValue<_, DisputeId, ValueQuery>;

	/// Account → how many open disputes it is the claimant of.
	#[pallet::storage]
	pub type ClaimantDisputes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Emergency or disclosure → the dispute that took it up. Kept after the dispute ends: an
	/// act is judged once.
	#[pallet::storage]
	pub type Subjects<T: Config> = StorageMap<_, Blake2_128Concat, DisputeSubject, DisputeId>;

	/// Provider → how many disputes against it were upheld.
	#[pallet::storage]
	pub type UpheldCount<T: Config> = StorageMap<_, Twox64Concat, ProviderId, u32, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A dispute was opened; evidence is taken until `evidence_ends`, votes until
		/// `voting_ends`.
		DisputeOpened {
			/// The dispute.
			id: DisputeId,
			/// Who opened it.
			claimant: T::AccountId,
			/// The provider it is against.
			respondent: ProviderId,
			/// What it is about.
			subject: DisputeSubject,
			/// The claimant's bond, held (zero when the court took it up on its own).
			bond: BalanceOf<T>,
			/// The last block of the evidence period.
			evidence_ends: BlockNumberFor<T>,
			/// The last block of the voting period.
			voting_ends: BlockNumberFor<T>,
		},
		/// A party filed evidence.
		EvidenceSubmitted {
			/// The dispute.
			id: DisputeId,
			/// Which party.
			party: Party,
			/// A hash of the evidence kept off chain.
			evidence: H256,
		},
		/// An arbitrator voted (or changed its vote).
		Voted {
			/// The dispute.
			id: DisputeId,
			/// The arbitrator.
			arbitrator: T::AccountId,
			/// Its vote.
			verdict: Verdict,
		},
		/// The arbitrators decided; the losing party may appeal until `appeal_ends`.
		DisputeDecided {
			/// The dispute.
			id: DisputeId,
			/// The verdict.
			verdict: Verdict,
			/// Votes for Upheld.
			upheld: u32,
			/// Votes for Rejected.
			rejected: u32,
			/// The last block of the appeal period.
			appeal_ends: BlockNumberFor<T>,
		},
		/// Too few arbitrators voted: the appeal origin may rule until `ends`.
		DisputeReferred {
			/// The dispute.
			id: DisputeId,
			/// Votes cast.
			votes: u32,
			/// The last block the appeal origin may rule.
			ends: BlockNumberFor<T>,
		},
		/// The losing party appealed; the appeal origin may rule until `ends`.
		DisputeAppealed {
			/// The dispute.
			id: DisputeId,
			/// Who appealed.
			appellant: T::AccountId,
			/// The appellant's bond, held.
			bond: BalanceOf<T>,
			/// The last block the appeal origin may rule.
			ends: BlockNumberFor<T>,
		},
		/// The appeal origin ruled on an appeal or a referred dispute.
		AppealRuled {
			/// The dispute.
			id: DisputeId,
			/// The ruling: the final verdict.
			verdict: Verdict,
			/// Whether an appellant's bond was returned (its appeal succeeded).
			appeal_bond_returned: Option<bool>,
		},
		/// The dispute ended: its verdict was applied and its bonds released or paid out.
		DisputeResolved {
			/// The dispute.
			id: DisputeId,
			/// The final verdict.
			verdict: Verdict,
			/// Whether it ended without a ruling in time (rejected without penalty).
			lapsed: bool,
			/// What moved.
			settlement: Settlement<BalanceOf<T>>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No open dispute has this id.
		DisputeNotFound,
		/// Only registered patients and practitioners of accredited providers open disputes.
		NotEligible,
		/// No provider has this id.
		ProviderNotFound,
		/// A practitioner cannot bring a dispute against its own provider.
		OwnProvider,
		/// This emergency or disclosure was already taken to the court.
		SubjectAlreadyDisputed,
		/// The court has as many open disputes as it can hold.
		TooManyDisputes,
		/// The claimant has as many open disputes as it may.
		TooManyClaimantDisputes,
		/// Only the claimant or a practitioner of the respondent may file evidence.
		NotParty,
		/// The evidence period is over.
		EvidencePeriodOver,
		/// The dispute holds as much evidence as it may.
		TooMuchEvidence,
		/// Only arbitrators vote.
		NotArbitrator,
		/// An arbitrator who is the claimant or acts for the respondent does not vote.
		ConflictOfInterest,
		/// The dispute is not in its voting period.
		NotVoting,
		/// The evidence period is still running.
		EvidencePeriodOpen,
		/// The voting period is still running and the verdict is not yet certain.
		VotingOpen,
		/// The appeal period is still running.
		AppealPeriodOpen,
		/// The appeal origin may still rule.
		AwaitingRuling,
		/// The dispute has no verdict that can be appealed (now).
		NotAppealable,
		/// The appeal period is over.
		AppealPeriodOver,
		/// Only the party the verdict went against appeals.
		NotLosingParty,
		/// The dispute waits for no ruling.
		NoRulingDue,
		/// The time to rule is over.
		RulingPeriodOver,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::AppealBond::get() > T::DisputeBond::get(),
				"an appeal must cost more than the dispute"
			);
			assert!(
				T::Compensation::get().saturating_add(T::ArbitratorFee::get()) <= Perbill::one(),
				"compensation and fees share out at most the whole slash"
			);
			assert!(!T::VotingPeriod::get().is_zero(), "the arbitrators need time to vote");
			assert!(!T::RulingPeriod::get().is_zero(), "the appeal origin needs time to rule");
			assert!(T::MaxArbitrators::get() > 0 && T::MaxEvidence::get() > 0);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Opens a dispute against provider `respondent` about `subject` (an emergency access,
		/// a logged disclosure, or its conduct), with `evidence` (a hash of the documents kept
		/// off chain). Holds `DisputeBond` from the claimant until the verdict is applied.
		///
		/// # Requires
		/// Signed by a registered patient (or its guardian, through a proxy) or by a
		/// practitioner of another accredited provider; the respondent exists; an emergency or
		/// disclosure was not taken to the court before; the court and the claimant have room
		/// for another dispute; `DisputeBond` free to hold.
		///
		/// # Events
		/// `DisputeOpened`.
		///
		/// # Errors
		/// `NotEligible`, `ProviderNotFound`, `OwnProvider`, `SubjectAlreadyDisputed`,
		/// `TooManyDisputes`, `TooManyClaimantDisputes`; the currency's error if the bond cannot
		/// be held.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::open_dispute())]
		pub fn open_dispute(
			origin: OriginFor<T>,
			respondent: ProviderId,
			subject: DisputeSubject,
			evidence: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::open(&who, respondent, subject, Some(evidence)).map(|_| ())
		}

		/// Files `evidence` (a hash of documents kept off chain) in dispute `dispute_id`.
		///
		/// # Requires
		/// Signed by the claimant or a practitioner of the respondent, during the evidence
		/// period, while the dispute holds fewer than `MaxEvidence` hashes.
		///
		/// # Events
		/// `EvidenceSubmitted`.
		///
		/// # Errors
		/// `DisputeNotFound`, `NotParty`, `EvidencePeriodOver`, `TooMuchEvidence`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::submit_evidence(T::MaxEvidence::get()))]
		pub fn submit_evidence(
			origin: OriginFor<T>,
			dispute_id: DisputeId,
			evidence: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			OpenDisputes::<T>::try_mutate(dispute_id, |dispute| {
				let dispute = dispute.as_mut().ok_or(Error::<T>::DisputeNotFound)?;
				let party = Self::party_of(&who, dispute).ok_or(Error::<T>::NotParty)?;
				let Stage::Open { evidence_ends, .. } = dispute.stage else {
					return Err(Error::<T>::EvidencePeriodOver.into());
				};
				ensure!(Self::now() <= evidence_ends, Error::<T>::EvidencePeriodOver);
				dispute
					.evidence
					.try_push((party, evidence))
					.map_err(|_| Error::<T>::TooMuchEvidence)?;
				Self::deposit_event(Event::EvidenceSubmitted { id: dispute_id, party, evidence });
				Ok(())
			})
		}

		/// Votes `verdict` on dispute `dispute_id`, or changes the caller's vote.
		///
		/// # Requires
		/// Signed by an arbitrator who is neither the claimant nor a practitioner of the
		/// respondent, during the voting period (after the evidence period, until the dispute
		/// is closed or its voting period ends).
		///
		/// # Events
		/// `Voted`.
		///
		/// # Errors
		/// `DisputeNotFound`, `NotArbitrator`, `ConflictOfInterest`, `NotVoting`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::vote(T::MaxArbitrators::get()))]
		pub fn vote(
			origin: OriginFor<T>,
			dispute_id: DisputeId,
			verdict: Verdict,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(T::Arbitrators::contains(&who), Error::<T>::NotArbitrator);
			OpenDisputes::<T>::try_mutate(dispute_id, |dispute| {
				let dispute = dispute.as_mut().ok_or(Error::<T>::DisputeNotFound)?;
				ensure!(Self::party_of(&who, dispute).is_none(), Error::<T>::ConflictOfInterest);
				let Stage::Open { evidence_ends, voting_ends } = dispute.stage else {
					return Err(Error::<T>::NotVoting.into());
				};
				let now = Self::now();
				ensure!(evidence_ends < now && now <= voting_ends, Error::<T>::NotVoting);
				match dispute.votes.iter_mut().find(|(voter, _)| *voter == who) {
					Some((_, vote)) => *vote = verdict,
					// The membership bounds the votes at `MaxArbitrators`.
					None => dispute
						.votes
						.try_push((who.clone(), verdict))
						.map_err(|_| Error::<T>::NotArbitrator)?,
				}
				Self::deposit_event(Event::Voted { id: dispute_id, arbitrator: who, verdict });
				Ok(())
			})
		}

		/// Moves dispute `dispute_id` on once its current stage is over:
		///
		/// - after the voting period, or earlier once the votes make the verdict certain, the
		///   votes are counted: with a quorum the verdict is decided (and applied at once if
		///   there is no appeal period), without one the dispute is referred to the appeal
		///   origin;
		/// - after the appeal period of a decided dispute, its verdict is applied;
		/// - after the ruling period of a referred dispute nobody ruled on, it resolves
		///   Rejected without penalty; of an appeal nobody ruled on, the verdict stands and the
		///   appellant's bond returns.
		///
		/// Applying a verdict: **Upheld** slashes `Slash` from the provider's bond — the
		/// `Compensation` share to the claimant, the `ArbitratorFee` share to the arbitrators
		/// who voted Upheld, the rest to the treasury — suspends the provider when the subject
		/// or its count of upheld disputes says so, claws back up to `ClawbackAmount` of its
		/// unclaimed rewards, and
		/// returns the claimant's bond. **Rejected** returns the `RejectedRefund` share of the
		/// claimant's bond; of the rest the `ArbitratorFee` share goes to the arbitrators who
		/// voted Rejected and the remainder to the treasury.
		///
		/// # Requires
		/// Signed by anyone.
		///
		/// # Events
		/// `DisputeDecided`, `DisputeReferred` or `DisputeResolved`.
		///
		/// # Errors
		/// `DisputeNotFound`, `EvidencePeriodOpen`, `VotingOpen`, `AppealPeriodOpen`,
		/// `AwaitingRuling`.
		#[pallet::call_index(3)]
		#[pallet::weight(
			T::WeightInfo::close_dispute_count(T::MaxArbitrators::get())
				.max(T::WeightInfo::close_dispute_apply(T::MaxArbitrators::get()))
				.saturating_add(T::Clawback::weight())
		)]
		pub fn close_dispute(
			origin: OriginFor<T>,
			dispute_id: DisputeId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let mut dispute =
				OpenDisputes::<T>::get(dispute_id).ok_or(Error::<T>::DisputeNotFound)?;
			let now = Self::now();
			let votes = dispute.votes.len() as u32;
			match dispute.stage.clone() {
				Stage::Open { evidence_ends, voting_ends } => {
					ensure!(now > evidence_ends, Error::<T>::EvidencePeriodOpen);
					let tally = Tally::of::<T>(&dispute);
					ensure!(now > voting_ends || tally.certain(), Error::<T>::VotingOpen);
					match tally.verdict() {
						Some(verdict) if T::AppealPeriod::get().is_zero() => {
							Self::resolve(dispute_id, &dispute, Outcome::Verdict(verdict));
							return Ok(Some(T::WeightInfo::close_dispute_apply(votes)).into());
						},
						Some(verdict) => {
							let appeal_ends = now.saturating_add(T::AppealPeriod::get());
							dispute.stage = Stage::Decided { verdict, appeal_ends };
							Self::deposit_event(Event::DisputeDecided {
								id: dispute_id,
								verdict,
								upheld: tally.upheld,
								rejected: tally.rejected,
								appeal_ends,
							});
						},
						None => {
							let ends = now.saturating_add(T::RulingPeriod::get());
							dispute.stage = Stage::Referred { ends };
							Self::deposit_event(Event::DisputeReferred {
								id: dispute_id,
								votes: tally.cast(),
								ends,
							});
						},
					}
					OpenDisputes::<T>::insert(dispute_id, dispute);
					Ok(Some(T::WeightInfo::close_dispute_count(votes)).into())
				},
				Stage::Referred { ends } => {
					ensure!(now > ends, Error::<T>::AwaitingRuling);
					Self::resolve(dispute_id, &dispute, Outcome::Lapsed);
					Ok(Some(T::WeightInfo::close_dispute_apply(votes)).into())
				},
				Stage::Decided { verdict, appeal_ends } => {
					ensure!(now > appeal_ends, Error::<T>::AppealPeriodOpen);
					Self::resolve(dispute_id, &dispute, Outcome::Verdict(verdict));
					Ok(Some(T::WeightInfo::close_dispute_apply(votes)).into())
				},
				Stage::Appealed { verdict, appellant, bond, ends } => {
					ensure!(now > ends, Error::<T>::AwaitingRuling);
					// Nobody ruled: the verdict stands, and the appellant is not to blame.
					Self::release(HoldReason::AppealBond, &appellant, bond);
					Self::resolve(dispute_id, &dispute, Outcome::Verdict(verdict));
					Ok(Some(T::WeightInfo::close_dispute_apply(votes)).into())
				},
			}
		}

		/// Appeals the arbitrators' verdict on dispute `dispute_id`, once, holding
		/// `AppealBond` from the appellant; the appeal origin then has `RulingPeriod` to rule.
		///
		/// # Requires
		/// Signed by the losing party — the claimant against Rejected, a practitioner of the
		/// respondent against Upheld — during the appeal period; `AppealBond` free to hold.
		///
		/// # Events
		/// `DisputeAppealed`.
		///
		/// # Errors
		/// `DisputeNotFound`, `NotAppealable`, `AppealPeriodOver`, `NotLosingParty`; the
		/// currency's error if the bond cannot be held.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::appeal())]
		pub fn appeal(origin: OriginFor<T>, dispute_id: DisputeId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			OpenDisputes::<T>::try_mutate(dispute_id, |dispute| {
				let dispute = dispute.as_mut().ok_or(Error::<T>::DisputeNotFound)?;
				let Stage::Decided { verdict, appeal_ends } = dispute.stage else {
					return Err(Error::<T>::NotAppealable.into());
				};
				let now = Self::now();
				ensure!(now <= appeal_ends, Error::<T>::AppealPeriodOver);
				let loser = match verdict {
					Verdict::Upheld => Party::Respondent,
					Verdict::Rejected => Party::Claimant,
				};
				ensure!(Self::party_of(&who, dispute) == Some(loser), Error::<T>::NotLosingParty);
				let bond = T::AppealBond::get();
				T::Currency::hold(&HoldReason::AppealBond.into(), &who, bond)?;
				let ends = now.saturating_add(T::RulingPeriod::get());
				dispute.stage = Stage::Appealed { verdict, appellant: who.clone(), bond, ends };
				Self::deposit_event(Event::DisputeAppealed {
					id: dispute_id,
					appellant: who,
					bond,
					ends,
				});
				Ok(())
			})
		}

		/// Rules `verdict` on dispute `dispute_id` — an appeal, or a dispute referred for want
		/// of a quorum — and applies it. An appellant whose appeal fails (the ruling confirms
		/// the verdict) forfeits its bond to the treasury; one whose appeal succeeds gets it
		/// back.
		///
		/// # Requires
		/// The appeal origin (the runtime wires a council supermajority), within the ruling
		/// period.
		///
		/// # Events
		/// `AppealRuled`, `DisputeResolved`.
		///
		/// # Errors
		/// `BadOrigin`, `DisputeNotFound`, `NoRulingDue`, `RulingPeriodOver`.
		#[pallet::call_index(5)]
		#[pallet::weight(
			T::WeightInfo::rule_on_appeal(T::MaxArbitrators::get())
				.saturating_add(T::Clawback::weight())
		)]
		pub fn rule_on_appeal(
			origin: OriginFor<T>,
			dispute_id: DisputeId,
			verdict: Verdict,
		) -> DispatchResultWithPostInfo {
			T::AppealOrigin::ensure_origin(origin)?;
			let dispute = OpenDisputes::<T>::get(dispute_id).ok_or(Error::<T>::DisputeNotFound)?;
			let now = Self::now();
			let appeal_bond_returned = match &dispute.stage {
				Stage::Referred { ends } => {
					ensure!(now <= *ends, Error::<T>::RulingPeriodOver);
					None
				},
				Stage::Appealed { verdict: appealed, appellant, bond, ends } => {
					ensure!(now <= *ends, Error::<T>::RulingPeriodOver);
					let succeeded = verdict != *appealed;
					if succeeded {
						Self::release(HoldReason::AppealBond, appellant, *bond);
					} else {
						Self::forfeit(HoldReason::AppealBond, appellant, *bond, &[]);
					}
					Some(succeeded)
				},
				_ => return Err(Error::<T>::NoRulingDue.into()),
			};
			Self::deposit_event(Event::AppealRuled {
				id: dispute_id,
				verdict,
				appeal_bond_returned,
			});
			Self::resolve(dispute_id, &dispute, Outcome::Verdict(verdict));
			Ok(Some(T::WeightInfo::rule_on_appeal(dispute.votes.len() as u32)).into())
		}
	}

	/// The votes on a dispute, counted against the current size of the arbitrators' body.
	#[derive(Clone, Copy, PartialEq, Eq, Debug)]
	pub struct Tally {
		/// Votes for Upheld.
		pub upheld: u32,
		/// Votes for Rejected.
		pub rejected: u32,
		/// Arbitrators now.
		pub members: u32,
		/// The share of `members` that must vote.
		pub quorum: Perbill,
		/// Upheld needs more than this share of the votes cast.
		pub threshold: Perbill,
	}

	impl Tally {
		/// The votes on `dispute` and the rules that count them.
		pub fn of<T: Config>(dispute: &DisputeOf<T>) -> Self {
			let upheld = dispute.votes.iter().filter(|(_, vote)| *vote == Verdict::Upheld).count();
			let cast = dispute.votes.len();
			Self {
				upheld: upheld as u32,
				rejected: cast.saturating_sub(upheld) as u32,
				members: T::Arbitrators::count() as u32,
				quorum: T::Quorum::get(),
				threshold: T::UpheldThreshold::get(),
			}
		}

		/// Votes cast.
		pub fn cast(&self) -> u32 {
			self.upheld.saturating_add(self.rejected)
		}

		/// Whether at least one vote was cast and at least the quorum share of the arbitrators
		/// voted.
		pub fn has_quorum(&self) -> bool {
			self.cast() > 0 && self.cast() >= self.quorum.mul_ceil(self.members)
		}

		/// Whether `part` is more than `share` of `whole`, computed exactly.
		fn exceeds(part: u32, share: Perbill, whole: u32) -> bool {
			let scale = u64::from(Perbill::one().deconstruct());
			u64::from(part).saturating_mul(scale)
				> u64::from(share.deconstruct()).saturating_mul(u64::from(whole))
		}

		/// The verdict of the votes cast, if they reach the quorum.
		pub fn verdict(&self) -> Option<Verdict> {
			self.has_quorum().then(|| {
				if Self::exceeds(self.upheld, self.threshold, self.cast()) {
					Verdict::Upheld
				} else {
					Verdict::Rejected
				}
			})
		}

		/// Whether the verdict can no longer change, however the arbitrators who have not
		/// voted vote: the quorum is reached, and Upheld wins even if all of them vote
		/// Rejected, or loses even if all of them vote Upheld.
		pub fn certain(&self) -> bool {
			let missing = self.members.saturating_sub(self.cast());
			self.has_quorum()
				&& (Self::exceeds(self.upheld, self.threshold, self.members)
					|| !Self::exceeds(
						self.upheld.saturating_add(missing),
						self.threshold,
						self.members,
					))
		}
	}

	impl<T: Config> Pallet<T> {
		/// The current block.
		pub(crate) fn now() -> BlockNumberFor<T> {
			frame_system::Pallet::<T>::block_number()
		}

		/// Which party of `dispute` `who` is, if any: the claimant, or a practitioner of the
		/// respondent.
		pub(crate) fn party_of(who: &T::AccountId, dispute: &DisputeOf<T>) -> Option<Party> {
			if *who == dispute.claimant {
				Some(Party::Claimant)
			} else if T::Providers::provider_of(who) == Some(dispute.respondent) {
				Some(Party::Respondent)
			} else {
				None
			}
		}

		/// Opens a dispute of `claimant` against `respondent` about `subject`. With `evidence`
		/// the claimant asked for it and its bond is held; without, the court takes it up on
		/// its own (an emergency nobody reviewed) and holds nothing.
		pub(crate) fn open(
			claimant: &T::AccountId,
			respondent: ProviderId,
			subject: DisputeSubject,
			evidence: Option<H256>,
		) -> Result<DisputeId, DispatchError> {
			T::Providers::profile(respondent).ok_or(Error::<T>::ProviderNotFound)?;
			// A patient may bring a claim against any provider, its own employer included; a
			// practitioner who is not a patient claims for its (accredited) provider, so not
			// against it.
			if !T::Patients::is_registered(claimant) {
				let own = T::Providers::provider_of(claimant).ok_or(Error::<T>::NotEligible)?;
				ensure!(own != respondent, Error::<T>::OwnProvider);
				ensure!(T::Providers::is_accredited(own), Error::<T>::NotEligible);
			}
			let judged = !matches!(subject, DisputeSubject::Conduct);
			ensure!(
				!judged || !Subjects::<T>::contains_key(subject),
				Error::<T>::SubjectAlreadyDisputed
			);
			ensure!(
				OpenDisputes::<T>::count() < T::MaxOpenDisputes::get(),
				Error::<T>::TooManyDisputes
			);
			let open = ClaimantDisputes::<T>::get(claimant);
			let bond = match evidence {
				Some(_) => {
					ensure!(
						open < T::MaxDisputesPerClaimant::get(),
						Error::<T>::TooManyClaimantDisputes
					);
					T::DisputeBond::get()
				},
				None => Zero::zero(),
			};
			if !bond.is_zero() {
				T::Currency::hold(&HoldReason::DisputeBond.into(), claimant, bond)?;
			}

			let id = NextDisputeId::<T>::get();
			NextDisputeId::<T>::put(id.saturating_add(1));
			let evidence_ends = Self::now().saturating_add(T::EvidencePeriod::get());
			let voting_ends = evidence_ends.saturating_add(T::VotingPeriod::get());
			let mut filed = BoundedVec::new();
			if let Some(hash) = evidence {
				filed
					.try_push((Party::Claimant, hash))
					.map_err(|_| Error::<T>::TooMuchEvidence)?;
			}
			let dispute = Dispute {
				claimant: claimant.clone(),
				respondent,
				subject,
				bond,
				evidence: filed,
				votes: BoundedVec::new(),
				stage: Stage::Open { evidence_ends, voting_ends },
			};
			OpenDisputes::<T>::insert(id, dispute);
			ClaimantDisputes::<T>::insert(claimant, open.saturating_add(1));
			if judged {
				Subjects::<T>::insert(subject, id);
			}
			Self::deposit_event(Event::DisputeOpened {
				id,
				claimant: claimant.clone(),
				respondent,
				subject,
				bond,
				evidence_ends,
				voting_ends,
			});
			Ok(id)
		}

		/// Applies `outcome` to dispute `id` (whose appeal bond, if any, the caller settled)
		/// and removes it.
		pub(crate) fn resolve(id: DisputeId, dispute: &DisputeOf<T>, outcome: Outcome) {
			let (verdict, lapsed) = match outcome {
				Outcome::Verdict(verdict) => (verdict, false),
				Outcome::Lapsed => (Verdict::Rejected, true),
			};
			let winners: Vec<T::AccountId> = if lapsed {
				Vec::new()
			} else {
				dispute
					.votes
					.iter()
					.filter(|(_, vote)| *vote == verdict)
					.map(|(voter, _)| voter.clone())
					.collect()
			};
			let mut settlement = Settlement::default();
			match verdict {
				Verdict::Upheld => {
					Self::sanction(dispute, &winners, &mut settlement);
					settlement.refunded =
						Self::release(HoldReason::DisputeBond, &dispute.claimant, dispute.bond);
				},
				Verdict::Rejected => {
					let refund = if lapsed {
						dispute.bond
					} else {
						T::RejectedRefund::get().mul_floor(dispute.bond)
					};
					let refunded =
						Self::release(HoldReason::DisputeBond, &dispute.claimant, refund);
					let (fees, to_treasury, returned) = Self::forfeit(
						HoldReason::DisputeBond,
						&dispute.claimant,
						dispute.bond.saturating_sub(refund),
						&winners,
					);
					settlement.arbitrator_fees = fees;
					settlement.to_treasury = to_treasury;
					settlement.refunded = refunded.saturating_add(returned);
				},
			}
			OpenDisputes::<T>::remove(id);
			ClaimantDisputes::<T>::mutate_exists(&dispute.claimant, |open| {
				*open = open.map(|count| count.saturating_sub(1)).filter(|count| *count > 0);
			});
			Self::deposit_event(Event::DisputeResolved { id, verdict, lapsed, settlement });
		}

		/// The sanctions of an upheld `dispute`: the slash shared between the claimant, the
		/// `winners` (the arbitrators who voted Upheld) and the treasury; the suspension; the
		/// clawback.
		fn sanction(
			dispute: &DisputeOf<T>,
			winners: &[T::AccountId],
			settlement: &mut Settlement<BalanceOf<T>>,
		) {
			let provider = dispute.respondent;
			let slash = T::Slash::get();
			let slash_to = |amount: BalanceOf<T>, to: &T::AccountId| {
				if amount.is_zero() {
					return amount;
				}
				// A bond smaller than the slash, or a payee that cannot receive so little,
				// moves what it can; the rest stays with the provider.
				T::Providers::slash_bond(provider, amount, to).unwrap_or_else(|_| Zero::zero())
			};
			settlement.compensation =
				slash_to(T::Compensation::get().mul_floor(slash), &dispute.claimant);
			let share = Self::share(T::ArbitratorFee::get().mul_floor(slash), winners.len());
			for winner in winners {
				settlement.arbitrator_fees =
					settlement.arbitrator_fees.saturating_add(slash_to(share, winner));
			}
			let rest = slash
				.saturating_sub(settlement.compensation)
				.saturating_sub(settlement.arbitrator_fees);
			settlement.to_treasury = slash_to(rest, &T::Treasury::get());

			let upheld = UpheldCount::<T>::mutate(provider, |count| {
				*count = count.saturating_add(1);
				*count
			});
			let suspends = matches!(dispute.subject, DisputeSubject::Emergency(_))
				|| upheld >= T::SuspendAfter::get();
			// The registry refuses to suspend a provider that is not accredited (already
			// suspended, or revoked): then nothing changes.
			settlement.suspended = suspends && T::Providers::suspend(provider).is_ok();
			if let Some(admin) = T::Providers::admin(provider) {
				settlement.clawed_back = T::Clawback::claw_back(&admin, T::ClawbackAmount::get());
			}
		}

		/// `total` shared equally among `among` payees (nothing when there are none).
		fn share(total: BalanceOf<T>, among: usize) -> BalanceOf<T> {
			let among: BalanceOf<T> = (among as u32).into();
			total.checked_div(&among).unwrap_or_else(Zero::zero)
		}

		/// Releases `amount` held for `reason` from `who`; returns how much was released.
		pub(crate) fn release(
			reason: HoldReason,
			who: &T::AccountId,
			amount: BalanceOf<T>,
		) -> BalanceOf<T> {
			if amount.is_zero() {
				return amount;
			}
			T::Currency::release(&reason.into(), who, amount, Precision::BestEffort)
				.unwrap_or_else(|_| Zero::zero())
		}

		/// Forfeits `amount` held for `reason` from `who`: the `ArbitratorFee` share to
		/// `winners` (equally), the rest to the treasury. What cannot be paid (a payee that
		/// cannot receive so little) is released back to `who`. Returns (fees, to treasury,
		/// released back).
		pub(crate) fn forfeit(
			reason: HoldReason,
			who: &T::AccountId,
			amount: BalanceOf<T>,
			winners: &[T::AccountId],
		) -> (BalanceOf<T>, BalanceOf<T>, BalanceOf<T>) {
			let pay = |to: &T::AccountId, value: BalanceOf<T>| {
				if value.is_zero() {
					return value;
				}
				T::Currency::transfer_on_hold(
					&reason.into(),
					who,
					to,
					value,
					Precision::BestEffort,
					Restriction::Free,
					Fortitude::Force,
				)
				.unwrap_or_else(|_| Zero::zero())
			};
			let share = Self::share(T::ArbitratorFee::get().mul_floor(amount), winners.len());
			let mut fees: BalanceOf<T> = Zero::zero();
			for winner in winners {
				fees = fees.saturating_add(pay(winner, share));
			}
			let to_treasury = pay(&T::Treasury::get(), amount.saturating_sub(fees));
			let returned =
				Self::release(reason, who, amount.saturating_sub(fees).saturating_sub(to_treasury));
			(fees, to_treasury, returned)
		}

		/// The invariants of the pallet's storage; every one must always hold:
		///
		/// 1. Open disputes are at most `MaxOpenDisputes`, each with an id below
		///    `NextDisputeId`; an emergency or disclosure under dispute points to its dispute.
		/// 2. Each account's count of open disputes it claims is the number of open disputes
		///    naming it claimant, never zero when stored.
		/// 3. Votes come only from current arbitrators, one each, never from a party.
		/// 4. What each account has on hold for dispute and appeal bonds is the sum of the
		///    bonds of the open disputes and appeals it made: every open dispute holds its
		///    bonds, and no ended dispute holds anything.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::{BTreeMap, BTreeSet};
			use frame_support::traits::fungible::InspectHold;
			type Held<T> = BTreeMap<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
			fn add<T: Config>(held: &mut Held<T>, who: &T::AccountId, amount: BalanceOf<T>) {
				if !amount.is_zero() {
					let total = held.entry(who.clone()).or_insert_with(Zero::zero);
					*total = total.saturating_add(amount);
				}
			}

			// 1.
			let count = OpenDisputes::<T>::count();
			ensure!(count <= T::MaxOpenDisputes::get(), "more open disputes than allowed");
			ensure!(
				OpenDisputes::<T>::iter_keys().count() == count as usize,
				"the dispute counter is wrong"
			);
			let members: BTreeSet<T::AccountId> =
				T::Arbitrators::sorted_members().into_iter().collect();
			let mut claims = BTreeMap::<T::AccountId, u32>::new();
			let (mut bonds, mut appeals) = (Held::<T>::new(), Held::<T>::new());
			for (id, dispute) in OpenDisputes::<T>::iter() {
				ensure!(id < NextDisputeId::<T>::get(), "dispute id not below NextDisputeId");
				if !matches!(dispute.subject, DisputeSubject::Conduct) {
					ensure!(
						Subjects::<T>::get(dispute.subject) == Some(id),
						"a disputed act does not point to its dispute"
					);
				}
				let claimed = claims.entry(dispute.claimant.clone()).or_default();
				*claimed = claimed.saturating_add(1);
				// 3.
				let mut voters = BTreeSet::new();
				for (voter, _) in dispute.votes.iter() {
					ensure!(members.contains(voter), "a vote from a non-arbitrator");
					ensure!(voters.insert(voter.clone()), "two votes from one arbitrator");
					ensure!(Self::party_of(voter, &dispute).is_none(), "a vote from a party");
				}
				add::<T>(&mut bonds, &dispute.claimant, dispute.bond);
				if let Stage::Appealed { appellant, bond, .. } = &dispute.stage {
					add::<T>(&mut appeals, appellant, *bond);
				}
			}
			// 2.
			ensure!(
				ClaimantDisputes::<T>::iter().collect::<BTreeMap<_, _>>() == claims,
				"claimants' counts do not match the open disputes"
			);
			// 4.
			for (reason, held) in
				[(HoldReason::DisputeBond, bonds), (HoldReason::AppealBond, appeals)]
			{
				for (who, amount) in held.iter() {
					ensure!(
						T::Currency::balance_on_hold(&reason.into(), who) == *amount,
						"held balance does not match the bonds"
					);
				}
				let holders = frame_system::Account::<T>::iter_keys()
					.filter(|who| !T::Currency::balance_on_hold(&reason.into(), who).is_zero())
					.count();
				ensure!(holders == held.len(), "a bond is held for no open dispute");
			}
			Ok(())
		}
	}
}

impl<T: Config> salus_primitives::DisputeGateway<T::AccountId> for Pallet<T> {
	fn open(
		claimant: &T::AccountId,
		respondent: salus_primitives::ProviderId,
		subject: salus_primitives::DisputeSubject,
		evidence: sp_core::H256,
	) -> Result<salus_primitives::DisputeId, sp_runtime::DispatchError> {
		Self::open(claimant, respondent, subject, Some(evidence))
	}

	fn escalate(
		patient: &T::AccountId,
		respondent: salus_primitives::ProviderId,
		subject: salus_primitives::DisputeSubject,
	) -> Result<salus_primitives::DisputeId, sp_runtime::DispatchError> {
		Self::open(patient, respondent, subject, None)
	}
}

impl<T: Config> salus_primitives::PatientLifecycle<T::AccountId> for Pallet<T> {
	/// A patient with an open dispute may not deregister: it is a party.
	fn has_obligations(who: &T::AccountId) -> bool {
		ClaimantDisputes::<T>::contains_key(who)
	}

	/// Nothing to remove: a patient without obligations has no open dispute.
	fn on_deregistered(_: &T::AccountId) {}
}

/// The arbitrators' body changed: the votes of those who left are withdrawn from every open
/// dispute (at most `MaxOpenDisputes`), so only current arbitrators decide.
impl<T: Config> frame_support::traits::ChangeMembers<T::AccountId> for Pallet<T> {
	fn change_members_sorted(_: &[T::AccountId], outgoing: &[T::AccountId], _: &[T::AccountId]) {
		if outgoing.is_empty() {
			return;
		}
		let open: alloc::vec::Vec<_> = OpenDisputes::<T>::iter().collect();
		for (id, mut dispute) in open {
			let before = dispute.votes.len();
			dispute.votes.retain(|(voter, _)| !outgoing.contains(voter));
			if dispute.votes.len() != before {
				OpenDisputes::<T>::insert(id, dispute);
			}
		}
	}
}

/// The arbitrators' first members: no dispute has votes yet.
impl<T: Config> frame_support::traits::InitializeMembers<T::AccountId> for Pallet<T> {
	fn initialize_members(_: &[T::AccountId]) {}
}
