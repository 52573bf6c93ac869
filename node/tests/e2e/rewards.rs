//! Rewards on a running chain: a patient an accredited hospital vouched for approves a research
//! request (and takes its bounty), the epoch ends, and `claim_rewards` grows the patient's
//! wallet by exactly what the `RewardsApi` said was pending, free of fees.

use crate::{
	access::{access, parties},
	harness::{run_scenario, Client, Finalized, Result},
};
use pallet_access::{Call as AccessCall, Event as AccessEvent};
use pallet_rewards::{Act, Call as RewardsCall, EpochInfo, Event as RewardsEvent, RewardSchedule};
use salus_primitives::{DataClass, DataClassSet, Purpose};
use salus_runtime::{
	configs::health::{MaxRewardPerPoint, RewardEpochLength},
	genesis_config_presets::LAUNCH_SCHEDULE,
	Balance, BlockNumber, Hash, RuntimeCall, RuntimeEvent, SLS,
};
use std::time::{Duration, Instant};
use subxt_signer::sr25519::dev;

/// Blocks in an epoch for the scenario (a day on a real network).
const EPOCH: BlockNumber = 4;

/// Sudo (Alice) shortens reward epochs to [`EPOCH`] blocks.
async fn short_epochs(client: &Client) -> Result {
	client
		.sudo_set_storage(vec![(RewardEpochLength::key().to_vec(), codec::Encode::encode(&EPOCH))])
		.await
}

fn rewards_events(
	finalized: &Finalized,
) -> impl Iterator<Item = &RewardsEvent<salus_runtime::Runtime>> {
	finalized.events.iter().filter_map(|event| match event {
		RuntimeEvent::Rewards(event) => Some(event),
		_ => None,
	})
}

async fn epoch_info(client: &Client) -> Result<EpochInfo<BlockNumber, Balance>> {
	client.runtime_api("RewardsApi_epoch_info", ()).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vouched_patient_approves_a_request_and_claims_exactly_its_pending_reward() -> Result {
	run_scenario(|client| async move {
		let (dave, eve) = (dev::dave(), dev::eve());
		let ((eve_id, _, _), ()) = tokio::try_join!(parties(&client), short_epochs(&client))?;
		let schedule: RewardSchedule = client.runtime_api("RewardsApi_reward_schedule", ()).await?;
		assert_eq!(schedule, LAUNCH_SCHEDULE);

		// Dave's hospital vouches for Eve: from now on her sharing earns.
		let vouch = RuntimeCall::HealthIdentity(pallet_health_identity::Call::vouch_patient {
			patient: eve_id.clone(),
		});
		client.submit(vouch, &dave).await?;

		// Dave asks Eve for her genomics for research, offering a 2 SLS bounty.
		let bounty = 2 * SLS;
		let ask = access(AccessCall::request_access {
			patient: eve_id.clone(),
			classes: DataClassSet::of(&[DataClass::Genomics]),
			purpose: Purpose::Research,
			duration: 86_400_000,
			justification: Hash::repeat_byte(0x77),
			bounty,
		});
		let requested = client.submit(ask, &dave).await?;
		let id = requested
			.events
			.iter()
			.find_map(|event| match event {
				RuntimeEvent::Access(AccessEvent::AccessRequested { id, .. }) => Some(*id),
				_ => None,
			})
			.ok_or("no AccessRequested event")?;

		// Eve approves, free of fees: the bounty is hers at once, and she earns points.
		let before = client.free_balance(&eve_id).await?;
		let approve = access(AccessCall::approve_request { request_id: id, classes: None });
		let approved = client.submit(approve, &eve).await?;
		assert_eq!(client.free_balance(&eve_id).await?.checked_sub(before), Some(bounty));
		let earned_in = rewards_events(&approved)
			.find_map(|event| match event {
				RewardsEvent::PointsEarned { who, act: Act::RequestApproved(_), points, epoch }
					if *who == eve_id =>
				{
					assert_eq!(*points, LAUNCH_SCHEDULE.request_approved);
					Some(*epoch)
				},
				_ => None,
			})
			.ok_or_else(|| format!("no PointsEarned event among {:?}", approved.events))?;
		let pending: Balance = client.runtime_api("RewardsApi_pending_rewards", &eve_id).await?;
		assert_eq!(pending, 0, "nothing is claimable before the epoch ends");

		// The epoch ends.
		let started = Instant::now();
		while epoch_info(&client).await?.index <= earned_in {
			if started.elapsed() > Duration::from_secs(120) {
				return Err("the epoch did not end".into());
			}
			tokio::time::sleep(Duration::from_secs(2)).await;
		}

		// Eve was the only one to earn (the approval and, the request being for research, the
		// research bonus): each point is worth the most it may be.
		let pending: Balance = client.runtime_api("RewardsApi_pending_rewards", &eve_id).await?;
		let points =
			Balance::from(LAUNCH_SCHEDULE.request_approved + LAUNCH_SCHEDULE.research_approved);
		assert_eq!(Some(pending), points.checked_mul(MaxRewardPerPoint::get()));

		// She claims, free of fees: her wallet grows by exactly what was pending.
		let before = client.free_balance(&eve_id).await?;
		let claimed =
			client.submit(RuntimeCall::Rewards(RewardsCall::claim_rewards {}), &eve).await?;
		assert_eq!(client.free_balance(&eve_id).await?.checked_sub(before), Some(pending));
		assert!(
			rewards_events(&claimed).any(|event| matches!(
				event,
				RewardsEvent::RewardsClaimed { who, amount, epochs: 1 }
					if *who == eve_id && *amount == pending
			)),
			"no RewardsClaimed event among {:?}",
			claimed.events
		);
		let left: Balance = client.runtime_api("RewardsApi_pending_rewards", &eve_id).await?;
		assert_eq!(left, 0);
		Ok(())
	})
	.await
}
