//! The dispute court on a running chain: a physician breaks the glass without cause; the
//! hospital tries to escape the court (its physician squats the dispute about the emergency,
//! its admin tries to make arbitrators its practitioners and, as the patient's guardian, to have
//! the patient register a provider) and is refused each time; the patient contests it, the dev chain's arbitrators (Alice, Bob, Ferdie) vote it Upheld, and
//! closing the dispute slashes the hospital's bond, compensates the patient, pays the majority
//! arbitrators and suspends the hospital, whose physician can no longer break the glass. And a
//! dispute no arbitrator voted on goes to the council, whose supermajority motion rules on it.

use crate::{
	access::{access, parties},
	harness::{account_of, run_scenario, Client, Finalized, Result},
	identity::de,
};
use pallet_access::{Call as AccessCall, EmergencyReason, Event as AccessEvent};
use pallet_disputes::{Call as DisputesCall, Event as DisputesEvent, Settlement, Verdict};
use pallet_health_identity::Call as IdentityCall;
use salus_primitives::{DisputeId, DisputeSubject, PractitionerRole, ProviderId, ProviderKind};
use salus_runtime::{
	configs::{
		governance::TreasuryAccount,
		health::{
			ArbitratorFee, DisputeAppealPeriod, DisputeBond, DisputeCompensation,
			DisputeEvidencePeriod, DisputeSlash, DisputeVotingPeriod,
		},
	},
	Balance, BlockNumber, Hash, ProxyType, Runtime, RuntimeCall, RuntimeEvent,
};
use sp_runtime::traits::{BlakeTwo256, Hash as _};
use std::time::Duration;
use subxt_signer::sr25519::dev;

fn disputes(call: DisputesCall<Runtime>) -> RuntimeCall {
	RuntimeCall::Disputes(call)
}

/// The disputes pallet's event that `pick` finds among `finalized`'s.
fn find<T>(
	finalized: &Finalized,
	pick: impl Fn(&DisputesEvent<Runtime>) -> Option<T>,
) -> Result<T> {
	finalized
		.events
		.iter()
		.find_map(|event| match event {
			RuntimeEvent::Disputes(event) => pick(event),
			_ => None,
		})
		.ok_or_else(|| format!("event not found among {:?}", finalized.events).into())
}

/// What moved when dispute `id` ended Upheld (not lapsed) in `finalized`.
fn upheld_settlement(finalized: &Finalized, id: DisputeId) -> Result<Settlement<Balance>> {
	find(finalized, |event| match event {
		DisputesEvent::DisputeResolved {
			id: done,
			verdict: Verdict::Upheld,
			lapsed: false,
			settlement,
		} if *done == id => Some(*settlement),
		_ => None,
	})
}

/// Waits until block `block` is in the best chain, so that the next transaction lands after it.
async fn until_block(client: &Client, block: BlockNumber) -> Result {
	client.wait_for_blocks(block, 0, Duration::from_secs(120)).await
}

/// Sudo (Alice) shortens the evidence and appeal periods to one block each and the voting
/// period to `voting` blocks, so a scenario runs in a minute or two rather than weeks. (The
/// court counts only once the voting period is over, so a scenario where arbitrators vote gives
/// them a few blocks.)
pub(crate) async fn short_periods(client: &Client, voting: u32) -> Result {
	periods(client, 1, voting, 1).await
}

/// Sudo (Alice) sets the evidence, voting and appeal periods, in blocks.
pub(crate) async fn periods(client: &Client, evidence: u32, voting: u32, appeal: u32) -> Result {
	let items = vec![
		(DisputeEvidencePeriod::key().to_vec(), codec::Encode::encode(&evidence)),
		(DisputeAppealPeriod::key().to_vec(), codec::Encode::encode(&appeal)),
		(DisputeVotingPeriod::key().to_vec(), codec::Encode::encode(&voting)),
	];
	client.sudo_set_storage(items).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hospital_cannot_escape_the_contest_of_its_emergency_which_is_upheld_and_sanctioned(
) -> Result {
	run_scenario(|client| async move {
		let (alice, bob, charlie, dave, eve, ferdie) =
			(dev::alice(), dev::bob(), dev::charlie(), dev::dave(), dev::eve(), dev::ferdie());
		let ((eve_id, _, hospital), ()) =
			tokio::try_join!(parties(&client), short_periods(&client, 8))?;
		let (charlie_id, alice_id, bob_id) =
			(account_of(&charlie), account_of(&alice), account_of(&bob));

		// Dave breaks the glass on Eve, who is not in any emergency.
		let declare = access(AccessCall::declare_emergency {
			patient: eve_id.clone(),
			justification: EmergencyReason::Unconscious.commit([7; 32], Hash::repeat_byte(0x11)),
		});
		let declared = client.submit(declare, &dave).await?;
		let emergency = declared
			.events
			.iter()
			.find_map(|event| match event {
				RuntimeEvent::Access(AccessEvent::EmergencyDeclared { id, .. }) => Some(*id),
				_ => None,
			})
			.ok_or("no EmergencyDeclared event")?;

		// The hospital tries to escape the court. Its physician squats the dispute about the
		// emergency before Eve can contest it: refused, only the patient disputes an emergency,
		// through the access pallet.
		let squat = disputes(DisputesCall::open_dispute {
			respondent: hospital,
			subject: DisputeSubject::Emergency(emergency),
			evidence: Hash::repeat_byte(0x66),
		});
		let error = client.submit(squat, &dave).await.err().ok_or("the physician squatted")?;
		assert!(error.to_string().contains("SubjectIsEmergency"), "{error}");

		// Eve had made Charlie, the hospital's admin, her health guardian. As her guardian he
		// tries to have her register a provider (holding her funds as its bond): filtered out,
		// a guardian makes only the patient's own calls.
		let appoint = RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
			delegate: charlie_id.clone().into(),
			proxy_type: ProxyType::HealthGuardian,
			delay: 0,
		});
		client.submit(appoint, &eve).await?;
		let register = RuntimeCall::HealthIdentity(IdentityCall::register_provider {
			name: b"Eve's clinic".to_vec().try_into().map_err(|_| "name too long")?,
			kind: ProviderKind::Clinic,
			jurisdiction: de()?,
			parent: None,
		});
		let as_eve = RuntimeCall::Proxy(pallet_proxy::Call::proxy {
			real: eve_id.clone().into(),
			force_proxy_type: None,
			call: Box::new(register),
		});
		let eve_free = client.free_balance(&eve_id).await?;
		let refused = client.submit(as_eve, &charlie).await?;
		assert!(
			refused.events.iter().any(|event| matches!(
				event,
				RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted { result: Err(error) })
					if *error == frame_system::Error::<Runtime>::CallFiltered.into()
			)),
			"the guardian's call was not filtered: {:?}",
			refused.events
		);
		assert_eq!(client.free_balance(&eve_id).await?, eve_free);

		// Charlie tries to make arbitrators Alice and Bob his physicians, so that they could not
		// vote on what Eve brings against his hospital: these are only proposals, which they
		// never accept — they do not become the hospital's, and their votes count.
		for arbitrator in [&alice_id, &bob_id] {
			let hire = RuntimeCall::HealthIdentity(IdentityCall::add_practitioner {
				account: arbitrator.clone(),
				role: PractitionerRole::Physician,
			});
			client.submit(hire, &charlie).await?;
			let provider_of: Option<ProviderId> =
				client.runtime_api("HealthIdentityApi_provider_of", arbitrator).await?;
			assert_eq!(provider_of, None);
		}

		// Eve contests it: a dispute opens, her bond is held.
		let eve_held = client.held_balance(&eve_id).await?;
		let contest = access(AccessCall::contest_emergency {
			emergency_id: emergency,
			evidence: Hash::repeat_byte(0xe7),
		});
		let contested = client.submit(contest, &eve).await?;
		let (id, evidence_ends, voting_ends): (DisputeId, BlockNumber, BlockNumber) =
			find(&contested, |event| match event {
				DisputesEvent::DisputeOpened {
					id,
					claimant,
					respondent,
					subject,
					bond,
					evidence_ends,
					voting_ends,
					..
				} if *claimant == eve_id
					&& *respondent == hospital
					&& *subject == DisputeSubject::Emergency(emergency)
					&& *bond == DisputeBond::get() =>
				{
					Some((*id, *evidence_ends, *voting_ends))
				},
				_ => None,
			})?;
		// The emergency's review is closed (its deposit returned to Dave); Eve holds the bond.
		assert_eq!(
			client.held_balance(&eve_id).await?,
			eve_held.saturating_add(DisputeBond::get())
		);

		// After the evidence period, Alice and Bob vote Upheld: two of three arbitrators decide.
		until_block(&client, evidence_ends).await?;
		let upheld = || disputes(DisputesCall::vote { dispute_id: id, verdict: Verdict::Upheld });
		tokio::try_join!(client.submit(upheld(), &alice), client.submit(upheld(), &bob))?;

		// Once the voting period is over, Ferdie closes it: decided, with a one-block appeal
		// period nobody uses.
		until_block(&client, voting_ends).await?;
		let close = || disputes(DisputesCall::close_dispute { dispute_id: id });
		let decided = client.submit(close(), &ferdie).await?;
		let appeal_ends = find(&decided, |event| match event {
			DisputesEvent::DisputeDecided {
				verdict: Verdict::Upheld,
				upheld: 2,
				appeal_ends,
				..
			} => Some(*appeal_ends),
			_ => None,
		})?;
		until_block(&client, appeal_ends).await?;

		let treasury = TreasuryAccount::get();
		let before = (
			client.free_balance(&eve_id).await?,
			client.held_balance(&charlie_id).await?,
			client.free_balance(&alice_id).await?,
			client.free_balance(&bob_id).await?,
			client.free_balance(&treasury).await?,
		);
		let resolved = client.submit(close(), &ferdie).await?;
		let settlement = upheld_settlement(&resolved, id)?;

		// A quarter of the hospital's bond is slashed: 60 % to Eve, 10 % shared by Alice and
		// Bob, the rest to the treasury; Eve's bond comes back; the hospital is suspended.
		let slash = DisputeSlash::get();
		let compensation = DisputeCompensation::get().mul_floor(slash);
		let share = ArbitratorFee::get().mul_floor(slash).saturating_div(2);
		assert_eq!(settlement.compensation, compensation);
		assert_eq!(settlement.arbitrator_fees, share.saturating_mul(2));
		assert_eq!(
			settlement.to_treasury,
			slash.saturating_sub(compensation).saturating_sub(share.saturating_mul(2))
		);
		assert_eq!(settlement.refunded, DisputeBond::get());
		assert!(settlement.suspended);
		assert_eq!(
			client.free_balance(&eve_id).await?,
			before.0.saturating_add(compensation).saturating_add(DisputeBond::get())
		);
		assert_eq!(client.held_balance(&eve_id).await?, eve_held);
		assert_eq!(client.held_balance(&charlie_id).await?, before.1.saturating_sub(slash));
		assert_eq!(client.free_balance(&alice_id).await?, before.2.saturating_add(share));
		assert_eq!(client.free_balance(&bob_id).await?, before.3.saturating_add(share));
		// The treasury also receives Ferdie's transaction fee.
		assert!(
			client.free_balance(&treasury).await?
				>= before.4.saturating_add(settlement.to_treasury)
		);
		assert!(resolved.events.iter().any(|event| matches!(
			event,
			RuntimeEvent::HealthIdentity(pallet_health_identity::Event::ProviderStatusChanged {
				provider, to: salus_primitives::ProviderStatus::Suspended, ..
			}) if *provider == hospital
		)));

		// Suspended, the hospital's physician can no longer break the glass.
		let again = access(AccessCall::declare_emergency {
			patient: eve_id.clone(),
			justification: EmergencyReason::Unconscious.commit([7; 32], Hash::repeat_byte(0x12)),
		});
		let error = client.submit(again, &dave).await.err().ok_or("declared while suspended")?;
		assert!(error.to_string().contains("ProviderNotAccredited"), "{error}");
		Ok(())
	})
	.await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dispute_without_a_quorum_is_ruled_by_a_council_supermajority_motion() -> Result {
	run_scenario(|client| async move {
		let (alice, bob, charlie, eve, ferdie) =
			(dev::alice(), dev::bob(), dev::charlie(), dev::eve(), dev::ferdie());
		let ((eve_id, _, hospital), ()) =
			tokio::try_join!(parties(&client), short_periods(&client, 1))?;
		let charlie_id = account_of(&charlie);

		// Eve disputes the hospital's conduct; no arbitrator votes in the (one-block) voting
		// period, so closing it refers it to the council.
		let open = disputes(DisputesCall::open_dispute {
			respondent: hospital,
			subject: DisputeSubject::Conduct,
			evidence: Hash::repeat_byte(0xc0),
		});
		let opened = client.submit(open, &eve).await?;
		let (id, voting_ends) = find(&opened, |event| match event {
			DisputesEvent::DisputeOpened { id, voting_ends, .. } => Some((*id, *voting_ends)),
			_ => None,
		})?;
		until_block(&client, voting_ends).await?;
		let referred = client
			.submit(disputes(DisputesCall::close_dispute { dispute_id: id }), &ferdie)
			.await?;
		find(&referred, |event| {
			matches!(event, DisputesEvent::DisputeReferred { votes: 0, .. }).then_some(())
		})?;

		// Alice moves that the claim is upheld; Alice and Bob (two of three councillors, the
		// supermajority) vote aye; Charlie, the hospital's admin, does not vote.
		let ruling =
			disputes(DisputesCall::rule_on_appeal { dispute_id: id, verdict: Verdict::Upheld });
		let length = codec::Encode::encoded_size(&ruling) as u32;
		let hash = BlakeTwo256::hash_of(&ruling);
		let propose = RuntimeCall::Council(pallet_collective::Call::propose {
			threshold: 2,
			proposal: Box::new(ruling),
			length_bound: length,
		});
		let proposed = client.submit(propose, &alice).await?;
		let index = proposed
			.events
			.iter()
			.find_map(|event| match event {
				RuntimeEvent::Council(pallet_collective::Event::Proposed {
					proposal_index,
					..
				}) => Some(*proposal_index),
				_ => None,
			})
			.ok_or("no Proposed event")?;
		let aye = || {
			RuntimeCall::Council(pallet_collective::Call::vote {
				proposal: hash,
				index,
				approve: true,
			})
		};
		tokio::try_join!(client.submit(aye(), &alice), client.submit(aye(), &bob))?;
		let bond_before = client.held_balance(&charlie_id).await?;
		let eve_before = client.free_balance(&eve_id).await?;
		let close = RuntimeCall::Council(pallet_collective::Call::close {
			proposal_hash: hash,
			index,
			proposal_weight_bound: salus_runtime::configs::governance::MaxProposalWeight::get(),
			length_bound: length,
		});
		let closed = client.submit(close, &ferdie).await?;
		assert!(
			closed.events.iter().any(|event| matches!(
				event,
				RuntimeEvent::Council(pallet_collective::Event::Executed { result: Ok(()), .. })
			)),
			"{:?}",
			closed.events
		);
		let settlement = upheld_settlement(&closed, id)?;
		// Upheld on conduct, a first offence: slashed and compensated, not suspended.
		assert_eq!(
			settlement.compensation,
			DisputeCompensation::get().mul_floor(DisputeSlash::get())
		);
		assert!(!settlement.suspended);
		assert_eq!(
			client.held_balance(&charlie_id).await?,
			bond_before.saturating_sub(DisputeSlash::get())
		);
		assert_eq!(
			client.free_balance(&eve_id).await?,
			eve_before
				.saturating_add(settlement.compensation)
				.saturating_add(DisputeBond::get())
		);
		Ok(())
	})
	.await
}
