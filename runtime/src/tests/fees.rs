//! Transaction fees from vesting funds: signed extrinsics applied through `Executive`, as a
//! block author applies them.
//!
//! The README says "vesting funds may pay fees", and `UnvestedFundsAllowedWithdrawReasons`
//! allows it, but pallet-balances folds every lock into one `frozen` amount and the standard
//! fungible fee adapter withdraws politely: an account with only vesting funds could not pay a
//! fee, not even the fee of `Vesting::vest` that would unlock them. The runtime's
//! `FeesFromVestingToo` adapter makes the claim true, for fees only (never tips).

use super::genesis_of;
use crate::{
	configs::monetary::{FeesFromVestingToo, TreasuryFees},
	AccountId, Balance, Balances, BlockNumber, Executive, Header, Nonce, Runtime, RuntimeCall,
	RuntimeOrigin, SignedPayload, System, Treasury, TxExtension, UncheckedExtrinsic, SLS,
};
use codec::Encode;
use frame_support::{
	dispatch::GetDispatchInfo,
	traits::{Currency, LockableCurrency, VestingSchedule, WithdrawReasons},
};
use pallet_transaction_payment::OnChargeTransaction;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::{Dispatchable, Header as _},
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
};

/// The transaction extensions of a signed transaction with `nonce` and `tip`, as a wallet
/// builds them (immortal, no metadata hash).
pub(super) fn tx_extension(nonce: Nonce, tip: Balance) -> TxExtension {
	(
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_skip_feeless_payment::SkipCheckIfFeeless::from(
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// `call` signed by `signer` with `nonce` and `tip`.
pub(super) fn signed(
	signer: Sr25519Keyring,
	call: RuntimeCall,
	nonce: Nonce,
	tip: Balance,
) -> UncheckedExtrinsic {
	let extension = tx_extension(nonce, tip);
	let payload = SignedPayload::new(call.clone(), extension.clone()).unwrap();
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	UncheckedExtrinsic::new_signed(call, signer.to_account_id().into(), signature.into(), extension)
}

/// Starts block `number` (on top of the current one) through `Executive`.
pub(super) fn start_block(number: BlockNumber) {
	let parent = System::block_hash(number.saturating_sub(1));
	Executive::initialize_block(&Header::new(
		number,
		Default::default(),
		Default::default(),
		parent,
		Default::default(),
	));
}

const LOCKED: Balance = 1_000 * SLS;

/// A development genesis in block 1 where `//One` holds only vesting funds: 1 000 SLS, vested
/// to it by Alice, none of which unlocks before block 100.
fn with_an_account_that_holds_only_vesting_funds(test: impl FnOnce(AccountId)) {
	genesis_of("development").execute_with(|| {
		start_block(1);
		let holder = Sr25519Keyring::One.to_account_id();
		assert_eq!(Balances::free_balance(&holder), 0);
		RuntimeCall::Vesting(pallet_vesting::Call::vested_transfer {
			target: holder.clone().into(),
			schedule: pallet_vesting::VestingInfo::new(LOCKED, SLS, 100),
		})
		.dispatch(RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id()))
		.unwrap();
		assert_eq!(Balances::free_balance(&holder), LOCKED);
		assert_eq!(crate::Vesting::vesting_balance(&holder), Some(LOCKED));
		test(holder)
	})
}

fn remark() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: b"fee from vesting".to_vec() })
}

/// The extra defect: the standard adapter refuses the fee of an account whose funds all vest;
/// the runtime's adapter accepts it, the transaction pool validates it, the block applies it,
/// and the fee reaches the treasury.
#[test]
fn vesting_funds_pay_a_transaction_fee() {
	with_an_account_that_holds_only_vesting_funds(|holder| {
		let call = remark();
		let info = call.get_dispatch_info();
		let fee = 1_000_000_000; // well under what the remark costs, well above nothing
						   // The standard fungible adapter withdraws politely: frozen funds never pay.
		assert_eq!(
			<TreasuryFees as OnChargeTransaction<Runtime>>::can_withdraw_fee(
				&holder, &call, &info, fee, 0
			),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
		);
		assert_eq!(
			<FeesFromVestingToo as OnChargeTransaction<Runtime>>::can_withdraw_fee(
				&holder, &call, &info, fee, 0
			),
			Ok(())
		);

		let xt = signed(Sr25519Keyring::One, call, 0, 0);
		assert!(Executive::validate_transaction(
			TransactionSource::External,
			xt.clone(),
			System::parent_hash()
		)
		.is_ok());
		let treasury = Balances::free_balance(Treasury::account_id());
		assert_eq!(Executive::apply_extrinsic(xt), Ok(Ok(())));
		let paid = Balances::free_balance(Treasury::account_id()) - treasury;
		assert!(paid > 0);
		assert_eq!(Balances::free_balance(&holder), LOCKED - paid);
		println!("a remark's fee, paid from vesting funds: {paid} plancks");
		// The lock stands: the account still cannot transfer.
		let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: Sr25519Keyring::Alice.to_account_id().into(),
			value: SLS,
		});
		let before = Balances::free_balance(&holder);
		let applied = Executive::apply_extrinsic(signed(Sr25519Keyring::One, transfer, 1, 0));
		assert!(matches!(applied, Ok(Err(_))), "{applied:?}");
		let fee = before - Balances::free_balance(&holder);
		assert!(fee > 0 && fee < SLS, "only the fee left: {fee}");
	});
}

/// An account with only vesting funds can pay for `Vesting::vest`, the call that unlocks
/// what has vested, and then transfer what it unlocked.
#[test]
fn an_account_with_only_vesting_funds_can_unlock_what_has_vested() {
	with_an_account_that_holds_only_vesting_funds(|holder| {
		// 50 blocks past the start, 50 SLS have vested.
		System::set_block_number(149);
		start_block(150);
		let lock = || pallet_balances::Locks::<Runtime>::get(&holder)[0].amount;
		assert_eq!(lock(), LOCKED);
		let vest = RuntimeCall::Vesting(pallet_vesting::Call::vest {});
		assert_eq!(Executive::apply_extrinsic(signed(Sr25519Keyring::One, vest, 0, 0)), Ok(Ok(())));
		assert_eq!(lock(), LOCKED - 50 * SLS);
		let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: Sr25519Keyring::Alice.to_account_id().into(),
			value: 40 * SLS,
		});
		assert_eq!(
			Executive::apply_extrinsic(signed(Sr25519Keyring::One, transfer, 1, 0)),
			Ok(Ok(()))
		);
	});
}

/// Tips never come from locked funds: a transaction with a tip must pay everything from
/// liquid funds (a tip is the one part of a fee whose size the sender chooses).
#[test]
fn a_tip_is_never_paid_from_vesting_funds() {
	with_an_account_that_holds_only_vesting_funds(|holder| {
		let before = Balances::free_balance(&holder);
		let xt = signed(Sr25519Keyring::One, remark(), 0, 1);
		assert_eq!(
			Executive::apply_extrinsic(xt),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
		);
		assert_eq!(Balances::free_balance(&holder), before);
	});
}

/// Only locks that leave fees free (vesting's: `Reasons::Misc`) pay fees: a lock for all
/// reasons keeps them, and no fee takes the account below the existential deposit.
#[test]
fn a_lock_that_covers_fees_still_keeps_them() {
	with_an_account_that_holds_only_vesting_funds(|holder| {
		Balances::set_lock(*b"all     ", &holder, LOCKED, WithdrawReasons::all());
		let before = Balances::free_balance(&holder);
		let xt = signed(Sr25519Keyring::One, remark(), 0, 0);
		assert_eq!(
			Executive::apply_extrinsic(xt),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
		);
		assert_eq!(Balances::free_balance(&holder), before);
		// A lock for all reasons on part of the funds: fees may take the rest, no more.
		Balances::set_lock(*b"all     ", &holder, LOCKED - SLS, WithdrawReasons::all());
		assert_eq!(
			Executive::apply_extrinsic(signed(Sr25519Keyring::One, remark(), 0, 0)),
			Ok(Ok(()))
		);
		Balances::remove_lock(*b"all     ", &holder);
		// Nearly everything spent on fees: the existential deposit stays.
		let _ =
			Balances::slash(&holder, Balances::free_balance(&holder) - crate::EXISTENTIAL_DEPOSIT);
		let call = remark();
		let info = call.get_dispatch_info();
		assert_eq!(
			<FeesFromVestingToo as OnChargeTransaction<Runtime>>::can_withdraw_fee(
				&holder, &call, &info, 1, 0
			),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
		);
	});
}

#[test]
fn the_block_weights_are_our_own_measurement() {
	use crate::weights::{
		block_weights::BlockExecutionWeight, extrinsic_weights::ExtrinsicBaseWeight,
	};
	use frame_support::dispatch::DispatchClass;
	let weights = <crate::Runtime as frame_system::Config>::BlockWeights::get();
	// Not the SDK's defaults, which the runtime would fall back to if its own were invalid.
	assert_eq!(weights.base_block, BlockExecutionWeight::get());
	assert_ne!(weights.base_block, frame_support::weights::constants::BlockExecutionWeight::get());
	for class in [DispatchClass::Normal, DispatchClass::Operational, DispatchClass::Mandatory] {
		assert_eq!(weights.get(class).base_extrinsic, ExtrinsicBaseWeight::get());
	}
	assert_ne!(
		ExtrinsicBaseWeight::get(),
		frame_support::weights::constants::ExtrinsicBaseWeight::get()
	);
	assert!(weights.validate().is_ok());
}
