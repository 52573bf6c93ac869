//! Every call's success and error paths (state unchanged on error), and the lifecycles: upheld,
//! rejected, no quorum → referral → default, appeals reversed, confirmed and unruled.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{InspectHold, Mutate},
		ChangeMembers,
	},
};
use salus_primitives::{
	DisputeGateway, DisputeId, DisputeSubject, PatientLifecycle, ProviderStatus,
};
use sp_core::H256;
use sp_runtime::{DispatchError, Perbill, TokenError};

const EMERGENCY: DisputeSubject = DisputeSubject::Emergency(5);

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn evidence(byte: u8) -> H256 {
	H256::repeat_byte(byte)
}

/// Patient 1 disputes `subject` against the hospital; returns the dispute.
fn open(subject: DisputeSubject) -> DisputeId {
	assert_ok!(Disputes::open_dispute(signed(1), HOSPITAL, subject, evidence(1)));
	NextDisputeId::<Test>::get().saturating_sub(1)
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

/// Opens an emergency dispute and lets `count` arbitrators decide `verdict` on it.
fn decided(count: usize, verdict: Verdict) -> DisputeId {
	let id = open(EMERGENCY);
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

mod open_dispute {
	use super::*;

	#[test]
	fn holds_the_bond_and_opens_the_evidence_period() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
			assert_eq!(id, 0);
			let dispute = OpenDisputes::<Test>::get(id).unwrap();
			assert_eq!(dispute.claimant, 1);
			assert_eq!(dispute.bond, DISPUTE_BOND);
			assert_eq!(dispute.evidence.to_vec(), vec![(Party::Claimant, evidence(1))]);
			assert_eq!(
				dispute.stage,
				Stage::Open {
					evidence_ends: 1 + EVIDENCE_PERIOD,
					voting_ends: 1 + EVIDENCE_PERIOD + VOTING_PERIOD
				}
			);
			assert_eq!(held(HoldReason::DisputeBond, 1), DISPUTE_BOND);
			assert_eq!(ClaimantDisputes::<Test>::get(1), 1);
			assert_eq!(Subjects::<Test>::get(EMERGENCY), Some(id));
			System::assert_last_event(
				Event::DisputeOpened {
					id,
					claimant: 1,
					respondent: HOSPITAL,
					subject: EMERGENCY,
					bond: DISPUTE_BOND,
					evidence_ends: 1 + EVIDENCE_PERIOD,
					voting_ends: 1 + EVIDENCE_PERIOD + VOTING_PERIOD,
				}
				.into(),
			);
		});
	}

	#[test]
	fn a_practitioner_of_another_accredited_provider_may_open_one() {
		build_and_execute(|| {
			assert_ok!(Disputes::open_dispute(
				signed(21),
				HOSPITAL,
				DisputeSubject::Conduct,
				evidence(2)
			));
			assert_eq!(held(HoldReason::DisputeBond, 21), DISPUTE_BOND);
		});
	}

	#[test]
	fn conduct_may_be_disputed_again_but_an_act_only_once() {
		build_and_execute(|| {
			open(DisputeSubject::Conduct);
			open(DisputeSubject::Conduct);
			assert_eq!(Subjects::<Test>::iter().count(), 0);
			assert_ok!(Disputes::open_dispute(signed(2), HOSPITAL, EMERGENCY, evidence(1)));
			assert_noop!(
				Disputes::open_dispute(signed(21), HOSPITAL, EMERGENCY, evidence(1)),
				Error::<Test>::SubjectAlreadyDisputed
			);
		});
	}

	#[test]
	fn only_patients_and_practitioners_of_accredited_providers_open_disputes() {
		build_and_execute(|| {
			for who in [NOBODY, 31] {
				assert_noop!(
					Disputes::open_dispute(signed(who), HOSPITAL, EMERGENCY, evidence(1)),
					Error::<Test>::NotEligible
				);
			}
		});
	}

	#[test]
	fn a_patient_who_works_for_the_provider_may_still_dispute_it() {
		build_and_execute(|| {
			registry::register_patient(12);
			assert_ok!(Disputes::open_dispute(signed(12), HOSPITAL, EMERGENCY, evidence(1)));
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
				Disputes::open_dispute(signed(1), 9, EMERGENCY, evidence(1)),
				Error::<Test>::ProviderNotFound
			);
			assert_noop!(
				Disputes::open_dispute(signed(12), HOSPITAL, EMERGENCY, evidence(1)),
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
				Disputes::open_dispute(signed(1), HOSPITAL, DisputeSubject::Conduct, evidence(1)),
				Error::<Test>::TooManyClaimantDisputes
			);
		});
	}

	#[test]
	fn the_court_holds_at_most_max_open_disputes() {
		build_and_execute(|| {
			for claimant in [1, 1, 2, 2, 21] {
				assert_ok!(Disputes::open_dispute(
					signed(claimant),
					HOSPITAL,
					DisputeSubject::Conduct,
					evidence(1)
				));
			}
			assert_eq!(OpenDisputes::<Test>::count(), MAX_OPEN);
			assert_noop!(
				Disputes::open_dispute(signed(21), HOSPITAL, DisputeSubject::Conduct, evidence(1)),
				Error::<Test>::TooManyDisputes
			);
			assert_noop!(
				<Disputes as DisputeGateway<u64>>::escalate(&2, HOSPITAL, EMERGENCY),
				Error::<Test>::TooManyDisputes
			);
		});
	}

	#[test]
	fn the_bond_must_be_free_to_hold() {
		build_and_execute(|| {
			assert_noop!(
				Disputes::open_dispute(signed(POOR), HOSPITAL, EMERGENCY, evidence(1)),
				TokenError::FundsUnavailable
			);
		});
	}

	#[test]
	fn the_access_pallet_opens_with_a_bond_and_escalates_without() {
		build_and_execute(|| {
			let contested =
				<Disputes as DisputeGateway<u64>>::open(&1, HOSPITAL, EMERGENCY, evidence(4))
					.unwrap();
			assert_eq!(held(HoldReason::DisputeBond, 1), DISPUTE_BOND);
			// Escalations are not counted against the patient's share.
			for _ in 1..MAX_PER_CLAIMANT {
				open(DisputeSubject::Conduct);
			}
			let escalated = <Disputes as DisputeGateway<u64>>::escalate(
				&1,
				HOSPITAL,
				DisputeSubject::Emergency(6),
			)
			.unwrap();
			let dispute = OpenDisputes::<Test>::get(escalated).unwrap();
			assert_eq!((dispute.bond, dispute.evidence.len()), (0, 0));
			assert_eq!(held(HoldReason::DisputeBond, 1), MAX_PER_CLAIMANT as u64 * DISPUTE_BOND);
			assert_ne!(contested, escalated);
			assert!(Disputes::has_obligations(&1));
		});
	}
}

mod submit_evidence {
	use super::*;

	#[test]
	fn both_parties_file_evidence_in_the_evidence_period() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
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

	#[test]
	fn only_parties_file_evidence() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
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
			let id = open(EMERGENCY);
			past(id);
			assert_noop!(
				Disputes::submit_evidence(signed(12), id, evidence(2)),
				Error::<Test>::EvidencePeriodOver
			);
			votes(id, 3, Verdict::Upheld);
			close(id);
			assert_noop!(
				Disputes::submit_evidence(signed(12), id, evidence(2)),
				Error::<Test>::EvidencePeriodOver
			);
		});
	}

	#[test]
	fn the_evidence_list_is_bounded() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
			for byte in 1..MAX_EVIDENCE as u8 {
				assert_ok!(Disputes::submit_evidence(signed(12), id, evidence(byte)));
			}
			assert_noop!(
				Disputes::submit_evidence(signed(1), id, evidence(9)),
				Error::<Test>::TooMuchEvidence
			);
		});
	}
}

mod vote {
	use super::*;

	#[test]
	fn an_arbitrator_votes_and_may_change_its_vote_before_the_close() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
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
			let id = open(EMERGENCY);
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
	fn an_arbitrator_who_is_a_party_does_not_vote() {
		build_and_execute(|| {
			registry::add_practitioner(101, HOSPITAL);
			let id = open(EMERGENCY);
			past(id);
			assert_noop!(
				Disputes::vote(signed(101), id, Verdict::Rejected),
				Error::<Test>::ConflictOfInterest
			);
		});
	}

	#[test]
	fn votes_are_taken_only_in_the_voting_period() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
			assert_noop!(
				Disputes::vote(signed(101), id, Verdict::Upheld),
				Error::<Test>::NotVoting
			);
			past(id);
			past(id);
			assert_noop!(
				Disputes::vote(signed(101), id, Verdict::Upheld),
				Error::<Test>::NotVoting
			);
			close(id);
			assert_noop!(
				Disputes::vote(signed(101), id, Verdict::Upheld),
				Error::<Test>::NotVoting
			);
		});
	}

	#[test]
	fn an_arbitrator_who_leaves_loses_its_votes() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
			past(id);
			votes(id, 3, Verdict::Upheld);
			Members::set(vec![102, 103, 104, 105]);
			Disputes::change_members_sorted(&[], &[101], &[102, 103, 104, 105]);
			let voters: Vec<u64> = OpenDisputes::<Test>::get(id)
				.unwrap()
				.votes
				.iter()
				.map(|(voter, _)| *voter)
				.collect();
			assert_eq!(voters, vec![102, 103]);
		});
	}
}

mod close_dispute {
	use super::*;

	#[test]
	fn an_upheld_emergency_slashes_compensates_pays_the_majority_and_suspends() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
			past(id);
			votes(id, 3, Verdict::Upheld);
			assert_ok!(Disputes::vote(signed(104), id, Verdict::Rejected));
			// Three of five said Upheld: certain before the voting period ends.
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
			assert!(!Disputes::has_obligations(&1));
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
		});
	}

	#[test]
	fn without_a_quorum_the_dispute_is_referred_and_lapses_without_penalty() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
			past(id);
			votes(id, 2, Verdict::Upheld);
			assert_noop!(Disputes::close_dispute(signed(NOBODY), id), Error::<Test>::VotingOpen);
			past(id);
			close(id);
			let ends = System::block_number() + RULING_PERIOD;
			System::assert_last_event(Event::DisputeReferred { id, votes: 2, ends }.into());
			assert_noop!(
				Disputes::close_dispute(signed(NOBODY), id),
				Error::<Test>::AwaitingRuling
			);
			let before = free(1);
			past(id);
			close(id);
			let settlement = Settlement { refunded: DISPUTE_BOND, ..Default::default() };
			assert_eq!(resolved(), Some((id, Verdict::Rejected, true, settlement)));
			assert_eq!(free(1), before + DISPUTE_BOND);
			assert_eq!(registry::bond(HOSPITAL).unwrap(), PROVIDER_BOND);
		});
	}

	#[test]
	fn a_referred_dispute_is_ruled_by_the_appeal_origin() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
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
			let id = open(EMERGENCY);
			assert_noop!(
				Disputes::close_dispute(signed(NOBODY), id),
				Error::<Test>::EvidencePeriodOpen
			);
			past(id);
			votes(id, 2, Verdict::Rejected);
			assert_noop!(Disputes::close_dispute(signed(NOBODY), id), Error::<Test>::VotingOpen);
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

	#[test]
	fn without_an_appeal_period_the_verdict_applies_at_once() {
		build_and_execute(|| {
			AppealPeriod::set(0);
			let id = open(DisputeSubject::Conduct);
			past(id);
			votes(id, 3, Verdict::Upheld);
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
				Error::<Test>::AwaitingRuling
			);
			let before = free(11);
			past(id);
			close(id);
			assert_eq!(free(11), before + APPEAL_BOND);
			assert_eq!(
				resolved().map(|(_, verdict, lapsed, _)| (verdict, lapsed)),
				Some((Verdict::Upheld, false))
			);
			assert_eq!(status(HOSPITAL), ProviderStatus::Suspended);
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
		close(id);
		id
	}

	#[test]
	fn an_undecided_dispute_cannot_be_appealed() {
		build_and_execute(|| {
			let id = open(EMERGENCY);
			assert_noop!(Disputes::appeal(signed(12), id), Error::<Test>::NotAppealable);
		});
	}

	#[test]
	fn the_appeal_bond_must_be_free_to_hold() {
		build_and_execute(|| {
			registry::register_patient(NOBODY);
			Balances::set_balance(&NOBODY, DISPUTE_BOND + 10);
			assert_ok!(Disputes::open_dispute(signed(NOBODY), HOSPITAL, EMERGENCY, evidence(1)));
			past(0);
			votes(0, 3, Verdict::Rejected);
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

	fn tally(upheld: u32, rejected: u32, members: u32) -> Tally {
		Tally {
			upheld,
			rejected,
			members,
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
	fn the_verdict_is_certain_when_the_missing_votes_cannot_change_it() {
		assert!(tally(3, 0, 5).certain());
		assert!(!tally(2, 1, 5).certain(), "two more Rejected would reject");
		assert!(tally(1, 3, 5).certain(), "one more Upheld still rejects");
		assert!(!tally(2, 0, 5).certain(), "no quorum");
	}
}

mod lifecycle {
	use super::*;

	#[test]
	fn a_claimant_has_obligations_while_its_dispute_is_open() {
		build_and_execute(|| {
			assert!(!Disputes::has_obligations(&1));
			let id = decided(3, Verdict::Rejected);
			assert!(Disputes::has_obligations(&1));
			past(id);
			close(id);
			assert!(!Disputes::has_obligations(&1));
			assert!(!ClaimantDisputes::<Test>::contains_key(1));
		});
	}
}
