//! Governance: sudo (development only), the council and its membership, the arbitrators, the
//! treasury.
//!
//! The council is a `pallet-collective` whose members are managed by `pallet-membership`: root
//! or a council supermajority (two thirds) adds, removes, swaps or resets members and sets the
//! prime. The Salus pallets take their governance origins from it: a council majority
//! accredits providers, a council supermajority rules on appeals and spends from the treasury.
//! The arbitrators, who vote on disputes, are a second `pallet-membership` whose members only a
//! council supermajority (or root) changes.
//!
//! Membership needs the supermajority that the appeal and treasury rules assume: were a bare
//! majority enough, it could add members until it held two thirds, and then rule on every
//! appeal, spend the treasury and replace the arbitrators (finding 10 of the December 2026
//! review).

use crate::{
	time::DAYS, token::SLS, AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeOrigin, System,
};
use frame_support::{
	parameter_types,
	traits::{
		tokens::{pay::PayFromAccount, UnityAssetBalanceConversion},
		EitherOf, EitherOfDiverse, MapSuccess,
	},
	weights::Weight,
	PalletId,
};
use frame_system::{EnsureRoot, EnsureRootWithSuccess};
use sp_runtime::{
	traits::{AccountIdConversion, Replace},
	Permill,
};

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

/// The council's collective instance.
pub type CouncilCollective = pallet_collective::Instance1;

/// The origin of a council motion carried by more than half of the council.
pub type CouncilMajority =
	pallet_collective::EnsureProportionMoreThan<AccountId, CouncilCollective, 1, 2>;
/// The origin of a council motion carried by at least two thirds of the council.
pub type CouncilSupermajority =
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>;
/// Root, or a council majority.
pub type RootOrCouncilMajority = EitherOfDiverse<EnsureRoot<AccountId>, CouncilMajority>;
/// Root, or a council supermajority.
pub type RootOrCouncilSupermajority = EitherOfDiverse<EnsureRoot<AccountId>, CouncilSupermajority>;

parameter_types! {
	/// How long a council motion stays open for votes.
	pub const CouncilMotionDuration: BlockNumber = 3 * DAYS;
	/// Open council motions at most.
	pub const CouncilMaxProposals: u32 = 100;
	/// Council members at most.
	pub const CouncilMaxMembers: u32 = 100;
	/// The heaviest call a council motion may dispatch: half a block.
	pub MaxProposalWeight: Weight =
		crate::configs::system::RuntimeBlockWeights::get().max_block.saturating_div(2);
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = CouncilMaxProposals;
	type MaxMembers = CouncilMaxMembers;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	// Members are set through the membership pallet, never directly.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

/// Who sits on the council: root or a council supermajority changes it, so that a majority
/// cannot pack the council into a supermajority. The prime (whose vote the absent members
/// follow when a motion closes) is set the same way.
impl pallet_membership::Config<pallet_membership::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = RootOrCouncilSupermajority;
	type RemoveOrigin = RootOrCouncilSupermajority;
	type SwapOrigin = RootOrCouncilSupermajority;
	type ResetOrigin = RootOrCouncilSupermajority;
	type PrimeOrigin = RootOrCouncilSupermajority;
	type MembershipInitialized = crate::Council;
	type MembershipChanged = crate::Council;
	type MaxMembers = CouncilMaxMembers;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The treasury's pallet id, from which its account derives.
	pub const TreasuryPalletId: PalletId = PalletId(*b"py/trsry");
	/// The treasury account: it receives transaction fees (and, later, slashed bonds).
	pub TreasuryAccount: AccountId = TreasuryPalletId::get().into_account_truncating();
	/// How often approved spends are paid out.
	pub const SpendPeriod: BlockNumber = 6 * DAYS;
	/// Nothing is burnt at the end of a spend period.
	pub const Burn: Permill = Permill::zero();
	/// How long an approved spend can be claimed.
	pub const PayoutPeriod: BlockNumber = 30 * DAYS;
	/// The most spends approved at once.
	pub const MaxApprovals: u32 = 100;
	/// The most a council supermajority can spend in one motion: 100 000 SLS.
	pub const CouncilSpendLimit: Balance = 100_000 * SLS;
	/// Root can spend without limit.
	pub const MaxBalance: Balance = Balance::MAX;
}

/// Who may spend from the treasury and how much: root without limit, a council supermajority up
/// to [`CouncilSpendLimit`].
pub type TreasurySpendOrigin = EitherOf<
	EnsureRootWithSuccess<AccountId, MaxBalance>,
	MapSuccess<CouncilSupermajority, Replace<CouncilSpendLimit>>,
>;

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = RootOrCouncilMajority;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = SpendPeriod;
	type Burn = Burn;
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = MaxApprovals;
	type SpendOrigin = TreasurySpendOrigin;
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = PayoutPeriod;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type BlockNumberProvider = System;
}

/// The arbitrators' membership instance.
pub type ArbitratorsInstance = pallet_membership::Instance2;

parameter_types! {
	/// Arbitrators at most: every vote on a dispute is kept with it and each majority voter is
	/// paid, so this bounds a dispute's record and the work of applying a verdict.
	pub const MaxArbitrators: u32 = 21;
}

/// The arbitrators: a body the council appoints (a supermajority motion, or root, adds,
/// removes, swaps or resets members). The disputes pallet reads it for who may vote, and
/// withdraws the votes of a member who leaves from the disputes still open.
impl pallet_membership::Config<ArbitratorsInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = RootOrCouncilSupermajority;
	type RemoveOrigin = RootOrCouncilSupermajority;
	type SwapOrigin = RootOrCouncilSupermajority;
	type ResetOrigin = RootOrCouncilSupermajority;
	type PrimeOrigin = RootOrCouncilSupermajority;
	type MembershipInitialized = crate::Disputes;
	type MembershipChanged = crate::Disputes;
	type MaxMembers = MaxArbitrators;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}
