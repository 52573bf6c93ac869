//! `log_disclosure`, `prune_disclosures` and the disclosure queries.

use super::*;
use crate::{DisclosureCount, DisclosurePages, DisclosureParties, Error};
use frame_support::assert_noop;
use salus_primitives::{AccessBasis, DenyReason, DisputeSubject, DisputeSubjects, GrantSource};
use sp_runtime::DispatchError;

/// The hospital breaks the glass on patient 1, so its practitioners may read.
fn hospital_may_read() -> EmergencyId {
	declare(11, 1)
}

fn log(who: u64, patient: u64, class: DataClass) -> sp_runtime::DispatchResult {
	Access::log_disclosure(
		RuntimeOrigin::signed(who),
		patient,
		class,
		Purpose::EmergencyTreatment,
		Some(H256::repeat_byte(5)),
	)
}

mod log_disclosure {
	use super::*;

	#[test]
	fn records_who_when_what_why_and_the_basis() {
		build_and_execute(|| {
			let emergency = hospital_may_read();
			Now::set(START + 5);
			assert_ok!(log(12, 1, DataClass::Allergies));
			let entries = Access::disclosures_of(&1, 0, 10);
			assert_eq!(entries.len(), 1);
			let entry = &entries[0];
			assert_eq!(entry.id, 0);
			assert_eq!(entry.accessor, 12);
			assert_eq!(entry.provider, HOSPITAL);
			assert_eq!(entry.at, START + 5);
			assert_eq!(entry.class, DataClass::Allergies);
			assert_eq!(entry.purpose, Purpose::EmergencyTreatment);
			let basis = AccessBasis::Consent { id: 0, source: GrantSource::Emergency(emergency) };
			assert_eq!(entry.basis, basis);
			assert_eq!(entry.record, Some(H256::repeat_byte(5)));
			assert_eq!(held(HoldReason::DisclosureDeposit, 12), DISCLOSURE_DEPOSIT);
			assert_eq!(DisclosureCount::<Test>::get(1), 1);
			assert_eq!(
				last_event(),
				Event::DisclosureLogged {
					id: 0,
					patient: 1,
					accessor: 12,
					provider: HOSPITAL,
					class: DataClass::Allergies,
					purpose: Purpose::EmergencyTreatment,
					basis,
				}
			);
		});
	}

	#[test]
	fn fills_pages_in_order_and_pages_the_query() {
		build_and_execute(|| {
			hospital_may_read();
			let total = PAGE_SIZE * 2 + 1;
			for _ in 0..total {
				assert_ok!(log(11, 1, DataClass::VitalSigns));
			}
			assert_eq!(DisclosurePages::<Test>::get(1, 0).unwrap().len() as u32, PAGE_SIZE);
			assert_eq!(DisclosurePages::<Test>::get(1, 1).unwrap().len() as u32, PAGE_SIZE);
			assert_eq!(DisclosurePages::<Test>::get(1, 2).unwrap().len(), 1);
			let ids = |from, count| {
				Access::disclosures_of(&1, from, count)
					.iter()
					.map(|entry| entry.id)
					.collect::<Vec<_>>()
			};
			assert_eq!(ids(0, 100), (0..u64::from(total)).collect::<Vec<_>>());
			assert_eq!(ids(3, 3), vec![3, 4, 5]);
			assert_eq!(ids(total - 1, 5), vec![u64::from(total) - 1]);
			assert_eq!(ids(total, 5), Vec::<u64>::new());
			assert_eq!(
				held(HoldReason::DisclosureDeposit, 11),
				DISCLOSURE_DEPOSIT * u64::from(total)
			);
		});
	}

	#[test]
	fn a_denied_access_is_refused_with_an_error_naming_the_reason() {
		build_and_execute(|| {
			// No grant yet: no consent speaks to the hospital.
			assert_noop!(log(11, 1, DataClass::Allergies), Error::<Test>::NoConsent);
			hospital_may_read();
			// The emergency grant does not name the sensitive class.
			assert_noop!(log(11, 1, DataClass::MentalHealth), Error::<Test>::ClassNotCovered);
			// The lab has no grant of its own.
			assert_noop!(log(41, 1, DataClass::Allergies), Error::<Test>::NoConsent);
			assert_noop!(log(31, 1, DataClass::Allergies), Error::<Test>::ProviderNotAccredited);
			assert_noop!(log(50, 1, DataClass::Allergies), Error::<Test>::NotPractitioner);
			assert_noop!(log(11, 50, DataClass::Allergies), Error::<Test>::NotRegistered);
			// Once the emergency window is over, the grant has expired.
			Now::set(START + EMERGENCY_WINDOW);
			assert_noop!(log(11, 1, DataClass::Allergies), Error::<Test>::ConsentExpired);
		});
	}

	#[test]
	fn every_reason_of_denial_has_its_own_error() {
		let reasons = [
			(DenyReason::UnknownPatient, Error::<Test>::NotRegistered),
			(DenyReason::NotPractitioner, Error::<Test>::NotPractitioner),
			(DenyReason::ProviderNotAccredited, Error::<Test>::ProviderNotAccredited),
			(DenyReason::NoConsent, Error::<Test>::NoConsent),
			(DenyReason::DeniedByConsent(1), Error::<Test>::DeniedByConsent),
			(DenyReason::ClassNotCovered(1), Error::<Test>::ClassNotCovered),
			(DenyReason::SensitiveClassNotNamed(1), Error::<Test>::SensitiveClassNotNamed),
			(DenyReason::PurposeNotCovered(1), Error::<Test>::PurposeNotCovered),
			(DenyReason::OutsideJurisdictions(1), Error::<Test>::OutsideJurisdictions),
			(DenyReason::Revoked(1), Error::<Test>::ConsentRevoked),
			(DenyReason::NotYetValid(1), Error::<Test>::ConsentNotYetValid),
			(DenyReason::Expired(1), Error::<Test>::ConsentExpired),
		];
		let mut seen = Vec::new();
		for (reason, error) in reasons {
			let (named, error) =
				(DispatchError::from(Access::denial(reason)), DispatchError::from(error));
			assert_eq!(named, error);
			assert!(!seen.contains(&error), "{error:?} names two reasons");
			seen.push(error);
		}
	}

	/// `pallets/ERRORS.md` rule 5: a denial is reported under the name of its reason, with
	/// `Consent` in front where the reason is the state of a consent, and `NotRegistered` for
	/// `UnknownPatient`. The match names every variant, so a new one fails to compile here
	/// until it has its error.
	#[test]
	fn every_reason_of_denial_has_the_error_rule_5_names() {
		use DenyReason::*;
		let reasons = [
			UnknownPatient,
			NotPractitioner,
			ProviderNotAccredited,
			NoConsent,
			DeniedByConsent(1),
			ClassNotCovered(1),
			SensitiveClassNotNamed(1),
			PurposeNotCovered(1),
			OutsideJurisdictions(1),
			Revoked(1),
			NotYetValid(1),
			Expired(1),
		];
		for reason in reasons {
			let (variant, of_a_consent) = match reason {
				UnknownPatient => ("UnknownPatient", false),
				NotPractitioner => ("NotPractitioner", false),
				ProviderNotAccredited => ("ProviderNotAccredited", false),
				NoConsent => ("NoConsent", false),
				DeniedByConsent(_) => ("DeniedByConsent", false),
				ClassNotCovered(_) => ("ClassNotCovered", false),
				SensitiveClassNotNamed(_) => ("SensitiveClassNotNamed", false),
				PurposeNotCovered(_) => ("PurposeNotCovered", false),
				OutsideJurisdictions(_) => ("OutsideJurisdictions", false),
				Revoked(_) => ("Revoked", true),
				NotYetValid(_) => ("NotYetValid", true),
				Expired(_) => ("Expired", true),
			};
			let expected = match variant {
				"UnknownPatient" => "NotRegistered".to_string(),
				_ if of_a_consent => format!("Consent{variant}"),
				_ => variant.to_string(),
			};
			let name: &'static str = Access::denial(reason).into();
			assert_eq!(name, expected, "the error for {reason:?}");
		}
	}

	/// Review finding 1: the court asks who a disclosure concerns; a squatter is no party.
	#[test]
	fn a_disclosure_names_its_patient_and_logging_provider_until_pruned() {
		build_and_execute(|| {
			let next = crate::NextDisclosureId::<Test>::get();
			assert_eq!(Access::parties(DisputeSubject::Disclosure(next)), None);
			hospital_may_read();
			assert_ok!(log(12, 1, DataClass::Allergies));
			assert_eq!(Access::parties(DisputeSubject::Disclosure(next)), Some((1, HOSPITAL)));
			assert_eq!(DisclosureParties::<Test>::get(next), Some((1, HOSPITAL)));
			for _ in 1..PAGE_SIZE {
				assert_ok!(log(11, 1, DataClass::Allergies));
			}
			Now::set(START + RETENTION);
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 0));
			assert_eq!(Access::parties(DisputeSubject::Disclosure(next)), None);
			assert!(DisclosureParties::<Test>::iter().next().is_none());
		});
	}

	#[test]
	fn without_ids_left_fails_with_arithmetic_overflow() {
		build_and_execute(|| {
			hospital_may_read();
			crate::NextDisclosureId::<Test>::put(u64::MAX);
			assert_noop!(log(11, 1, DataClass::Allergies), sp_runtime::ArithmeticError::Overflow);
		});
	}

	#[test]
	fn without_the_deposit_fails_and_logs_nothing() {
		build_and_execute(|| {
			hospital_may_read();
			assert!(log(POOR, 1, DataClass::Allergies).is_err());
			assert_eq!(DisclosureCount::<Test>::get(1), 0);
			assert!(Access::disclosures_of(&1, 0, 10).is_empty());
		});
	}
}

mod prune_disclosures {
	use super::*;

	/// Logs a full first page (by 11 and 12 in turn) and one entry on the second.
	fn full_page() {
		hospital_may_read();
		for n in 0..=PAGE_SIZE {
			assert_ok!(log(if n % 2 == 0 { 11 } else { 12 }, 1, DataClass::Allergies));
		}
	}

	#[test]
	fn removes_a_full_page_after_retention_and_returns_each_deposit() {
		build_and_execute(|| {
			full_page();
			let before =
				(held(HoldReason::DisclosureDeposit, 11), held(HoldReason::DisclosureDeposit, 12));
			Now::set(START + RETENTION);
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 0));
			assert!(DisclosurePages::<Test>::get(1, 0).is_none());
			assert_eq!(
				last_event(),
				Event::DisclosuresPruned { patient: 1, page: 0, count: PAGE_SIZE }
			);
			let per_accessor = u64::from(PAGE_SIZE / 2) * DISCLOSURE_DEPOSIT;
			assert_eq!(held(HoldReason::DisclosureDeposit, 11), before.0 - per_accessor);
			assert_eq!(held(HoldReason::DisclosureDeposit, 12), before.1 - per_accessor);
			// The query leaves the pruned page out; the rest of the log stays in place.
			let ids: Vec<_> =
				Access::disclosures_of(&1, 0, 100).iter().map(|entry| entry.id).collect();
			assert_eq!(ids, vec![u64::from(PAGE_SIZE)]);
			assert_eq!(DisclosureCount::<Test>::get(1), PAGE_SIZE + 1);
		});
	}

	#[test]
	fn before_retention_fails_with_retention_not_over() {
		build_and_execute(|| {
			full_page();
			Now::set(START + RETENTION - 1);
			assert_noop!(
				Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 0),
				Error::<Test>::RetentionNotOver
			);
		});
	}

	#[test]
	fn the_page_still_filling_fails_with_page_not_full() {
		build_and_execute(|| {
			full_page();
			Now::set(START + RETENTION);
			assert_noop!(
				Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 1),
				Error::<Test>::PageNotFull
			);
		});
	}

	#[test]
	fn a_missing_page_fails_with_page_not_found() {
		build_and_execute(|| {
			assert_noop!(
				Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 0),
				Error::<Test>::PageNotFound
			);
		});
	}
}
