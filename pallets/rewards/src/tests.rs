//! Unit tests: emission and decay, earning (vouching, caps, once per provider and epoch),
//! pro-rata claims, expiry, clawback, governance (the schedule's bounds), the attacks of the
//! December 2026 review (findings 3, 10 and 13), and property tests that claims never pay more
//! than the epochs released and that no valid schedule lets an account earn more than
//! `MaxRewardPerAccount` in an epoch.

use crate::{
	mock::*, Act, Current, EndedEpochs, EpochRecord, Error, Event, Ledgers, Outstanding,
	RewardSchedule, Schedule,
};
use frame_support::{assert_noop, assert_ok};
use salus_primitives::{
	AccessEvents, DataClassSet, ProviderStatus, Purpose, RecordEvents, RewardClawback,
};
use sp_runtime::DispatchError;

type Pallet = crate::Pallet<Test>;

fn approve_for(patient: u64, provider: u32, purpose: Purpose) {
	<Pallet as AccessEvents<u64>>::request_approved(
		&patient,
		provider,
		0,
		DataClassSet::default(),
		purpose,
	);
}

/// `patient` approves a treatment request of `provider`.
fn approve(patient: u64, provider: u32) {
	approve_for(patient, provider, Purpose::Treatment);
}

/// `patient` approves a research request of `provider`.
fn research(patient: u64, provider: u32) {
	approve_for(patient, provider, Purpose::Research);
}

fn anchor(patient: u64, provider: u32) {
	<Pallet as RecordEvents<u64>>::record_anchored(&patient, provider);
}

fn acknowledge(patient: u64, provider: u32) {
	<Pallet as AccessEvents<u64>>::emergency_acknowledged(&patient, provider, 0);
}

/// `who`'s points in the epoch in progress.
fn points(who: u64) -> u32 {
	let epoch = Current::<Test>::get().index;
	Ledgers::<Test>::get(who)
		.and_then(|ledger| ledger.earnings.iter().find(|e| e.epoch == epoch).map(|e| e.points))
		.unwrap_or(0)
}

fn claim(who: u64) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Rewards::claim_rewards(RuntimeOrigin::signed(who))
}

mod emission {
	use super::*;

	#[test]
	fn halves_every_interval_and_reaches_zero() {
		build_and_execute(|| {
			assert_eq!(Rewards::emission(0), BUDGET);
			assert_eq!(Rewards::emission(HALVING - 1), BUDGET);
			assert_eq!(Rewards::emission(HALVING), BUDGET / 2);
			assert_eq!(Rewards::emission(2 * HALVING), BUDGET / 4);
			assert_eq!(Rewards::emission(10 * HALVING), 0);
			assert_eq!(Rewards::emission(u32::MAX), 0);
		});
	}

	#[test]
	fn an_epoch_releases_its_budget_shared_by_its_points() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			approve(2, HOSPITAL);
			anchor(2, CLINIC);
			end_epoch();
			let record = EndedEpochs::<Test>::get(0).unwrap();
			assert_eq!(record, EpochRecord { budget: BUDGET, points: 13, ..Default::default() });
			assert_eq!(Outstanding::<Test>::get(), BUDGET);
			assert_eq!(Rewards::pending_rewards(&1), BUDGET * 5 / 13);
			assert_eq!(Rewards::pending_rewards(&2), BUDGET * 8 / 13);
			assert!(events().contains(&Event::EpochEnded { epoch: 0, budget: BUDGET, points: 13 }));
			assert_eq!(Current::<Test>::get().start, EPOCH);
		});
	}

	#[test]
	fn an_epoch_without_points_releases_nothing() {
		build_and_execute(|| {
			end_epoch();
			assert_eq!(EndedEpochs::<Test>::get(0), None);
			assert_eq!(Outstanding::<Test>::get(), 0);
			assert!(events().contains(&Event::EpochEnded { epoch: 0, budget: 0, points: 0 }));
		});
	}

	#[test]
	fn a_point_is_worth_at_most_the_cap() {
		build_and_execute(|| {
			anchor(1, HOSPITAL);
			end_epoch();
			// 3 points × 100: the rest of the budget stays in the pool.
			assert_eq!(EndedEpochs::<Test>::get(0).unwrap().budget, 3 * MAX_PER_POINT);
			assert_eq!(Rewards::pending_rewards(&1), 3 * MAX_PER_POINT);
		});
	}

	#[test]
	fn decays_across_epochs() {
		build_and_execute(|| {
			for epoch in 0..(HALVING + 1) {
				approve(1, HOSPITAL);
				approve(2, HOSPITAL);
				approve(3, HOSPITAL);
				end_epoch();
				assert_eq!(
					EndedEpochs::<Test>::get(epoch).unwrap().budget,
					Rewards::emission(epoch)
				);
				assert_ok!(claim(1));
				assert_ok!(claim(2));
				assert_ok!(claim(3));
			}
			assert_eq!(EndedEpochs::<Test>::get(HALVING).unwrap().budget, BUDGET / 2);
		});
	}

	#[test]
	fn never_releases_more_than_the_pool_has_free() {
		build_and_execute(|| {
			use frame_support::traits::fungible::Mutate;
			// The pool keeps its existential deposit and 100 more.
			Balances::set_balance(&pool(), 101);
			approve(1, HOSPITAL);
			approve(2, HOSPITAL);
			end_epoch();
			assert_eq!(EndedEpochs::<Test>::get(0).unwrap().budget, 100);
			assert_eq!(Rewards::pool_free(), 0);
			approve(1, HOSPITAL);
			end_epoch();
			// Owed rewards are not free: the next epoch releases nothing.
			assert_eq!(EndedEpochs::<Test>::get(1).unwrap().budget, 0);
			assert_ok!(claim(1));
			assert_ok!(claim(2));
			assert_eq!(free(1) + free(2), 2 * ENDOWMENT + 100);
		});
	}

	#[test]
	fn epoch_info_tells_the_epoch_in_progress() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			let info = Rewards::epoch_info();
			assert_eq!((info.index, info.start, info.ends_at), (0, 0, EPOCH));
			assert_eq!(info.points, 5);
			assert_eq!(info.budget, 5 * MAX_PER_POINT);
			assert_eq!(info.pool_free, POOL_FUNDS - 1);
			end_epoch();
			let info = Rewards::epoch_info();
			assert_eq!((info.index, info.points, info.budget), (1, 0, 0));
			assert_eq!(info.pool_free, POOL_FUNDS - 1 - 5 * MAX_PER_POINT);
		});
	}
}

mod earning {
	use super::*;

	#[test]
	fn a_vouched_patient_earns_for_each_kind_of_act() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			assert_eq!(points(1), 5);
			anchor(1, CLINIC);
			assert_eq!(points(1), 8);
			// A research request's approval earns the approval and the research bonus.
			research(2, HOSPITAL);
			assert_eq!(points(2), 7);
			assert_eq!(Current::<Test>::get().points, 15);
			assert_eq!(
				events().last(),
				Some(&Event::PointsEarned {
					who: 2,
					act: Act::ResearchApproved,
					points: 2,
					epoch: 0
				})
			);
		});
	}

	#[test]
	fn a_patient_nobody_vouched_for_earns_nothing() {
		build_and_execute(|| {
			approve(UNVOUCHED, HOSPITAL);
			anchor(UNVOUCHED, HOSPITAL);
			research(UNVOUCHED, CLINIC);
			assert_eq!(Ledgers::<Test>::get(UNVOUCHED), None);
			assert_eq!(Current::<Test>::get().points, 0);
			assert!(events().is_empty());
		});
	}

	#[test]
	fn an_act_counts_once_per_provider_and_epoch() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			approve(1, HOSPITAL);
			anchor(1, HOSPITAL);
			anchor(1, HOSPITAL);
			assert_eq!(points(1), 5 + 3);
			// The research bonus counts once per epoch, whichever provider asks.
			research(3, HOSPITAL);
			research(3, HOSPITAL);
			assert_eq!(points(3), 5 + 2);
			// Another provider counts.
			anchor(2, HOSPITAL);
			anchor(2, CLINIC);
			assert_eq!(points(2), 6);
			// The next epoch counts again.
			end_epoch();
			approve(1, HOSPITAL);
			assert_eq!(points(1), 5);
		});
	}

	#[test]
	fn points_per_epoch_are_capped() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			// 5 + 4 of 5.
			approve(1, CLINIC);
			assert_eq!(points(1), SCHEDULE.epoch_cap);
			assert_eq!(Current::<Test>::get().points, u64::from(SCHEDULE.epoch_cap));
			// An act that earns nothing does not count: it may count in the next epoch.
			approve(1, LAB);
			let ledger = Ledgers::<Test>::get(1).unwrap();
			assert_eq!(
				ledger.counted.to_vec(),
				vec![Act::RequestApproved(HOSPITAL), Act::RequestApproved(CLINIC)]
			);
		});
	}

	#[test]
	fn a_ledger_counts_at_most_max_acts_per_epoch() {
		build_and_execute(|| {
			Schedule::<Test>::put(RewardSchedule { request_approved: 1, ..SCHEDULE });
			for provider in 0..(MAX_ACTS + 2) {
				approve(1, provider);
			}
			assert_eq!(points(1), MAX_ACTS);
		});
	}

	/// Finding 13 changed this test: a justified emergency used to earn the admin each time,
	/// up to the cap, whoever the patient was.
	#[test]
	fn a_justified_emergency_earns_the_providers_admin_once_per_patient_and_epoch() {
		build_and_execute(|| {
			acknowledge(1, HOSPITAL);
			assert_eq!(points(11), 4);
			assert_eq!(
				events().last(),
				Some(&Event::PointsEarned {
					who: 11,
					act: Act::EmergencyJustified(HOSPITAL),
					points: 4,
					epoch: 0
				})
			);
			// The same patient again: nothing more this epoch.
			acknowledge(1, HOSPITAL);
			assert_eq!(points(11), 4);
			// Other patients count, up to the cap (4 + 4 + 1 of 4).
			acknowledge(2, HOSPITAL);
			acknowledge(3, HOSPITAL);
			assert_eq!(points(11), SCHEDULE.epoch_cap);
			// The patients earn nothing; their ledgers remember whom they acknowledged.
			assert_eq!(points(1), 0);
			assert_eq!(
				Ledgers::<Test>::get(1).unwrap().counted.to_vec(),
				vec![Act::EmergencyJustified(HOSPITAL)]
			);
			// A suspended provider earns nothing.
			acknowledge(1, LAB);
			assert_eq!(Ledgers::<Test>::get(31), None);
			// The next epoch, the patient's acknowledgement counts again.
			end_epoch();
			acknowledge(1, HOSPITAL);
			assert_eq!(points(11), 4);
		});
	}

	#[test]
	fn an_acknowledgement_that_earns_nothing_does_not_count() {
		build_and_execute(|| {
			// The admin is at the cap: the acknowledgement earns nothing and is not used up.
			Schedule::<Test>::put(RewardSchedule { epoch_cap: 4, ..SCHEDULE });
			acknowledge(1, HOSPITAL);
			acknowledge(2, HOSPITAL);
			assert_eq!(points(11), 4);
			assert_eq!(Ledgers::<Test>::get(2), None);
		});
	}

	#[test]
	fn a_zero_schedule_earns_nothing() {
		build_and_execute(|| {
			Schedule::<Test>::put(RewardSchedule::default());
			approve(1, HOSPITAL);
			acknowledge(1, HOSPITAL);
			assert_eq!(Ledgers::<Test>::iter().count(), 0);
		});
	}
}

mod claiming {
	use super::*;

	#[test]
	fn pays_the_pro_rata_share_from_the_pool() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			approve(2, HOSPITAL);
			anchor(2, HOSPITAL);
			end_epoch();
			let pending = Rewards::pending_rewards(&2);
			assert_eq!(pending, BUDGET * 8 / 13);
			assert_ok!(claim(2));
			assert_eq!(free(2), ENDOWMENT + pending);
			assert_eq!(free(pool()), POOL_FUNDS - pending);
			assert_eq!(Rewards::pending_rewards(&2), 0);
			assert_eq!(Ledgers::<Test>::get(2), None);
			assert_eq!(
				events().last(),
				Some(&Event::RewardsClaimed { who: 2, amount: pending, epochs: 1 })
			);
			let record = EndedEpochs::<Test>::get(0).unwrap();
			assert_eq!((record.paid, record.settled_points), (pending, 8));
			assert_eq!(Outstanding::<Test>::get(), BUDGET - pending);
		});
	}

	#[test]
	fn covers_every_ended_epoch_in_the_window_and_keeps_the_current_one() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			approve(2, HOSPITAL);
			end_epoch();
			approve(1, HOSPITAL);
			end_epoch();
			approve(1, HOSPITAL);
			let pending = Rewards::pending_rewards(&1);
			assert_eq!(pending, BUDGET / 2 + 5 * MAX_PER_POINT);
			assert_ok!(claim(1));
			assert_eq!(free(1), ENDOWMENT + pending);
			assert_eq!(
				events().last(),
				Some(&Event::RewardsClaimed { who: 1, amount: pending, epochs: 2 })
			);
			// The current epoch's points wait for its end.
			assert_eq!(points(1), 5);
			assert_noop!(claim(1), Error::<Test>::NothingToClaim);
		});
	}

	#[test]
	fn fails_without_points() {
		build_and_execute(|| {
			assert_noop!(claim(1), Error::<Test>::NothingToClaim);
		});
	}

	#[test]
	fn fails_while_the_epoch_is_in_progress() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			assert_noop!(claim(1), Error::<Test>::NothingToClaim);
		});
	}

	#[test]
	fn fails_unsigned() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			end_epoch();
			assert_noop!(Rewards::claim_rewards(RuntimeOrigin::none()), DispatchError::BadOrigin);
		});
	}

	#[test]
	fn unclaimed_rewards_return_to_the_pool_after_the_window() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			approve(2, HOSPITAL);
			end_epoch();
			assert_ok!(claim(2));
			let free_before = Rewards::pool_free();
			for _ in 0..WINDOW {
				end_epoch();
			}
			let returned = BUDGET - BUDGET / 2;
			assert!(events().contains(&Event::EpochExpired { epoch: 0, returned }));
			assert_eq!(EndedEpochs::<Test>::get(0), None);
			assert_eq!(Outstanding::<Test>::get(), 0);
			assert_eq!(Rewards::pool_free(), free_before + returned);
			assert_eq!(Rewards::pending_rewards(&1), 0);
			assert_noop!(claim(1), Error::<Test>::NothingToClaim);
			// Earning again drops the expired entry.
			approve(1, HOSPITAL);
			let ledger = Ledgers::<Test>::get(1).unwrap();
			assert_eq!(ledger.earnings.len(), 1);
		});
	}

	#[test]
	fn an_epoch_is_claimable_through_its_whole_window() {
		build_and_execute(|| {
			approve(1, HOSPITAL);
			for _ in 0..WINDOW {
				end_epoch();
			}
			assert_eq!(Rewards::pending_rewards(&1), 5 * MAX_PER_POINT);
			assert_ok!(claim(1));
			assert_eq!(free(1), ENDOWMENT + 5 * MAX_PER_POINT);
		});
	}

	#[test]
	fn a_ledger_earning_every_epoch_never_overflows() {
		build_and_execute(|| {
			for _ in 0..(3 * WINDOW) {
				approve(1, HOSPITAL);
				end_epoch();
			}
			approve(1, HOSPITAL);
			let ledger = Ledgers::<Test>::get(1).unwrap();
			assert_eq!(ledger.earnings.len() as u32, WINDOW + 1);
			assert_ok!(claim(1));
		});
	}
}

mod clawback {
	use super::*;

	/// An upheld dispute asks to take back `amount` of `who`'s rewards.
	fn claw_back(who: u64, amount: u64) -> u64 {
		<Pallet as RewardClawback<u64, u64>>::claw_back(&who, amount)
	}

	/// Epoch 0: the hospital's admin (11) earns 4 points, patient 2 earns 5; epoch 1: the admin
	/// alone earns 4. Both end. Returns the admin's shares of epochs 0 and 1.
	fn two_ended_epochs() -> (u64, u64) {
		acknowledge(1, HOSPITAL);
		approve(2, HOSPITAL);
		end_epoch();
		acknowledge(1, HOSPITAL);
		end_epoch();
		// 9 points in epoch 0, 4 in epoch 1, each worth at most MAX_PER_POINT.
		const SHARES: (u64, u64) = (9 * MAX_PER_POINT * 4 / 9, 4 * MAX_PER_POINT);
		assert_eq!(Some(Rewards::pending_rewards(&11)), SHARES.0.checked_add(SHARES.1));
		SHARES
	}

	#[test]
	fn takes_every_unclaimed_reward_when_asked_for_more() {
		build_and_execute(|| {
			acknowledge(1, HOSPITAL);
			approve(2, HOSPITAL);
			end_epoch();
			acknowledge(1, HOSPITAL);
			let owed = Rewards::pending_rewards(&11);
			assert_eq!(owed, 9 * MAX_PER_POINT * 4 / 9);
			let free_before = Rewards::pool_free();
			assert_eq!(claw_back(11, u64::MAX), owed);
			assert_eq!(Ledgers::<Test>::get(11), None);
			assert_eq!(Rewards::pending_rewards(&11), 0);
			// The current epoch's points are gone too.
			assert_eq!(Current::<Test>::get().points, 0);
			assert_eq!(Rewards::pool_free(), free_before + owed);
			let record = EndedEpochs::<Test>::get(0).unwrap();
			assert_eq!((record.returned, record.settled_points), (owed, 4));
			assert_eq!(
				events().last(),
				Some(&Event::RewardsClawedBack { who: 11, amount: owed, points: 4 })
			);
			assert_noop!(claim(11), Error::<Test>::NothingToClaim);
			// The patient keeps its share.
			assert_ok!(claim(2));
			assert_eq!(free(2), ENDOWMENT + 9 * MAX_PER_POINT * 5 / 9);
		});
	}

	#[test]
	fn takes_only_the_amount_asked_from_the_oldest_epoch_first() {
		build_and_execute(|| {
			let (first, second) = two_ended_epochs();
			let free_before = Rewards::pool_free();
			// Less than the first epoch's share: it is withheld there, the rest stays claimable.
			assert_eq!(claw_back(11, 150), 150);
			assert_eq!(Rewards::pending_rewards(&11), first + second - 150);
			assert_eq!(Rewards::pool_free(), free_before + 150);
			let earning = Ledgers::<Test>::get(11).unwrap().earnings[0];
			assert_eq!((earning.epoch, earning.points, earning.withheld), (0, 4, 150));
			assert_eq!(EndedEpochs::<Test>::get(0).unwrap().returned, 150);
			assert_eq!(
				events().last(),
				Some(&Event::RewardsClawedBack { who: 11, amount: 150, points: 0 })
			);

			// More than what is left of the first: it is settled, the second is withheld from.
			assert_eq!(claw_back(11, first), first);
			let ledger = Ledgers::<Test>::get(11).unwrap();
			assert_eq!(ledger.earnings.len(), 1);
			assert_eq!(ledger.earnings[0].withheld, 150);
			assert_eq!(EndedEpochs::<Test>::get(0).unwrap().settled_points, 4);
			assert_eq!(EndedEpochs::<Test>::get(1).unwrap().returned, 150);

			// The admin claims exactly what is left.
			let pending = Rewards::pending_rewards(&11);
			assert_eq!(pending, first + second - 150 - first);
			assert_ok!(claim(11));
			assert_eq!(free(11), ENDOWMENT + pending);
			let record = EndedEpochs::<Test>::get(1).unwrap();
			assert_eq!(record.paid + record.returned, second);
		});
	}

	#[test]
	fn takes_points_of_the_current_epoch_at_the_most_they_may_be_worth() {
		build_and_execute(|| {
			acknowledge(1, HOSPITAL);
			assert_eq!(points(11), 4);
			// Worth two points and a half: two points go, nothing leaves the pool yet.
			assert_eq!(claw_back(11, 2 * MAX_PER_POINT + MAX_PER_POINT / 2), 0);
			assert_eq!(points(11), 2);
			assert_eq!(Current::<Test>::get().points, 2);
			assert_eq!(
				events().last(),
				Some(&Event::RewardsClawedBack { who: 11, amount: 0, points: 2 })
			);
			// Less than a point's worth takes nothing, and says nothing.
			let said = events().len();
			assert_eq!(claw_back(11, MAX_PER_POINT - 1), 0);
			assert_eq!(points(11), 2);
			assert_eq!(events().len(), said);
		});
	}

	#[test]
	fn of_nothing_changes_nothing() {
		build_and_execute(|| {
			let (first, second) = two_ended_epochs();
			acknowledge(1, HOSPITAL);
			let ledger = Ledgers::<Test>::get(11);
			let (current, free_before, said) =
				(Current::<Test>::get(), Rewards::pool_free(), events().len());
			assert_eq!(claw_back(11, 0), 0);
			assert_eq!(Ledgers::<Test>::get(11), ledger);
			assert_eq!(Current::<Test>::get(), current);
			assert_eq!(Rewards::pool_free(), free_before);
			assert_eq!(Rewards::pending_rewards(&11), first + second);
			assert_eq!(events().len(), said);
		});
	}

	#[test]
	fn keeps_the_acts_counted_this_epoch() {
		build_and_execute(|| {
			// The hospital's admin is also a vouched patient.
			registry::vouch(11);
			approve(11, CLINIC);
			claw_back(11, u64::MAX);
			approve(11, CLINIC);
			assert_eq!(points(11), 0);
			assert_eq!(Ledgers::<Test>::get(11).unwrap().counted.len(), 1);
		});
	}

	#[test]
	fn of_an_account_without_rewards_changes_nothing() {
		build_and_execute(|| {
			assert_eq!(claw_back(21, u64::MAX), 0);
			assert_eq!(Ledgers::<Test>::iter().count(), 0);
			assert!(events().is_empty());
		});
	}
}

mod governance {
	use super::*;

	const NEW: RewardSchedule = RewardSchedule {
		request_approved: 1,
		record_anchored: 1,
		research_approved: 1,
		emergency_justified: 1,
		epoch_cap: 3,
	};

	/// `schedule` is refused with `InvalidSchedule`, and the schedule in force stays.
	fn refused(schedule: RewardSchedule) {
		assert!(!Rewards::is_valid_schedule(&schedule));
		assert_noop!(
			Rewards::set_reward_schedule(RuntimeOrigin::root(), schedule),
			Error::<Test>::InvalidSchedule
		);
		assert_eq!(Rewards::reward_schedule(), SCHEDULE);
	}

	#[test]
	fn the_schedule_origin_sets_the_schedule() {
		build_and_execute(|| {
			assert_ok!(Rewards::set_reward_schedule(RuntimeOrigin::root(), NEW));
			assert_eq!(Rewards::reward_schedule(), NEW);
			assert_eq!(events().last(), Some(&Event::ScheduleSet { schedule: NEW }));
			approve(1, HOSPITAL);
			assert_eq!(points(1), 1);
		});
	}

	#[test]
	fn others_may_not() {
		build_and_execute(|| {
			assert_noop!(
				Rewards::set_reward_schedule(RuntimeOrigin::signed(1), NEW),
				DispatchError::BadOrigin
			);
			assert_eq!(Rewards::reward_schedule(), SCHEDULE);
		});
	}

	#[test]
	fn an_approval_must_earn_less_than_a_request_costs() {
		build_and_execute(|| {
			// (7 + 1) × 100 = 800 = the request cost, research bonus included: refused.
			refused(RewardSchedule { request_approved: 7, ..NEW });
			refused(RewardSchedule { request_approved: 1, research_approved: 7, ..NEW });
			// One point less is accepted.
			assert!(Rewards::is_valid_schedule(&RewardSchedule { request_approved: 6, ..NEW }));
			assert!(MAX_PER_POINT * u64::from(SCHEDULE.request_approved) < REQUEST_COST);
			assert!(Rewards::is_valid_schedule(&SCHEDULE));
		});
	}

	#[test]
	fn an_anchor_must_earn_less_than_it_costs() {
		build_and_execute(|| {
			// 4 × 100 = 400 = the anchor's cost.
			refused(RewardSchedule { record_anchored: 4, ..NEW });
			assert!(Rewards::is_valid_schedule(&RewardSchedule { record_anchored: 3, ..NEW }));
		});
	}

	#[test]
	fn a_justified_emergency_must_earn_less_than_declaring_it_costs() {
		build_and_execute(|| {
			// 5 × 100 = 500 = the emergency's cost.
			refused(RewardSchedule { emergency_justified: 5, ..NEW });
			assert!(Rewards::is_valid_schedule(&RewardSchedule { emergency_justified: 4, ..NEW }));
		});
	}

	#[test]
	fn an_account_may_earn_at_most_the_ceiling_per_epoch() {
		build_and_execute(|| {
			// 10 × 100 = 1 000 > 900.
			refused(RewardSchedule { epoch_cap: 10, ..NEW });
			refused(RewardSchedule { epoch_cap: u32::MAX, ..NEW });
			assert!(Rewards::is_valid_schedule(&RewardSchedule { epoch_cap: 9, ..NEW }));
		});
	}

	#[test]
	fn the_most_an_approval_earns_is_below_the_request_cost() {
		build_and_execute(|| {
			// The lone approval of an epoch takes the whole budget, capped per point.
			research(1, HOSPITAL);
			end_epoch();
			assert_eq!(Rewards::pending_rewards(&1), 7 * MAX_PER_POINT);
			assert!(Rewards::pending_rewards(&1) < REQUEST_COST);
		});
	}
}

mod property {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Step {
		Approve(u64, u32),
		Anchor(u64, u32),
		Research(u64, u32),
		Acknowledge(u64, u32),
		Claim(u64),
		ClawBack(u64, u64),
		EndEpoch,
	}

	fn step() -> impl Strategy<Value = Step> {
		let patient = 1u64..=4;
		let provider = 0u32..=3;
		prop_oneof![
			(patient.clone(), provider.clone()).prop_map(|(p, q)| Step::Approve(p, q)),
			(patient.clone(), provider.clone()).prop_map(|(p, q)| Step::Anchor(p, q)),
			(patient.clone(), provider.clone()).prop_map(|(p, q)| Step::Research(p, q)),
			(patient.clone(), provider.clone()).prop_map(|(p, q)| Step::Acknowledge(p, q)),
			prop_oneof![patient, Just(11u64), Just(21u64)].prop_map(Step::Claim),
			(prop_oneof![Just(11u64), Just(21u64), Just(1u64)], 0u64..2_000)
				.prop_map(|(who, amount)| Step::ClawBack(who, amount)),
			Just(Step::EndEpoch),
		]
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(200))]
		#[test]
		fn claims_never_pay_more_than_the_epochs_released(
			steps in proptest::collection::vec(step(), 1..120),
			pool_funds in 1u64..5_000,
		) {
			build_and_execute(|| {
				use frame_support::traits::fungible::Mutate;
				Balances::set_balance(&pool(), pool_funds);
				let mut paid = 0u64;
				for step in steps {
					match step {
						Step::Approve(p, q) => approve(p, q),
						Step::Anchor(p, q) => anchor(p, q),
						Step::Research(p, q) => research(p, q),
						Step::Acknowledge(p, q) => acknowledge(p, q),
						Step::Claim(who) => {
							let before = free(who);
							let pending = Rewards::pending_rewards(&who);
							if claim(who).is_ok() {
								assert_eq!(free(who).checked_sub(before), Some(pending));
								paid = paid.saturating_add(pending);
							}
						},
						Step::ClawBack(who, amount) => {
							let before = Rewards::pending_rewards(&who);
							let taken = <Pallet as RewardClawback<u64, u64>>::claw_back(&who, amount);
							assert!(taken <= amount);
							assert_eq!(Rewards::pending_rewards(&who).checked_add(taken), Some(before));
						},
						Step::EndEpoch => end_epoch(),
					}
					Rewards::do_try_state().unwrap();
				}
				let released: u64 = events()
					.iter()
					.filter_map(|event| match event {
						Event::EpochEnded { budget, .. } => Some(*budget),
						_ => None,
					})
					.sum();
				assert!(paid <= released);
				assert_eq!(free(pool()).checked_add(paid), Some(pool_funds));
			});
		}
	}
}

/// The attacks of the December 2026 review on the emission (findings 3, 10 and 13), each run
/// as the review triggers it or stronger: each now earns nothing, or less than it costs.
mod attacks {
	use super::*;

	/// Sybils that a practitioner of the hospital vouched for.
	const SYBILS: core::ops::Range<u64> = 100..105;

	/// Every act a sybil can earn by, for `provider`.
	fn farm(sybil: u64, provider: u32) {
		approve(sybil, provider);
		research(sybil, provider);
		anchor(sybil, provider);
	}

	/// Finding 3: a practitioner vouches for sybils, which earn every day; the council then
	/// suspends its provider. From then on the sybils earn nothing, however they act.
	#[test]
	fn a_sybil_farm_stops_earning_when_its_voucher_is_suspended() {
		build_and_execute(|| {
			SYBILS.for_each(|sybil| registry::vouch_by(sybil, HOSPITAL));
			SYBILS.for_each(|sybil| farm(sybil, CLINIC));
			assert!(SYBILS.into_iter().all(|sybil| points(sybil) == SCHEDULE.epoch_cap));
			end_epoch();

			registry::set_status(HOSPITAL, ProviderStatus::Suspended);
			let said = events().len();
			SYBILS.for_each(|sybil| farm(sybil, CLINIC));
			// Nor does an emergency they acknowledge earn another provider's admin.
			SYBILS.for_each(|sybil| acknowledge(sybil, CLINIC));
			assert!(SYBILS.into_iter().all(|sybil| points(sybil) == 0));
			assert_eq!(Current::<Test>::get().points, 0);
			assert_eq!(Ledgers::<Test>::get(21), None);
			assert_eq!(events().len(), said);
			// What they earned before, paid for by the requests' fees, stays claimable.
			assert_ok!(claim(100));
		});
	}

	/// Finding 3, the final sanction: a revoked voucher's sybils earn nothing either; a vouch
	/// by another accredited provider (which answers for it) counts again.
	#[test]
	fn a_sybil_farm_stops_earning_when_its_voucher_is_revoked() {
		build_and_execute(|| {
			SYBILS.for_each(|sybil| registry::vouch_by(sybil, HOSPITAL));
			registry::set_status(HOSPITAL, ProviderStatus::Revoked);
			for _ in 0..3 {
				SYBILS.for_each(|sybil| farm(sybil, CLINIC));
				end_epoch();
			}
			assert_eq!(Ledgers::<Test>::iter().count(), 0);
			for sybil in SYBILS {
				assert_noop!(claim(sybil), Error::<Test>::NothingToClaim);
			}

			registry::vouch_by(100, CLINIC);
			approve(100, HOSPITAL);
			assert_eq!(points(100), SCHEDULE.request_approved);
		});
	}

	/// Finding 3: a vouched sybil grants a fee-free research consent every day. A consent
	/// reaches no reward (the runtime wires no listener to research consents): research earns
	/// only when a research request is approved, and each request costs its requester more than
	/// the approval earns, so the farm loses what it spends.
	#[test]
	fn research_consents_earn_nothing_on_their_own() {
		build_and_execute(|| {
			registry::vouch(100);
			// Days of research consents, and nothing else: nothing to claim.
			for _ in 0..5 {
				end_epoch();
			}
			assert_eq!(Ledgers::<Test>::get(100), None);
			assert_noop!(claim(100), Error::<Test>::NothingToClaim);

			// The colluding provider asks for research every day instead: the farm pays a
			// request fee a day, and earns less, even when it alone earns in the epoch.
			let days = 5u64;
			let mut earned = 0;
			for _ in 0..days {
				research(100, HOSPITAL);
				end_epoch();
				let before = free(100);
				assert_ok!(claim(100));
				earned += free(100) - before;
			}
			assert!(earned > 0);
			assert!(earned <= days * 7 * MAX_PER_POINT);
			assert!(earned < days * REQUEST_COST);
		});
	}

	/// Finding 10: governance may not set a schedule that lets one account take an epoch's
	/// budget: the review's `{research: 1 000 000, epoch_cap: 1 000 000}` and every schedule
	/// past any bound are refused, and under the most generous valid schedule a lone account
	/// doing everything it can earns at most `MaxRewardPerAccount`, below the budget.
	#[test]
	fn no_schedule_lets_one_account_take_the_epoch() {
		build_and_execute(|| {
			let nothing = RewardSchedule::default();
			let farmable = [
				RewardSchedule { research_approved: 1_000_000, epoch_cap: 1_000_000, ..nothing },
				RewardSchedule { epoch_cap: 1_000_000, ..nothing },
				RewardSchedule { record_anchored: 1_000_000, epoch_cap: 9, ..nothing },
				RewardSchedule { emergency_justified: u32::MAX, epoch_cap: 9, ..nothing },
				RewardSchedule { request_approved: 8, epoch_cap: 9, ..nothing },
				RewardSchedule { request_approved: 4, research_approved: 4, ..nothing },
			];
			for schedule in farmable {
				assert_noop!(
					Rewards::set_reward_schedule(RuntimeOrigin::root(), schedule),
					Error::<Test>::InvalidSchedule
				);
			}
			assert_eq!(Rewards::reward_schedule(), SCHEDULE);

			// The most generous valid schedule; the hospital's admin is also a vouched patient.
			let generous = RewardSchedule {
				request_approved: 5,
				record_anchored: 3,
				research_approved: 2,
				emergency_justified: 4,
				epoch_cap: 9,
			};
			assert_ok!(Rewards::set_reward_schedule(RuntimeOrigin::root(), generous));
			registry::vouch_by(11, CLINIC);
			for provider in 0..10 {
				research(11, provider);
				anchor(11, provider);
			}
			for patient in [1, 2, 3] {
				acknowledge(patient, HOSPITAL);
			}
			end_epoch();
			let taken = Rewards::pending_rewards(&11);
			assert_eq!(taken, MAX_PER_ACCOUNT);
			assert!(taken < BUDGET);
			assert_eq!(Rewards::pool_free(), POOL_FUNDS - 1 - MAX_PER_ACCOUNT);
		});
	}

	/// Finding 13: the admin registers as a patient and acknowledges its own provider's
	/// emergencies, twenty a day; or has them acknowledged by its practitioners, by accounts
	/// with a stake in the provider, by patients its own practitioners vouched for, or by
	/// patients nobody vouched for. None of it earns anything.
	#[test]
	fn self_acknowledged_emergencies_earn_nothing() {
		build_and_execute(|| {
			// The admin, vouched for by its own provider, then by a colluding one.
			registry::vouch_by(11, HOSPITAL);
			(0..20).for_each(|_| acknowledge(11, HOSPITAL));
			registry::vouch_by(11, CLINIC);
			(0..20).for_each(|_| acknowledge(11, HOSPITAL));
			// A practitioner of the provider, vouched for elsewhere.
			registry::add_practitioner(12, HOSPITAL);
			registry::vouch_by(12, CLINIC);
			acknowledge(12, HOSPITAL);
			// An account with a stake in the provider (its bonder, or a department's staff).
			registry::vouch_by(5, CLINIC);
			registry::affiliate(5, HOSPITAL);
			acknowledge(5, HOSPITAL);
			// A sybil the provider's own practitioner vouched for.
			registry::vouch_by(6, HOSPITAL);
			acknowledge(6, HOSPITAL);
			// A patient nobody vouched for.
			acknowledge(UNVOUCHED, HOSPITAL);

			assert_eq!(Ledgers::<Test>::iter().count(), 0);
			assert_eq!(Current::<Test>::get().points, 0);
			assert!(events().is_empty());
		});
	}

	/// Finding 13, a stronger trigger: a real third-party patient acknowledges twenty of the
	/// provider's emergencies a day. Only the first counts, each epoch.
	#[test]
	fn an_emergency_farm_earns_once_per_patient_and_epoch() {
		build_and_execute(|| {
			for _ in 0..3 {
				(0..20).for_each(|_| acknowledge(1, HOSPITAL));
				assert_eq!(points(11), SCHEDULE.emergency_justified);
				end_epoch();
			}
		});
	}
}

/// Finding 10's property: whatever schedules governance tries (the invalid ones are refused),
/// and whatever the accounts do, no account earns more than `MaxRewardPerAccount` in an epoch.
mod schedule_property {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Step {
		SetSchedule(RewardSchedule),
		Approve(u64, u32),
		Research(u64, u32),
		Anchor(u64, u32),
		Acknowledge(u64, u32),
		EndEpoch,
	}

	fn some_points() -> impl Strategy<Value = u32> {
		prop_oneof![4 => 0u32..12, 1 => any::<u32>()]
	}

	fn schedule() -> impl Strategy<Value = RewardSchedule> {
		let p = some_points;
		(p(), p(), p(), p(), p()).prop_map(|(a, b, c, d, e)| RewardSchedule {
			request_approved: a,
			record_anchored: b,
			research_approved: c,
			emergency_justified: d,
			epoch_cap: e,
		})
	}

	/// The accounts: the patients, the hospital's admin (also a vouched patient) and sybils.
	const ACCOUNTS: [u64; 8] = [1, 2, 3, 11, 100, 101, 102, 103];

	fn step() -> impl Strategy<Value = Step> {
		let who = proptest::sample::select(ACCOUNTS.to_vec());
		let provider = 0u32..6;
		prop_oneof![
			1 => schedule().prop_map(Step::SetSchedule),
			3 => (who.clone(), provider.clone()).prop_map(|(p, q)| Step::Approve(p, q)),
			3 => (who.clone(), provider.clone()).prop_map(|(p, q)| Step::Research(p, q)),
			3 => (who.clone(), provider.clone()).prop_map(|(p, q)| Step::Anchor(p, q)),
			3 => (who, provider).prop_map(|(p, q)| Step::Acknowledge(p, q)),
			1 => Just(Step::EndEpoch),
		]
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(200))]
		#[test]
		fn no_valid_schedule_lets_one_account_earn_more_than_the_ceiling(
			steps in proptest::collection::vec(step(), 1..150),
		) {
			build_and_execute(|| {
				registry::vouch_by(11, CLINIC);
				(100..104).for_each(registry::vouch);
				let claim_all = || {
					for who in ACCOUNTS {
						let before = free(who);
						if claim(who).is_ok() {
							assert!(free(who).saturating_sub(before) <= MAX_PER_ACCOUNT);
						}
					}
				};
				for step in steps {
					match step {
						Step::SetSchedule(schedule) => {
							let before = Rewards::reward_schedule();
							let set = Rewards::set_reward_schedule(RuntimeOrigin::root(), schedule);
							assert_eq!(set.is_ok(), Rewards::is_valid_schedule(&schedule));
							// Clamping makes any schedule valid, and keeps a valid one.
							let clamped = Rewards::clamp_schedule(schedule);
							assert!(Rewards::is_valid_schedule(&clamped));
							assert_eq!(clamped == schedule, set.is_ok());
							if set.is_err() {
								assert_eq!(Rewards::reward_schedule(), before);
							}
						},
						Step::Approve(p, q) => approve(p, q),
						Step::Research(p, q) => research(p, q),
						Step::Anchor(p, q) => anchor(p, q),
						Step::Acknowledge(p, q) => acknowledge(p, q),
						Step::EndEpoch => {
							end_epoch();
							// One epoch's rewards at a time.
							claim_all();
						},
					}
					for who in ACCOUNTS {
						assert!(u64::from(points(who)) * MAX_PER_POINT <= MAX_PER_ACCOUNT);
					}
					Rewards::do_try_state().unwrap();
				}
				end_epoch();
				claim_all();
			});
		}
	}
}

mod migration {
	use super::*;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	/// A chain launched with the old schedule (research consents 20 points, anchors and
	/// emergencies 5 at 0.05 SLS a point: in the mock, the same shape) gets it clamped.
	#[test]
	fn v1_clamps_the_stored_schedule_to_the_bounds() {
		build_and_execute(|| {
			StorageVersion::new(0).put::<Rewards>();
			let old = RewardSchedule {
				request_approved: 10,
				record_anchored: 5,
				research_approved: 20,
				emergency_justified: 5,
				epoch_cap: 100,
			};
			Schedule::<Test>::put(old);
			crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
			let clamped = RewardSchedule {
				request_approved: 7,
				record_anchored: 3,
				research_approved: 0,
				emergency_justified: 4,
				epoch_cap: 9,
			};
			assert_eq!(Rewards::reward_schedule(), clamped);
			assert!(Rewards::is_valid_schedule(&clamped));
			assert_eq!(Rewards::on_chain_storage_version(), 1);
			assert_eq!(events().last(), Some(&Event::ScheduleSet { schedule: clamped }));
			// It runs once.
			Schedule::<Test>::put(old);
			crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Rewards::reward_schedule(), old);
			Schedule::<Test>::put(clamped);
		});
	}

	#[test]
	fn v1_keeps_a_valid_schedule() {
		build_and_execute(|| {
			StorageVersion::new(0).put::<Rewards>();
			crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Rewards::reward_schedule(), SCHEDULE);
			assert_eq!(Rewards::on_chain_storage_version(), 1);
			assert!(events().is_empty());
		});
	}
}
