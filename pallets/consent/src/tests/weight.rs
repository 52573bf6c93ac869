//! What the calls are charged: each is charged up front for a full ledger (`ConsentCap`
//! entries) and refunded to the ledger it actually found, so a patient with a few consents
//! pays, and fills the block, for a few. A ledger at the cap is charged in full.

use super::*;
use crate::{ConsentCap, Error};
use frame_support::{
	assert_noop,
	dispatch::{GetDispatchInfo, PostDispatchInfo},
	pallet_prelude::Weight,
	traits::Get,
};

/// The weight the call reported after dispatch; `None` if it kept the up-front charge.
fn actual(result: Result<PostDispatchInfo, impl core::fmt::Debug>) -> Option<Weight> {
	result.expect("the call succeeds").actual_weight
}

#[test]
fn grant_is_refunded_to_the_ledger_it_found() {
	build_and_execute(|| {
		let cap = ConsentCap::<Test>::get();
		permit(1, provider(CLINIC));
		permit(1, provider(CLINIC));
		let call = crate::Call::<Test>::grant_consent {
			grantee: provider(HOSPITAL),
			decision: Decision::Permit,
			classes: classes(&[DataClass::Medications]),
			purposes: purposes(&[Purpose::Treatment]),
			jurisdictions: None,
			valid_from: None,
			valid_until: None,
		};
		let charged = call.get_dispatch_info().call_weight;
		assert_eq!(charged, <() as crate::WeightInfo>::grant_consent(cap));
		let refunded = actual(Consent::grant_consent(
			RuntimeOrigin::signed(1),
			provider(HOSPITAL),
			Decision::Permit,
			classes(&[DataClass::Medications]),
			purposes(&[Purpose::Treatment]),
			None,
			None,
			None,
		));
		// Two consents were in the ledger when it was read.
		assert_eq!(refunded, Some(<() as crate::WeightInfo>::grant_consent(2)));
		assert!(refunded.is_some_and(|w| w.ref_time() < charged.ref_time() && w.all_lte(charged)));
	});
}

#[test]
fn revoke_directive_and_prune_are_refunded_to_the_ledger_they_found() {
	build_and_execute(|| {
		let kept = permit(1, provider(CLINIC));
		let id = permit(1, provider(HOSPITAL));
		assert_eq!(
			actual(Consent::revoke_consent(RuntimeOrigin::signed(1), id)),
			Some(<() as crate::WeightInfo>::revoke_consent(2))
		);
		assert_eq!(
			actual(Consent::set_emergency_directive(
				RuntimeOrigin::signed(1),
				DataClassSet::sensitive()
			)),
			Some(<() as crate::WeightInfo>::set_emergency_directive(2))
		);
		Now::set(START + RETENTION);
		assert_eq!(
			actual(Consent::prune_consent(RuntimeOrigin::signed(50), id)),
			Some(<() as crate::WeightInfo>::prune_consent(2))
		);
		assert_eq!(consent_count(1), 1);
		assert_eq!(Consent::consents_of(&1)[0].id, kept);
	});
}

/// The attack: a refund must never let a call cost less than the ledger it rewrote. A patient
/// whose ledger is full to the cap (its own consents and grants) is charged, after dispatch,
/// exactly what was charged up front.
#[test]
fn a_full_ledger_is_charged_in_full() {
	build_and_execute(|| {
		let max: u32 = <Test as crate::Config>::MaxConsents::get();
		let mut last = 0;
		for _ in 0..max {
			last = permit(1, provider(HOSPITAL));
		}
		let grants: u32 = <Test as crate::Config>::MaxGrants::get();
		for request in 0..grants {
			assert_ok!(<Consent as salus_primitives::AccessControl<u64>>::grant(
				&1,
				salus_primitives::Grant {
					grantee: provider(HOSPITAL),
					classes: classes(&[DataClass::Medications]),
					purposes: purposes(&[Purpose::Treatment]),
					valid_until: START + 100,
					source: salus_primitives::GrantSource::Request(request.into()),
				},
				GrantBy::Provider
			)
			.map(|granted| granted.id));
		}
		let cap = ConsentCap::<Test>::get();
		assert_eq!(consent_count(1), cap as usize);
		let charged =
			crate::Call::<Test>::revoke_consent { id: last }.get_dispatch_info().call_weight;
		let refunded = actual(Consent::revoke_consent(RuntimeOrigin::signed(1), last));
		assert_eq!(refunded, Some(charged));
		// A failed call keeps the whole up-front charge (and changes nothing).
		assert_noop!(
			Consent::revoke_consent(RuntimeOrigin::signed(1), last),
			Error::<Test>::AlreadyRevoked
		);
	});
}
