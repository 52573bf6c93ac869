//! `log_disclosure`, `log_disclosures`, `prune_disclosures` and the disclosure queries.

use super::*;
use crate::{DisclosureBatches, DisclosureLogs, DisclosurePages, DisclosureParties, Error};
use frame_support::assert_noop;
use salus_primitives::{AccessBasis, DenyReason, DisputeSubject, DisputeSubjects, GrantSource};
use sp_runtime::DispatchError;

/// The hospital breaks the glass on patient 1, so its practitioners may read.
fn hospital_may_read() -> EmergencyId {
	declare(11, 1)
}

/// The first id of the `call`th logging call of the test (through [`log`] or `batch`).
fn first_id(call: u64) -> u64 {
	FirstIds::get()[call as usize]
}

/// Sets the block's event count (`System::EventCount`, private to `frame_system`).
fn set_event_count(count: u32) {
	let key = frame_support::storage::storage_prefix(b"System", b"EventCount");
	frame_support::storage::unhashed::put(&key, &count);
	assert_eq!(System::event_count(), count);
}

/// Who may dispute disclosure `id` of `patient`'s log, as the court asks.
fn parties(patient: u64, id: u64) -> Option<(u64, salus_primitives::ProviderId)> {
	Access::parties(DisputeSubject::Disclosure(id), &patient)
}

/// The first id the next logging call takes.
fn next_id() -> u64 {
	Access::first_disclosure_id().expect("ids left")
}

/// Notes the first id of a logging call that succeeded ([`first_id`]).
fn note_first(first: u64, result: &sp_runtime::DispatchResult) {
	if result.is_ok() {
		FirstIds::mutate(|ids| ids.push(first));
	}
}

fn log(who: u64, patient: u64, class: DataClass) -> sp_runtime::DispatchResult {
	let first = Access::first_disclosure_id().unwrap_or_default();
	let result = Access::log_disclosure(
		RuntimeOrigin::signed(who),
		patient,
		class,
		Purpose::EmergencyTreatment,
		Some(H256::repeat_byte(5)),
	)
	.map(|_| ())
	.map_err(|e| e.error);
	note_first(first, &result);
	result
}

mod log_disclosure {
	use super::*;

	#[test]
	fn records_who_when_what_why_and_the_basis() {
		build_and_execute(|| {
			let emergency = hospital_may_read();
			Now::set(START + 5);
			// Block 1, after the events the emergency deposited.
			let id = crate::DISCLOSURE_ID_BASE + (1 << 20) + u64::from(System::event_count());
			assert_ok!(log(12, 1, DataClass::Allergies));
			let entries = Access::disclosures_of(&1, 0, 10);
			assert_eq!(entries.len(), 1);
			let entry = &entries[0];
			assert_eq!(entry.id, id);
			assert_eq!(entry.accessor, 12);
			assert_eq!(entry.provider, HOSPITAL);
			assert_eq!(entry.at, START + 5);
			assert_eq!(entry.class, DataClass::Allergies);
			assert_eq!(entry.purpose, Purpose::EmergencyTreatment);
			let basis = AccessBasis::Consent { id: 0, source: GrantSource::Emergency(emergency) };
			assert_eq!(entry.basis, basis);
			assert_eq!(entry.record, Some(H256::repeat_byte(5)));
			assert_eq!(held(HoldReason::DisclosureDeposit, 12), DISCLOSURE_DEPOSIT);
			assert_eq!(Access::disclosure_count(&1), 1);
			assert_eq!(
				last_event(),
				Event::DisclosureLogged {
					id,
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

	/// Charged before the call at the registry's largest ledger (or the one-entry batch's
	/// measurement, if larger), refunded after it to the ledger the decision read.
	#[test]
	fn is_charged_at_the_largest_ledger_and_refunded_to_the_one_it_read() {
		use crate::WeightInfo;
		use frame_support::dispatch::GetDispatchInfo;
		build_and_execute(|| {
			hospital_may_read();
			let call = crate::Call::<Test>::log_disclosure {
				patient: 1,
				data_class: DataClass::Allergies,
				purpose: Purpose::EmergencyTreatment,
				record: None,
			};
			let charged = call.get_dispatch_info().call_weight;
			assert_eq!(charged, Access::log_disclosure_weight());
			assert_eq!(
				charged,
				<() as WeightInfo>::log_disclosure(crate::mock::MAX_LEDGER)
					.max(<() as WeightInfo>::log_disclosures_entries(0))
			);
			let info = Access::log_disclosure(
				RuntimeOrigin::signed(12),
				1,
				DataClass::Allergies,
				Purpose::EmergencyTreatment,
				None,
			)
			.expect("logged");
			let unused = Access::unused_ledger_weight(&[1]);
			assert!(unused.ref_time() > 0);
			// Charged for the entry that fills a page; this one does not: one write less.
			let page_write = <Test as frame_system::Config>::DbWeight::get().writes(1);
			assert_eq!(info.actual_weight, Some(charged - unused - page_write));
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
			// The third page is still filling: it is in the log's record.
			assert!(DisclosurePages::<Test>::get(1, 2).is_none());
			assert_eq!(DisclosureLogs::<Test>::get(1).filling.len(), 1);
			let ids = |from, count| {
				Access::disclosures_of(&1, from, count)
					.iter()
					.map(|entry| entry.id)
					.collect::<Vec<_>>()
			};
			// One id range per call: the calls' first ids.
			assert_eq!(ids(0, 100), (0..u64::from(total)).map(first_id).collect::<Vec<_>>());
			assert_eq!(ids(3, 3), vec![first_id(3), first_id(4), first_id(5)]);
			assert_eq!(ids(total - 1, 5), vec![first_id(u64::from(total) - 1)]);
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
			hospital_may_read();
			let next = next_id();
			assert_eq!(parties(1, next), None);
			assert_ok!(log(12, 1, DataClass::Allergies));
			assert_eq!(parties(1, next), Some((1, HOSPITAL)));
			// Found in its patient's log only: another patient, or the practitioner, asking
			// about it are told it is not there.
			assert_eq!(parties(2, next), None);
			assert_eq!(parties(12, next), None);
			// Nothing but the log is written for the court.
			assert!(DisclosureBatches::<Test>::iter().next().is_none());
			// An id the call did not use names nobody.
			assert_eq!(parties(1, next + 1), None);
			for _ in 1..PAGE_SIZE {
				assert_ok!(log(11, 1, DataClass::Allergies));
			}
			// On a full page, as on the filling one.
			assert_eq!(parties(1, next), Some((1, HOSPITAL)));
			Now::set(START + RETENTION);
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 0));
			assert_eq!(parties(1, next), None);
			assert!(DisclosureBatches::<Test>::iter().next().is_none());
			assert!(DisclosureParties::<Test>::iter().next().is_none());
		});
	}

	#[test]
	fn without_ids_left_fails_with_arithmetic_overflow() {
		build_and_execute(|| {
			hospital_may_read();
			// Ids come from the block number, which has 32 bits of them.
			System::set_block_number(u64::from(u32::MAX) + 1);
			assert_noop!(log(11, 1, DataClass::Allergies), sp_runtime::ArithmeticError::Overflow);
			// Nor at block 0, which deposits no events to keep two calls' ids apart.
			System::set_block_number(0);
			assert_noop!(log(11, 1, DataClass::Allergies), sp_runtime::ArithmeticError::Overflow);
		});
	}

	#[test]
	fn without_the_deposit_fails_and_logs_nothing() {
		build_and_execute(|| {
			hospital_may_read();
			assert!(log(POOR, 1, DataClass::Allergies).is_err());
			assert_eq!(Access::disclosure_count(&1), 0);
			assert!(Access::disclosures_of(&1, 0, 10).is_empty());
		});
	}
}

mod log_disclosures {
	use super::*;
	use crate::DisclosureEntry;
	use codec::{Decode, Encode};
	use frame_support::{
		dispatch::GetDispatchInfo, traits::fungible::Mutate, weights::Weight, BoundedVec,
	};
	use sp_runtime::{ArithmeticError, TokenError};

	pub(super) fn entry(patient: u64, data_class: DataClass) -> DisclosureEntry<u64> {
		DisclosureEntry {
			patient,
			data_class,
			purpose: Purpose::EmergencyTreatment,
			record: Some(H256::repeat_byte(5)),
		}
	}

	pub(super) fn batch(
		who: u64,
		entries: Vec<DisclosureEntry<u64>>,
	) -> sp_runtime::DispatchResult {
		let entries = BoundedVec::try_from(entries).expect("within MaxDisclosureBatch");
		let first = Access::first_disclosure_id().unwrap_or_default();
		let result = Access::log_disclosures(RuntimeOrigin::signed(who), entries)
			.map(|_| ())
			.map_err(|e| e.error);
		note_first(first, &result);
		result
	}

	/// The basis an emergency's grant gives: the grant is the `consent`th recorded.
	fn emergency_basis(consent: u64, emergency: EmergencyId) -> AccessBasis {
		AccessBasis::Consent { id: consent, source: GrantSource::Emergency(emergency) }
	}

	/// The ids on each page of `patient`'s log still stored, page by page, the filling page
	/// last.
	fn pages_of(patient: u64) -> Vec<Vec<u64>> {
		let log = DisclosureLogs::<Test>::get(patient);
		let ids = |page: crate::DisclosurePage<Test>| page.iter().map(|entry| entry.id).collect();
		let mut pages: Vec<Vec<u64>> = (0..log.count / PAGE_SIZE)
			.filter_map(|page| DisclosurePages::<Test>::get(patient, page))
			.map(ids)
			.collect();
		if !log.filling.is_empty() {
			pages.push(ids(log.filling));
		}
		pages
	}

	#[test]
	fn logs_every_entry_for_several_patients_in_order() {
		build_and_execute(|| {
			// The hospital broke the glass on patients 1 and 2.
			let first = declare(11, 1);
			let second = declare(11, 2);
			Now::set(START + 5);
			assert_ok!(batch(
				12,
				vec![
					entry(1, DataClass::Allergies),
					entry(2, DataClass::VitalSigns),
					entry(1, DataClass::Medications),
					DisclosureEntry { record: None, ..entry(2, DataClass::Allergies) },
				]
			));
			let logged = |id, patient, class, basis| Event::DisclosureLogged {
				id,
				patient,
				accessor: 12,
				provider: HOSPITAL,
				class,
				purpose: Purpose::EmergencyTreatment,
				basis,
			};
			let (one, two) = (emergency_basis(0, first), emergency_basis(1, second));
			// Consecutive ids from the call's first.
			let f = first_id(0);
			assert_eq!(
				events()[2..],
				[
					logged(f, 1, DataClass::Allergies, one),
					logged(f + 1, 2, DataClass::VitalSigns, two),
					logged(f + 2, 1, DataClass::Medications, one),
					logged(f + 3, 2, DataClass::Allergies, two),
				]
			);
			assert_eq!(held(HoldReason::DisclosureDeposit, 12), 4 * DISCLOSURE_DEPOSIT);
			assert_eq!(held(HoldReason::DisclosureDeposit, 11), 0);
			// The next call's ids start after the batch's (the batch deposited its events).
			assert!(next_id() >= f + 4);
			assert_eq!((Access::disclosure_count(&1), Access::disclosure_count(&2)), (2, 2));
			assert_eq!(
				(pages_of(1), pages_of(2)),
				(vec![vec![f, f + 2]], vec![vec![f + 1, f + 3]])
			);
			for (id, patient) in [(f, 1), (f + 1, 2), (f + 2, 1), (f + 3, 2)] {
				assert_eq!(parties(patient, id), Some((patient, HOSPITAL)));
				assert_eq!(parties(3 - patient, id), None);
			}
			// No record for the court, per entry or per call: it reads the patients' logs.
			assert!(DisclosureBatches::<Test>::iter().next().is_none());
			assert!(DisclosureParties::<Test>::iter().next().is_none());
			let entries = Access::disclosures_of(&2, 0, 10);
			assert_eq!(entries.len(), 2);
			assert!(entries.iter().all(|entry| entry.accessor == 12 && entry.at == START + 5));
			assert_eq!(entries[0].record, Some(H256::repeat_byte(5)));
			assert_eq!(entries[1].record, None);
			assert_eq!(entries[1].deposit, DISCLOSURE_DEPOSIT);
		});
	}

	#[test]
	fn a_batch_crossing_page_boundaries_fills_each_page_before_the_next() {
		build_and_execute(|| {
			hospital_may_read();
			// Position PAGE_SIZE - 1, the last place of page 0, is next.
			for _ in 1..PAGE_SIZE {
				assert_ok!(log(11, 1, DataClass::Allergies));
			}
			let size = PAGE_SIZE as usize;
			assert_ok!(batch(11, vec![entry(1, DataClass::VitalSigns); size + 2]));
			let page = u64::from(PAGE_SIZE);
			let total = 2 * page + 1;
			assert_eq!(Access::disclosure_count(&1), PAGE_SIZE * 2 + 1);
			// The single calls' ids, then the batch's, consecutive from the next call's first.
			let mut ids: Vec<u64> = (0..page - 1).map(first_id).collect();
			let batch_first = first_id(page - 1);
			ids.extend(batch_first..batch_first + page + 2);
			let pages: Vec<Vec<u64>> =
				ids.chunks(PAGE_SIZE as usize).map(<[u64]>::to_vec).collect();
			assert_eq!(pages_of(1), pages);
			assert_eq!(
				Access::disclosures_of(&1, 0, 100).iter().map(|e| e.id).collect::<Vec<_>>(),
				ids
			);
			assert_eq!(held(HoldReason::DisclosureDeposit, 11), DISCLOSURE_DEPOSIT * total);
			// The full pages are pruned like any other.
			Now::set(START + RETENTION);
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 0));
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 1));
			assert!(DisclosurePages::<Test>::get(1, 1).is_none());
		});
	}

	/// What logging leaves, ids aside (a batch's are consecutive, single calls' are not): the
	/// pallet's events, each patient's log, the parties of each entry of the logs, and the
	/// practitioner's deposits.
	type Outcome = (
		Vec<Event<Test>>,
		Vec<Vec<crate::DisclosureOf<Test>>>,
		Vec<Option<(u64, salus_primitives::ProviderId)>>,
		u64,
	);

	/// What logging `entries` by practitioner 12 leaves, in one batch or one by one, after
	/// the hospital broke the glass on patients 1 and 2 and logged one access.
	fn outcome(entries: &[DisclosureEntry<u64>], one_by_one: bool) -> Outcome {
		let mut outcome = None;
		build_and_execute(|| {
			declare(11, 1);
			declare(11, 2);
			assert_ok!(log(12, 1, DataClass::Allergies));
			if one_by_one {
				for entry in entries {
					let first = next_id();
					let result = Access::log_disclosure(
						RuntimeOrigin::signed(12),
						entry.patient,
						entry.data_class,
						entry.purpose,
						entry.record,
					)
					.map(|_| ())
					.map_err(|e| e.error);
					note_first(first, &result);
					assert_ok!(result);
				}
			} else {
				assert_ok!(batch(12, entries.to_vec()));
			}
			let mut logs: Vec<Vec<crate::DisclosureOf<Test>>> =
				[1, 2, 3].map(|patient| Access::disclosures_of(&patient, 0, 100)).to_vec();
			let logs_ids: Vec<u64> = logs.iter().flatten().map(|entry| entry.id).collect();
			let parties = (1u64..)
				.zip(logs.iter())
				.flat_map(|(patient, log)| log.iter().map(move |entry| parties(patient, entry.id)))
				.collect();
			logs.iter_mut().flatten().for_each(|entry| entry.id = 0);
			let events = events()
				.into_iter()
				.map(|event| match event {
					Event::DisclosureLogged {
						patient,
						accessor,
						provider,
						class,
						purpose,
						basis,
						..
					} => Event::DisclosureLogged {
						id: 0,
						patient,
						accessor,
						provider,
						class,
						purpose,
						basis,
					},
					other => other,
				})
				.collect();
			outcome = Some((events, logs, parties, held(HoldReason::DisclosureDeposit, 12)));
			// The batch's ids are consecutive from its call's first.
			if !one_by_one {
				let count = entries.len() as u64;
				let ids: Vec<u64> = logs_ids.into_iter().filter(|id| *id >= first_id(1)).collect();
				let mut sorted = ids.clone();
				sorted.sort();
				assert_eq!(
					sorted,
					(first_id(1)..first_id(1).saturating_add(count)).collect::<Vec<_>>()
				);
			}
		});
		outcome.expect("the scenario ran")
	}

	#[test]
	fn a_batch_logs_exactly_what_the_same_entries_logged_one_by_one_do() {
		let mut entries = vec![entry(2, DataClass::Immunizations)];
		entries.extend(vec![entry(1, DataClass::LabResults); PAGE_SIZE as usize + 1]);
		entries.push(DisclosureEntry { record: None, ..entry(2, DataClass::Demographics) });
		let batched = outcome(&entries, false);
		assert_eq!(batched, outcome(&entries, true));
		let (events, logs, parties, deposits) = batched;
		let logged = events
			.iter()
			.filter(|event| matches!(event, Event::DisclosureLogged { .. }))
			.count();
		assert_eq!(logged, entries.len() + 1);
		assert_eq!(logs.iter().map(Vec::len).sum::<usize>(), entries.len() + 1);
		assert_eq!(parties.len(), entries.len() + 1);
		assert!(parties.iter().all(Option::is_some));
		assert_eq!(deposits, DISCLOSURE_DEPOSIT * (entries.len() as u64 + 1));
	}

	#[test]
	fn an_empty_batch_fails_with_no_disclosures() {
		build_and_execute(|| {
			hospital_may_read();
			assert_noop!(batch(11, vec![]), Error::<Test>::NoDisclosures);
		});
	}

	#[test]
	fn a_denied_entry_in_the_middle_fails_with_its_reason_and_logs_nothing() {
		build_and_execute(|| {
			hospital_may_read();
			let around = |denied| {
				vec![entry(1, DataClass::Allergies), denied, entry(1, DataClass::VitalSigns)]
			};
			// The emergency grant does not name the sensitive class.
			assert_noop!(
				batch(11, around(entry(1, DataClass::MentalHealth))),
				Error::<Test>::ClassNotCovered
			);
			assert_noop!(
				batch(11, around(entry(50, DataClass::Allergies))),
				Error::<Test>::NotRegistered
			);
			assert_noop!(
				batch(
					11,
					around(DisclosureEntry {
						purpose: Purpose::Research,
						..entry(1, DataClass::Allergies)
					})
				),
				Error::<Test>::PurposeNotCovered
			);
			assert_eq!(Access::disclosure_count(&1), 0);
			assert_eq!(held(HoldReason::DisclosureDeposit, 11), 0);
			assert!(!events().iter().any(|event| matches!(event, Event::DisclosureLogged { .. })));
			// Once the emergency window is over, every entry is refused.
			Now::set(START + EMERGENCY_WINDOW);
			assert_noop!(
				batch(11, vec![entry(1, DataClass::Allergies)]),
				Error::<Test>::ConsentExpired
			);
		});
	}

	#[test]
	fn by_a_non_practitioner_fails_with_not_practitioner() {
		build_and_execute(|| {
			hospital_may_read();
			assert_noop!(
				batch(50, vec![entry(1, DataClass::Allergies)]),
				Error::<Test>::NotPractitioner
			);
			assert_noop!(
				batch(31, vec![entry(1, DataClass::Allergies)]),
				Error::<Test>::ProviderNotAccredited
			);
		});
	}

	/// The error is the one calls entry by entry would give first: a patient's own-data
	/// entry is permitted, and its caller is no practitioner, before a later entry's patient
	/// turns out unregistered.
	#[test]
	fn the_first_entry_that_would_fail_alone_names_the_error() {
		build_and_execute(|| {
			hospital_may_read();
			assert_noop!(
				batch(1, vec![entry(1, DataClass::Allergies), entry(99, DataClass::Allergies)]),
				Error::<Test>::NotPractitioner
			);
			assert_noop!(
				batch(1, vec![entry(99, DataClass::Allergies), entry(1, DataClass::Allergies)]),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn without_every_deposit_fails_and_holds_none() {
		build_and_execute(|| {
			hospital_may_read();
			// Enough for two deposits above the existential deposit, not for three.
			<Balances as Mutate<u64>>::set_balance(&POOR, 2 + 2 * DISCLOSURE_DEPOSIT);
			let three = vec![entry(1, DataClass::Allergies); 3];
			assert_noop!(batch(POOR, three), TokenError::FundsUnavailable);
			assert_eq!(held(HoldReason::DisclosureDeposit, POOR), 0);
			assert_eq!(Access::disclosure_count(&1), 0);
			// Two are paid for.
			assert_ok!(batch(POOR, vec![entry(1, DataClass::Allergies); 2]));
			assert_eq!(held(HoldReason::DisclosureDeposit, POOR), 2 * DISCLOSURE_DEPOSIT);
		});
	}

	#[test]
	fn without_ids_left_for_every_entry_fails_with_arithmetic_overflow() {
		build_and_execute(|| {
			hospital_may_read();
			System::set_block_number(u64::from(u32::MAX) + 1);
			let two = vec![entry(1, DataClass::Allergies); 2];
			assert_noop!(batch(11, two), ArithmeticError::Overflow);
		});
	}

	/// The attack: a practitioner hides an access the patient never allowed among permitted
	/// ones, hoping the batch is checked as a whole or by its first entry. Every entry is
	/// decided on its own; one refusal refuses the batch.
	#[test]
	fn an_unconsented_patient_slipped_into_a_permitted_batch_is_refused() {
		build_and_execute(|| {
			hospital_may_read();
			// Patient 3 let the clinic in, never the hospital.
			declare(21, 3);
			let mut entries = vec![entry(1, DataClass::Allergies); 3];
			entries.push(entry(3, DataClass::Allergies));
			entries.push(entry(1, DataClass::VitalSigns));
			assert_noop!(batch(11, entries.clone()), Error::<Test>::NoConsent);
			// Last, after a full page of permitted entries, or alone: refused all the same.
			entries.swap(3, 4);
			assert_noop!(batch(11, entries), Error::<Test>::NoConsent);
			assert_noop!(batch(11, vec![entry(3, DataClass::Allergies)]), Error::<Test>::NoConsent);
			assert_eq!(Access::disclosure_count(&1), 0);
			assert_eq!(Access::disclosure_count(&3), 0);
			assert_eq!(held(HoldReason::DisclosureDeposit, 11), 0);
			// The clinic may log its own access to patient 3.
			assert_ok!(batch(21, vec![entry(3, DataClass::Allergies)]));
		});
	}

	#[test]
	fn a_batch_above_max_disclosure_batch_does_not_decode() {
		let encoded = |count: u32| {
			let mut bytes = vec![10u8];
			bytes.extend(vec![entry(1, DataClass::Allergies); count as usize].encode());
			bytes
		};
		let decode = |bytes: Vec<u8>| crate::Call::<Test>::decode(&mut &bytes[..]);
		assert!(decode(encoded(MAX_DISCLOSURE_BATCH)).is_ok());
		assert!(decode(encoded(MAX_DISCLOSURE_BATCH + 1)).is_err());
	}

	/// The call is charged, before dispatch, its benchmark's weight for its shape: per patient
	/// its first entry and each further page its entries may reach, then the other entries;
	/// so a batch over many patients costs more than as many entries for one.
	#[test]
	fn is_charged_for_its_patients_their_pages_and_the_other_entries() {
		use crate::WeightInfo;
		let charged = |entries: &[DisclosureEntry<u64>]| {
			let call = crate::Call::<Test>::log_disclosures {
				entries: BoundedVec::try_from(entries.to_vec()).expect("within the bound"),
			};
			call.get_dispatch_info().call_weight
		};
		let mut previous = Weight::zero();
		for count in [1, 2, PAGE_SIZE, PAGE_SIZE.saturating_add(1), MAX_DISCLOSURE_BATCH] {
			let entries = vec![entry(1, DataClass::Allergies); count as usize];
			let further = count.saturating_sub(1).div_ceil(PAGE_SIZE);
			let shape =
				(further.saturating_add(1), count.saturating_sub(1).saturating_sub(further));
			assert_eq!(crate::Pallet::<Test>::batch_shape(&entries), shape);
			let weight = charged(&entries);
			let expected = <() as WeightInfo>::log_disclosures(shape.0).saturating_add(
				<() as WeightInfo>::log_disclosures_entries(shape.1)
					.saturating_sub(<() as WeightInfo>::log_disclosures_entries(0)),
			);
			assert_eq!(weight, expected);
			assert!(weight.ref_time() > previous.ref_time());
			previous = weight;
		}
		// Patients in any order; patient 1's second entry may reach a page of its own.
		let mixed: Vec<_> =
			[1, 2, 1, 3].into_iter().map(|p| entry(p, DataClass::Allergies)).collect();
		assert_eq!(crate::Pallet::<Test>::batch_shape(&mixed), (4, 0));
		let spread: Vec<_> = (1..=4).map(|p| entry(p, DataClass::Allergies)).collect();
		let one = vec![entry(1, DataClass::Allergies); 4];
		assert!(charged(&spread).ref_time() > charged(&one).ref_time());
	}

	/// After the call, each consent ledger the registry read is charged at its length, not at
	/// the registry's cap: here each patient's ledger holds one grant (its emergency's).
	#[test]
	fn is_refunded_what_the_ledgers_it_read_did_not_use() {
		use crate::WeightInfo;
		build_and_execute(|| {
			hospital_may_read();
			declare(11, 2);
			let entries = vec![
				entry(1, DataClass::Allergies),
				entry(2, DataClass::Allergies),
				entry(1, DataClass::VitalSigns),
			];
			let charged = Access::log_disclosures_weight(&entries);
			let bounded = BoundedVec::try_from(entries).expect("within the bound");
			let info = Access::log_disclosures(RuntimeOrigin::signed(11), bounded)
				.expect("the batch is logged");
			// The smaller of the pallet's measurement and the registry's: here the pallet's.
			let per_ledger = <() as WeightInfo>::log_disclosure(crate::mock::MAX_LEDGER)
				.saturating_sub(<() as WeightInfo>::log_disclosure(1));
			let by_registry =
				<MockConsent as salus_primitives::AccessControl<u64>>::decision_weight(
					crate::mock::MAX_LEDGER,
				)
				.saturating_sub(
					<MockConsent as salus_primitives::AccessControl<u64>>::decision_weight(1),
				);
			assert!(per_ledger.ref_time() > 0);
			assert!(per_ledger.ref_time() < by_registry.ref_time());
			let unused = Access::unused_ledger_weight(&[1, 1]);
			assert_eq!(unused, per_ledger.saturating_add(per_ledger));
			assert_eq!(info.actual_weight, Some(charged.saturating_sub(unused)));
			assert_eq!(Access::disclosures_of(&1, 0, 10).len(), 2);
		});
	}

	/// The refund is the smaller of two measurements of what a ledger costs: when the
	/// registry measures its decision cheaper than the logging benchmark's slope says, the
	/// registry's measurement bounds the refund.
	#[test]
	fn is_refunded_no_more_than_the_registry_measures_the_decision() {
		use crate::WeightInfo;
		build_and_execute(|| {
			hospital_may_read();
			DecisionSlope::set(100_000);
			let by_registry =
				<MockConsent as salus_primitives::AccessControl<u64>>::decision_weight(
					crate::mock::MAX_LEDGER,
				)
				.saturating_sub(
					<MockConsent as salus_primitives::AccessControl<u64>>::decision_weight(1),
				);
			let by_call = <() as WeightInfo>::log_disclosure(crate::mock::MAX_LEDGER)
				.saturating_sub(<() as WeightInfo>::log_disclosure(1));
			assert!(by_registry.ref_time() < by_call.ref_time());
			assert_eq!(Access::unused_ledger_weight(&[1]).ref_time(), by_registry.ref_time());
			let entries = vec![entry(1, DataClass::Allergies)];
			let charged = Access::log_disclosures_weight(&entries);
			let bounded = BoundedVec::try_from(entries).expect("within the bound");
			let info = Access::log_disclosures(RuntimeOrigin::signed(11), bounded)
				.expect("the batch is logged");
			assert_eq!(
				info.actual_weight.map(|w| w.ref_time()),
				Some(charged.ref_time().saturating_sub(by_registry.ref_time()))
			);
		});
	}

	/// A registry that reports more ledgers than the call has patients is refunded for one
	/// ledger a patient at most.
	#[test]
	fn is_refunded_for_at_most_one_ledger_a_patient() {
		build_and_execute(|| {
			hospital_may_read();
			ExtraLedgers::set(vec![0; 5]);
			let entries = vec![entry(1, DataClass::Allergies), entry(1, DataClass::VitalSigns)];
			let charged = Access::log_disclosures_weight(&entries);
			let bounded = BoundedVec::try_from(entries).expect("within the bound");
			let info = Access::log_disclosures(RuntimeOrigin::signed(11), bounded)
				.expect("the batch is logged");
			// Patient 1's ledger (one grant) is the first reported; the five lies are ignored.
			assert_eq!(
				info.actual_weight,
				Some(charged.saturating_sub(Access::unused_ledger_weight(&[1])))
			);
		});
	}

	/// The attack on the refund: it must never charge a ledger for less than its length. A
	/// full ledger (`MAX_LEDGER` grants) gets no refund, a length beyond the cap counts as the
	/// cap, and a failed call keeps the whole up-front charge.
	#[test]
	fn a_full_ledger_is_charged_in_full_and_a_failed_call_is_not_refunded() {
		build_and_execute(|| {
			hospital_may_read();
			for _ in 1..crate::mock::MAX_LEDGER {
				Grants::mutate(|grants| {
					let mut grant = grants[0].1.clone();
					grant.valid_until = START;
					grants.push((1, grant));
				});
			}
			let entries = vec![entry(1, DataClass::Allergies)];
			let charged = Access::log_disclosures_weight(&entries);
			let bounded = BoundedVec::try_from(entries.clone()).expect("within the bound");
			let info = Access::log_disclosures(RuntimeOrigin::signed(11), bounded)
				.expect("the batch is logged");
			assert_eq!(info.actual_weight, Some(charged));
			assert_eq!(
				Access::unused_ledger_weight(&[crate::mock::MAX_LEDGER.saturating_add(7)]),
				Weight::zero()
			);
			// Patient 3 never consented: the whole charge stays.
			let denied = BoundedVec::try_from(vec![entry(3, DataClass::Allergies)])
				.expect("within the bound");
			let error =
				Access::log_disclosures(RuntimeOrigin::signed(11), denied).expect_err("no consent");
			assert_eq!(error.post_info.actual_weight, None);
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
			assert_eq!(ids, vec![first_id(u64::from(PAGE_SIZE))]);
			assert_eq!(Access::disclosure_count(&1), PAGE_SIZE + 1);
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

	/// A batch logged with a record for the court (spec versions 104 to 109) whose entries
	/// span two pages keeps its record, with the pruned page's slots cleared, until its last
	/// entry's page is pruned; the court finds the entries still kept in the log either way.
	#[test]
	fn a_legacy_batch_record_over_two_pages_goes_with_its_last_page() {
		build_and_execute(|| {
			hospital_may_read();
			let entries = vec![
				crate::DisclosureEntry {
					patient: 1,
					data_class: DataClass::Allergies,
					purpose: Purpose::EmergencyTreatment,
					record: None,
				};
				PAGE_SIZE as usize * 2
			];
			assert_ok!(Access::log_disclosures(
				RuntimeOrigin::signed(11),
				entries.try_into().expect("within the bound")
			));
			// As spec version 109 logged them: ids from block 1's stride, and the call's record.
			let first = 1u64 << 32;
			for page in 0..2 {
				DisclosurePages::<Test>::mutate(1, page, |entries| {
					for (n, entry) in (0u64..).zip(entries.as_mut().unwrap().iter_mut()) {
						entry.id = first + u64::from(page * PAGE_SIZE) + n;
					}
				});
			}
			let patients = vec![Some(1u64); PAGE_SIZE as usize * 2];
			DisclosureBatches::<Test>::insert(
				first,
				crate::DisclosureBatch {
					provider: HOSPITAL,
					patients: patients.try_into().unwrap(),
				},
			);
			Now::set(START + RETENTION);
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 0));
			let record = DisclosureBatches::<Test>::get(first).expect("entries of page 1 live");
			let page = PAGE_SIZE as usize;
			assert_eq!(record.live(), page);
			assert!(record.patients[..page].iter().all(Option::is_none));
			assert_eq!(parties(1, first), None);
			let last = first + u64::from(PAGE_SIZE) * 2 - 1;
			assert_eq!(parties(1, last), Some((1, HOSPITAL)));
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 1));
			assert!(DisclosureBatches::<Test>::get(first).is_none());
			assert_eq!(parties(1, last), None);
		});
	}

	/// Pages go oldest first, so the kept ones stay consecutive for the court's search: a
	/// page above a kept one is refused, and nothing changes.
	#[test]
	fn a_page_above_a_kept_one_fails_with_page_not_oldest() {
		build_and_execute(|| {
			hospital_may_read();
			for _ in 0..PAGE_SIZE * 2 {
				assert_ok!(log(11, 1, DataClass::Allergies));
			}
			Now::set(START + RETENTION);
			assert_noop!(
				Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 1),
				Error::<Test>::PageNotOldest
			);
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 0));
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 1));
			assert_eq!(held(HoldReason::DisclosureDeposit, 11), 0);
		});
	}

	/// The court's search finds every kept entry of a long log, with some pages pruned, and
	/// nothing else: pruned entries, ids between entries and beyond the newest, other
	/// patients' entries; it never reads more pages than it is charged for.
	#[test]
	fn the_court_finds_every_kept_entry_of_a_long_log_and_nothing_else() {
		build_and_execute(|| {
			hospital_may_read();
			declare(11, 2);
			let pages = 21u32;
			for n in 0..PAGE_SIZE * pages + 2 {
				System::set_block_number(2 + u64::from(n / 3));
				assert_ok!(log(11, 1, DataClass::Allergies));
				if n % 5 == 0 {
					assert_ok!(log(12, 2, DataClass::Allergies));
				}
			}
			let all: Vec<u64> =
				Access::disclosures_of(&1, 0, 1_000).iter().map(|entry| entry.id).collect();
			Now::set(START + RETENTION);
			for page in 0..7 {
				assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, page));
			}
			let kept: Vec<u64> =
				Access::disclosures_of(&1, 0, 1_000).iter().map(|entry| entry.id).collect();
			assert_eq!(kept.len() as u32, PAGE_SIZE * (pages - 7) + 2);
			let others: Vec<u64> =
				Access::disclosures_of(&2, 0, 1_000).iter().map(|entry| entry.id).collect();
			for id in &kept {
				let (found, probes) = Access::find_disclosure(&1, *id);
				assert_eq!(found.map(|entry| (entry.id, entry.provider)), Some((*id, HOSPITAL)));
				assert!(probes <= Access::max_probes());
				assert_eq!(parties(2, *id), None);
			}
			for id in &others {
				assert_eq!(Access::find_disclosure(&1, *id).0, None);
				assert_eq!(parties(2, *id), Some((2, HOSPITAL)));
			}
			let pruned = all[..(PAGE_SIZE * 7) as usize].iter().copied();
			let gaps = kept.windows(2).filter(|w| w[1] > w[0] + 1).map(|w| w[0] + 1);
			let beyond = [kept[kept.len() - 1] + 1, u64::MAX, 0];
			for id in pruned.chain(gaps).chain(beyond) {
				assert_eq!(Access::find_disclosure(&1, id).0, None, "id {id}");
			}
			// The bound the court charges: a full search of the most pages a log can have.
			assert_eq!(Access::max_probes(), u32::BITS - (u32::MAX / PAGE_SIZE).leading_zeros());
		});
	}

	/// Entries logged before batch records (spec version 104) keep their per-entry parties:
	/// the court still finds them, new entries take ids above them, and a page holding both
	/// kinds is pruned whole.
	#[test]
	fn entries_logged_before_batch_records_keep_their_parties_until_pruned() {
		build_and_execute(|| {
			hospital_may_read();
			// Two entries as the pallet logged them before: ids 0 and 1, one record each.
			assert_ok!(log(11, 1, DataClass::Allergies));
			assert_ok!(log(12, 1, DataClass::Allergies));
			DisclosureLogs::<Test>::mutate(1, |log| {
				for (legacy, entry) in (0u64..).zip(log.filling.iter_mut()) {
					DisclosureBatches::<Test>::remove(entry.id);
					entry.id = legacy;
					DisclosureParties::<Test>::insert(legacy, (1, HOSPITAL));
				}
			});
			assert_eq!(parties(1, 1), Some((1, HOSPITAL)));
			// New calls take ids from the block number, above the old ones.
			for _ in 2..PAGE_SIZE {
				assert_ok!(log(11, 1, DataClass::Allergies));
			}
			let ids: Vec<u64> =
				Access::disclosures_of(&1, 0, 10).iter().map(|entry| entry.id).collect();
			let mut expected = vec![0, 1];
			expected.extend((2..u64::from(PAGE_SIZE)).map(first_id));
			assert_eq!(ids, expected);
			Now::set(START + RETENTION);
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 0));
			assert!(DisclosureParties::<Test>::iter().next().is_none());
			assert!(DisclosureBatches::<Test>::iter().next().is_none());
			assert_eq!(held(HoldReason::DisclosureDeposit, 11), 0);
			assert_eq!(held(HoldReason::DisclosureDeposit, 12), 0);
		});
	}
}

/// Ids come from the block number and its event count, not a counter.
mod ids {
	use super::{
		log_disclosures::{batch, entry},
		*,
	};

	/// Calls in one block take ids as far apart as they logged entries at least (each
	/// deposits its events before the next reads the count); the next block's start above
	/// every id of the last; no two entries share an id; every id is above those given before
	/// spec version 110 and below 2⁵³, so JSON and JavaScript numbers carry it exactly.
	#[test]
	fn are_unique_increasing_and_exact_in_json_without_a_counter() {
		build_and_execute(|| {
			hospital_may_read();
			let mut firsts = Vec::new();
			let mut sizes = Vec::new();
			for block in 1..4u64 {
				System::set_block_number(block);
				System::reset_events();
				for n in 0..5 {
					let first = next_id();
					assert_eq!((first - crate::DISCLOSURE_ID_BASE) >> 20, block);
					if n % 2 == 0 {
						assert_ok!(log(11, 1, DataClass::Allergies));
						sizes.push(1);
					} else {
						assert_ok!(batch(12, vec![entry(1, DataClass::Allergies); 3]));
						sizes.push(3);
					}
					firsts.push(first);
				}
			}
			assert!(
				firsts.windows(2).zip(&sizes).all(|(pair, size)| pair[1] >= pair[0] + size),
				"{firsts:?}"
			);
			let ids: Vec<u64> =
				Access::disclosures_of(&1, 0, 100).iter().map(|entry| entry.id).collect();
			assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "a log in id order");
			assert_eq!(ids.len(), 3 * (3 + 2 * 3));
			for first in firsts {
				assert_eq!(parties(1, first), Some((1, HOSPITAL)));
			}
			// The last block a u32 numbers, with as many events as ids take.
			System::set_block_number(u64::from(u32::MAX));
			set_event_count((1 << 20) - 1);
			let last = next_id();
			assert!(last < 1 << 53);
			// Spec versions 106 to 109 gave `block × 2³² + events × 64`: below the base on a
			// chain upgraded before block 2²⁰.
			const { assert!(crate::DISCLOSURE_ID_BASE >= (1 << 20) << 32) };
			assert_eq!(last as f64 as u64, last, "exact as a JSON number");
			set_event_count(1 << 20);
			assert_eq!(
				Access::first_disclosure_id(),
				Err(sp_runtime::ArithmeticError::Overflow.into())
			);
			System::set_block_number(u64::from(u32::MAX) + 1);
			set_event_count(0);
			assert_eq!(
				Access::first_disclosure_id(),
				Err(sp_runtime::ArithmeticError::Overflow.into())
			);
		});
	}

	/// A call that fails leaves no id behind, and the next call's ids do not meet any stored.
	#[test]
	fn a_failed_call_takes_no_id_from_the_next() {
		build_and_execute(|| {
			hospital_may_read();
			assert_ok!(log(11, 1, DataClass::Allergies));
			let before = next_id();
			// Patient 3 never let the hospital in.
			assert_noop!(log(11, 3, DataClass::Allergies), Error::<Test>::NoConsent);
			assert_eq!(next_id(), before);
			assert_ok!(log(11, 1, DataClass::Allergies));
			let ids: Vec<u64> =
				Access::disclosures_of(&1, 0, 10).iter().map(|entry| entry.id).collect();
			assert_eq!(ids, vec![first_id(0), first_id(1)]);
			assert!(first_id(1) > first_id(0));
		});
	}
}

/// Storage version 1: the count and the filling page fold into one record.
mod migration {
	use super::*;
	use crate::migrations::v1::{DisclosureCount, MigrateToV1, NextDisclosureId};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	/// Moves each count and partly filled last page into the log's record, keeps full
	/// pages, removes the id counter, and leaves a log that logs on from where it was.
	#[test]
	fn folds_each_count_and_filling_page_and_logging_goes_on() {
		build_and_execute(|| {
			hospital_may_read();
			// Version 0's state: patient 1 with a full page and three entries on the next,
			// patient 2 with exactly one full page.
			for _ in 0..PAGE_SIZE + 3 {
				assert_ok!(log(11, 1, DataClass::Allergies));
			}
			declare(11, 2);
			for _ in 0..PAGE_SIZE {
				assert_ok!(log(11, 2, DataClass::Allergies));
			}
			let before: Vec<Vec<crate::DisclosureOf<Test>>> =
				[1, 2].map(|patient| Access::disclosures_of(&patient, 0, 100)).to_vec();
			let filling = DisclosureLogs::<Test>::take(1).filling;
			DisclosurePages::<Test>::insert(1, 1, filling);
			DisclosureLogs::<Test>::remove(2);
			DisclosureCount::<Test>::insert(1, PAGE_SIZE + 3);
			DisclosureCount::<Test>::insert(2, PAGE_SIZE);
			NextDisclosureId::<Test>::put(5_000);
			StorageVersion::new(0).put::<Access>();

			let weight = MigrateToV1::<Test>::on_runtime_upgrade();
			assert!(weight.ref_time() > 0);
			assert_eq!(Access::on_chain_storage_version(), StorageVersion::new(1));
			assert!(!NextDisclosureId::<Test>::exists());
			assert_eq!(DisclosureCount::<Test>::iter().count(), 0);
			assert_eq!(Access::disclosure_count(&1), PAGE_SIZE + 3);
			assert_eq!(DisclosureLogs::<Test>::get(1).filling.len(), 3);
			assert!(DisclosurePages::<Test>::get(1, 1).is_none());
			assert!(DisclosurePages::<Test>::get(1, 0).is_some());
			assert_eq!(DisclosureLogs::<Test>::get(2).count, PAGE_SIZE);
			assert!(DisclosureLogs::<Test>::get(2).filling.is_empty());
			let after: Vec<Vec<crate::DisclosureOf<Test>>> =
				[1, 2].map(|patient| Access::disclosures_of(&patient, 0, 100)).to_vec();
			assert_eq!(after, before);
			Access::do_try_state().expect("invariants hold after the migration");

			// A second run changes nothing (the version says it ran).
			assert_eq!(
				MigrateToV1::<Test>::on_runtime_upgrade(),
				<Test as frame_system::Config>::DbWeight::get().reads(1)
			);
			// Logging goes on at the next place.
			assert_ok!(log(12, 1, DataClass::Allergies));
			assert_eq!(Access::disclosure_count(&1), PAGE_SIZE + 4);
			assert_eq!(Access::disclosures_of(&1, PAGE_SIZE + 3, 1)[0].accessor, 12);
		});
	}

	/// Spec 109's logs (ids `block × 2³² + events × 64`, and each call's record of parties)
	/// upgrade to version 2 untouched: new entries take ids above the old ones, the court finds
	/// old and new in the patient's log, and pruning clears the old records.
	#[test]
	fn version_2_logs_on_above_the_old_ids() {
		use crate::migrations::v2::{stored_ids_below_base, MigrateToV2};
		build_and_execute(|| {
			hospital_may_read();
			for _ in 0..PAGE_SIZE - 1 {
				assert_ok!(log(11, 1, DataClass::Allergies));
			}
			// As spec 109 logged them, at blocks 1 to 3 (one call each), with their records.
			DisclosureLogs::<Test>::mutate(1, |log| {
				for (block, entry) in (1u64..).zip(log.filling.iter_mut()) {
					entry.id = block << 32;
					let patients = vec![Some(1u64)].try_into().unwrap();
					DisclosureBatches::<Test>::insert(
						entry.id,
						crate::DisclosureBatch { provider: HOSPITAL, patients },
					);
				}
			});
			StorageVersion::new(1).put::<Access>();
			assert!(stored_ids_below_base::<Test>());

			let weight = MigrateToV2::<Test>::on_runtime_upgrade();
			assert_eq!(Access::on_chain_storage_version(), StorageVersion::new(2));
			assert!(weight.all_gte(<Test as frame_system::Config>::DbWeight::get().reads(1)));
			let new = next_id();
			assert_ok!(log(12, 1, DataClass::Allergies));
			assert!(new > 3 << 32);
			for old in [1u64 << 32, 2 << 32, 3 << 32] {
				assert_eq!(parties(1, old), Some((1, HOSPITAL)));
			}
			assert_eq!(parties(1, new), Some((1, HOSPITAL)));
			Now::set(START + RETENTION);
			assert_ok!(Access::prune_disclosures(RuntimeOrigin::signed(50), 1, 0));
			assert!(DisclosureBatches::<Test>::iter().next().is_none());
			assert_eq!(parties(1, new), None);
		});
	}

	/// The review's case: a chain still on spec 109 past block 2²⁰ holds ids at or above 2⁵²,
	/// above the new ones. The upgrade's check refuses that state, and the invariants catch a
	/// log whose ids stop growing (the court's search could not find its new entries).
	#[test]
	fn ids_above_the_new_base_are_refused_and_caught() {
		use crate::migrations::v2::stored_ids_below_base;
		new_test_ext().execute_with(|| {
			hospital_may_read();
			assert_ok!(log(11, 1, DataClass::Allergies));
			let old = ((1u64 << 20) + 1_000) << 32;
			DisclosureLogs::<Test>::mutate(1, |log| log.filling[0].id = old);
			assert!(!stored_ids_below_base::<Test>());
			let new = next_id();
			assert!(new < old);
			assert_ok!(log(11, 1, DataClass::Allergies));
			assert_eq!(parties(1, new), None);
			// The old id is above every new id the chain will give for ages: caught first as
			// an id beyond the current block's (and its log as out of order).
			assert_eq!(
				Access::do_try_state(),
				Err("a disclosure id beyond the current block's".into())
			);
		});
	}

	/// Pages go oldest first; a log whose newest full page is gone while older ones are kept
	/// would hide entries from the court's search, and the invariants say so.
	#[test]
	fn a_pruned_newest_page_below_kept_ones_is_caught() {
		new_test_ext().execute_with(|| {
			hospital_may_read();
			for _ in 0..PAGE_SIZE * 3 + 1 {
				assert_ok!(log(11, 1, DataClass::Allergies));
			}
			Access::do_try_state().expect("a log as logged");
			let gone = DisclosurePages::<Test>::take(1, 2).unwrap();
			let deposits: u64 = gone.iter().map(|entry| entry.deposit).sum();
			<Balances as frame_support::traits::fungible::MutateHold<u64>>::release(
				&HoldReason::DisclosureDeposit.into(),
				&11,
				deposits,
				frame_support::traits::tokens::Precision::Exact,
			)
			.unwrap();
			assert_eq!(parties(1, gone[0].id), None);
			assert_eq!(
				Access::do_try_state(),
				Err("the newest full page is pruned while older ones are kept".into())
			);
		});
	}
}
