//! The native token SLS (pallet-balances), transaction fees, and vesting.

use crate::{
	configs::governance::TreasuryAccount,
	token::{EXISTENTIAL_DEPOSIT, MICRO_SLS},
	AccountId, Balance, Balances, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason,
	RuntimeHoldReason, System, TransactionPayment,
};
use frame_support::{
	parameter_types,
	traits::{
		fungible::{Balanced, Credit, Inspect},
		tokens::{imbalance::ResolveTo, Fortitude, Precision, Preservation},
		ConstU128, ConstU32, ConstU8, Imbalance, NoDrop, VariantCountOf, WithdrawReasons,
	},
	weights::ConstantMultiplier,
};
use pallet_transaction_payment::{
	ConstFeeMultiplier, FungibleAdapter, Multiplier, OnChargeTransaction, TxCreditHold,
};
use sp_runtime::{
	traits::{ConvertInto, DispatchInfoOf, One, PostDispatchInfoOf, Zero},
	transaction_validity::{InvalidTransaction, TransactionValidityError},
};

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = crate::weights::pallet_balances::WeightInfo<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fees do not follow congestion yet: the multiplier stays one.
	pub FeeMultiplier: Multiplier = Multiplier::one();
	/// Fee per byte of an extrinsic: 10 micro-SLS.
	pub const TransactionByteFee: Balance = 10 * MICRO_SLS;
	/// Fee per unit of weight (a picosecond of reference compute): 10 plancks.
	pub const WeightFee: Balance = 10;
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Fees are paid in SLS, from vesting funds too, and go to the treasury.
	type OnChargeTransaction = FeesFromVestingToo;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = ConstantMultiplier<Balance, WeightFee>;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = FeeWeight;
}

/// The weight of charging a fee: `charge_transaction_payment` as measured on this runtime, plus
/// the two reads (`Balances::Locks`, `Balances::Freezes`) of the path [`FeesFromVestingToo`]
/// takes when the fee must come from vesting funds. The SDK's benchmark endows the payer
/// generously and tips, so it only ever takes the ordinary path.
pub struct FeeWeight;
impl pallet_transaction_payment::WeightInfo for FeeWeight {
	fn charge_transaction_payment() -> frame_support::weights::Weight {
		<crate::weights::pallet_transaction_payment::WeightInfo<Runtime> as
			pallet_transaction_payment::WeightInfo>::charge_transaction_payment()
		.saturating_add(<Runtime as frame_system::Config>::DbWeight::get().reads(2))
	}
}

/// The standard fee adapter: fees and tips are withdrawn politely (never from frozen funds)
/// and go to the treasury.
pub type TreasuryFees = FungibleAdapter<Balances, ResolveTo<TreasuryAccount, Balances>>;

/// Charges transaction fees like [`FungibleAdapter`] (to the treasury), except that a fee may
/// also be paid from funds that a lock keeps from everything *but* fees, as vesting's lock
/// does ([`UnvestedFundsAllowedWithdrawReasons`]).
///
/// pallet-balances folds every lock into one `frozen` amount whatever its reasons, and the
/// fungible adapter withdraws fees `Polite`ly, so without this an account whose liquid funds
/// are spent could not pay a fee from its vesting funds, not even the fee of `Vesting::vest`
/// that would unlock them. This adapter restores the legacy meaning of lock reasons for fees:
/// a fee may take the account down to the largest lock that covers fees (`Reasons::Fee` or
/// `All`) or freeze (which covers everything), never below the existential deposit. Tips never
/// come from locked funds (a transaction with a tip pays it all from liquid funds, as before),
/// so locked funds can only ever reach the treasury, never a party of the sender's choosing.
pub struct FeesFromVestingToo;

impl FeesFromVestingToo {
	/// The funds that a fee may not take: the largest lock that covers fees and the largest
	/// freeze (locks and freezes count against the total balance, so what is on hold is
	/// discounted), and the existential deposit.
	fn untouchable_by_fees(who: &AccountId) -> Balance {
		let locks = pallet_balances::Locks::<Runtime>::get(who);
		let freezes = pallet_balances::Freezes::<Runtime>::get(who);
		let frozen_for_fees = locks
			.iter()
			.filter(|lock| lock.reasons != pallet_balances::Reasons::Misc)
			.map(|lock| lock.amount)
			.chain(freezes.iter().map(|freeze| freeze.amount))
			.max()
			.unwrap_or_default();
		let on_hold = Balances::total_balance(who).saturating_sub(Balances::balance(who));
		frozen_for_fees.saturating_sub(on_hold).max(EXISTENTIAL_DEPOSIT)
	}

	/// How a fee of `fee_with_tip` is withdrawn from `who`: `Polite` when liquid funds pay it
	/// (or when there is a tip), `Force` when it may come from funds locked for all but fees.
	fn fortitude(who: &AccountId, fee_with_tip: Balance, tip: Balance) -> Fortitude {
		let liquid = Balances::reducible_balance(who, Preservation::Preserve, Fortitude::Polite);
		if fee_with_tip <= liquid || !tip.is_zero() {
			return Fortitude::Polite;
		}
		let free = Balances::balance(who);
		if free.saturating_sub(Self::untouchable_by_fees(who)) >= fee_with_tip {
			Fortitude::Force
		} else {
			Fortitude::Polite
		}
	}
}

impl TxCreditHold<Runtime> for FeesFromVestingToo {
	type Credit = NoDrop<Credit<AccountId, Balances>>;
}

impl OnChargeTransaction<Runtime> for FeesFromVestingToo {
	type Balance = Balance;
	type LiquidityInfo = <TreasuryFees as OnChargeTransaction<Runtime>>::LiquidityInfo;

	fn withdraw_fee(
		who: &AccountId,
		_call: &RuntimeCall,
		_dispatch_info: &DispatchInfoOf<RuntimeCall>,
		fee_with_tip: Balance,
		tip: Balance,
	) -> Result<Self::LiquidityInfo, TransactionValidityError> {
		if fee_with_tip.is_zero() {
			return Ok(None);
		}
		let credit = <Balances as Balanced<AccountId>>::withdraw(
			who,
			fee_with_tip,
			Precision::Exact,
			Preservation::Preserve,
			Self::fortitude(who, fee_with_tip, tip),
		)
		.map_err(|_| InvalidTransaction::Payment)?;
		let (tip_credit, inclusion_fee) = credit.split(tip);
		TransactionPayment::deposit_txfee(inclusion_fee);
		Ok(Some(tip_credit))
	}

	fn can_withdraw_fee(
		who: &AccountId,
		call: &RuntimeCall,
		dispatch_info: &DispatchInfoOf<RuntimeCall>,
		fee_with_tip: Balance,
		tip: Balance,
	) -> Result<(), TransactionValidityError> {
		if fee_with_tip.is_zero() {
			return Ok(());
		}
		match Self::fortitude(who, fee_with_tip, tip) {
			Fortitude::Polite => <TreasuryFees as OnChargeTransaction<Runtime>>::can_withdraw_fee(
				who,
				call,
				dispatch_info,
				fee_with_tip,
				tip,
			),
			// `fortitude` checked that the fee leaves the existential deposit and every lock
			// and freeze that covers fees: `withdraw_fee` will succeed.
			Fortitude::Force => Ok(()),
		}
	}

	fn correct_and_deposit_fee(
		who: &AccountId,
		dispatch_info: &DispatchInfoOf<RuntimeCall>,
		post_info: &PostDispatchInfoOf<RuntimeCall>,
		corrected_fee_with_tip: Balance,
		tip: Balance,
		tip_credit: Self::LiquidityInfo,
	) -> Result<(), TransactionValidityError> {
		// The refund goes back to the account's free balance, and the fee and tip to the
		// treasury, exactly as the standard adapter does.
		<TreasuryFees as OnChargeTransaction<Runtime>>::correct_and_deposit_fee(
			who,
			dispatch_info,
			post_info,
			corrected_fee_with_tip,
			tip,
			tip_credit,
		)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn endow_account(who: &AccountId, amount: Balance) {
		<TreasuryFees as OnChargeTransaction<Runtime>>::endow_account(who, amount)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn minimum_balance() -> Balance {
		<TreasuryFees as OnChargeTransaction<Runtime>>::minimum_balance()
	}
}

impl pallet_skip_feeless_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
}

parameter_types! {
	/// The least a `vested_transfer` may move: 100 SLS, so that vesting schedules (at most
	/// 28 an account) are not spammed.
	pub const MinVestedTransfer: Balance = 100 * crate::SLS;
	/// Unvested funds may pay fees (see [`FeesFromVestingToo`]) and be held for storage
	/// deposits (holds may take frozen funds), but not be transferred; bonds, bounties and
	/// dispute bonds, which may be paid to another account, are held from liquid funds only.
	pub UnvestedFundsAllowedWithdrawReasons: WithdrawReasons =
		WithdrawReasons::except(WithdrawReasons::TRANSFER | WithdrawReasons::RESERVE);
}

/// Vesting: the genesis allocations that are not liquid at launch (validators and operators,
/// the ecosystem fund, the team) unlock block by block.
impl pallet_vesting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type BlockNumberToBalance = ConvertInto;
	type MinVestedTransfer = MinVestedTransfer;
	type WeightInfo = pallet_vesting::weights::SubstrateWeight<Runtime>;
	type UnvestedFundsAllowedWithdrawReasons = UnvestedFundsAllowedWithdrawReasons;
	type BlockNumberProvider = System;
	const MAX_VESTING_SCHEDULES: u32 = 28;
}
