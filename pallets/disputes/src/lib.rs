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
		DisputeId, DisputeSubject, DisputeSubjects, PatientRegistry, ProviderId, ProviderRegistry,
		RewardClawback,
	};
	use sp_core::H256;
	use sp_runtime::{
		traits::{Saturating, Zero},
		ArithmeticError, Perbill,
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

		/// Who each emergency and disclosure concerns (the access pallet): only its patient
		/// disputes it, and only against the provider that did it.
		type Subjects: DisputeSubjects<Self::AccountId>;

		/// The arbitrators: the governance-managed body whose members vote on disputes.
		type Arbitrators: SortedMembers<Self::AccountId>;

		/// Who rules on appeals and on disputes the arbitrators left without a quorum.
		type AppealOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Takes back unclaimed rewards of a provider an upheld dispute condemned (those of the
		/// account that administered it when the dispute opened); its weight is added to the
		/// calls that apply verdicts.
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

		/// The share of its bond a conduct claimant forfeits to the treasury when its dispute
		/// lapses (no quorum, and no ruling in time), so that a claim nobody judges still costs
		/// something. A patient's dispute about an act done to it lapses without penalty.
		#[pallet::constant]
		type LapseForfeit: Get<Perbill>;

		/// After this many upheld disputes a provider is suspended. An upheld dispute about an
		/// emergency (a broken glass that was not justified) suspends at once.
		#[pallet::constant]
		type SuspendAfter: Get<u32>;

		/// The most evidence hashes a dispute keeps, both parties together; each party may file
		/// half of them (its opening evidence included), so that neither can fill the list and
		/// leave the other unheard. At least 2.
		#[pallet::constant]
		type MaxEvidence: Get<u32>;

		/// The most arbitrators (the size of their body); bounds the votes on a dispute.
		#[pallet::constant]
		type MaxArbitrators: Get<u32>;

		/// The most disputes about its conduct open against one provider at once. Disputes
		/// about an emergency or a disclosure do not count (only the patient concerned opens
		/// them), so filling a provider's share blocks no contest, escalation or disclosure
		/// claim.
		#[pallet::constant]
		type MaxConductDisputesPerRespondent: Get<u32>;

		/// The most open claims (disputes about disclosures and conduct) one account may have;
		/// contests and escalations of emergencies do not count and are never refused for it.
		#[pallet::constant]
		type MaxDisputesPerClaimant: Get<u32>;

		/// Sets up patients and providers in the registries for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type Fixtures: salus_primitives::benchmarking::IdentityFixtures<Self::AccountId>;

		/// Weights of the calls, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Open disputes: dispute id → the dispute. Removed when its verdict is applied. Not
	/// bounded by one global number (which anyone could fill): every entry is a claim bonded
	/// and limited per claimant (and, for conduct, per respondent), or a contest or
	/// escalation of one emergency, bounded by the access pallet's open reviews per patient.
	#[pallet::storage]
	pub type OpenDisputes<T: Config> = CountedStorageMap<_, Twox64Concat, DisputeId, DisputeOf<T>>;

	/// The id the next dispute gets.
	#[pallet::storage]
	pub type NextDisputeId<T: Config> = StorageValue<_, DisputeId, ValueQuery>;

	/// Account → the open disputes it is the claimant of (all, and its claims); no entry when
	/// there are none.
	#[pallet::storage]
	pub type ClaimantDisputes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, OpenBy, OptionQuery>;

	/// Provider → the open disputes against it (all, and about its conduct); no entry when
	/// there are none. Makes the provider's obligations an O(1) read.
	#[pallet::storage]
	pub type RespondentDisputes<T: Config> =
		StorageMap<_, Twox64Concat, ProviderId, OpenAgainst, OptionQuery>;

	/// Emergency or disclosure → the dispute that took it up. Kept after a verdict (an act is
	/// judged once; the entry is paid for by what the verdict moved: the slash, or the
	/// forfeited part of the bond); removed when the dispute lapses unjudged, so that the act
	/// may be disputed again.
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
			/// Whether it lapsed: nobody ruled in time (rejected; a conduct claimant forfeits
			/// `LapseForfeit` of its bond, any other gets it all back).
			lapsed: bool,
			/// What moved.
			settlement: Settlement<BalanceOf<T>>,
		},
		/// Nobody ruled on a referred dispute about an emergency in time. An emergency is never
		/// left unjudged: the dispute is referred to the appeal origin again, until `ends`, and
		/// the claimant's bond is returned.
		RulingOverdue {
			/// The dispute.
			id: DisputeId,
			/// The last block of the new ruling period.
			ends: BlockNumberFor<T>,
			/// The claimant's bond, returned (zero from the second time on, or for an
			/// escalation).
			refunded: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No open dispute has this id.
		DisputeNotFound,
		/// Only registered patients and practitioners of accredited providers dispute a
		/// provider's conduct.
		NotEligible,
		/// No provider has this id.
		ProviderNotFound,
		/// A practitioner cannot bring a dispute against its own provider.
		OwnProvider,
		/// An emergency is disputed through the access pallet (`contest_emergency`, or its
		/// escalation when nobody reviews it), not with `open_dispute`.
		SubjectIsEmergency,
		/// No emergency has this id.
		EmergencyNotFound,
		/// The claimant's disclosure log has no entry with this id.
		DisclosureNotFound,
		/// Only the patient whose data the emergency touched disputes it.
		NotPatient,
		/// The emergency or disclosure was done by another provider than the respondent named.
		WrongRespondent,
		/// This emergency or disclosure is under dispute, or was judged.
		AlreadyDisputed,
		/// The respondent has as many open disputes about its conduct as the court takes.
		TooManyConductDisputes,
		/// The claimant has as many open disputes as it may.
		TooManyClaimantDisputes,
		/// Only the claimant, or the admin or a practitioner of the respondent, may file evidence.
		NotParty,
		/// The evidence period is over.
		EvidencePeriodOver,
		/// The caller's side has filed as many evidence hashes as it may (half of
		/// `MaxEvidence`).
		TooManyEvidenceHashes,
		/// Only arbitrators vote.
		NotArbitrator,
		/// An arbitrator who is the claimant, or has (or had when the dispute opened) a stake
		/// in the respondent, does not vote.
		ConflictOfInterest,
		/// The evidence period is still running.
		EvidencePeriodOpen,
		/// The voting period is still running.
		VotingPeriodOpen,
		/// The voting period is over.
		VotingPeriodOver,
		/// The appeal period is still running.
		AppealPeriodOpen,
		/// The appeal origin may still rule.
		RulingPeriodOpen,
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
			assert!(T::MaxArbitrators::get() > 0);
			assert!(T::MaxEvidence::get() >= 2, "each party files at least one evidence hash");
			assert!(
				T::MaxConductDisputesPerRespondent::get() > 0,
				"a provider's conduct must be open to dispute"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Opens a dispute against provider `respondent` about `subject` (a logged disclosure,
		/// or its conduct), with `evidence` (a hash of the documents kept off chain). Holds
		/// `DisputeBond` from the claimant until the verdict is applied, and records which
		/// arbitrators have a stake in the respondent now (they will not vote) and who
		/// administers it (an upheld verdict claws back that account's rewards).
		///
		/// An emergency is disputed only through the access pallet: its patient contests it,
		/// or the court takes it up when nobody reviewed it in time.
		///
		/// # Requires
		/// - A disclosure: signed by the patient whose data it touched (or its guardian,
		///   through a proxy, acting as the patient), against the provider that logged it; the
		///   disclosure was not disputed before (a lapsed dispute does not count).
		/// - Conduct: signed by a registered patient, or by a practitioner of another
		///   accredited provider; the respondent has fewer than
		///   `MaxConductDisputesPerRespondent` open conduct disputes.
		/// - The respondent exists; the claimant has fewer than `MaxDisputesPerClaimant` open
		///   claims; `DisputeBond` free to hold.
		///
		/// # Events
		/// - [`Event::DisputeOpened`]
		///
		/// # Errors
		/// - [`Error::SubjectIsEmergency`] - the subject is an emergency
		/// - [`Error::DisclosureNotFound`] - the caller's disclosure log has no entry with this
		///   id (one logged for another patient is not found either: the court looks a
		///   disclosure up in its claimant's log)
		/// - [`Error::WrongRespondent`] - another provider logged the disclosure
		/// - [`Error::ProviderNotFound`] - the respondent does not exist
		/// - [`Error::NotEligible`] - a conduct claimant is neither a registered patient nor a
		///   practitioner of an accredited provider
		/// - [`Error::OwnProvider`] - a practitioner claims against its own provider
		/// - [`Error::AlreadyDisputed`] - the disclosure is under dispute or was judged
		/// - [`Error::TooManyConductDisputes`] - the respondent's share of conduct disputes is
		///   full
		/// - [`Error::TooManyClaimantDisputes`] - the claimant's share is full
		/// - the currency's error if the bond cannot be held
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::open_dispute_weight())]
		pub fn open_dispute(
			origin: OriginFor<T>,
			respondent: ProviderId,
			subject: DisputeSubject,
			evidence: H256,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(
				!matches!(subject, DisputeSubject::Emergency(_)),
				Error::<T>::SubjectIsEmergency
			);
			Self::open(&who, respondent, subject, Some(evidence), Source::Claim)?;
			// Only a disclosure is looked up in the claimant's log.
			Ok(match subject {
				DisputeSubject::Disclosure(_) => None,
				_ => {
					Some(Self::open_dispute_weight().saturating_sub(T::Subjects::parties_weight()))
				},
			}
			.into())
		}

		/// Files `evidence` (a hash of documents kept off chain) in dispute `dispute_id`.
		///
		/// # Requires
		/// Signed by the claimant, or the admin or a practitioner of the respondent, during the
		/// evidence period, while the caller's side has filed fewer than half of `MaxEvidence`
		/// hashes (the claimant's opening evidence counts).
		///
		/// # Events
		/// - [`Event::EvidenceSubmitted`]
		///
		/// # Errors
		/// - [`Error::DisputeNotFound`] - no open dispute has this id
		/// - [`Error::NotParty`] - the caller is neither the claimant nor acts for the
		///   respondent
		/// - [`Error::EvidencePeriodOver`] - the evidence period is over
		/// - [`Error::TooManyEvidenceHashes`] - the caller's side has filed its half of the
		///   evidence list
		#[pallet::call_index(1)]
		#[pallet::weight(
			T::WeightInfo::submit_evidence(T::MaxEvidence::get())
				.saturating_add(Pallet::<T>::admin_check())
		)]
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
				// Each side its half: neither can fill the list and leave the other unheard.
				let filed = dispute.evidence.iter().filter(|(by, _)| *by == party).count();
				let half = (T::MaxEvidence::get() / 2) as usize;
				ensure!(filed < half, Error::<T>::TooManyEvidenceHashes);
				dispute
					.evidence
					.try_push((party, evidence))
					.map_err(|_| Error::<T>::TooManyEvidenceHashes)?;
				Self::deposit_event(Event::EvidenceSubmitted { id: dispute_id, party, evidence });
				Ok(())
			})
		}

		/// Votes `verdict` on dispute `dispute_id`, or changes the caller's vote. Votes of
		/// arbitrators who have left the body (they no longer count) are dropped, so that a
		/// renewed body always finds room.
		///
		/// # Requires
		/// Signed by an arbitrator who is not the claimant, had no stake in the respondent
		/// when the dispute opened and has none now (`ProviderRegistry::is_affiliated`: its
		/// admin, bonder, practitioners, and those of its family), during the voting period
		/// (after the evidence period, until the voting period ends).
		///
		/// # Events
		/// - [`Event::Voted`]
		///
		/// # Errors
		/// - [`Error::NotArbitrator`] - the caller is not an arbitrator
		/// - [`Error::DisputeNotFound`] - no open dispute has this id
		/// - [`Error::ConflictOfInterest`] - the caller is the claimant or has (or had) a stake
		///   in the respondent
		/// - [`Error::EvidencePeriodOpen`] - the voting period has not begun
		/// - [`Error::VotingPeriodOver`] - the voting period is over
		#[pallet::call_index(2)]
		#[pallet::weight(
			T::WeightInfo::vote(T::MaxArbitrators::get())
				.saturating_add(T::Providers::affiliation_weight())
		)]
		pub fn vote(
			origin: OriginFor<T>,
			dispute_id: DisputeId,
			verdict: Verdict,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let members = T::Arbitrators::sorted_members();
			ensure!(members.binary_search(&who).is_ok(), Error::<T>::NotArbitrator);
			OpenDisputes::<T>::try_mutate(dispute_id, |dispute| {
				let dispute = dispute.as_mut().ok_or(Error::<T>::DisputeNotFound)?;
				ensure!(!Self::is_conflicted(&who, dispute), Error::<T>::ConflictOfInterest);
				let Stage::Open { evidence_ends, voting_ends } = dispute.stage else {
					return Err(Error::<T>::VotingPeriodOver.into());
				};
				let now = Self::now();
				ensure!(evidence_ends < now, Error::<T>::EvidencePeriodOpen);
				ensure!(now <= voting_ends, Error::<T>::VotingPeriodOver);
				// Only members' votes count: those of members who left make no claim on a slot.
				dispute.votes.retain(|(voter, _)| members.binary_search(voter).is_ok());
				match dispute.votes.iter_mut().find(|(voter, _)| *voter == who) {
					Some((_, vote)) => *vote = verdict,
					// Distinct members, at most `MaxArbitrators` (the membership's bound).
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
		/// - after the voting period (never earlier: votes may change until it ends), the
		///   votes are counted — only those of current arbitrators without a conflict of
		///   interest, against the number of such arbitrators: with a quorum the verdict is
		///   decided (and applied at once if there is no appeal period), without one the
		///   dispute is referred to the appeal origin;
		/// - after the appeal period of a decided dispute, its verdict is applied;
		/// - after the ruling period of a referred dispute nobody ruled on, it lapses: Rejected,
		///   with `LapseForfeit` of a conduct claimant's bond forfeited (a disclosure claimant's
		///   bond returns whole), and the disclosure it was about may be disputed again; a
		///   dispute about an emergency never lapses: it is referred again (a new ruling
		///   period) and its claimant's bond returns; of an appeal nobody ruled on, the verdict
		///   stands and the appellant's bond returns.
		///
		/// Applying a verdict: **Upheld** slashes `Slash` from the provider's bond — the
		/// `Compensation` share to the claimant, the `ArbitratorFee` share to the counted
		/// arbitrators who voted Upheld, the rest to the treasury — suspends the provider when
		/// the subject or its count of upheld disputes says so, claws back up to
		/// `ClawbackAmount` of the unclaimed rewards of the admin recorded at the opening, and
		/// returns the claimant's bond. **Rejected** returns the `RejectedRefund` share of the
		/// claimant's bond; of the rest the `ArbitratorFee` share goes to the counted
		/// arbitrators who voted Rejected and the remainder to the treasury.
		///
		/// # Requires
		/// Signed by anyone.
		///
		/// # Events
		/// - [`Event::DisputeDecided`], [`Event::DisputeReferred`], [`Event::RulingOverdue`] or
		///   [`Event::DisputeResolved`]
		///
		/// # Errors
		/// - [`Error::DisputeNotFound`] - no open dispute has this id
		/// - [`Error::EvidencePeriodOpen`] - the evidence period is still running
		/// - [`Error::VotingPeriodOpen`] - the voting period is still running
		/// - [`Error::AppealPeriodOpen`] - the appeal period is still running
		/// - [`Error::RulingPeriodOpen`] - the appeal origin may still rule
		#[pallet::call_index(3)]
		#[pallet::weight(
			T::WeightInfo::close_dispute_count(T::MaxArbitrators::get())
				.max(T::WeightInfo::close_dispute_apply(T::MaxArbitrators::get()))
				.saturating_add(T::Clawback::weight())
				.saturating_add(Pallet::<T>::conflict_checks())
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
					ensure!(now > voting_ends, Error::<T>::VotingPeriodOpen);
					let tally = Tally::of::<T>(&dispute);
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
					ensure!(now > ends, Error::<T>::RulingPeriodOpen);
					if matches!(dispute.subject, DisputeSubject::Emergency(_)) {
						// An emergency is never left unjudged (the access pallet forgets its
						// review once the dispute opens, so a lapse would end it for good):
						// it waits for the appeal origin, and the patient, not to blame for
						// the wait, has its bond back now.
						let refunded =
							Self::release(HoldReason::DisputeBond, &dispute.claimant, dispute.bond);
						dispute.bond = dispute.bond.saturating_sub(refunded);
						let ends = now.saturating_add(T::RulingPeriod::get());
						dispute.stage = Stage::Referred { ends };
						OpenDisputes::<T>::insert(dispute_id, dispute);
						Self::deposit_event(Event::RulingOverdue {
							id: dispute_id,
							ends,
							refunded,
						});
						return Ok(Some(T::WeightInfo::close_dispute_count(votes)).into());
					}
					Self::resolve(dispute_id, &dispute, Outcome::Lapsed);
					Ok(Some(T::WeightInfo::close_dispute_apply(votes)).into())
				},
				Stage::Decided { verdict, appeal_ends } => {
					ensure!(now > appeal_ends, Error::<T>::AppealPeriodOpen);
					Self::resolve(dispute_id, &dispute, Outcome::Verdict(verdict));
					Ok(Some(T::WeightInfo::close_dispute_apply(votes)).into())
				},
				Stage::Appealed { verdict, appellant, bond, ends } => {
					ensure!(now > ends, Error::<T>::RulingPeriodOpen);
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
		/// Signed by the losing party — the claimant against Rejected, the admin or a
		/// practitioner of the respondent against Upheld — during the appeal period;
		/// `AppealBond` free to hold.
		///
		/// # Events
		/// - [`Event::DisputeAppealed`]
		///
		/// # Errors
		/// - [`Error::DisputeNotFound`] - no open dispute has this id
		/// - [`Error::NotAppealable`] - the dispute has no verdict to appeal (or was appealed)
		/// - [`Error::AppealPeriodOver`] - the appeal period is over
		/// - [`Error::NotLosingParty`] - the caller is not the party the verdict went against
		/// - the currency's error if the bond cannot be held
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::appeal().saturating_add(Pallet::<T>::admin_check()))]
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
				salus_primitives::hold_liquid::<_, T::Currency>(
					&HoldReason::AppealBond.into(),
					&who,
					bond,
				)?;
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
		/// - [`Event::AppealRuled`]
		/// - [`Event::DisputeResolved`]
		///
		/// # Errors
		/// - `BadOrigin` - not the appeal origin
		/// - [`Error::DisputeNotFound`] - no open dispute has this id
		/// - [`Error::NoRulingDue`] - the dispute is neither appealed nor referred
		/// - [`Error::RulingPeriodOver`] - the time to rule is over (never for a referred
		///   emergency, which waits for a ruling however long it takes)
		#[pallet::call_index(5)]
		#[pallet::weight(
			T::WeightInfo::rule_on_appeal(T::MaxArbitrators::get())
				.saturating_add(T::Clawback::weight())
				.saturating_add(Pallet::<T>::conflict_checks())
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
					// A referred emergency never lapses: the appeal origin may rule on it
					// whenever it does (a motion that closes after `ends` still counts).
					let emergency = matches!(dispute.subject, DisputeSubject::Emergency(_));
					ensure!(emergency || now <= *ends, Error::<T>::RulingPeriodOver);
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

	/// The votes on a dispute that count — those of current arbitrators without a conflict
	/// of interest — against the number of such arbitrators.
	#[derive(Clone, Copy, PartialEq, Eq, Debug)]
	pub struct Tally {
		/// Counted votes for Upheld.
		pub upheld: u32,
		/// Counted votes for Rejected.
		pub rejected: u32,
		/// The arbitrators who may decide the dispute now: current members who are not the
		/// claimant and had no stake in the respondent at the opening and have none now.
		pub eligible: u32,
		/// The share of `eligible` that must vote.
		pub quorum: Perbill,
		/// Upheld needs more than this share of the votes cast.
		pub threshold: Perbill,
	}

	impl Tally {
		/// The counted votes on `dispute` and the rules that count them.
		pub fn of<T: Config>(dispute: &DisputeOf<T>) -> Self {
			let bench = Pallet::<T>::bench(dispute);
			let (mut upheld, mut rejected) = (0u32, 0u32);
			for (_, vote) in Pallet::<T>::counted(dispute, &bench) {
				match vote {
					Verdict::Upheld => upheld = upheld.saturating_add(1),
					Verdict::Rejected => rejected = rejected.saturating_add(1),
				}
			}
			Self {
				upheld,
				rejected,
				eligible: bench.len() as u32,
				quorum: T::Quorum::get(),
				threshold: T::UpheldThreshold::get(),
			}
		}

		/// Votes cast (and counted).
		pub fn cast(&self) -> u32 {
			self.upheld.saturating_add(self.rejected)
		}

		/// Whether at least one vote was cast and at least the quorum share of the eligible
		/// arbitrators voted.
		pub fn has_quorum(&self) -> bool {
			self.cast() > 0 && self.cast() >= self.quorum.mul_ceil(self.eligible)
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
	}

	impl<T: Config> Pallet<T> {
		/// The current block.
		pub(crate) fn now() -> BlockNumberFor<T> {
			frame_system::Pallet::<T>::block_number()
		}

		/// Which party of `dispute` `who` is, if any: the claimant, or the respondent's current
		/// admin (who answers for the provider, and need not practise at it; an admin handed
		/// over mid-dispute, a rotated key perhaps, no longer speaks for it) or one of its
		/// practitioners. The admin of a parent provider does not speak for its department.
		pub(crate) fn party_of(who: &T::AccountId, dispute: &DisputeOf<T>) -> Option<Party> {
			if *who == dispute.claimant {
				Some(Party::Claimant)
			} else if T::Providers::provider_of(who) == Some(dispute.respondent)
				|| T::Providers::admin(dispute.respondent).as_ref() == Some(who)
			{
				Some(Party::Respondent)
			} else {
				None
			}
		}

		/// What `party_of` reads beyond what the benchmarks of `submit_evidence` and
		/// `appeal` measured (their caller practises at the respondent): the respondent's
		/// record, for its admin.
		pub fn admin_check() -> Weight {
			T::DbWeight::get().reads(1)
		}

		/// What [`Pallet::open_dispute`] is charged: the benchmarked claim about conduct (the
		/// longest eligibility check), the arbitrators' conflict checks, and the longest
		/// look-up of a disclosure in the claimant's log (refunded to a claim about conduct).
		pub fn open_dispute_weight() -> Weight {
			T::WeightInfo::open_dispute()
				.saturating_add(Self::conflict_checks())
				.saturating_add(T::Subjects::parties_weight())
		}

		/// The most weight checking every arbitrator's stake in a respondent may take beyond
		/// what the benchmarks measured (their respondent has no departments): one registry
		/// check per arbitrator.
		pub fn conflict_checks() -> Weight {
			T::Providers::affiliation_weight().saturating_mul(T::MaxArbitrators::get().into())
		}

		/// Whether `who` may not decide `dispute`: it is the claimant, it had a stake in the
		/// respondent when the dispute opened (the snapshot), or it has one now.
		pub(crate) fn is_conflicted(who: &T::AccountId, dispute: &DisputeOf<T>) -> bool {
			*who == dispute.claimant
				|| dispute.conflicted.contains(who)
				|| T::Providers::is_affiliated(who, dispute.respondent)
		}

		/// The arbitrators who may decide `dispute` now, sorted: the current members without a
		/// conflict of interest (at most `MaxArbitrators` registry look-ups).
		pub(crate) fn bench(dispute: &DisputeOf<T>) -> Vec<T::AccountId> {
			T::Arbitrators::sorted_members()
				.into_iter()
				.filter(|member| !Self::is_conflicted(member, dispute))
				.collect()
		}

		/// The votes on `dispute` that count: those of the (sorted) `bench`.
		pub(crate) fn counted<'a>(
			dispute: &'a DisputeOf<T>,
			bench: &'a [T::AccountId],
		) -> impl Iterator<Item = &'a (T::AccountId, Verdict)> + 'a {
			dispute
				.votes
				.iter()
				.filter(move |(voter, _)| bench.binary_search(voter).is_ok())
		}

		/// Opens a dispute of `claimant` against `respondent` about `subject`, coming from
		/// `source`. A claim or a contest holds the claimant's bond (and files `evidence`); an
		/// escalation holds nothing. An escalation of an act already under dispute (or judged)
		/// opens nothing and returns that dispute.
		pub(crate) fn open(
			claimant: &T::AccountId,
			respondent: ProviderId,
			subject: DisputeSubject,
			evidence: Option<H256>,
			source: Source,
		) -> Result<DisputeId, DispatchError> {
			let conduct = matches!(subject, DisputeSubject::Conduct);
			let emergency = matches!(subject, DisputeSubject::Emergency(_));
			// The court takes up on its own only emergencies nobody reviewed.
			ensure!(source != Source::Escalation || emergency, Error::<T>::EmergencyNotFound);
			if !conduct {
				// Only the patient concerned disputes an act, and only against its provider.
				let missing = match subject {
					DisputeSubject::Emergency(_) => Error::<T>::EmergencyNotFound,
					_ => Error::<T>::DisclosureNotFound,
				};
				let (patient, provider) = T::Subjects::parties(subject, claimant).ok_or(missing)?;
				ensure!(patient == *claimant, Error::<T>::NotPatient);
				ensure!(provider == respondent, Error::<T>::WrongRespondent);
				if let Some(id) = Subjects::<T>::get(subject) {
					// The patient already disputed it (or it was judged): an escalation joins
					// that dispute rather than fail (and wait) forever.
					ensure!(source == Source::Escalation, Error::<T>::AlreadyDisputed);
					return Ok(id);
				}
			}
			T::Providers::profile(respondent).ok_or(Error::<T>::ProviderNotFound)?;
			if conduct && !T::Patients::is_registered(claimant) {
				// A patient may bring a claim against any provider, its own employer included;
				// a practitioner who is not a patient claims for its (accredited) provider, so
				// not against it.
				let own = T::Providers::provider_of(claimant).ok_or(Error::<T>::NotEligible)?;
				ensure!(own != respondent, Error::<T>::OwnProvider);
				ensure!(T::Providers::is_accredited(own), Error::<T>::NotEligible);
			}
			let against = RespondentDisputes::<T>::get(respondent).unwrap_or_default();
			ensure!(
				!conduct || against.conduct < T::MaxConductDisputesPerRespondent::get(),
				Error::<T>::TooManyConductDisputes
			);
			// Emergencies are the access pallet's to bound: neither limit applies to them.
			let by = ClaimantDisputes::<T>::get(claimant).unwrap_or_default();
			ensure!(
				emergency || by.claims < T::MaxDisputesPerClaimant::get(),
				Error::<T>::TooManyClaimantDisputes
			);
			let bond = match source {
				Source::Claim | Source::Contest => T::DisputeBond::get(),
				Source::Escalation => Zero::zero(),
			};
			let id = NextDisputeId::<T>::get();
			let next = id.checked_add(1).ok_or(ArithmeticError::Overflow)?;
			let mut filed = BoundedVec::new();
			if let Some(hash) = evidence {
				filed
					.try_push((Party::Claimant, hash))
					.map_err(|_| Error::<T>::TooManyEvidenceHashes)?;
			}
			// Nothing is written before this point, nor refused after it: the access pallet
			// escalates outside a transaction.
			if !bond.is_zero() {
				salus_primitives::hold_liquid::<_, T::Currency>(
					&HoldReason::DisputeBond.into(),
					claimant,
					bond,
				)?;
			}
			NextDisputeId::<T>::put(next);
			let evidence_ends = Self::now().saturating_add(T::EvidencePeriod::get());
			let voting_ends = evidence_ends.saturating_add(T::VotingPeriod::get());
			// Who has a stake in the respondent now never votes on this dispute, whatever
			// the parties change later (the membership bounds the list at `MaxArbitrators`).
			let conflicted = BoundedVec::truncate_from(
				T::Arbitrators::sorted_members()
					.into_iter()
					.filter(|member| T::Providers::is_affiliated(member, respondent))
					.collect(),
			);
			let dispute = Dispute {
				claimant: claimant.clone(),
				respondent,
				admin: T::Providers::admin(respondent),
				conflicted,
				subject,
				bond,
				evidence: filed,
				votes: BoundedVec::new(),
				stage: Stage::Open { evidence_ends, voting_ends },
			};
			OpenDisputes::<T>::insert(id, dispute);
			ClaimantDisputes::<T>::insert(
				claimant,
				OpenBy {
					total: by.total.saturating_add(1),
					claims: by.claims.saturating_add(u32::from(!emergency)),
				},
			);
			RespondentDisputes::<T>::insert(
				respondent,
				OpenAgainst {
					total: against.total.saturating_add(1),
					conduct: against.conduct.saturating_add(u32::from(conduct)),
				},
			);
			if !conduct {
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
			let conduct = matches!(dispute.subject, DisputeSubject::Conduct);
			let claim = !matches!(dispute.subject, DisputeSubject::Emergency(_));
			let winners: Vec<T::AccountId> = if lapsed {
				Vec::new()
			} else {
				let bench = Self::bench(dispute);
				Self::counted(dispute, &bench)
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
					let refund = match (lapsed, conduct) {
						// Nobody judged it: a conduct claim still costs something...
						(true, true) => dispute
							.bond
							.saturating_sub(T::LapseForfeit::get().mul_floor(dispute.bond)),
						// ...a patient's dispute about an act done to it does not.
						(true, false) => dispute.bond,
						(false, _) => T::RejectedRefund::get().mul_floor(dispute.bond),
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
			ClaimantDisputes::<T>::mutate_exists(&dispute.claimant, |by| {
				*by = by
					.map(|by| OpenBy {
						total: by.total.saturating_sub(1),
						claims: by.claims.saturating_sub(u32::from(claim)),
					})
					.filter(|by| by.total > 0);
			});
			RespondentDisputes::<T>::mutate_exists(dispute.respondent, |against| {
				*against = against
					.map(|against| OpenAgainst {
						total: against.total.saturating_sub(1),
						conduct: against.conduct.saturating_sub(u32::from(conduct)),
					})
					.filter(|against| against.total > 0);
			});
			if lapsed && !conduct {
				// Unjudged, the act is not reserved: it may be disputed again.
				Subjects::<T>::remove(dispute.subject);
			}
			Self::deposit_event(Event::DisputeResolved { id, verdict, lapsed, settlement });
		}

		/// The sanctions of an upheld `dispute`: the slash shared between the claimant, the
		/// `winners` (the counted arbitrators who voted Upheld) and the treasury; the
		/// suspension; the clawback from the admin recorded at the opening.
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
			// The admin who ran the provider when the dispute opened answers for it: handing
			// the provider to another account neither evades the clawback nor aims it at an
			// innocent one.
			if let Some(admin) = &dispute.admin {
				settlement.clawed_back = T::Clawback::claw_back(admin, T::ClawbackAmount::get());
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
		/// 1. Each open dispute has an id below `NextDisputeId` and the counter of open
		///    disputes is right; an emergency or disclosure under dispute points to its
		///    dispute.
		/// 2. Each account's counts of open disputes (all, and its claims about disclosures and
		///    conduct) are the numbers of open disputes naming it claimant, never stored when
		///    zero.
		/// 3. Each provider's counts of open disputes (all, and about its conduct) are the
		///    numbers of open disputes against it, never stored when zero.
		/// 4. A dispute holds at most one vote per account and names each conflicted
		///    arbitrator once; no counted vote comes from an account that is not a current
		///    arbitrator, is a party, was conflicted at the opening or is conflicted now.
		///    (Stored votes of members who left or became conflicted may remain: they do not
		///    count, and the next vote drops those of members who left.)
		/// 5. What each account has on hold for dispute and appeal bonds is the sum of the
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
			ensure!(
				OpenDisputes::<T>::iter_keys().count() == OpenDisputes::<T>::count() as usize,
				"the dispute counter is wrong"
			);
			let members: BTreeSet<T::AccountId> =
				T::Arbitrators::sorted_members().into_iter().collect();
			let mut claims = BTreeMap::<T::AccountId, OpenBy>::new();
			let mut against = BTreeMap::<ProviderId, OpenAgainst>::new();
			let (mut bonds, mut appeals) = (Held::<T>::new(), Held::<T>::new());
			for (id, dispute) in OpenDisputes::<T>::iter() {
				ensure!(id < NextDisputeId::<T>::get(), "dispute id not below NextDisputeId");
				let conduct = matches!(dispute.subject, DisputeSubject::Conduct);
				if !conduct {
					ensure!(
						Subjects::<T>::get(dispute.subject) == Some(id),
						"a disputed act does not point to its dispute"
					);
				}
				// 2.
				let by = claims.entry(dispute.claimant.clone()).or_default();
				by.total = by.total.saturating_add(1);
				let claim = !matches!(dispute.subject, DisputeSubject::Emergency(_));
				by.claims = by.claims.saturating_add(u32::from(claim));
				// 3.
				let open = against.entry(dispute.respondent).or_default();
				open.total = open.total.saturating_add(1);
				open.conduct = open.conduct.saturating_add(u32::from(conduct));
				// 4.
				let voters: BTreeSet<_> = dispute.votes.iter().map(|(voter, _)| voter).collect();
				ensure!(voters.len() == dispute.votes.len(), "two votes from one account");
				let snapshot: BTreeSet<_> = dispute.conflicted.iter().collect();
				ensure!(snapshot.len() == dispute.conflicted.len(), "a conflict listed twice");
				let bench = Self::bench(&dispute);
				for (voter, _) in Self::counted(&dispute, &bench) {
					ensure!(members.contains(voter), "a counted vote from a non-arbitrator");
					ensure!(
						Self::party_of(voter, &dispute).is_none(),
						"a counted vote from a party"
					);
					ensure!(
						!snapshot.contains(voter)
							&& !T::Providers::is_affiliated(voter, dispute.respondent),
						"a counted vote from a conflicted arbitrator"
					);
				}
				// 5.
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
			// 3.
			ensure!(
				RespondentDisputes::<T>::iter().collect::<BTreeMap<_, _>>() == against,
				"respondents' counts do not match the open disputes"
			);
			// 5.
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

/// The access pallet's way into the court. Neither call is ever refused for the court's
/// capacity: contests and escalations are bounded by the access pallet's open reviews per
/// patient.
impl<T: Config> salus_primitives::DisputeGateway<T::AccountId> for Pallet<T> {
	/// A contest: `claimant` must be the patient the act concerns and `respondent` the
	/// provider that did it (checked through `Config::Subjects`); the act must not be under
	/// dispute or judged already; the bond is held. An emergency is not limited per claimant
	/// or respondent; a disclosure or conduct is a claim like `open_dispute`'s.
	fn open(
		claimant: &T::AccountId,
		respondent: salus_primitives::ProviderId,
		subject: salus_primitives::DisputeSubject,
		evidence: sp_core::H256,
	) -> Result<salus_primitives::DisputeId, sp_runtime::DispatchError> {
		Self::open(claimant, respondent, subject, Some(evidence), Source::Contest)
	}

	/// An escalation, of an emergency only: the parties are checked as for a contest; if the
	/// emergency is already under dispute (its patient contested it) or was judged, returns
	/// that dispute and opens nothing; otherwise opens one without a bond.
	fn escalate(
		patient: &T::AccountId,
		respondent: salus_primitives::ProviderId,
		subject: salus_primitives::DisputeSubject,
	) -> Result<salus_primitives::DisputeId, sp_runtime::DispatchError> {
		Self::open(patient, respondent, subject, None, Source::Escalation)
	}

	fn extra_weight() -> frame_support::weights::Weight {
		Self::conflict_checks()
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

impl<T: Config> salus_primitives::ProviderLifecycle for Pallet<T> {
	/// A provider with an open dispute against it may not close (one read). It may change its
	/// admin: the new admin answers for it in court, and a clawback still reaches the admin
	/// recorded when the dispute opened.
	fn has_obligations(provider: salus_primitives::ProviderId) -> bool {
		RespondentDisputes::<T>::contains_key(provider)
	}
}

/// The arbitrators' body changed. Nothing to do: only current members' votes count when a
/// dispute is counted, and a vote drops the stale votes of the dispute it is cast on — so
/// pallet-membership's calls do no work here that their weights do not include.
impl<T: Config> frame_support::traits::ChangeMembers<T::AccountId> for Pallet<T> {
	fn change_members_sorted(_: &[T::AccountId], _: &[T::AccountId], _: &[T::AccountId]) {}
}

/// The arbitrators' first members: no dispute has votes yet.
impl<T: Config> frame_support::traits::InitializeMembers<T::AccountId> for Pallet<T> {
	fn initialize_members(_: &[T::AccountId]) {}
}
