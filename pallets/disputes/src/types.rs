//! The disputes pallet's stored types.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec};
use salus_primitives::{DisputeSubject, ProviderId};
use scale_info::TypeInfo;
use sp_core::H256;

/// What the arbitrators (or the appeal origin) decide.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum Verdict {
	/// The claim is right: the provider is sanctioned and the claimant compensated.
	#[codec(index = 0)]
	Upheld,
	/// The claim is wrong: part of the claimant's bond is forfeited.
	#[codec(index = 1)]
	Rejected,
}

/// Which side of a dispute.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum Party {
	/// Who opened the dispute (a patient or a provider's practitioner).
	#[codec(index = 0)]
	Claimant,
	/// The provider the dispute is against (its admin and its practitioners speak for it).
	#[codec(index = 1)]
	Respondent,
}

/// Where a dispute is in its life. Every stage ends at a block after which `close_dispute`
/// moves it on, so none lasts forever.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum Stage<AccountId, Balance, BlockNumber> {
	/// The parties file evidence until `evidence_ends` (inclusive); the arbitrators vote from
	/// the block after it until `voting_ends` (inclusive).
	#[codec(index = 0)]
	Open {
		/// The last block evidence is taken.
		evidence_ends: BlockNumber,
		/// The last block votes are taken.
		voting_ends: BlockNumber,
	},
	/// Too few arbitrators voted: the appeal origin may rule until `ends` (inclusive); if it
	/// does not, the dispute resolves Rejected without penalty.
	#[codec(index = 1)]
	Referred {
		/// The last block the appeal origin may rule.
		ends: BlockNumber,
	},
	/// The arbitrators decided `verdict`; the losing party may appeal until `appeal_ends`
	/// (inclusive), after which the verdict is applied.
	#[codec(index = 2)]
	Decided {
		/// The arbitrators' verdict.
		verdict: Verdict,
		/// The last block an appeal is taken.
		appeal_ends: BlockNumber,
	},
	/// The losing party appealed `verdict`, holding `bond`; the appeal origin may rule until
	/// `ends` (inclusive). If it does not, `verdict` stands and the appellant's bond returns.
	#[codec(index = 3)]
	Appealed {
		/// The arbitrators' verdict, appealed.
		verdict: Verdict,
		/// Who appealed.
		appellant: AccountId,
		/// The appellant's bond, held.
		bond: Balance,
		/// The last block the appeal origin may rule.
		ends: BlockNumber,
	},
}

/// A dispute against a provider, from its opening until its verdict is applied (it is removed
/// then; events keep its history).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxEvidence, MaxVotes))]
#[codec(mel_bound(
	AccountId: MaxEncodedLen,
	Balance: MaxEncodedLen,
	BlockNumber: MaxEncodedLen
))]
pub struct Dispute<AccountId, Balance, BlockNumber, MaxEvidence: Get<u32>, MaxVotes: Get<u32>> {
	/// Who opened it: a patient, or a practitioner of another provider (for an emergency the
	/// court took up on its own, the patient concerned).
	pub claimant: AccountId,
	/// The provider it is against.
	pub respondent: ProviderId,
	/// The account that administered the respondent when the dispute opened: an upheld
	/// verdict claws back its rewards, whoever administers the provider by then.
	pub admin: Option<AccountId>,
	/// The arbitrators who had a stake in the respondent when the dispute opened (its admin,
	/// bonder, practitioners, or those of its family). They never vote on it, even if they
	/// shed the stake; an arbitrator who gains a stake later does not vote while it holds it.
	pub conflicted: BoundedVec<AccountId, MaxVotes>,
	/// What it is about.
	pub subject: DisputeSubject,
	/// The claimant's bond, held until the verdict is applied (zero for a dispute the court
	/// took up on its own, from an emergency nobody reviewed).
	pub bond: Balance,
	/// Hashes of the evidence each party filed (the documents stay off chain), in order.
	pub evidence: BoundedVec<(Party, H256), MaxEvidence>,
	/// The arbitrators' votes, one per arbitrator. Only those of current members without a
	/// conflict of interest count (a member who leaves, or who gains a stake in the
	/// respondent, loses its vote); a vote that no longer counts is dropped when another
	/// arbitrator votes.
	pub votes: BoundedVec<(AccountId, Verdict), MaxVotes>,
	/// Where it is.
	pub stage: Stage<AccountId, Balance, BlockNumber>,
}

/// How a dispute ended and what moved, as the `DisputeResolved` event reports it.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Settlement<Balance> {
	/// Slashed from the provider's bond and paid to the claimant.
	pub compensation: Balance,
	/// Paid to the arbitrators who voted for the verdict, together.
	pub arbitrator_fees: Balance,
	/// Paid to the treasury (the rest of a slash, a forfeited bond).
	pub to_treasury: Balance,
	/// Of the claimant's bond, returned to it.
	pub refunded: Balance,
	/// Whether the provider was suspended.
	pub suspended: bool,
	/// Of the provider's unclaimed rewards, taken back into the reward pool.
	pub clawed_back: Balance,
}

/// The open disputes against one provider, as counted for its limit and its obligations.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct OpenAgainst {
	/// Open disputes of every subject.
	pub total: u32,
	/// Of those, disputes about its conduct (at most `MaxConductDisputesPerRespondent`).
	pub conduct: u32,
}

/// The open disputes one account is the claimant of, as counted for its limit and its
/// obligations.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct OpenBy {
	/// Open disputes it is the claimant of, contests and escalations of emergencies included.
	pub total: u32,
	/// Of those, its claims about disclosures and conduct (at most `MaxDisputesPerClaimant`);
	/// emergencies, which it neither chooses to be escalated nor may be refused to contest,
	/// do not count.
	pub claims: u32,
}

/// How a dispute came to the court.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Source {
	/// `open_dispute` (never about an emergency): bonded, within the claimant's limit and, for
	/// conduct, the respondent's.
	Claim,
	/// The access pallet's `DisputeGateway::open` (its `contest_emergency`): bonded. About an
	/// emergency it is never refused for capacity (the access pallet bounds the open reviews
	/// per patient); about anything else it is a claim like `open_dispute`'s.
	Contest,
	/// The access pallet's escalation of an emergency nobody reviewed: no bond, at most one per
	/// emergency, never refused for capacity.
	Escalation,
}

/// What the verdict's sanctions are drawn from when a dispute ends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
	/// Apply `Verdict` with its sanctions.
	Verdict(Verdict),
	/// Nobody ruled in time: the claim fails; a conduct claimant forfeits `LapseForfeit` of
	/// its bond, any other gets it all back.
	Lapsed,
}
