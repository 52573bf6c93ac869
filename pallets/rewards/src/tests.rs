//! Unit tests: emission and decay, earning (vouching, caps, once per provider and epoch),
//! pro-rata claims, expiry, clawback, governance, and a property test that claims never pay
//! more than the epochs released.

use crate::{
	mock::*, Act, Current, EndedEpochs, EpochRecord, Error, Event, Ledgers, Outstanding,
	RewardSchedule, Schedule,
};
use frame_support::{assert_noop, assert_ok};
use salus_primitives::{
	AccessEvents, ConsentEvents, DataClassSet, Purpose, RecordEvents, RewardClawback,
};
use sp_runtime::DispatchError;

type Pallet = crate::Pallet<Test>;

fn approve(patient: u64, provider: u32) {
	<Pallet as AccessEvents<u64>>::request_approved(
		&patient,
		provider,
		0,
		DataClassSet::default(),
		Purpose::Treatment,
	);
}

fn anchor(patient: u64, provider: u32) {
	<Pallet as RecordEvents<u64>>::record_anchored(&patient, provider);
}

fn research(patient: u64) {
	<Pallet as ConsentEvents<u64>>::research_consent_granted(&patient, 0);
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
			approve(2, CLINIC);
			end_epoch();
			let record = EndedEpochs::<Test>::get(0).unwrap();
			assert_eq!(record, EpochRecord { budget: BUDGET, points: 15, ..Default::default() });
			assert_eq!(Outstanding::<Test>::get(), BUDGET);
			assert_eq!(Rewards::pending_rewards(&1), BUDGET * 5 / 15);
			assert_eq!(Rewards::pending_rewards(&2), BUDGET * 10 / 15);
			assert!(events().contains(&Event::EpochEnded { epoch: 0, budget: BUDGET, points: 15 }));
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
			research(1);
			end_epoch();
			// 2 points × 100: the rest of the budget stays in the pool.
			assert_eq!(EndedEpochs::<Test>::get(0).unwrap().budget, 2 * MAX_PER_POINT);
			assert_eq!(Rewards::pending_rewards(&1), 2 * MAX_PER_POINT);
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
			research(1);
			assert_eq!(points(1), 10);
			assert_eq!(Current::<Test>::get().points, 10);
			assert_eq!(
				events().last(),
				Some(&Event::PointsEarned {
					who: 1,
					act: Act::ResearchConsent,
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
			research(UNVOUCHED);
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
			research(1);
			research(1);
			assert_eq!(points(1), 5 + 3 + 2);
			// Another provider counts.
			approve(2, HOSPITAL);
			approve(2, CLINIC);
			assert_eq!(points(2), 10);
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
			approve(1, CLINIC);
			// 5 + 5 + 2 of 5.
			approve(1, LAB);
			assert_eq!(points(1), SCHEDULE.epoch_cap);
			assert_eq!(Current::<Test>::get().points, u64::from(SCHEDULE.epoch_cap));
			// An act that earns nothing does not count: it may count in the next epoch.
			anchor(1, 3);
			let ledger = Ledgers::<Test>::get(1).unwrap();
			assert_eq!(
				ledger.counted.to_vec(),
				vec![
					Act::RequestApproved(HOSPITAL),
					Act::RequestApproved(CLINIC),
					Act::RequestApproved(LAB)
				]
			);
		});
	}

	#[test]
	fn a_ledger_counts_at_most_max_acts_per_epoch() {
		build_and_execute(|| {
			Schedule::<Test>::put(RewardSchedule {
				request_approved: 1,
				epoch_cap: 100,
				..SCHEDULE
			});
			for provider in 0..(MAX_ACTS + 2) {
				approve(1, provider);
			}
			assert_eq!(points(1), MAX_ACTS);
		});
	}

	#[test]
	fn a_justified_emergency_earns_the_providers_admin_each_time_up_to_the_cap() {
		build_and_execute(|| {
			acknowledge(1, HOSPITAL);
			acknowledge(2, HOSPITAL);
			acknowledge(3, HOSPITAL);
			acknowledge(1, HOSPITAL);
			assert_eq!(points(11), SCHEDULE.epoch_cap);
			assert_eq!(points(1), 0);
			// A suspended provider earns nothing.
			acknowledge(1, LAB);
			assert_eq!(Ledgers::<Test>::get(31), None);
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
		research_consent: 1,
		emergency_justified: 1,
		epoch_cap: 3,
	};

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
			// 6 × 100 = 600 = the request cost: refused.
			let farmable = RewardSchedule { request_approved: 6, ..NEW };
			assert_noop!(
				Rewards::set_reward_schedule(RuntimeOrigin::root(), farmable),
				Error::<Test>::Farmable
			);
			assert!(MAX_PER_POINT * u64::from(SCHEDULE.request_approved) < REQUEST_COST);
			assert!(Rewards::is_unfarmable(&SCHEDULE));
		});
	}

	#[test]
	fn the_most_an_approval_earns_is_below_the_request_cost() {
		build_and_execute(|| {
			// The lone approval of an epoch takes the whole budget, capped per point.
			approve(1, HOSPITAL);
			end_epoch();
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
		Research(u64),
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
			patient.clone().prop_map(Step::Research),
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
						Step::Research(p) => research(p),
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
