//! The decision matrix: every rule of `check_access`, and their combinations, one row each.
//!
//! Each row sets up patient 1's consents in a fresh chain (ids count from 0 in the order they
//! are listed), then asks for `class` and `purpose` at time `at` on behalf of `accessor`.
//! Unless a row says otherwise, the accessor is practitioner 11 of provider 0 (an accredited
//! hospital in DE), the class is medications, the purpose treatment, and the time `START`.

use super::*;
use salus_primitives::{
	AccessBasis, AccessControl, AccessDecision, DenyReason, Grant, GrantSource, ProviderKind,
};
use DenyReason::*;

/// One consent of a row.
#[derive(Clone)]
struct Spec {
	grantee: Grantee<u64>,
	decision: Decision,
	classes: DataClassSet,
	purposes: PurposeSet,
	jurisdictions: Option<Vec<Jurisdiction>>,
	from: Option<Timestamp>,
	until: Option<Timestamp>,
	/// Revoked at this time.
	revoked: Option<Timestamp>,
	/// Made by another pallet (a request's grant) rather than granted by the patient.
	grant: Option<GrantSource>,
}

/// A Permit of medications for treatment to `grantee`, from `START - 50`, until revoked.
fn permits(grantee: Grantee<u64>) -> Spec {
	Spec {
		grantee,
		decision: Decision::Permit,
		classes: classes(&[DataClass::Medications]),
		purposes: purposes(&[Purpose::Treatment]),
		jurisdictions: None,
		from: Some(START - 50),
		until: None,
		revoked: None,
		grant: None,
	}
}

/// The same, as a Deny.
fn denies(grantee: Grantee<u64>) -> Spec {
	Spec { decision: Decision::Deny, ..permits(grantee) }
}

impl Spec {
	fn classes(self, members: &[DataClass]) -> Self {
		Self { classes: classes(members), ..self }
	}
	fn purposes(self, members: &[Purpose]) -> Self {
		Self { purposes: purposes(members), ..self }
	}
	fn within(self, members: &[Jurisdiction]) -> Self {
		Self { jurisdictions: Some(members.to_vec()), ..self }
	}
	fn from(self, at: Timestamp) -> Self {
		Self { from: Some(at), ..self }
	}
	fn until(self, at: Timestamp) -> Self {
		Self { until: Some(at), ..self }
	}
	fn revoked(self, at: Timestamp) -> Self {
		Self { revoked: Some(at), ..self }
	}
	fn requested(self, request: u64) -> Self {
		Self { grant: Some(GrantSource::Request(request)), ..self }
	}
}

/// A row of the matrix.
struct Row {
	rule: &'static str,
	consents: Vec<Spec>,
	patient: u64,
	accessor: u64,
	class: DataClass,
	purpose: Purpose,
	at: Timestamp,
	expect: AccessDecision,
}

fn row(rule: &'static str, consents: Vec<Spec>, expect: AccessDecision) -> Row {
	Row {
		rule,
		consents,
		patient: 1,
		accessor: 11,
		class: DataClass::Medications,
		purpose: Purpose::Treatment,
		at: START,
		expect,
	}
}

impl Row {
	fn accessor(self, accessor: u64) -> Self {
		Self { accessor, ..self }
	}
	fn patient(self, patient: u64) -> Self {
		Self { patient, ..self }
	}
	fn class(self, class: DataClass) -> Self {
		Self { class, ..self }
	}
	fn purpose(self, purpose: Purpose) -> Self {
		Self { purpose, ..self }
	}
	fn at(self, at: Timestamp) -> Self {
		Self { at, ..self }
	}
}

fn permit_by(id: ConsentId) -> AccessDecision {
	AccessDecision::Permit { basis: AccessBasis::Consent { id, source: GrantSource::Patient } }
}

fn deny(reason: DenyReason) -> AccessDecision {
	AccessDecision::Deny { reason }
}

fn kind(kind: ProviderKind) -> Grantee<u64> {
	Grantee::Providers { kind: Some(kind), jurisdiction: None }
}

fn located(jurisdiction: Jurisdiction) -> Grantee<u64> {
	Grantee::Providers { kind: None, jurisdiction: Some(jurisdiction) }
}

fn everyone() -> Grantee<u64> {
	Grantee::Providers { kind: None, jurisdiction: None }
}

/// Records `spec` for patient 1, as of `START - 100` (so that any validity is accepted).
fn record(spec: &Spec) {
	Now::set(START - 100);
	match spec.grant {
		None => {
			assert_ok!(Consent::grant_consent(
				RuntimeOrigin::signed(1),
				spec.grantee.clone(),
				spec.decision,
				spec.classes,
				spec.purposes,
				spec.jurisdictions.as_deref().map(jurisdictions),
				spec.from,
				spec.until,
			));
		},
		Some(source) => {
			Consent::grant(
				&1,
				Grant {
					grantee: spec.grantee.clone(),
					classes: spec.classes,
					purposes: spec.purposes,
					valid_until: spec.until.unwrap_or(Timestamp::MAX),
					source,
				},
				GrantBy::Provider,
			)
			.map(|granted| granted.id)
			.unwrap();
		},
	}
	let id = newest(1);
	if let Some(at) = spec.revoked {
		Now::set(at);
		assert_ok!(Consent::revoke_consent(RuntimeOrigin::signed(1), id));
	}
}

/// `decision` with each consent id it names replaced by that consent's place in patient 1's
/// ledger (the order the specs were recorded in): what the rows below name consents by.
fn by_place(decision: AccessDecision) -> AccessDecision {
	let ids: Vec<ConsentId> = Consent::consents_of(&1).iter().map(|consent| consent.id).collect();
	let place = |id: ConsentId| {
		ids.iter()
			.position(|known| *known == id)
			.map_or(ConsentId::MAX, |place| place as ConsentId)
	};
	use DenyReason::*;
	match decision {
		AccessDecision::Permit { basis: AccessBasis::Consent { id, source } } => {
			AccessDecision::Permit { basis: AccessBasis::Consent { id: place(id), source } }
		},
		AccessDecision::Deny { reason } => AccessDecision::Deny {
			reason: match reason {
				DeniedByConsent(id) => DeniedByConsent(place(id)),
				ClassNotCovered(id) => ClassNotCovered(place(id)),
				SensitiveClassNotNamed(id) => SensitiveClassNotNamed(place(id)),
				PurposeNotCovered(id) => PurposeNotCovered(place(id)),
				OutsideJurisdictions(id) => OutsideJurisdictions(place(id)),
				Revoked(id) => Revoked(place(id)),
				NotYetValid(id) => NotYetValid(place(id)),
				Expired(id) => Expired(place(id)),
				other => other,
			},
		},
		other => other,
	}
}

fn matrix() -> Vec<Row> {
	use DataClass::*;
	use Purpose::*;
	vec![
		// Who asks.
		row("a patient may see its own data", vec![], AccessDecision::Permit {
			basis: AccessBasis::OwnData,
		})
		.accessor(1),
		row("own data needs no consent, even a denying one", vec![denies(everyone())], AccessDecision::Permit {
			basis: AccessBasis::OwnData,
		})
		.accessor(1)
		.class(MentalHealth),
		row("an unregistered patient has no data", vec![], deny(UnknownPatient)).patient(50),
		row("a non-practitioner is refused", vec![permits(everyone())], deny(NotPractitioner))
			.accessor(2),
		row(
			"a practitioner of a provider that is not accredited is refused, consent or not",
			vec![permits(everyone())],
			deny(ProviderNotAccredited),
		)
		.accessor(31),
		row(
			"even a consent naming that provider does not help",
			vec![permits(provider(PENDING_LAB))],
			deny(ProviderNotAccredited),
		)
		.accessor(31),
		row("no consent, no access", vec![], deny(NoConsent)),
		// Grantees.
		row("a consent to the provider permits its practitioners", vec![permits(provider(HOSPITAL))], permit_by(0))
			.accessor(12),
		row("a consent to another provider does not", vec![permits(provider(CLINIC))], deny(NoConsent)),
		row("a consent to a practitioner permits it", vec![permits(Grantee::Practitioner(11))], permit_by(0)),
		row(
			"a consent to a practitioner does not permit its colleagues",
			vec![permits(Grantee::Practitioner(11))],
			deny(NoConsent),
		)
		.accessor(12),
		row("a consent to a kind permits providers of it", vec![permits(kind(ProviderKind::Hospital))], permit_by(0)),
		row("a consent to another kind does not", vec![permits(kind(ProviderKind::Clinic))], deny(NoConsent)),
		row("a consent to a jurisdiction permits providers there", vec![permits(located(de()))], permit_by(0)),
		row("a consent to another jurisdiction does not", vec![permits(located(fr()))], deny(NoConsent)),
		row(
			"a consent to a kind in a jurisdiction needs both",
			vec![permits(Grantee::Providers {
				kind: Some(ProviderKind::Hospital),
				jurisdiction: Some(fr()),
			})],
			deny(NoConsent),
		),
		row("a consent to every provider permits any accredited one", vec![permits(everyone())], permit_by(0))
			.accessor(41),
		row(
			"a research institute needs its own consent",
			vec![permits(provider(HOSPITAL)), permits(provider(RESEARCH)).purposes(&[Research])],
			permit_by(1),
		)
		.accessor(41)
		.purpose(Research),
		// Classes.
		row("a class the consent does not cover is refused", vec![permits(provider(HOSPITAL))], deny(ClassNotCovered(0)))
			.class(LabResults),
		row(
			"a sensitive class is refused unless named, even by a consent covering every other class",
			vec![permits(provider(HOSPITAL)).classes(&DataClassSet::non_sensitive().iter().collect::<Vec<_>>())],
			deny(SensitiveClassNotNamed(0)),
		)
		.class(MentalHealth),
		row(
			"a sensitive class the consent names is permitted",
			vec![permits(provider(HOSPITAL)).classes(&[Medications, MentalHealth])],
			permit_by(0),
		)
		.class(MentalHealth),
		// Purposes.
		row("a purpose the consent does not cover is refused", vec![permits(provider(HOSPITAL))], deny(PurposeNotCovered(0)))
			.purpose(Research),
		row(
			"every purpose the consent names is permitted",
			vec![permits(provider(HOSPITAL)).purposes(&[Treatment, Research])],
			permit_by(0),
		)
		.purpose(Research),
		// Data residency.
		row(
			"a provider outside the allowed jurisdictions is refused",
			vec![permits(everyone()).within(&[fr(), us()])],
			deny(OutsideJurisdictions(0)),
		),
		row(
			"a provider inside the allowed jurisdictions is permitted",
			vec![permits(everyone()).within(&[fr(), de()])],
			permit_by(0),
		),
		// Time.
		row("a consent counts from its valid-from time", vec![permits(provider(HOSPITAL)).from(START)], permit_by(0)),
		row(
			"a consent does not count before it",
			vec![permits(provider(HOSPITAL)).from(START + 1)],
			deny(NotYetValid(0)),
		),
		row("a consent counts until just before its valid-until time", vec![permits(provider(HOSPITAL)).until(START + 1)], permit_by(0)),
		row("an expired consent does not count", vec![permits(provider(HOSPITAL)).until(START)], deny(Expired(0))),
		row("a revoked consent does not count", vec![permits(provider(HOSPITAL)).revoked(START)], deny(Revoked(0))),
		row(
			"a revoked consent counted before its revocation (the history holds)",
			vec![permits(provider(HOSPITAL)).revoked(START)],
			permit_by(0),
		)
		.at(START - 1),
		// Deny overrides permit.
		row(
			"a deny overrides a permit",
			vec![permits(provider(HOSPITAL)), denies(everyone())],
			deny(DeniedByConsent(1)),
		),
		row(
			"a deny overrides a permit recorded after it",
			vec![denies(provider(HOSPITAL)), permits(Grantee::Practitioner(11))],
			deny(DeniedByConsent(0)),
		),
		row(
			"a deny overrides a grant from an approved request",
			vec![permits(provider(HOSPITAL)).requested(4), denies(provider(HOSPITAL))],
			deny(DeniedByConsent(1)),
		),
		row(
			"a deny of a practitioner leaves its colleagues permitted",
			vec![permits(provider(HOSPITAL)), denies(Grantee::Practitioner(11))],
			permit_by(0),
		)
		.accessor(12),
		row(
			"a deny of another class does not apply",
			vec![permits(provider(HOSPITAL)), denies(everyone()).classes(&[Genomics])],
			permit_by(0),
		),
		row(
			"a deny of another purpose does not apply",
			vec![permits(provider(HOSPITAL)), denies(everyone()).purposes(&[Research])],
			permit_by(0),
		),
		row(
			"a deny limited to other jurisdictions does not apply",
			vec![permits(provider(HOSPITAL)), denies(everyone()).within(&[fr()])],
			permit_by(0),
		),
		row(
			"a revoked deny does not apply",
			vec![permits(provider(HOSPITAL)), denies(everyone()).revoked(START - 1)],
			permit_by(0),
		),
		row(
			"an expired deny does not apply",
			vec![permits(provider(HOSPITAL)), denies(everyone()).until(START)],
			permit_by(0),
		),
		row(
			"a deny that has not started does not apply",
			vec![permits(provider(HOSPITAL)), denies(everyone()).from(START + 1)],
			permit_by(0),
		),
		row("a deny alone is a denial", vec![denies(provider(HOSPITAL))], deny(DeniedByConsent(0))),
		// Several consents.
		row(
			"one applying permit among failing ones is enough",
			vec![
				permits(provider(HOSPITAL)).until(START),
				permits(provider(HOSPITAL)).classes(&[LabResults]),
				permits(provider(HOSPITAL)),
			],
			permit_by(2),
		),
		row(
			"the oldest applying permit is the basis",
			vec![permits(provider(HOSPITAL)), permits(everyone())],
			permit_by(0),
		),
		row(
			"a grant from an approved request is the basis it names",
			vec![permits(provider(HOSPITAL)).requested(9).until(START + 10)],
			AccessDecision::Permit {
				basis: AccessBasis::Consent { id: 0, source: GrantSource::Request(9) },
			},
		),
		row(
			"the denial names the consent that came closest: expired beats wrong class",
			vec![
				permits(provider(HOSPITAL)).classes(&[LabResults]),
				permits(provider(HOSPITAL)).until(START),
				permits(provider(HOSPITAL)).purposes(&[Research]),
			],
			deny(Expired(1)),
		),
		row(
			"... revoked beats outside the jurisdictions",
			vec![permits(provider(HOSPITAL)).revoked(START), permits(everyone()).within(&[fr()])],
			deny(Revoked(0)),
		),
		row(
			"... among equals, the newest",
			vec![permits(provider(HOSPITAL)).until(START), permits(everyone()).until(START - 1)],
			deny(Expired(1)),
		),
		row(
			"... and consents to others do not count",
			vec![permits(provider(CLINIC)).until(START), permits(provider(HOSPITAL)).classes(&[LabResults])],
			deny(ClassNotCovered(1)),
		),
	]
}

#[test]
fn every_rule_and_combination_decides_as_specified() {
	let rows = matrix();
	assert!(rows.len() > 40);
	for row in rows {
		build_and_execute(|| {
			for spec in &row.consents {
				record(spec);
			}
			Now::set(START);
			let decision = by_place(Consent::check_access(
				&row.patient,
				&row.accessor,
				row.class,
				row.purpose,
				row.at,
			));
			assert_eq!(decision, row.expect, "rule: {}", row.rule);
		});
	}
}

#[test]
fn an_emergency_grant_covers_what_the_directive_allows() {
	build_and_execute(|| {
		assert_ok!(Consent::set_emergency_directive(
			RuntimeOrigin::signed(1),
			classes(&[DataClass::MentalHealth])
		));
		let id = Consent::grant(
			&1,
			Grant {
				grantee: provider(HOSPITAL),
				classes: Consent::emergency_classes(&1),
				purposes: purposes(&[Purpose::EmergencyTreatment]),
				valid_until: START + 60,
				source: GrantSource::Emergency(5),
			},
			GrantBy::Provider,
		)
		.map(|granted| granted.id)
		.unwrap();
		let check =
			|class| Consent::check_access(&1, &11, class, Purpose::EmergencyTreatment, START);
		let basis = AccessBasis::Consent { id, source: GrantSource::Emergency(5) };
		assert_eq!(check(DataClass::Allergies), AccessDecision::Permit { basis });
		assert_eq!(check(DataClass::MentalHealth), AccessDecision::Permit { basis });
		assert_eq!(check(DataClass::Genomics), deny(SensitiveClassNotNamed(id)));
	});
}

/// The worked example of the README, as written there.
#[test]
fn the_readme_worked_example_holds() {
	use DataClass::*;
	use Purpose::*;
	build_and_execute(|| {
		let (dave, mallory, researcher) = (11, 12, 41);
		let us_hospital_physician = 60;
		add_provider(
			us_hospital_physician,
			ProviderKind::Hospital,
			us(),
			salus_primitives::ProviderStatus::Accredited,
		);
		let end_of_year = START + 1_000;
		for spec in [
			permits(kind(ProviderKind::Hospital))
				.classes(&[Medications, LabResults])
				.within(&[de(), fr()]),
			denies(Grantee::Practitioner(mallory))
				.classes(&DataClassSet::full().iter().collect::<Vec<_>>())
				.purposes(&PurposeSet::full().iter().collect::<Vec<_>>()),
			permits(provider(RESEARCH))
				.classes(&[LabResults, Genomics])
				.purposes(&[Research])
				.until(end_of_year),
		] {
			record(&spec);
		}
		Now::set(START);
		let check = |accessor, class, purpose, at| {
			by_place(Consent::check_access(&1, &accessor, class, purpose, at))
		};
		assert_eq!(check(dave, LabResults, Treatment, START), permit_by(0));
		assert_eq!(check(dave, MentalHealth, Treatment, START), deny(SensitiveClassNotNamed(0)));
		assert_eq!(check(mallory, LabResults, Treatment, START), deny(DeniedByConsent(1)));
		assert_eq!(
			check(us_hospital_physician, LabResults, Treatment, START),
			deny(OutsideJurisdictions(0))
		);
		assert_eq!(check(researcher, Genomics, Research, START), permit_by(2));
		assert_eq!(check(researcher, Genomics, Research, end_of_year + 1), deny(Expired(2)));
		let first = Consent::consents_of(&1)[0].id;
		assert_ok!(Consent::revoke_consent(RuntimeOrigin::signed(1), first));
		assert_eq!(check(dave, LabResults, Treatment, START), deny(Revoked(0)));
	});
}

/// A batch answers each query as `check_access` does on its own, in the order asked, whatever
/// the mix: patients with ledgers of every kind, an unregistered one, the patient asking about
/// itself, practitioners of accredited and unaccredited providers and an account that is none;
/// queries of one patient scattered through the batch.
#[test]
fn a_batch_answers_each_query_as_check_access_does_alone() {
	build_and_execute(|| {
		permit(1, provider(HOSPITAL));
		grant(1, Grantee::Practitioner(12), Decision::Deny, None, None);
		grant(2, provider(CLINIC), Decision::Permit, None, Some(START + 10));
		let revoked = permit(2, provider(HOSPITAL));
		assert_ok!(Consent::revoke_consent(RuntimeOrigin::signed(2), revoked));
		grant(3, provider(HOSPITAL), Decision::Permit, Some(START + 20), None);

		let patients = [3, 1, 50, 2];
		let accessors = [11, 12, 21, 31, 41, 50, 1, 2];
		let mut queries = Vec::new();
		for (i, class) in [DataClass::Medications, DataClass::LabResults, DataClass::Genomics]
			.into_iter()
			.enumerate()
		{
			for &accessor in &accessors {
				for &patient in &patients {
					let purpose = if (i as u64).saturating_add(accessor).is_multiple_of(2) {
						Purpose::Treatment
					} else {
						Purpose::Research
					};
					queries.push(salus_primitives::AccessQuery {
						patient,
						accessor,
						data_class: class,
						purpose,
					});
				}
			}
		}
		for at in [START, START + 15, START + 30] {
			let one_by_one: Vec<_> = queries
				.iter()
				.map(|q| {
					Consent::check_access(&q.patient, &q.accessor, q.data_class, q.purpose, at)
				})
				.collect();
			assert_eq!(Consent::check_access_many(&queries, at), one_by_one);
			let kinds: std::collections::BTreeSet<String> =
				one_by_one.iter().map(|d| format!("{d:?}")).collect();
			assert!(kinds.len() >= 6, "the mix decides many ways: {kinds:?}");
		}
		assert!(Consent::check_access_many(&[], START).is_empty());
		// What the registry reports it read, for callers' refunds: each registered patient's
		// ledger once, at its length, whoever asked how often (patient 50 is not registered).
		// Patient 1's ledger is made longer than the others', so a patient reported twice and
		// another never would show.
		let many = <Consent as salus_primitives::AccessControl<u64>>::check_access_many;
		grant(1, provider(CLINIC), Decision::Permit, None, None);
		grant(1, provider(CLINIC), Decision::Permit, None, None);
		let decisions = many(&queries, START);
		let mut read = decisions.ledgers.clone();
		read.sort();
		let mut expected: Vec<u32> = [1, 2, 3].iter().map(|p| consent_count(*p) as u32).collect();
		expected.sort();
		assert_eq!(read, expected);
		assert!(consent_count(1) > consent_count(2) && consent_count(1) > consent_count(3));
		assert_eq!(decisions.answers, Consent::check_access_many(&queries, START));
		// A patient asking about itself, or an accessor who is no practitioner, needs no
		// ledger: none is reported.
		let query = |patient, accessor| salus_primitives::AccessQuery {
			patient,
			accessor,
			data_class: DataClass::Medications,
			purpose: Purpose::Treatment,
		};
		assert!(many(&[query(1, 1), query(2, 2)], START).ledgers.is_empty());
		assert!(many(&[query(1, 50)], START).ledgers.is_empty());
		assert_eq!(
			many(&[query(1, 11), query(1, 11), query(1, 12)], START).ledgers,
			vec![consent_count(1) as u32]
		);
		assert_eq!(
			<Consent as salus_primitives::AccessControl<u64>>::max_ledger_len(),
			<crate::ConsentCap<Test> as frame_support::traits::Get<u32>>::get()
		);
	});
}
