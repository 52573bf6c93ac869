//! Finding 10: the membership of the council and of the arbitrators changes only with a
//! council supermajority (or root), the majority that appeals and treasury spends need.

use super::genesis_of;
use crate::{AccountId, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, System};
use codec::Encode;
use frame_support::dispatch::GetDispatchInfo;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::{BlakeTwo256, Dispatchable, Hash},
	DispatchError, DispatchResult,
};

fn account(key: Sr25519Keyring) -> AccountId {
	key.to_account_id()
}

fn council() -> Vec<AccountId> {
	pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get()
}

fn arbitrators() -> Vec<AccountId> {
	pallet_membership::Members::<Runtime, pallet_membership::Instance2>::get().into_inner()
}

/// A council of Alice, Bob, Charlie, Dave and Eve (root resets it), on a development genesis.
fn with_a_council_of_five(test: impl FnOnce()) {
	genesis_of("development").execute_with(|| {
		System::set_block_number(1);
		let five = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
			Sr25519Keyring::Eve,
		];
		RuntimeCall::CouncilMembership(pallet_membership::Call::reset_members {
			members: five.iter().map(|k| account(*k)).collect(),
		})
		.dispatch(RuntimeOrigin::root())
		.unwrap();
		assert_eq!(council().len(), 5);
		test()
	})
}

/// Runs a council motion for `proposal` that `ayes` vote for (the first proposes it; a
/// proposer's vote is not implied), closes it and returns the result of the call the council
/// dispatched.
fn motion(proposal: RuntimeCall, ayes: &[Sr25519Keyring]) -> DispatchResult {
	let length_bound = proposal.encoded_size() as u32;
	let hash = BlakeTwo256::hash_of(&proposal);
	let index = pallet_collective::ProposalCount::<Runtime, pallet_collective::Instance1>::get();
	let weight = proposal.get_dispatch_info().call_weight;
	RuntimeCall::Council(pallet_collective::Call::propose {
		threshold: ayes.len() as u32,
		proposal: Box::new(proposal),
		length_bound,
	})
	.dispatch(RuntimeOrigin::signed(account(ayes[0])))
	.unwrap();
	for aye in ayes {
		RuntimeCall::Council(pallet_collective::Call::vote {
			proposal: hash,
			index,
			approve: true,
		})
		.dispatch(RuntimeOrigin::signed(account(*aye)))
		.unwrap();
	}
	System::reset_events();
	RuntimeCall::Council(pallet_collective::Call::close {
		proposal_hash: hash,
		index,
		proposal_weight_bound: weight,
		length_bound,
	})
	.dispatch(RuntimeOrigin::signed(account(ayes[0])))
	.unwrap();
	System::events()
		.into_iter()
		.find_map(|record| match record.event {
			RuntimeEvent::Council(pallet_collective::Event::Executed { result, .. }) => {
				Some(result)
			},
			_ => None,
		})
		.expect("the motion passed and its call was dispatched")
}

/// The review's trigger: a bare majority (3 of 5) moves to add a member, to pack the council
/// towards a supermajority. The council dispatches the call, and the membership pallet refuses
/// its origin; four of five (a supermajority) succeed.
#[test]
fn a_bare_council_majority_cannot_pack_the_council() {
	with_a_council_of_five(|| {
		use Sr25519Keyring::*;
		let add_ferdie = RuntimeCall::CouncilMembership(pallet_membership::Call::add_member {
			who: account(Ferdie).into(),
		});
		assert_eq!(
			motion(add_ferdie.clone(), &[Alice, Bob, Charlie]),
			Err(DispatchError::BadOrigin)
		);
		assert!(!council().contains(&account(Ferdie)));
		assert_eq!(council().len(), 5);

		assert_eq!(motion(add_ferdie, &[Alice, Bob, Charlie, Dave]), Ok(()));
		assert!(council().contains(&account(Ferdie)));
	});
}

/// Red-team finding 2: `change_key` lets a member hand its seat to any account with its own
/// signature — a council seat sold without a supermajority, or an arbitrator the court recorded
/// as conflicted moving its seat to a fresh key that the court does not know. No origin may
/// make it; the seats are unchanged.
#[test]
fn a_member_cannot_hand_its_seat_to_another_key() {
	with_a_council_of_five(|| {
		use sp_runtime::traits::Dispatchable;
		use Sr25519Keyring::*;
		let (council_before, arbitrators_before) = (council(), arbitrators());
		let filtered: DispatchError = frame_system::Error::<Runtime>::CallFiltered.into();
		for call in [
			RuntimeCall::CouncilMembership(pallet_membership::Call::change_key {
				new: account(Ferdie).into(),
			}),
			RuntimeCall::ArbitratorsMembership(pallet_membership::Call::change_key {
				new: account(Eve).into(),
			}),
		] {
			let result = call.dispatch(RuntimeOrigin::signed(account(Alice)));
			assert_eq!(result.map_err(|error| error.error), Err(filtered));
		}
		assert_eq!((council(), arbitrators()), (council_before, arbitrators_before));
	});
}

/// The same for the arbitrators: a bare majority cannot add (or swap in) an arbitrator of its
/// choosing.
#[test]
fn a_bare_council_majority_cannot_appoint_arbitrators() {
	with_a_council_of_five(|| {
		use Sr25519Keyring::*;
		let before = arbitrators();
		let add_eve = RuntimeCall::ArbitratorsMembership(pallet_membership::Call::add_member {
			who: account(Eve).into(),
		});
		assert_eq!(motion(add_eve.clone(), &[Alice, Bob, Charlie]), Err(DispatchError::BadOrigin));
		let swap = RuntimeCall::ArbitratorsMembership(pallet_membership::Call::swap_member {
			remove: account(Ferdie).into(),
			add: account(Eve).into(),
		});
		assert_eq!(motion(swap, &[Alice, Bob, Charlie]), Err(DispatchError::BadOrigin));
		assert_eq!(arbitrators(), before);

		assert_eq!(motion(add_eve, &[Alice, Bob, Charlie, Dave]), Ok(()));
		assert!(arbitrators().contains(&account(Eve)));
	});
}

/// Every membership change (add, remove, swap, reset, prime) of both bodies refuses a bare
/// majority's origin (3 of 5) and accepts a supermajority's (4 of 5) and root.
#[test]
fn every_membership_change_needs_a_supermajority_or_root() {
	with_a_council_of_five(|| {
		use Sr25519Keyring::*;
		let majority: RuntimeOrigin =
			pallet_collective::RawOrigin::<AccountId, pallet_collective::Instance1>::Members(3, 5)
				.into();
		let supermajority: RuntimeOrigin =
			pallet_collective::RawOrigin::<AccountId, pallet_collective::Instance1>::Members(4, 5)
				.into();
		type Council = pallet_membership::Call<Runtime, pallet_membership::Instance1>;
		type Arbitrators = pallet_membership::Call<Runtime, pallet_membership::Instance2>;
		let calls: Vec<RuntimeCall> = vec![
			Council::add_member { who: account(Ferdie).into() }.into(),
			Council::remove_member { who: account(Ferdie).into() }.into(),
			Council::swap_member { remove: account(Eve).into(), add: account(Ferdie).into() }
				.into(),
			Council::set_prime { who: account(Alice).into() }.into(),
			Council::clear_prime {}.into(),
			Arbitrators::add_member { who: account(Eve).into() }.into(),
			Arbitrators::swap_member { remove: account(Eve).into(), add: account(Dave).into() }
				.into(),
			Arbitrators::remove_member { who: account(Dave).into() }.into(),
			Arbitrators::reset_members { members: vec![account(Bob)] }.into(),
			Council::reset_members { members: vec![account(Alice), account(Bob)] }.into(),
		];
		for call in calls {
			let refused = call.clone().dispatch(majority.clone()).map_err(|e| e.error);
			assert_eq!(refused, Err(DispatchError::BadOrigin), "a majority: {call:?}");
			assert!(call.clone().dispatch(supermajority.clone()).is_ok(), "{call:?}");
		}
		assert_eq!(council(), {
			let mut two = vec![account(Alice), account(Bob)];
			two.sort();
			two
		});
		assert_eq!(arbitrators(), vec![account(Bob)]);
		let root_adds = RuntimeCall::CouncilMembership(pallet_membership::Call::add_member {
			who: account(Ferdie).into(),
		});
		assert!(root_adds.dispatch(RuntimeOrigin::root()).is_ok());
	});
}
