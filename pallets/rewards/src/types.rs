//! The rewards pallet's stored types and what its runtime API returns.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use salus_primitives::ProviderId;
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// The number of an epoch: epoch 0 starts at genesis, each lasts `EpochLength` blocks.
pub type EpochIndex = u32;

/// Reward points. An account's points in an epoch fit `u32`; an epoch's total is `u64`.
pub type Points = u32;

/// How many points each useful act earns, and the most an account earns in one epoch. Set by
/// governance with `set_reward_schedule`, within bounds that keep every act from paying for
/// itself and every account far from an epoch's budget (see
/// [`Pallet::is_valid_schedule`](crate::Pallet::is_valid_schedule)).
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
	Serialize,
	Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RewardSchedule {
	/// A vouched patient approves an access request (once per provider and epoch).
	pub request_approved: Points,
	/// An accredited provider anchors a vouched patient's record (once per provider and
	/// epoch).
	pub record_anchored: Points,
	/// A vouched patient approves a research request: earned on top of `request_approved`
	/// (once per epoch). A research consent alone earns nothing: it costs nobody anything.
	pub research_approved: Points,
	/// A provider's emergency access is acknowledged as justified, within the review period,
	/// by a patient that another accredited provider vouched for and that has no stake in this
	/// one (earned by the provider's admin account, once per patient and epoch).
	pub emergency_justified: Points,
	/// The most points one account earns in one epoch.
	pub epoch_cap: Points,
}

/// An act that earns points, as an account's ledger remembers it for the current epoch so
/// that it counts once. A patient's ledger also remembers the providers whose emergencies it
/// acknowledged (as `EmergencyJustified`), so that each earns their admin once per epoch.
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
pub enum Act {
	/// The patient approved a request of this provider.
	#[codec(index = 0)]
	RequestApproved(ProviderId),
	/// This provider anchored a record of the patient.
	#[codec(index = 1)]
	RecordAnchored(ProviderId),
	/// The patient approved a research request (of any provider).
	#[codec(index = 2)]
	ResearchApproved,
	/// In the ledger of a provider's admin: a patient acknowledged an emergency access of this
	/// provider as justified. In a patient's ledger: the patient's acknowledgement of this
	/// provider's emergency counted this epoch.
	#[codec(index = 3)]
	EmergencyJustified(ProviderId),
}

impl Act {
	/// Whether the act counts only once per epoch in the earner's ledger (for the same
	/// provider): every act a patient earns by. A provider's justified emergencies count once
	/// per patient and epoch, which the patient's ledger remembers.
	pub const fn once_per_epoch(&self) -> bool {
		!matches!(self, Self::EmergencyJustified(_))
	}
}

/// Points an account earned in one epoch.
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
pub struct Earning<Balance> {
	/// The epoch.
	pub epoch: EpochIndex,
	/// The points.
	pub points: Points,
	/// Of the points' share of an ended epoch's budget, what a clawback took back (always
	/// less than the share: a clawback that takes the whole share drops the earning).
	pub withheld: Balance,
}

impl<Balance: Default> Earning<Balance> {
	/// `points` earned in `epoch`, nothing withheld.
	pub fn new(epoch: EpochIndex, points: Points) -> Self {
		Self { epoch, points, withheld: Balance::default() }
	}
}

/// An account's unclaimed points, by epoch, and the acts that counted in the current epoch.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxEpochs, MaxActs))]
pub struct Ledger<Balance: Copy + Eq + Debug, MaxEpochs: Get<u32>, MaxActs: Get<u32>> {
	/// Unclaimed points, oldest epoch first, one entry per epoch; the last may be the
	/// current epoch's.
	pub earnings: BoundedVec<Earning<Balance>, MaxEpochs>,
	/// The once-per-epoch acts counted in epoch `counted_in`, and the providers whose
	/// emergencies the account acknowledged in it as a patient (`EmergencyJustified`).
	pub counted: BoundedVec<Act, MaxActs>,
	/// The epoch `counted` is about.
	pub counted_in: EpochIndex,
}

impl<Balance: Copy + Eq + Debug, MaxEpochs: Get<u32>, MaxActs: Get<u32>> Default
	for Ledger<Balance, MaxEpochs, MaxActs>
{
	fn default() -> Self {
		Self { earnings: BoundedVec::new(), counted: BoundedVec::new(), counted_in: 0 }
	}
}

/// The epoch in progress.
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
pub struct CurrentEpoch<BlockNumber> {
	/// Its number.
	pub index: EpochIndex,
	/// The block it started at.
	pub start: BlockNumber,
	/// The points earned in it so far, by every account.
	pub points: u64,
}

/// An ended epoch whose rewards may still be claimed.
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
pub struct EpochRecord<Balance> {
	/// What the epoch released from the pool, shared pro rata to points.
	pub budget: Balance,
	/// The points earned in the epoch, by every account.
	pub points: u64,
	/// The points claimed or clawed back since.
	pub settled_points: u64,
	/// What claims paid out of the budget.
	pub paid: Balance,
	/// What clawbacks returned to the pool out of the budget.
	pub returned: Balance,
}

/// The epoch in progress, for wallets and dashboards (`RewardsApi::epoch_info`).
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
pub struct EpochInfo<BlockNumber, Balance> {
	/// Its number.
	pub index: EpochIndex,
	/// The block it started at.
	pub start: BlockNumber,
	/// The first block of the next epoch.
	pub ends_at: BlockNumber,
	/// The budget it would release if it ended now: its emission, capped by what the pool has
	/// free and by the most a point may be worth.
	pub budget: Balance,
	/// The points earned in it so far.
	pub points: u64,
	/// What the pool holds that no ended epoch has released.
	pub pool_free: Balance,
}
