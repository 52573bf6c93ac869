//! `salus_subscribeAccessChanges` on a running node: an EHR watching Eve hears of Eve's
//! registration, of her consent, of its expiry and of the hospital's accreditation, in the
//! blocks they happen in; it hears nothing of Ferdie, whom it does not watch; and a
//! subscription for no patient, or for too many, is refused.

use crate::{
	harness::{account_of, run_scenario, Client, Result},
	identity::{accredited_hospital, register_patient},
};
use pallet_consent::Call as ConsentCall;
use salus_primitives::{
	DataClass, DataClassSet, Decision, Grantee, Purpose, PurposeSet, Timestamp,
};
use salus_runtime::{AccountId, Hash, RuntimeCall};
use serde::Deserialize;
use std::{
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use subxt::rpcs::rpc_params;
use subxt_signer::sr25519::dev;

/// One message of the subscription (the node's `AccessChange`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct Change {
	block: Hash,
	number: u32,
	reason: String,
	patients: Vec<AccountId>,
}

/// Every message received so far.
type Received = Arc<Mutex<Vec<Change>>>;

/// Subscribes for `patients` and collects the messages in the background.
async fn subscribe(client: &Client, patients: &[AccountId]) -> Result<Received> {
	let mut subscription = client
		.subscribe::<Change>(
			"salus_subscribeAccessChanges",
			rpc_params![patients],
			"salus_unsubscribeAccessChanges",
		)
		.await?;
	let received: Received = Arc::default();
	let sink = received.clone();
	tokio::spawn(async move {
		while let Some(Ok(change)) = subscription.next().await {
			if let Ok(mut all) = sink.lock() {
				all.push(change);
			}
		}
	});
	Ok(received)
}

/// Waits (up to a minute) for a message that `wanted` accepts, and returns it.
async fn wait_for(
	received: &Received,
	what: &str,
	wanted: impl Fn(&Change) -> bool,
) -> Result<Change> {
	let started = Instant::now();
	loop {
		let found = received.lock().map_err(|_| "poisoned")?.iter().find(|c| wanted(c)).cloned();
		if let Some(change) = found {
			return Ok(change);
		}
		if started.elapsed() > Duration::from_secs(60) {
			let got = received.lock().map_err(|_| "poisoned")?.clone();
			return Err(format!("no {what} message within a minute; got {got:#?}").into());
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ehr_hears_of_every_change_to_its_patients_decisions() -> Result {
	run_scenario(|client| async move {
		let (alice, charlie, dave, eve, ferdie) =
			(dev::alice(), dev::charlie(), dev::dave(), dev::eve(), dev::ferdie());
		let (eve_id, ferdie_id) = (account_of(&eve), account_of(&ferdie));

		// Refused: no patient, too many.
		let none: Result<_> = subscribe(&client, &[]).await;
		assert!(none.is_err(), "a subscription for no patient is refused");
		let too_many = vec![eve_id.clone(); 1001];
		assert!(subscribe(&client, &too_many).await.is_err(), "1001 patients are refused");

		let received = subscribe(&client, std::slice::from_ref(&eve_id)).await?;
		let first = wait_for(&received, "subscribed", |c| c.reason == "subscribed").await?;
		assert_eq!(first.patients, std::slice::from_ref(&eve_id));

		let (_, _, hospital) = tokio::try_join!(
			register_patient(&client, &eve, 31),
			register_patient(&client, &ferdie, 32),
			accredited_hospital(&client, &charlie, &dave, &alice),
		)?;
		wait_for(&received, "patient", |c| c.reason == "patient" && c.patients == [eve_id.clone()])
			.await?;
		// The hospital's accreditation may change any decision: everyone watched is named.
		wait_for(&received, "provider", |c| {
			c.reason == "provider" && c.patients == [eve_id.clone()]
		})
		.await?;

		// Eve's consent to the hospital, for about three blocks; Ferdie's, which nobody watches.
		let now: Timestamp = client
			.storage(pallet_timestamp::Now::<salus_runtime::Runtime>::hashed_key().to_vec())
			.await?
			.ok_or("no timestamp")?;
		let until = now.saturating_add(18_000);
		let consent = |valid_until| {
			RuntimeCall::Consent(ConsentCall::grant_consent {
				grantee: Grantee::Provider(hospital),
				decision: Decision::Permit,
				classes: DataClassSet::of(&[DataClass::LabResults]),
				purposes: PurposeSet::of(&[Purpose::Treatment]),
				jurisdictions: None,
				valid_from: None,
				valid_until,
			})
		};
		let (granted, ferdies) = tokio::try_join!(
			client.submit(consent(Some(until)), &eve),
			client.submit(consent(None), &ferdie),
		)?;
		let heard = wait_for(&received, "consent", |c| c.reason == "consent").await?;
		assert_eq!(heard.block, granted.block_hash, "named in the block that granted it");
		assert_eq!(heard.patients, std::slice::from_ref(&eve_id));
		// Ferdie's consent names nobody: no message lists him, in his block or any other.
		let ferdies_block = client.block_number(Some(ferdies.block_hash)).await?;
		let expired = wait_for(&received, "expiry", |c| c.reason == "expiry").await?;
		assert_eq!(expired.patients, std::slice::from_ref(&eve_id));
		let expiry_time: Timestamp = client
			.storage_at(
				pallet_timestamp::Now::<salus_runtime::Runtime>::hashed_key().to_vec(),
				expired.block,
			)
			.await?
			.ok_or("no timestamp")?;
		assert!(expiry_time >= until, "told at the first block at or after the consent's end");
		let all = received.lock().map_err(|_| "poisoned")?.clone();
		assert!(all.iter().all(|c| !c.patients.contains(&ferdie_id)), "{all:#?}");
		assert!(all.iter().any(|c| c.number >= ferdies_block), "the subscription kept up");
		// Exactly one expiry: the boundary moved on once it was told.
		assert_eq!(all.iter().filter(|c| c.reason == "expiry").count(), 1, "{all:#?}");
		// Every best block read is closed by a `block` message naming nobody, from the block
		// the subscription started at, one block after the other (one node: no fork), and
		// after that block's other messages.
		let blocks: Vec<u32> =
			all.iter().filter(|c| c.reason == "block").map(|c| c.number).collect();
		assert_eq!(blocks.first(), Some(&first.number), "{all:#?}");
		assert!(blocks.windows(2).all(|w| w[1] == w[0].saturating_add(1)), "{blocks:?}");
		assert!(all.iter().filter(|c| c.reason == "block").all(|c| c.patients.is_empty()));
		for (i, change) in all.iter().enumerate().filter(|(_, c)| c.reason != "block") {
			let closed = all.iter().position(|c| c.reason == "block" && c.number == change.number);
			assert!(closed.is_some_and(|at| at > i), "{change:?} before its block's close");
		}
		Ok(())
	})
	.await
}
