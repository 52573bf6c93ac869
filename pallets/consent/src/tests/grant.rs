//! `grant_consent`.

use super::*;
use crate::{ConsentPatient, Error};
use frame_support::assert_noop;
use salus_primitives::{GrantSource, ProviderKind};

/// Grants with everything but the argument under test valid.
fn try_grant(
	patient: u64,
	grantee: Grantee<u64>,
	data: DataClassSet,
	uses: PurposeSet,
	within: Option<Jurisdictions>,
	from: Option<Timestamp>,
	until: Option<Timestamp>,
) -> frame_support::dispatch::DispatchResult {
	Consent::grant_consent(
		RuntimeOrigin::signed(patient),
		grantee,
		Decision::Permit,
		data,
		uses,
		within,
		from,
		until,
	)
	.map(|_| ())
	.map_err(|e| e.error)
}

fn medications() -> DataClassSet {
	classes(&[DataClass::Medications])
}

fn treatment() -> PurposeSet {
	purposes(&[Purpose::Treatment])
}

#[test]
fn a_research_permit_is_reported_to_the_listener_and_nothing_else_is() {
	build_and_execute(|| {
		let research = purposes(&[Purpose::Research, Purpose::Treatment]);
		assert_ok!(try_grant(1, provider(HOSPITAL), medications(), treatment(), None, None, None));
		assert_ok!(Consent::grant_consent(
			RuntimeOrigin::signed(1),
			provider(HOSPITAL),
			Decision::Deny,
			medications(),
			research,
			None,
			None,
			None,
		));
		assert!(ResearchGrants::get().is_empty());
		assert_ok!(try_grant(1, provider(HOSPITAL), medications(), research, None, None, None));
		assert_eq!(ResearchGrants::get(), vec![(1, newest(1))]);
	});
}

#[test]
fn records_the_consent_indexes_it_and_holds_the_deposit() {
	build_and_execute(|| {
		assert_ok!(try_grant(
			1,
			provider(HOSPITAL),
			classes(&[DataClass::Medications, DataClass::MentalHealth]),
			purposes(&[Purpose::Treatment, Purpose::EmergencyTreatment]),
			Some(jurisdictions(&[fr(), de(), fr()])),
			Some(START + 10),
			Some(START + 500),
		));
		let consents = Consent::consents_of(&1);
		assert_eq!(consents.len(), 1);
		let consent = &consents[0];
		// The block's number and how many events it held before this one's (the deposit's).
		let id = consent.id;
		assert_eq!(id, (1 << crate::CONSENT_ID_EVENT_BITS) + System::event_count() as u64 - 1);
		assert_eq!(consent.grantee, provider(HOSPITAL));
		assert_eq!(consent.decision, Decision::Permit);
		assert_eq!(consent.classes, classes(&[DataClass::Medications, DataClass::MentalHealth]));
		// Jurisdictions are stored sorted, without duplicates.
		assert_eq!(consent.jurisdictions, Some(jurisdictions(&[de(), fr()])));
		assert_eq!(consent.valid_from, START + 10);
		assert_eq!(consent.valid_until, Some(START + 500));
		assert_eq!(consent.created_at, START);
		assert_eq!(consent.revoked_at, None);
		assert_eq!(consent.source, GrantSource::Patient);
		assert_eq!(consent.deposit, CONSENT_DEPOSIT);
		assert_eq!(ConsentPatient::<Test>::get(id), Some(1));
		assert_eq!(held(1), CONSENT_DEPOSIT);
		assert_eq!(Consent::consent(id), Some((1, consent.clone())));
		assert_eq!(
			last_event(),
			Event::ConsentGranted {
				patient: 1,
				id,
				grantee: provider(HOSPITAL),
				decision: Decision::Permit,
				classes: classes(&[DataClass::Medications, DataClass::MentalHealth]),
				purposes: purposes(&[Purpose::Treatment, Purpose::EmergencyTreatment]),
				valid_until: Some(START + 500),
				source: GrantSource::Patient,
			}
		);
	});
}

#[test]
fn starts_now_and_runs_until_revoked_by_default() {
	build_and_execute(|| {
		permit(1, provider(HOSPITAL));
		let consent = &Consent::consents_of(&1)[0];
		assert_eq!(consent.valid_from, START);
		assert_eq!(consent.valid_until, None);
	});
}

#[test]
fn a_start_in_the_past_starts_now() {
	build_and_execute(|| {
		let id = grant(1, provider(HOSPITAL), Decision::Permit, Some(START - 50), None);
		assert_eq!(Consent::consents_of(&1)[0].valid_from, START);
		// So it cannot permit, after the fact, an access made before it was recorded.
		let before =
			Consent::check_access(&1, &11, DataClass::Medications, Purpose::Treatment, START - 1);
		assert_eq!(
			before,
			salus_primitives::AccessDecision::Deny {
				reason: salus_primitives::DenyReason::NotYetValid(id)
			}
		);
	});
}

#[test]
fn ids_increase_across_patients() {
	build_and_execute(|| {
		let first = permit(1, provider(HOSPITAL));
		let second = permit(2, provider(HOSPITAL));
		let third = permit(1, provider(CLINIC));
		assert!(first < second && second < third);
		assert_eq!(
			Consent::consents_of(&1).iter().map(|c| c.id).collect::<Vec<_>>(),
			[first, third]
		);
		assert_eq!(held(1), 2 * CONSENT_DEPOSIT);
	});
}

#[test]
fn accepts_every_kind_of_grantee() {
	build_and_execute(|| {
		permit(1, provider(HOSPITAL));
		permit(1, Grantee::Practitioner(21));
		permit(1, Grantee::Providers { kind: Some(ProviderKind::Hospital), jurisdiction: None });
		permit(1, Grantee::Providers { kind: None, jurisdiction: None });
		assert_eq!(consent_count(1), 4);
	});
}

/// Asserts that `call` fails with `error` and changes nothing.
fn assert_refused(
	call: impl FnOnce() -> frame_support::dispatch::DispatchResult,
	error: Error<Test>,
) {
	assert_noop!(call(), error);
	assert_eq!(ConsentPatient::<Test>::iter().count(), 0);
	assert_eq!(held(1), 0);
}

#[test]
fn by_a_non_patient_fails_with_not_registered() {
	build_and_execute(|| {
		assert_noop!(
			try_grant(50, provider(HOSPITAL), medications(), treatment(), None, None, None),
			Error::<Test>::NotRegistered
		);
		assert!(Ledgers::<Test>::get(50).is_none());
	});
}

#[test]
fn without_data_classes_fails_with_no_data_classes() {
	build_and_execute(|| {
		assert_refused(
			|| try_grant(1, provider(HOSPITAL), classes(&[]), treatment(), None, None, None),
			Error::NoDataClasses,
		);
	});
}

#[test]
fn without_purposes_fails_with_no_purposes() {
	build_and_execute(|| {
		assert_refused(
			|| try_grant(1, provider(HOSPITAL), medications(), purposes(&[]), None, None, None),
			Error::NoPurposes,
		);
	});
}

#[test]
fn with_an_empty_jurisdiction_list_fails_with_no_jurisdictions() {
	build_and_execute(|| {
		assert_refused(
			|| {
				try_grant(
					1,
					provider(HOSPITAL),
					medications(),
					treatment(),
					Some(jurisdictions(&[])),
					None,
					None,
				)
			},
			Error::NoJurisdictions,
		);
	});
}

#[test]
fn ending_before_it_starts_fails_with_invalid_period() {
	build_and_execute(|| {
		for until in [START + 50, START + 49] {
			assert_refused(
				|| {
					try_grant(
						1,
						provider(HOSPITAL),
						medications(),
						treatment(),
						None,
						Some(START + 50),
						Some(until),
					)
				},
				Error::InvalidPeriod,
			);
		}
	});
}

#[test]
fn ending_in_the_past_fails_with_consent_expired() {
	build_and_execute(|| {
		for until in [START, START - 1] {
			assert_refused(
				|| {
					try_grant(
						1,
						provider(HOSPITAL),
						medications(),
						treatment(),
						None,
						Some(START - 50),
						Some(until),
					)
				},
				Error::ConsentExpired,
			);
		}
	});
}

#[test]
fn naming_a_missing_provider_or_practitioner_fails_with_unknown_grantee() {
	build_and_execute(|| {
		for grantee in [provider(77), Grantee::Practitioner(50)] {
			assert_refused(
				|| try_grant(1, grantee, medications(), treatment(), None, None, None),
				Error::UnknownGrantee,
			);
		}
	});
}

#[test]
fn beyond_max_consents_fails_with_too_many_consents() {
	build_and_execute(|| {
		for _ in 0..MAX_CONSENTS {
			permit(1, provider(HOSPITAL));
		}
		assert_noop!(
			try_grant(1, provider(HOSPITAL), medications(), treatment(), None, None, None),
			Error::<Test>::TooManyConsents
		);
		assert_eq!(consent_count(1), MAX_CONSENTS as usize);
		assert_eq!(held(1), MAX_CONSENTS as u64 * CONSENT_DEPOSIT);
	});
}

#[test]
fn without_funds_for_the_deposit_fails_and_changes_nothing() {
	build_and_execute(|| {
		assert!(try_grant(POOR, provider(HOSPITAL), medications(), treatment(), None, None, None)
			.is_err());
		assert!(Ledgers::<Test>::get(POOR).is_none());
		assert_eq!(ConsentPatient::<Test>::iter().count(), 0);
	});
}

#[test]
fn without_consent_ids_left_fails_with_overflow_and_changes_nothing() {
	build_and_execute(|| {
		// Ids are the block's number above 32 bits: there are none beyond block 2³² − 1.
		System::set_block_number(u64::from(u32::MAX) + 1);
		assert_noop!(
			try_grant(1, provider(HOSPITAL), medications(), treatment(), None, None, None),
			sp_runtime::ArithmeticError::Overflow
		);
		// Nor at block 0, which deposits no events (its count would not move between ids).
		System::set_block_number(0);
		assert_noop!(
			try_grant(1, provider(HOSPITAL), medications(), treatment(), None, None, None),
			sp_runtime::ArithmeticError::Overflow
		);
		// Nor once a block holds 2²¹ events.
		System::set_block_number(2);
		frame_support::storage::unhashed::put(
			&frame_support::storage::storage_prefix(b"System", b"EventCount"),
			&(1u32 << crate::CONSENT_ID_EVENT_BITS),
		);
		assert_noop!(
			try_grant(1, provider(HOSPITAL), medications(), treatment(), None, None, None),
			sp_runtime::ArithmeticError::Overflow
		);
		// The last block's ids stay below 2⁵³: JSON and JavaScript numbers hold them exactly.
		System::reset_events();
		System::set_block_number(u64::from(u32::MAX));
		assert_ok!(try_grant(1, provider(HOSPITAL), medications(), treatment(), None, None, None));
		assert!(newest(1) < 1 << 53);
	});
}

/// Ids from the block and its event count, never from a counter: consents recorded in one
/// block and in the next get distinct, increasing ids, and each ledger stays in id order.
#[test]
fn consent_ids_are_unique_and_increasing_within_and_across_blocks() {
	build_and_execute(|| {
		let mut ids = Vec::new();
		for block in 1..=3u64 {
			System::set_block_number(block);
			for patient in [1, 2] {
				ids.push(grant(
					patient,
					provider(HOSPITAL),
					Decision::Permit,
					None,
					Some(START + 500),
				));
			}
			// Every id of a block is in its own range.
			assert!(ids.iter().rev().take(2).all(|id| id >> crate::CONSENT_ID_EVENT_BITS == block));
		}
		let mut sorted = ids.clone();
		sorted.sort();
		sorted.dedup();
		assert_eq!(sorted, ids, "unique and increasing in the order recorded");
		Consent::do_try_state().expect("ledgers in id order, each indexed once");
	});
}
