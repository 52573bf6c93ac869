//! The fee-free path: which calls skip fees, the per-patient limit that keeps it from filling
//! blocks, and the balance that keeps it from filling the transaction pool (review finding
//! 14f).

use super::*;
use crate::Call;
use frame_support::dispatch::CheckIfFeeless;
use salus_primitives::AccessControl;

fn grant_call(grantee: Grantee<u64>) -> Call<Test> {
	Call::grant_consent {
		grantee,
		decision: Decision::Permit,
		classes: classes(&[DataClass::Medications]),
		purposes: purposes(&[Purpose::Treatment]),
		jurisdictions: None,
		valid_from: None,
		valid_until: None,
	}
}

fn is_free(call: &Call<Test>, who: u64) -> bool {
	call.is_feeless(&RuntimeOrigin::signed(who))
}

#[test]
fn a_patients_grant_revoke_and_directive_are_free() {
	build_and_execute(|| {
		assert!(is_free(&grant_call(provider(HOSPITAL)), 1));
		let id = permit(1, provider(HOSPITAL));
		assert!(is_free(&Call::revoke_consent { id }, 1));
		assert!(is_free(
			&Call::set_emergency_directive { classes: classes(&[DataClass::Genomics]) },
			1
		));
	});
}

#[test]
fn a_call_that_would_fail_is_not_free() {
	build_and_execute(|| {
		// Not a patient; an unknown grantee; someone else's consent; a non-sensitive directive.
		assert!(!is_free(&grant_call(provider(HOSPITAL)), 50));
		assert!(!is_free(&grant_call(provider(77)), 1));
		let id = permit(1, provider(HOSPITAL));
		assert!(!is_free(&Call::revoke_consent { id }, 2));
		assert!(!is_free(
			&Call::set_emergency_directive { classes: classes(&[DataClass::Billing]) },
			1
		));
		// Without funds for the deposit.
		assert!(!is_free(&grant_call(provider(HOSPITAL)), POOR));
		// Pruning is never free.
		assert!(!is_free(&Call::prune_consent { id }, 1));
	});
}

#[test]
fn only_signed_calls_are_free() {
	build_and_execute(|| {
		assert!(!grant_call(provider(HOSPITAL)).is_feeless(&RuntimeOrigin::root()));
		assert!(!grant_call(provider(HOSPITAL)).is_feeless(&RuntimeOrigin::none()));
	});
}

#[test]
fn beyond_the_limit_operations_pay_fees_until_the_next_period() {
	build_and_execute(|| {
		let directive = Call::set_emergency_directive { classes: DataClassSet::empty() };
		for _ in 0..FREE_OPERATIONS {
			assert!(is_free(&directive, 1));
			assert_ok!(Consent::set_emergency_directive(
				RuntimeOrigin::signed(1),
				DataClassSet::empty()
			));
		}
		// The limit is reached: the calls still work, but they pay fees.
		assert!(!is_free(&directive, 1));
		assert!(!is_free(&grant_call(provider(HOSPITAL)), 1));
		permit(1, provider(HOSPITAL));
		assert_eq!(Ledgers::<Test>::get(1).unwrap().window.used, FREE_OPERATIONS + 1);
		// Other patients are not affected.
		assert!(is_free(&directive, 2));
		// The next period starts afresh.
		System::set_block_number(FREE_PERIOD);
		assert!(is_free(&directive, 1));
		assert_ok!(Consent::set_emergency_directive(
			RuntimeOrigin::signed(1),
			DataClassSet::empty()
		));
		assert_eq!(Ledgers::<Test>::get(1).unwrap().window.used, 1);
	});
}

/// Review finding 14f: a registered patient that could not pay a fee gossips many
/// `set_emergency_directive` transactions with successive nonces. The pool checks each against
/// the same state, so each used to look free, and those beyond the allowance failed only at
/// inclusion, unpaid. Now none is free for such a patient: the pool's payment check applies to
/// each, and it cannot pay.
#[test]
fn a_penniless_patient_cannot_flood_the_pool_with_free_operations() {
	build_and_execute(|| {
		use frame_support::traits::fungible::Mutate;
		let directive = Call::set_emergency_directive { classes: DataClassSet::empty() };
		// One plank short of what a fee may take (the existential deposit stays).
		for _nonce in 0..(2 * FREE_OPERATIONS) {
			assert!(!is_free(&directive, PENNILESS));
		}
		assert!(!Consent::has_free_operation(&PENNILESS));
		// The operation itself still works, paid (here: unmetered) like any call.
		assert_ok!(Consent::set_emergency_directive(
			RuntimeOrigin::signed(PENNILESS),
			DataClassSet::empty()
		));
		// With what a fee may take, its allowance is free again.
		Balances::set_balance(&PENNILESS, FREE_OPERATION_MIN_BALANCE + 1);
		assert!(is_free(&directive, PENNILESS));
		assert!(Consent::has_free_operation(&PENNILESS));
	});
}

#[test]
fn a_patient_with_funds_on_hold_only_pays_like_anyone() {
	build_and_execute(|| {
		use frame_support::traits::fungible::Mutate;
		// Everything but the existential deposit and a consent deposit is spent.
		let id = permit(1, provider(HOSPITAL));
		Balances::set_balance(&1, 1);
		assert_eq!(held(1), CONSENT_DEPOSIT);
		assert!(!is_free(&Call::revoke_consent { id }, 1));
		// It may still revoke, paying the fee (a guardian may pay it through a proxy).
		assert_ok!(Consent::revoke_consent(RuntimeOrigin::signed(1), id));
	});
}
