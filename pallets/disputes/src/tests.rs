//! Every call's success and error paths (state unchanged on error), the lifecycles (upheld,
//! rejected, no quorum → referral → lapse (an emergency: referred again), appeals reversed, confirmed and unruled), and an
//! attack test for each finding of the December 2026 review the court answers.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{InspectHold, Mutate},
		ChangeMembers,
	},
};
use salus_primitives::{
	DisputeGateway, DisputeId, DisputeSubject, PatientLifecycle, ProviderLifecycle, ProviderStatus,
};
use sp_core::H256;
use sp_runtime::{DispatchError, Perbill, TokenError};

/// Provider 1, the clinic whose practitioner is 21.
const CLINIC: salus_primitives::ProviderId = 1;

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn evidence(byte: u8) -> H256 {
	H256::repeat_byte(byte)
}

/// Patient 1 disputes `subject` against the hospital with `open_dispute`; returns the dispute.
fn open(subject: DisputeSubject) -> DisputeId {
	assert_ok!(Disputes::open_dispute(signed(1), HOSPITAL, subject, evidence(1)));
	NextDisputeId::<Test>::get().saturating_sub(1)
}

/// Patient 1 contests [`EMERGENCY`] through the access pallet; returns the dispute.
fn contest() -> DisputeId {
	<Disputes as DisputeGateway<u64>>::open(&1, HOSPITAL, EMERGENCY, evidence(1)).unwrap()
}

fn escalate(patient: u64, subject: DisputeSubject) -> Result<DisputeId, DispatchError> {
	<Disputes as DisputeGateway<u64>>::escalate(&patient, HOSPITAL, subject)
}

fn stage(id: DisputeId) -> StageOf<Test> {
	OpenDisputes::<Test>::get(id).unwrap().stage
}

/// Moves to the block after dispute `id`'s current stage (or its evidence period) ends.
fn past(id: DisputeId) {
	let ends = match stage(id) {
		Stage::Open { evidence_ends, voting_ends } => {
			if System::block_number() <= evidence_ends {
				evidence_ends
			} else {
				voting_ends
			}
		},
		Stage::Referred { ends } | Stage::Appealed { ends, .. } => ends,
		Stage::Decided { appeal_ends, .. } => appeal_ends,
	};
	System::set_block_number(ends.saturating_add(1));
}

/// The first `count` arbitrators vote `verdict` on `id` (in its voting period).
fn votes(id: DisputeId, count: usize, verdict: Verdict) {
	for arbitrator in ARBITRATORS.iter().take(count) {
		assert_ok!(Disputes::vote(signed(*arbitrator), id, verdict));
	}
}

fn close(id: DisputeId) {
	assert_ok!(Disputes::close_dispute(signed(NOBODY), id));
}

/// Opens a dispute about [`DISCLOSURE`] and lets `count` arbitrators decide `verdict` on it.
fn decided(count: usize, verdict: Verdict) -> DisputeId {
	let id = open(DISCLOSURE);
	past(id);
	votes(id, count, verdict);
	past(id);
	close(id);
	assert!(matches!(stage(id), Stage::Decided { verdict: v, .. } if v == verdict));
	id
}

fn held(reason: HoldReason, who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::Disputes(reason), &who)
}

fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}

fn resolved() -> Option<(DisputeId, Verdict, bool, Settlement<u64>)> {
	System::events().into_iter().rev().find_map(|record| match record.event {
		RuntimeEvent::Disputes(Event::DisputeResolved { id, verdict, lapsed, settlement }) => {
			Some((id, verdict, lapsed, settlement))
		},
		_ => None,
	})
}

fn status(provider: salus_primitives::ProviderId) -> ProviderStatus {
	<MockIdentity as salus_primitives::ProviderRegistry<u64>>::profile(provider)
		.unwrap()
		.status
}

fn patient_obligations(who: u64) -> bool {
	<Disputes as PatientLifecycle<u64>>::has_obligations(&who)
}

fn provider_obligations(provider: salus_primitives::ProviderId) -> bool {
	<Disputes as ProviderLifecycle>::has_obligations(provider)
}

fn tally(id: DisputeId) -> Tally {
	Tally::of::<Test>(&OpenDisputes::<Test>::get(id).unwrap())
}

mod open_dispute {
	use super::*;

	#[test]
	fn holds_the_bond_and_opens_the_evidence_period() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			assert_eq!(id, 0);
			let dispute = OpenDisputes::<Test>::get(id).unwrap();
			assert_eq!(dispute.claimant, 1);
			assert_eq!(dispute.bond, DISPUTE_BOND);
			assert_eq!(dispute.admin, Some(11));
			assert!(dispute.conflicted.is_empty());
			assert_eq!(dispute.evidence.to_vec(), vec![(Party::Claimant, evidence(1))]);
			assert_eq!(
				dispute.stage,
				Stage::Open {
					evidence_ends: 1 + EVIDENCE_PERIOD,
					voting_ends: 1 + EVIDENCE_PERIOD + VOTING_PERIOD
				}
			);
			assert_eq!(held(HoldReason::DisputeBond, 1), DISPUTE_BOND);
			assert_eq!(ClaimantDisputes::<Test>::get(1), Some(OpenBy { total: 1, claims: 1 }));
			assert_eq!(
				RespondentDisputes::<Test>::get(HOSPITAL),
				Some(OpenAgainst { total: 1, conduct: 0 })
			);
			assert_eq!(Subjects::<Test>::get(DISCLOSURE), Some(id));
			System::assert_last_event(
				Event::DisputeOpened {
					id,
					claimant: 1,
					respondent: HOSPITAL,
					subject: DISCLOSURE,
					bond: DISPUTE_BOND,
					evidence_ends: 1 + EVIDENCE_PERIOD,
					voting_ends: 1 + EVIDENCE_PERIOD + VOTING_PERIOD,
				}
				.into(),
			);
		});
	}

	#[test]
	fn a_practitioner_of_another_accredited_provider_may_dispute_conduct() {
		build_and_execute(|| {
			assert_ok!(Disputes::open_dispute(
				signed(21),
				HOSPITAL,
				DisputeSubject::Conduct,
				evidence(2)
			));
			assert_eq!(held(HoldReason::DisputeBond, 21), DISPUTE_BOND);
			assert_eq!(
				RespondentDisputes::<Test>::get(HOSPITAL),
				Some(OpenAgainst { total: 1, conduct: 1 })
			);
		});
	}

	#[test]
	fn conduct_may_be_disputed_again_but_an_act_only_once() {
		build_and_execute(|| {
			for _ in 0..2 {
				assert_ok!(Disputes::open_dispute(
					signed(2),
					HOSPITAL,
					DisputeSubject::Conduct,
					evidence(1)
				));
			}
			assert_eq!(Subjects::<Test>::iter().count(), 0);
			open(DISCLOSURE);
			assert_noop!(
				Disputes::open_dispute(signed(1), HOSPITAL, DISCLOSURE, evidence(1)),
				Error::<Test>::AlreadyDisputed
			);
		});
	}

	#[test]
	fn an_emergency_is_disputed_only_through_the_access_pallet() {
		build_and_execute(|| {
			assert_noop!(
				Disputes::open_dispute(signed(1), HOSPITAL, EMERGENCY, evidence(1)),
				Error::<Test>::SubjectIsEmergency
			);
		});
	}

	#[test]
	fn only_patients_and_practitioners_of_accredited_providers_dispute_conduct() {
		build_and_execute(|| {
			for who in [NOBODY, 31] {
				assert_noop!(
					Disputes::open_dispute(
						signed(who),
						HOSPITAL,
						DisputeSubject::Conduct,
						evidence(1)
					),
					Error::<Test>::NotEligible
				);
			}
		});
	}

	#[test]
	fn a_patient_who_works_for_the_provider_may_still_dispute_it() {
		build_and_execute(|| {
			registry::register_patient(12);
			assert_ok!(Disputes::open_dispute(
				signed(12),
				HOSPITAL,
				DisputeSubject::Conduct,
				evidence(1)
			));
			let id = NextDisputeId::<Test>::get() - 1;
			// As the claimant it is a party; it files evidence as the claimant.
			assert_ok!(Disputes::submit_evidence(signed(12), id, evidence(2)));
			assert_eq!(
				OpenDisputes::<Test>::get(id).unwrap().evidence.last(),
				Some(&(Party::Claimant, evidence(2)))
			);
		});
	}

	#[test]
	fn the_respondent_must_exist_and_not_be_the_claimants_own_provider() {
		build_and_execute(|| {
			assert_noop!(
				Disputes::open_dispute(signed(1), 9, DisputeSubject::Conduct, evidence(1)),
				Error::<Test>::ProviderNotFound
			);
			assert_noop!(
				Disputes::open_dispute(signed(12), HOSPITAL, DisputeSubject::Conduct, evidence(1)),
				Error::<Test>::OwnProvider
			);
		});
	}

	#[test]
	fn a_claimant_has_at_most_its_share_of_open_disputes() {
		build_and_execute(|| {
			for _ in 0..MAX_PER_CLAIMANT {
				open(DisputeSubject::Conduct);
			}
			assert_noop!(
				Disputes::open_dispute(signed(1), HOSPITAL, DISCLOSURE, evidence(1)),
				Error::<Test>::TooManyClaimantDisputes
			);
		});
	}

	/// Red-team finding 1: a hold ignores locks, and a dispute bond may be forfeited to the
	/// arbitrators, so a bond of vesting funds would move them to accomplices. The bond is held
	/// from liquid funds only.
	#[test]
	fn a_dispute_bond_of_locked_funds_fails_with_frozen() {
		build_and_execute(|| {
			use frame_support::traits::{LockableCurrency, WithdrawReasons};
			<Balances as LockableCurrency<u64>>::set_lock(
				*b"vesting ",
				&1,
				ENDOWMENT - DISPUTE_BOND / 2,
				WithdrawReasons::all(),
			);
			assert_noop!(
				Disputes::open_dispute(signed(1), HOSPITAL, DisputeSubject::Conduct, evidence(1)),
				sp_runtime::TokenError::Frozen
			);
		});
	}

	/// Was `the_court_holds_at_most_max_open_disputes`: the global cap is gone; a provider
	/// answers at most `MAX_CONDUCT` conduct disputes at once, and nothing else is refused.
	#[test]
	fn a_respondent_answers_at_most_its_share_of_conduct_disputes() {
		build_and_execute(|| {
			for claimant in [1, 1, 2] {
				assert_ok!(Disputes::open_dispute(
					signed(claimant),
					HOSPITAL,
					DisputeSubject::Conduct,
					evidence(1)
				));
			}
			assert_noop!(
				Disputes::open_dispute(signed(21), HOSPITAL, DisputeSubject::Conduct, evidence(1)),
				Error::<Test>::TooManyConductDisputes
			);
			// Another provider's share is its own.
			assert_ok!(Disputes::open_dispute(signed(21), 2, DisputeSubject::Conduct, evidence(1)));
			// Acts are not counted against the share: a disclosure claim, a contest (patient
			// 1 is at its own share of claims) and an escalation still open.
			assert_ok!(Disputes::open_dispute(signed(2), HOSPITAL, OTHER_DISCLOSURE, evidence(1)));
			contest();
			record_act(DisputeSubject::Emergency(6), 2, HOSPITAL);
			assert_ok!(escalate(2, DisputeSubject::Emergency(6)));
			assert_eq!(
				RespondentDisputes::<Test>::get(HOSPITAL),
				Some(OpenAgainst { total: 6, conduct: MAX_CONDUCT })
			);
		});
	}

	#[test]
	fn the_dispute_ids_do_not_wrap_around() {
		build_and_execute(|| {
			NextDisputeId::<Test>::put(DisputeId::MAX);
			assert_noop!(
				Disputes::open_dispute(signed(1), HOSPITAL, DISCLOSURE, evidence(1)),
				sp_runtime::ArithmeticError::Overflow
			);
		});
	}

	#[test]
	fn the_bond_must_be_free_to_hold() {
		build_and_execute(|| {
			assert_noop!(
				Disputes::open_dispute(
					signed(POOR),
					HOSPITAL,
					DisputeSubject::Conduct,
					evidence(1)
				),
				TokenError::FundsUnavailable
			);
		});
	}

	#[test]
	fn the_access_pallet_opens_with_a_bond_and_escalates_without() {
		build_and_execute(|| {
			let contested = contest();
			assert_eq!(held(HoldReason::DisputeBond, 1), DISPUTE_BOND);
			// Escalations are not counted against the patient's share.
			for _ in 1..MAX_PER_CLAIMANT {
				open(DisputeSubject::Conduct);
			}
			record_act(DisputeSubject::Emergency(6), 1, HOSPITAL);
			let escalated = escalate(1, DisputeSubject::Emergency(6)).unwrap();
			let dispute = OpenDisputes::<Test>::get(escalated).unwrap();
			assert_eq!((dispute.bond, dispute.evidence.len()), (0, 0));
			assert_eq!(held(HoldReason::DisputeBond, 1), MAX_PER_CLAIMANT as u64 * DISPUTE_BOND);
			assert_ne!(contested, escalated);
			assert!(patient_obligations(1));
		});
	}

	#[test]
	fn the_court_takes_up_on_its_own_only_emergencies() {
		build_and_execute(|| {
			for subject in [DisputeSubject::Conduct, DISCLOSURE] {
				assert_noop!(escalate(1, subject), Error::<Test>::EmergencyNotFound);
			}
		});
	}

	#[test]
	fn escalations_and_contests_cannot_crowd_out_a_patients_own_claims() {
		build_and_execute(|| {
			// Providers let emergencies on patient 1 go unreviewed; patient 1 contests one.
			for id in 6..10 {
				record_act(DisputeSubject::Emergency(id), 1, HOSPITAL);
				assert_ok!(escalate(1, DisputeSubject::Emergency(id)));
			}
			contest();
			// Its own claims still have their whole share.
			open(DISCLOSURE);
			open(DisputeSubject::Conduct);
			assert_eq!(ClaimantDisputes::<Test>::get(1), Some(OpenBy { total: 7, claims: 2 }));
			assert_noop!(
				Disputes::open_dispute(signed(1), HOSPITAL, DisputeSubject::Conduct, evidence(1)),
				Error::<Test>::TooManyClaimantDisputes
			);
		});
	}
}

/// Finding 1: only the patient concerned disputes an act, only against the provider that did
/// it; a contest or an escalation cannot be pre-empted, and an escalation never fails for a
/// dispute its patient already opened.
mod squatting {
	use super::*;

	#[test]
	fn a_stranger_cannot_squat_the_dispute_about_an_emergency() {
		build_and_execute(|| {
			// The accomplice (patient 2) and a rival practitioner (21) try to take up the
			// emergency declared on patient 1, or the next one, before patient 1 can.
			for who in [2, 21] {
				assert_noop!(
					Disputes::open_dispute(signed(who), HOSPITAL, EMERGENCY, evidence(9)),
					Error::<Test>::SubjectIsEmergency
				);
			}
			assert_noop!(
				<Disputes as DisputeGateway<u64>>::open(&2, HOSPITAL, EMERGENCY, evidence(9)),
				Error::<Test>::NotPatient
			);
			assert_noop!(
				<Disputes as DisputeGateway<u64>>::open(
					&2,
					HOSPITAL,
					DisputeSubject::Emergency(6),
					evidence(9)
				),
				Error::<Test>::EmergencyNotFound
			);
			assert_noop!(escalate(2, EMERGENCY), Error::<Test>::NotPatient);
			// The patient's contest goes through, against the hospital.
			let id = contest();
			assert_eq!(Subjects::<Test>::get(EMERGENCY), Some(id));
			assert_eq!(OpenDisputes::<Test>::get(id).unwrap().claimant, 1);
		});
	}

	/// The court looks a disclosure up in the claimant's log, which may read many pages: a
	/// claim is charged for the longest look-up, and one about conduct, which looks nothing
	/// up, gets it back.
	#[test]
	fn only_a_claim_about_a_disclosure_pays_for_its_look_up() {
		build_and_execute(|| {
			let charged = Disputes::open_dispute_weight();
			let lookup = sp_runtime::Weight::from_parts(LOOKUP_WEIGHT, 0);
			assert!(charged.all_gte(lookup));
			let about_disclosure =
				Disputes::open_dispute(signed(1), HOSPITAL, DISCLOSURE, evidence(1)).unwrap();
			assert_eq!(about_disclosure.actual_weight, None);
			let about_conduct =
				Disputes::open_dispute(signed(1), CLINIC, DisputeSubject::Conduct, evidence(2))
					.unwrap();
			assert_eq!(about_conduct.actual_weight, Some(charged - lookup));
		});
	}

	#[test]
	fn a_stranger_cannot_squat_the_dispute_about_a_disclosure() {
		build_and_execute(|| {
			// Another patient and a practitioner do not find it: the court looks a disclosure
			// up in the claimant's own log, so only its patient learns that it exists.
			assert_noop!(
				Disputes::open_dispute(signed(2), HOSPITAL, DISCLOSURE, evidence(9)),
				Error::<Test>::DisclosureNotFound
			);
			assert_noop!(
				Disputes::open_dispute(signed(21), HOSPITAL, DISCLOSURE, evidence(9)),
				Error::<Test>::DisclosureNotFound
			);
			// Ids logged later cannot be taken in advance.
			assert_noop!(
				Disputes::open_dispute(
					signed(2),
					HOSPITAL,
					DisputeSubject::Disclosure(7),
					evidence(9)
				),
				Error::<Test>::DisclosureNotFound
			);
			open(DISCLOSURE);
		});
	}

	#[test]
	fn an_act_is_disputed_only_against_the_provider_that_did_it() {
		build_and_execute(|| {
			assert_noop!(
				Disputes::open_dispute(signed(1), CLINIC, DISCLOSURE, evidence(1)),
				Error::<Test>::WrongRespondent
			);
			assert_noop!(
				<Disputes as DisputeGateway<u64>>::open(&1, CLINIC, EMERGENCY, evidence(1)),
				Error::<Test>::WrongRespondent
			);
			assert_noop!(
				<Disputes as DisputeGateway<u64>>::escalate(&1, CLINIC, EMERGENCY),
				Error::<Test>::WrongRespondent
			);
		});
	}

	#[test]
	fn an_escalation_of_an_act_its_patient_disputed_returns_that_dispute() {
		build_and_execute(|| {
			AppealPeriod::set(0);
			let id = contest();
			let next = NextDisputeId::<Test>::get();
			System::reset_events();
			assert_eq!(escalate(1, EMERGENCY), Ok(id));
			assert_eq!(NextDisputeId::<Test>::get(), next);
			assert!(System::events().is_empty());
			// Still after the verdict: the act was judged.
			past(id);
			votes(id, 3, Verdict::Upheld);
			past(id);
			close(id);
			assert_eq!(resolved().map(|(done, ..)| done), Some(id));
			assert_eq!(escalate(1, EMERGENCY), Ok(id));
			assert_eq!(NextDisputeId::<Test>::get(), next);
		});
	}

	#[test]
	fn a_contest_after_an_escalation_is_already_disputed() {
		build_and_execute(|| {
			let id = escalate(1, EMERGENCY).unwrap();
			assert_noop!(
				<Disputes as DisputeGateway<u64>>::open(&1, HOSPITAL, EMERGENCY, evidence(1)),
				Error::<Test>::AlreadyDisputed
			);
			assert_eq!(Subjects::<Test>::get(EMERGENCY), Some(id));
		});
	}
}

/// Finding 2 and 14e: who has a stake in the respondent does not vote, the conflict set a
/// dispute opened with cannot be changed by a party, and conflicts shrink the quorum instead of
/// blocking it.
mod conflicts {
	use super::*;

	#[test]
	fn a_respondent_cannot_disqualify_arbitrators_by_hiring_them() {
		build_and_execute(|| {
			let id = open(DisputeSubject::Conduct);
			// The hospital's admin makes three of the five arbitrators its practitioners.
			for arbitrator in [101, 102, 103] {
				registry::add_practitioner(arbitrator, HOSPITAL);
			}
			past(id);
			for arbitrator in [101, 102, 103] {
				assert_noop!(
					Disputes::vote(signed(arbitrator), id, Verdict::Rejected),
					Error::<Test>::ConflictOfInterest
				);
			}
			// The two left decide: 60 % of two is two.
			for arbitrator in [104, 105] {
				assert_ok!(Disputes::vote(signed(arbitrator), id, Verdict::Upheld));
			}
			past(id);
			close(id);
			assert!(matches!(stage(id), Stage::Decided { verdict: Verdict::Upheld, .. }));
		});
	}

	#[test]
	fn an_arbitrator_with_a_stake_in_the_respondent_does_not_vote() {
		build_and_execute(|| {
			// 101 works for the hospital; 102 bonds it (or acts for its family); 103 brings
			// the claim.
			registry::add_practitioner(101, HOSPITAL);
			registry::affiliate(102, HOSPITAL);
			registry::register_patient(103);
			Balances::set_balance(&103, ENDOWMENT);
			assert_ok!(Disputes::open_dispute(
				signed(103),
				HOSPITAL,
				DisputeSubject::Conduct,
				evidence(1)
			));
			let id = NextDisputeId::<Test>::get() - 1;
			assert_eq!(OpenDisputes::<Test>::get(id).unwrap().conflicted.to_vec(), vec![101, 102]);
			past(id);
			for arbitrator in [101, 102, 103] {
				assert_noop!(
					Disputes::vote(signed(arbitrator), id, Verdict::Rejected),
					Error::<Test>::ConflictOfInterest
				);
			}
			assert_eq!(tally(id).eligible, 2);
		});
	}

	#[test]
	fn a_conflict_at_the_opening_cannot_be_shed_to_vote() {
		build_and_execute(|| {
			registry::add_practitioner(101, HOSPITAL);
			let id = open(DisputeSubject::Conduct);
			// It moves to the clinic: no stake now, but it had one when the dispute opened.
			registry::add_practitioner(101, CLINIC);
			past(id);
			assert_noop!(
				Disputes::vote(signed(101), id, Verdict::Rejected),
				Error::<Test>::ConflictOfInterest
			);
			assert_eq!(tally(id).eligible, 4);
		});
	}

	#[test]
	fn votes_cast_before_a_conflict_do_not_count() {
		build_and_execute(|| {
			let id = open(DisputeSubject::Conduct);
			past(id);
			votes(id, 3, Verdict::Rejected);
			// 101 is hired by the hospital after it voted: its vote stops counting.
			registry::add_practitioner(101, HOSPITAL);
			assert_eq!((tally(id).rejected, tally(id).eligible), (2, 4), "three of four must vote");
			assert_eq!(tally(id).verdict(), None);
			assert_ok!(Disputes::vote(signed(104), id, Verdict::Upheld));
			assert_ok!(Disputes::vote(signed(105), id, Verdict::Upheld));
			past(id);
			close(id);
			// Two Upheld against two counted Rejected: a tie rejects; 101 is not counted.
			System::assert_last_event(
				Event::DisputeDecided {
					id,
					verdict: Verdict::Rejected,
					upheld: 2,
					rejected: 2,
					appeal_ends: System::block_number() + APPEAL_WINDOW,
				}
				.into(),
			);
			// Its fee share goes only to the counted majority.
			let before = free(101);
			past(id);
			close(id);
			assert_eq!(free(101), before);
		});
	}

	#[test]
	fn an_arbitrator_who_is_a_party_does_not_vote() {
		build_and_execute(|| {
			registry::add_practitioner(101, HOSPITAL);
			let id = open(DISCLOSURE);
			past(id);
			assert_noop!(
				Disputes::vote(signed(101), id, Verdict::Rejected),
				Error::<Test>::ConflictOfInterest
			);
		});
	}
}

/// Finding 7: no party can exhaust the court; a claim nobody judges still costs its claimant.
mod capacity {
	use super::*;

	#[test]
	fn sybils_cannot_fill_the_court_against_contests() {
		build_and_execute(|| {
			// Ten sybil patients open as many conduct disputes as they can against every
			// provider.
			let sybils: Vec<u64> = (60..70).collect();
			for sybil in sybils.iter() {
				registry::register_patient(*sybil);
				Balances::set_balance(sybil, ENDOWMENT);
				for provider in [HOSPITAL, CLINIC, 2] {
					let _ = Disputes::open_dispute(
						signed(*sybil),
						provider,
						DisputeSubject::Conduct,
						evidence(6),
					);
				}
			}
			assert_noop!(
				Disputes::open_dispute(signed(69), HOSPITAL, DisputeSubject::Conduct, evidence(6)),
				Error::<Test>::TooManyConductDisputes
			);
			// The court holds only each provider's share of them...
			assert_eq!(OpenDisputes::<Test>::count(), 3 * MAX_CONDUCT);
			// ...and every contest, escalation and disclosure claim still opens.
			contest();
			record_act(DisputeSubject::Emergency(6), 2, HOSPITAL);
			assert_ok!(escalate(2, DisputeSubject::Emergency(6)));
			assert_ok!(Disputes::open_dispute(signed(1), HOSPITAL, DISCLOSURE, evidence(1)));
		});
	}

	#[test]
	fn a_lapsed_conduct_dispute_costs_its_claimant_part_of_its_bond() {
		build_and_execute(|| {
			let id = open(DisputeSubject::Conduct);
			past(id);
			past(id);
			close(id);
			past(id);
			let before = (free(1), free(TREASURY));
			close(id);
			let forfeited = LapseForfeit::get().mul_floor(DISPUTE_BOND);
			let settlement = Settlement {
				refunded: DISPUTE_BOND - forfeited,
				to_treasury: forfeited,
				..Default::default()
			};
			assert_eq!(resolved(), Some((id, Verdict::Rejected, true, settlement)));
			assert_eq!(free(1), before.0 + DISPUTE_BOND - forfeited);
			assert_eq!(free(TREASURY), before.1 + forfeited);
			assert_eq!(held(HoldReason::DisputeBond, 1), 0);
		});
	}
}

mod submit_evidence {
	use super::*;

	#[test]
	fn both_parties_file_evidence_in_the_evidence_period() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			assert_ok!(Disputes::submit_evidence(signed(12), id, evidence(2)));
			assert_ok!(Disputes::submit_evidence(signed(1), id, evidence(3)));
			System::assert_last_event(
				Event::EvidenceSubmitted { id, party: Party::Claimant, evidence: evidence(3) }
					.into(),
			);
			assert_eq!(
				OpenDisputes::<Test>::get(id).unwrap().evidence.to_vec(),
				vec![
					(Party::Claimant, evidence(1)),
					(Party::Respondent, evidence(2)),
					(Party::Claimant, evidence(3))
				]
			);
		});
	}

	/// The admin answers for its provider in court though it does not practise there; once it
	/// hands the provider over, its successor does and it no longer may.
	#[test]
	fn the_respondents_admin_files_evidence_while_it_is_the_admin() {
		build_and_execute(|| {
			registry::set_admin(HOSPITAL, NOBODY);
			let id = open(DISCLOSURE);
			assert_ok!(Disputes::submit_evidence(signed(NOBODY), id, evidence(2)));
			System::assert_last_event(
				Event::EvidenceSubmitted { id, party: Party::Respondent, evidence: evidence(2) }
					.into(),
			);
			registry::set_admin(HOSPITAL, 2);
			assert_noop!(
				Disputes::submit_evidence(signed(NOBODY), id, evidence(3)),
				Error::<Test>::NotParty
			);
		});
	}

	/// An admin who brings a claim against its own provider files as the claimant.
	#[test]
	fn an_admin_who_is_the_claimant_files_as_the_claimant() {
		build_and_execute(|| {
			registry::set_admin(HOSPITAL, 1);
			let id = open(DISCLOSURE);
			assert_ok!(Disputes::submit_evidence(signed(1), id, evidence(2)));
			System::assert_last_event(
				Event::EvidenceSubmitted { id, party: Party::Claimant, evidence: evidence(2) }
					.into(),
			);
		});
	}

	#[test]
	fn only_parties_file_evidence() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			for who in [NOBODY, 21, ARBITRATORS[0]] {
				assert_noop!(
					Disputes::submit_evidence(signed(who), id, evidence(2)),
					Error::<Test>::NotParty
				);
			}
			assert_noop!(
				Disputes::submit_evidence(signed(1), 9, evidence(2)),
				Error::<Test>::DisputeNotFound
			);
		});
	}

	#[test]
	fn late_evidence_is_refused() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			past(id);
			assert_noop!(
				Disputes::submit_evidence(signed(12), id, evidence(2)),
				Error::<Test>::EvidencePeriodOver
			);
			votes(id, 3, Verdict::Upheld);
			past(id);
			close(id);
			assert_noop!(
				Disputes::submit_evidence(signed(12), id, evidence(2)),
				Error::<Test>::EvidencePeriodOver
			);
		});
	}

	#[test]
	/// Each side files half the list, the claimant's opening evidence included: the
	/// respondent cannot fill it right after the opening and leave the claimant unheard, nor
	/// the other way round.
	fn each_side_files_half_of_the_evidence_list() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			let half = (MAX_EVIDENCE / 2) as u8;
			for byte in 0..half {
				assert_ok!(Disputes::submit_evidence(signed(12), id, evidence(10 + byte)));
			}
			// The respondent's other practitioner speaks for the same side.
			assert_noop!(
				Disputes::submit_evidence(signed(11), id, evidence(9)),
				Error::<Test>::TooManyEvidenceHashes
			);
			for byte in 1..half {
				assert_ok!(Disputes::submit_evidence(signed(1), id, evidence(20 + byte)));
			}
			assert_noop!(
				Disputes::submit_evidence(signed(1), id, evidence(9)),
				Error::<Test>::TooManyEvidenceHashes
			);
			assert_eq!(
				OpenDisputes::<Test>::get(id).unwrap().evidence.len(),
				MAX_EVIDENCE as usize
			);
		});
	}
}

mod vote {
	use super::*;

	#[test]
	fn an_arbitrator_votes_and_may_change_its_vote_until_the_voting_period_ends() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			past(id);
			assert_ok!(Disputes::vote(signed(101), id, Verdict::Upheld));
			assert_ok!(Disputes::vote(signed(101), id, Verdict::Rejected));
			System::assert_last_event(
				Event::Voted { id, arbitrator: 101, verdict: Verdict::Rejected }.into(),
			);
			assert_eq!(
				OpenDisputes::<Test>::get(id).unwrap().votes.to_vec(),
				vec![(101, Verdict::Rejected)]
			);
		});
	}

	#[test]
	fn only_arbitrators_vote() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			past(id);
			for who in [NOBODY, 1, 12] {
				assert_noop!(
					Disputes::vote(signed(who), id, Verdict::Upheld),
					Error::<Test>::NotArbitrator
				);
			}
			assert_noop!(
				Disputes::vote(signed(101), 9, Verdict::Upheld),
				Error::<Test>::DisputeNotFound
			);
		});
	}

	#[test]
	fn votes_are_taken_only_in_the_voting_period() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			assert_noop!(
				Disputes::vote(signed(101), id, Verdict::Upheld),
				Error::<Test>::EvidencePeriodOpen
			);
			past(id);
			past(id);
			assert_noop!(
				Disputes::vote(signed(101), id, Verdict::Upheld),
				Error::<Test>::VotingPeriodOver
			);
			close(id);
			assert_noop!(
				Disputes::vote(signed(101), id, Verdict::Upheld),
				Error::<Test>::VotingPeriodOver
			);
		});
	}

	/// Finding 14c (was `an_arbitrator_who_leaves_loses_its_votes`): the membership hook does
	/// nothing; a departed arbitrator's vote stops counting when the votes are counted.
	#[test]
	fn a_departed_arbitrators_vote_stops_counting_without_a_sweep() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			past(id);
			votes(id, 3, Verdict::Upheld);
			let stored = OpenDisputes::<Test>::get(id).unwrap().votes;
			Members::set(vec![102, 103, 104, 105, 106]);
			Disputes::change_members_sorted(&[106], &[101], &[102, 103, 104, 105, 106]);
			assert_eq!(OpenDisputes::<Test>::get(id).unwrap().votes, stored, "no work in the hook");
			assert_eq!((tally(id).upheld, tally(id).eligible), (2, 5));
			assert_eq!(tally(id).verdict(), None);
			assert_ok!(Disputes::vote(signed(106), id, Verdict::Upheld));
			// The vote dropped the departed member's.
			let voters: Vec<u64> = OpenDisputes::<Test>::get(id)
				.unwrap()
				.votes
				.iter()
				.map(|(voter, _)| *voter)
				.collect();
			assert_eq!(voters, vec![102, 103, 106]);
			past(id);
			close(id);
			assert!(matches!(stage(id), Stage::Decided { verdict: Verdict::Upheld, .. }));
		});
	}

	#[test]
	fn a_renewed_body_always_finds_room_to_vote() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			past(id);
			votes(id, 5, Verdict::Rejected);
			let renewed: Vec<u64> = (201..201 + MAX_ARBITRATORS as u64).collect();
			Members::set(renewed.clone());
			for arbitrator in renewed.iter() {
				assert_ok!(Disputes::vote(signed(*arbitrator), id, Verdict::Upheld));
			}
			assert_eq!(tally(id).upheld, MAX_ARBITRATORS);
		});
	}
}

mod close_dispute {
	use super::*;

	#[test]
	fn an_upheld_emergency_slashes_compensates_pays_the_majority_and_suspends() {
		build_and_execute(|| {
			let id = contest();
			past(id);
			votes(id, 3, Verdict::Upheld);
			assert_ok!(Disputes::vote(signed(104), id, Verdict::Rejected));
			past(id);
			close(id);
			let appeal_ends = System::block_number() + APPEAL_WINDOW;
			System::assert_last_event(
				Event::DisputeDecided {
					id,
					verdict: Verdict::Upheld,
					upheld: 3,
					rejected: 1,
					appeal_ends,
				}
				.into(),
			);
			assert_noop!(
				Disputes::close_dispute(signed(NOBODY), id),
				Error::<Test>::AppealPeriodOpen
			);
			let before: Vec<u64> = [1, 101, 104, TREASURY].iter().map(|who| free(*who)).collect();

			past(id);
			close(id);
			// 200 slashed: 100 to the patient, 20 shared by the three who voted Upheld, 82 to
			// the treasury (the 2 that do not divide by three stay in the slash's rest).
			let settlement = Settlement {
				compensation: 100,
				arbitrator_fees: 18,
				to_treasury: 82,
				refunded: DISPUTE_BOND,
				suspended: true,
				clawed_back: UNCLAIMED,
			};
			assert_eq!(resolved(), Some((id, Verdict::Upheld, false, settlement)));
			assert_eq!(free(1), before[0] + 100 + DISPUTE_BOND);
			assert_eq!(free(101), before[1] + 6);
			assert_eq!(free(104), before[2]);
			assert_eq!(free(TREASURY), before[3] + 82);
			assert_eq!(registry::bond(HOSPITAL).unwrap(), PROVIDER_BOND - SLASH);
			assert_eq!(status(HOSPITAL), ProviderStatus::Suspended);
			// Up to CLAWBACK of the unclaimed rewards of the hospital's admin (11) go back.
			assert_eq!(ClawedBack::get(), vec![(11, CLAWBACK)]);
			assert_eq!(UpheldCount::<Test>::get(HOSPITAL), 1);
			assert_eq!(held(HoldReason::DisputeBond, 1), 0);
			assert!(OpenDisputes::<Test>::get(id).is_none());
			assert!(!patient_obligations(1));
			assert!(!provider_obligations(HOSPITAL));
			// The act stays judged.
			assert_eq!(Subjects::<Test>::get(EMERGENCY), Some(id));
		});
	}

	#[test]
	fn a_rejected_dispute_returns_part_of_the_bond_and_forfeits_the_rest() {
		build_and_execute(|| {
			let id = decided(3, Verdict::Rejected);
			let before: Vec<u64> = [1, 101, TREASURY].iter().map(|who| free(*who)).collect();
			past(id);
			close(id);
			// Half of 100 back; of the other 50, 10% (5) shared by three (1 each), 47 to the
			// treasury.
			let settlement = Settlement {
				compensation: 0,
				arbitrator_fees: 3,
				to_treasury: 47,
				refunded: 50,
				suspended: false,
				clawed_back: 0,
			};
			assert_eq!(resolved(), Some((id, Verdict::Rejected, false, settlement)));
			assert_eq!(free(1), before[0] + 50);
			assert_eq!(free(101), before[1] + 1);
			assert_eq!(free(TREASURY), before[2] + 47);
			assert_eq!(registry::bond(HOSPITAL).unwrap(), PROVIDER_BOND);
			assert_eq!(status(HOSPITAL), ProviderStatus::Accredited);
			assert!(ClawedBack::get().is_empty());
			assert_eq!(held(HoldReason::DisputeBond, 1), 0);
			// A judged act stays judged.
			assert_eq!(Subjects::<Test>::get(DISCLOSURE), Some(id));
		});
	}

	/// Finding 14g: a patient's dispute about an act done to it that nobody judged returns its
	/// whole bond and leaves the act free to be disputed again: it reserves nothing.
	#[test]
	fn a_lapsed_dispute_does_not_reserve_its_act() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			past(id);
			votes(id, 2, Verdict::Upheld);
			assert_noop!(
				Disputes::close_dispute(signed(NOBODY), id),
				Error::<Test>::VotingPeriodOpen
			);
			past(id);
			close(id);
			let ends = System::block_number() + RULING_PERIOD;
			System::assert_last_event(Event::DisputeReferred { id, votes: 2, ends }.into());
			assert_noop!(
				Disputes::close_dispute(signed(NOBODY), id),
				Error::<Test>::RulingPeriodOpen
			);
			let before = free(1);
			past(id);
			close(id);
			let settlement = Settlement { refunded: DISPUTE_BOND, ..Default::default() };
			assert_eq!(resolved(), Some((id, Verdict::Rejected, true, settlement)));
			assert_eq!(free(1), before + DISPUTE_BOND);
			assert_eq!(registry::bond(HOSPITAL).unwrap(), PROVIDER_BOND);
			assert_eq!(Subjects::<Test>::get(DISCLOSURE), None);
			let again = open(DISCLOSURE);
			assert_eq!(Subjects::<Test>::get(DISCLOSURE), Some(again));
		});
	}

	/// Red-team follow-up to finding 1: the access pallet forgets an emergency's review once
	/// its dispute opens, so an emergency whose dispute lapsed could never be judged. Nobody
	/// ruling in time now refers it again (the patient's bond returns at once); it stays open
	/// until the appeal origin rules, however long that takes.
	#[test]
	fn an_emergency_dispute_nobody_rules_on_is_referred_again_not_dropped() {
		build_and_execute(|| {
			let id = contest();
			assert_eq!(held(HoldReason::DisputeBond, 1), DISPUTE_BOND);
			past(id);
			votes(id, 1, Verdict::Upheld);
			past(id);
			close(id);
			assert!(matches!(stage(id), Stage::Referred { .. }));
			let before = free(1);
			for round in 0..3 {
				past(id);
				close(id);
				let ends = System::block_number() + RULING_PERIOD;
				let refunded = if round == 0 { DISPUTE_BOND } else { 0 };
				System::assert_last_event(Event::RulingOverdue { id, ends, refunded }.into());
				assert_eq!(stage(id), Stage::Referred { ends });
				assert_eq!(resolved(), None);
				assert_noop!(
					Disputes::close_dispute(signed(NOBODY), id),
					Error::<Test>::RulingPeriodOpen
				);
			}
			assert_eq!(free(1), before + DISPUTE_BOND);
			assert_eq!(held(HoldReason::DisputeBond, 1), 0);
			assert_eq!(OpenDisputes::<Test>::get(id).unwrap().bond, 0);
			assert!(provider_obligations(HOSPITAL));
			// A ruling that comes after the latest ruling period still counts.
			past(id);
			assert_ok!(Disputes::rule_on_appeal(RuntimeOrigin::root(), id, Verdict::Upheld));
			assert_eq!(
				resolved().map(|(_, verdict, lapsed, _)| (verdict, lapsed)),
				Some((Verdict::Upheld, false))
			);
			assert_eq!(status(HOSPITAL), ProviderStatus::Suspended);
			// Compensated from the provider's bond; the patient's own bond was returned before.
			let settlement = resolved().unwrap().3;
			assert!(settlement.compensation > 0);
			assert_eq!(settlement.refunded, 0);
			assert_eq!(free(1), before + DISPUTE_BOND + settlement.compensation);
		});
	}

	/// The same for an escalation (no bond): referred again, never dropped.
	#[test]
	fn an_escalated_emergency_nobody_rules_on_is_referred_again() {
		build_and_execute(|| {
			let id = escalate(1, EMERGENCY).unwrap();
			past(id);
			past(id);
			close(id);
			assert!(matches!(stage(id), Stage::Referred { .. }));
			past(id);
			close(id);
			let ends = System::block_number() + RULING_PERIOD;
			System::assert_last_event(Event::RulingOverdue { id, ends, refunded: 0 }.into());
			assert!(OpenDisputes::<Test>::contains_key(id));
			assert_ok!(Disputes::rule_on_appeal(RuntimeOrigin::root(), id, Verdict::Rejected));
			assert_eq!(
				resolved().map(|(_, verdict, lapsed, _)| (verdict, lapsed)),
				Some((Verdict::Rejected, false))
			);
		});
	}

	#[test]
	fn a_referred_dispute_is_ruled_by_the_appeal_origin() {
		build_and_execute(|| {
			let id = contest();
			past(id);
			votes(id, 1, Verdict::Upheld);
			past(id);
			close(id);
			assert!(matches!(stage(id), Stage::Referred { .. }));
			assert_ok!(Disputes::rule_on_appeal(RuntimeOrigin::root(), id, Verdict::Upheld));
			System::assert_has_event(
				Event::AppealRuled { id, verdict: Verdict::Upheld, appeal_bond_returned: None }
					.into(),
			);
			assert_eq!(
				resolved().map(|(_, verdict, lapsed, _)| (verdict, lapsed)),
				Some((Verdict::Upheld, false))
			);
			assert_eq!(status(HOSPITAL), ProviderStatus::Suspended);
		});
	}

	#[test]
	fn nothing_closes_before_its_time() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			assert_noop!(
				Disputes::close_dispute(signed(NOBODY), id),
				Error::<Test>::EvidencePeriodOpen
			);
			past(id);
			votes(id, 2, Verdict::Rejected);
			assert_noop!(
				Disputes::close_dispute(signed(NOBODY), id),
				Error::<Test>::VotingPeriodOpen
			);
			assert_noop!(
				Disputes::close_dispute(signed(NOBODY), 9),
				Error::<Test>::DisputeNotFound
			);
			assert_noop!(
				Disputes::close_dispute(RuntimeOrigin::none(), id),
				DispatchError::BadOrigin
			);
		});
	}

	/// Finding 14d (was the early close once the verdict was "certain"): a majority that has
	/// formed cannot be frozen while its voters may still change their minds.
	#[test]
	fn a_forming_majority_cannot_be_frozen_before_the_voting_period_ends() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			past(id);
			votes(id, 3, Verdict::Upheld);
			assert_noop!(
				Disputes::close_dispute(signed(NOBODY), id),
				Error::<Test>::VotingPeriodOpen
			);
			// One of the three thinks again; the other two vote Rejected.
			for arbitrator in [101, 104, 105] {
				assert_ok!(Disputes::vote(signed(arbitrator), id, Verdict::Rejected));
			}
			past(id);
			close(id);
			assert!(matches!(stage(id), Stage::Decided { verdict: Verdict::Rejected, .. }));
		});
	}

	#[test]
	fn without_an_appeal_period_the_verdict_applies_at_once() {
		build_and_execute(|| {
			AppealPeriod::set(0);
			let id = open(DisputeSubject::Conduct);
			past(id);
			votes(id, 3, Verdict::Upheld);
			past(id);
			close(id);
			assert_eq!(
				resolved().map(|(done, verdict, ..)| (done, verdict)),
				Some((id, Verdict::Upheld))
			);
		});
	}

	#[test]
	fn conduct_suspends_after_the_repeat_count() {
		build_and_execute(|| {
			AppealPeriod::set(0);
			for round in 1..=SUSPEND_AFTER {
				let id = open(DisputeSubject::Conduct);
				past(id);
				votes(id, 3, Verdict::Upheld);
				past(id);
				close(id);
				let suspended = resolved().unwrap().3.suspended;
				assert_eq!(suspended, round == SUSPEND_AFTER);
			}
			assert_eq!(status(HOSPITAL), ProviderStatus::Suspended);
			assert_eq!(UpheldCount::<Test>::get(HOSPITAL), SUSPEND_AFTER);
		});
	}

	#[test]
	fn a_bond_smaller_than_the_slash_gives_what_it_has() {
		build_and_execute(|| {
			registry::set_bond(HOSPITAL, 130);
			let id = decided(3, Verdict::Upheld);
			past(id);
			close(id);
			let settlement = resolved().unwrap().3;
			assert_eq!(
				(settlement.compensation, settlement.arbitrator_fees, settlement.to_treasury),
				(100, 18, 12)
			);
			assert_eq!(registry::bond(HOSPITAL).unwrap(), 0);
		});
	}
}

/// Finding 8: the clawback hits the admin recorded when the dispute opened; a provider with an
/// open dispute has obligations (the identity pallet then refuses to hand it over or close it).
mod clawback {
	use super::*;

	#[test]
	fn transfer_admin_does_not_move_the_clawback() {
		build_and_execute(|| {
			let id = decided(3, Verdict::Upheld);
			// During the appeal period the hospital gets a new admin (the mock registry's
			// admin is its practitioner with the lowest account).
			registry::add_practitioner(4, HOSPITAL);
			assert_eq!(
				<MockIdentity as salus_primitives::ProviderRegistry<u64>>::admin(HOSPITAL),
				Some(4)
			);
			past(id);
			close(id);
			assert_eq!(ClawedBack::get(), vec![(11, CLAWBACK)]);
			assert_eq!(resolved().unwrap().3.clawed_back, UNCLAIMED);
		});
	}

	#[test]
	fn a_provider_has_obligations_while_a_dispute_against_it_is_open() {
		build_and_execute(|| {
			assert!(!provider_obligations(HOSPITAL));
			let id = decided(3, Verdict::Rejected);
			assert!(provider_obligations(HOSPITAL));
			assert!(!provider_obligations(CLINIC));
			past(id);
			close(id);
			assert!(!provider_obligations(HOSPITAL));
			assert!(!RespondentDisputes::<Test>::contains_key(HOSPITAL));
		});
	}
}

mod appeal {
	use super::*;

	#[test]
	fn an_appeal_the_origin_grants_reverses_the_verdict_and_returns_the_bond() {
		build_and_execute(|| {
			let id = decided(3, Verdict::Upheld);
			assert_ok!(Disputes::appeal(signed(12), id));
			assert_eq!(held(HoldReason::AppealBond, 12), APPEAL_BOND);
			let ends = System::block_number() + RULING_PERIOD;
			System::assert_last_event(
				Event::DisputeAppealed { id, appellant: 12, bond: APPEAL_BOND, ends }.into(),
			);
			let before = (free(12), free(1), free(TREASURY));
			assert_ok!(Disputes::rule_on_appeal(RuntimeOrigin::root(), id, Verdict::Rejected));
			System::assert_has_event(
				Event::AppealRuled {
					id,
					verdict: Verdict::Rejected,
					appeal_bond_returned: Some(true),
				}
				.into(),
			);
			// Nobody voted Rejected: the forfeited half of the claimant's bond goes whole to the
			// treasury.
			let settlement = Settlement { refunded: 50, to_treasury: 50, ..Default::default() };
			assert_eq!(resolved(), Some((id, Verdict::Rejected, false, settlement)));
			assert_eq!(free(12), before.0 + APPEAL_BOND);
			assert_eq!(free(1), before.1 + 50);
			assert_eq!(free(TREASURY), before.2 + 50);
			assert_eq!(registry::bond(HOSPITAL).unwrap(), PROVIDER_BOND);
			assert_eq!(status(HOSPITAL), ProviderStatus::Accredited);
		});
	}

	#[test]
	fn an_appeal_the_origin_refuses_forfeits_the_appeal_bond() {
		build_and_execute(|| {
			let id = decided(3, Verdict::Rejected);
			assert_ok!(Disputes::appeal(signed(1), id));
			let before = (free(1), free(TREASURY));
			assert_ok!(Disputes::rule_on_appeal(RuntimeOrigin::root(), id, Verdict::Rejected));
			assert_eq!(held(HoldReason::AppealBond, 1), 0);
			let settlement = resolved().unwrap().3;
			assert_eq!(free(1), before.0 + settlement.refunded);
			assert_eq!(free(TREASURY), before.1 + APPEAL_BOND + settlement.to_treasury);
		});
	}

	#[test]
	fn an_appeal_nobody_rules_on_leaves_the_verdict_and_returns_the_bond() {
		build_and_execute(|| {
			let id = decided(3, Verdict::Upheld);
			assert_ok!(Disputes::appeal(signed(11), id));
			assert_noop!(
				Disputes::close_dispute(signed(NOBODY), id),
				Error::<Test>::RulingPeriodOpen
			);
			let before = free(11);
			past(id);
			close(id);
			assert_eq!(free(11), before + APPEAL_BOND);
			assert_eq!(
				resolved().map(|(_, verdict, lapsed, _)| (verdict, lapsed)),
				Some((Verdict::Upheld, false))
			);
			assert_eq!(UpheldCount::<Test>::get(HOSPITAL), 1);
		});
	}

	#[test]
	fn the_respondents_admin_appeals_an_upheld_verdict() {
		build_and_execute(|| {
			registry::set_admin(HOSPITAL, NOBODY);
			let id = decided(3, Verdict::Upheld);
			let before = free(NOBODY);
			assert_ok!(Disputes::appeal(signed(NOBODY), id));
			assert_eq!(free(NOBODY), before - APPEAL_BOND);
			assert!(matches!(stage(id), Stage::Appealed { appellant: NOBODY, .. }));
		});
	}

	/// A verdict for the provider is the claimant's to appeal, not its admin's.
	#[test]
	fn the_respondents_admin_does_not_appeal_a_rejected_verdict() {
		build_and_execute(|| {
			registry::set_admin(HOSPITAL, NOBODY);
			let id = decided(3, Verdict::Rejected);
			assert_noop!(Disputes::appeal(signed(NOBODY), id), Error::<Test>::NotLosingParty);
		});
	}

	#[test]
	fn only_the_losing_party_appeals_once_in_time() {
		build_and_execute(|| {
			let id = decided(3, Verdict::Upheld);
			for who in [1, NOBODY, 21, 101] {
				assert_noop!(Disputes::appeal(signed(who), id), Error::<Test>::NotLosingParty);
			}
			assert_ok!(Disputes::appeal(signed(12), id));
			assert_noop!(Disputes::appeal(signed(11), id), Error::<Test>::NotAppealable);

			let late = decided_again();
			past(late);
			assert_noop!(Disputes::appeal(signed(12), late), Error::<Test>::AppealPeriodOver);
			assert_noop!(Disputes::appeal(signed(12), 9), Error::<Test>::DisputeNotFound);
		});
	}

	/// A second decided dispute (on conduct), Upheld.
	fn decided_again() -> DisputeId {
		let id = open(DisputeSubject::Conduct);
		past(id);
		votes(id, 3, Verdict::Upheld);
		past(id);
		close(id);
		id
	}

	#[test]
	fn an_undecided_dispute_cannot_be_appealed() {
		build_and_execute(|| {
			let id = open(DISCLOSURE);
			assert_noop!(Disputes::appeal(signed(12), id), Error::<Test>::NotAppealable);
		});
	}

	#[test]
	fn the_appeal_bond_must_be_free_to_hold() {
		build_and_execute(|| {
			registry::register_patient(NOBODY);
			Balances::set_balance(&NOBODY, DISPUTE_BOND + 10);
			assert_ok!(Disputes::open_dispute(
				signed(NOBODY),
				HOSPITAL,
				DisputeSubject::Conduct,
				evidence(1)
			));
			past(0);
			votes(0, 3, Verdict::Rejected);
			past(0);
			close(0);
			assert_noop!(Disputes::appeal(signed(NOBODY), 0), TokenError::FundsUnavailable);
		});
	}
}

mod rule_on_appeal {
	use super::*;

	#[test]
	fn only_the_appeal_origin_rules_and_only_on_what_waits_for_a_ruling_in_time() {
		build_and_execute(|| {
			let id = decided(3, Verdict::Upheld);
			assert_noop!(
				Disputes::rule_on_appeal(signed(101), id, Verdict::Rejected),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Disputes::rule_on_appeal(RuntimeOrigin::root(), id, Verdict::Rejected),
				Error::<Test>::NoRulingDue
			);
			assert_noop!(
				Disputes::rule_on_appeal(RuntimeOrigin::root(), 9, Verdict::Rejected),
				Error::<Test>::DisputeNotFound
			);
			assert_ok!(Disputes::appeal(signed(12), id));
			past(id);
			assert_noop!(
				Disputes::rule_on_appeal(RuntimeOrigin::root(), id, Verdict::Rejected),
				Error::<Test>::RulingPeriodOver
			);
		});
	}
}

mod tally {
	use super::*;

	fn tally(upheld: u32, rejected: u32, eligible: u32) -> Tally {
		Tally {
			upheld,
			rejected,
			eligible,
			quorum: Perbill::from_percent(60),
			threshold: Perbill::from_percent(50),
		}
	}

	#[test]
	fn the_verdict_needs_a_quorum_and_a_majority_of_the_votes_cast() {
		assert_eq!(tally(2, 0, 5).verdict(), None);
		assert_eq!(tally(2, 1, 5).verdict(), Some(Verdict::Upheld));
		assert_eq!(tally(2, 2, 5).verdict(), Some(Verdict::Rejected), "a tie rejects");
		assert_eq!(tally(0, 0, 0).verdict(), None, "no votes, no verdict");
	}

	#[test]
	fn the_quorum_is_a_share_of_the_arbitrators_without_a_conflict() {
		// Two of five cannot decide; two of the three without a conflict can.
		assert_eq!(tally(2, 0, 5).verdict(), None);
		assert_eq!(tally(2, 0, 3).verdict(), Some(Verdict::Upheld));
		assert_eq!(tally(1, 0, 1).verdict(), Some(Verdict::Upheld));
	}
}

mod lifecycle {
	use super::*;

	#[test]
	fn a_claimant_has_obligations_while_its_dispute_is_open() {
		build_and_execute(|| {
			assert!(!patient_obligations(1));
			let id = decided(3, Verdict::Rejected);
			assert!(patient_obligations(1));
			past(id);
			close(id);
			assert!(!patient_obligations(1));
			assert!(!ClaimantDisputes::<Test>::contains_key(1));
		});
	}
}
