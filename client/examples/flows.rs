//! Every flow of Salus from code, one after the other, against a dev node (`salus-node --dev`):
//!
//! ```text
//! cargo run -p salus-client --example flows -- ws://127.0.0.1:9944
//! ```
//!
//! 1. a hospital registers, the council accredits it by motion, a physician joins;
//! 2. a patient registers under a salted commitment and grants a consent;
//! 3. the physician checks access and logs it; the patient reads who saw what;
//! 4. the physician asks for more, the patient approves;
//! 5. the physician breaks the glass, the patient acknowledges;
//! 6. the patient appoints a guardian, who acts for her;
//! 7. the patient brings a claim about the hospital's conduct; the open disputes;
//! 8. a wallet watches what happens to the patient's data.
//!
//! Each step prints what the chain answered. It runs once per dev chain (the provider and the
//! patient register once).

use futures::StreamExt;
use salus_client::{api::query, flows, tx, AccessAnswer, Client, Concerning, Error, Signer, Wait};
use salus_primitives::{
	DataClass, DataClassSet, Decision, DisputeSubject, Grantee, Jurisdiction, PractitionerRole,
	ProviderKind, ProviderStatus, Purpose, PurposeSet,
};
use sp_core::H256;

#[tokio::main]
async fn main() -> Result<(), Error> {
	let url = std::env::args().nth(1).unwrap_or_else(|| "ws://127.0.0.1:9944".into());
	let client = Client::connect(&url).await?;
	let [alice, bob, charlie, dave, eve, ferdie] =
		["alice", "bob", "charlie", "dave", "eve", "ferdie"].map(Signer::dev);
	let (alice, bob, charlie, dave, eve, ferdie) = (alice?, bob?, charlie?, dave?, eve?, ferdie?);
	let de = Jurisdiction::from_code("DE").map_err(|e| Error::Invalid(format!("{e:?}")))?;

	// 1. A hospital registers; the council (Alice, Bob, Charlie on a dev chain) accredits it by
	// a motion two members carry; a physician joins.
	let hospital = client
		.register_provider(
			&charlie,
			"Lakeside Hospital",
			ProviderKind::Hospital,
			de,
			None,
			Wait::InBlock,
		)
		.await?;
	let motion = tx::identity::set_provider_status(hospital, ProviderStatus::Accredited);
	let hash = tx::council::motion_hash(&motion);
	let proposed = client
		.submit(tx::council::propose(2, motion.clone()), &alice, Wait::InBlock)
		.await?;
	let index = proposed
		.find(|event| match event {
			salus_client::RuntimeEvent::Council(pallet_collective::Event::Proposed {
				proposal_index,
				..
			}) => Some(*proposal_index),
			_ => None,
		})
		.ok_or_else(|| Error::Invalid("no motion".into()))?;
	for member in [&alice, &bob] {
		client
			.submit(tx::council::vote(hash, index, true), member, Wait::InBlock)
			.await?;
	}
	client
		.submit(tx::council::close(hash, index, &motion), &eve, Wait::InBlock)
		.await?;
	client
		.submit(
			tx::identity::add_practitioner(dave.account(), PractitionerRole::Physician),
			&charlie,
			Wait::InBlock,
		)
		.await?;
	client
		.submit(tx::identity::accept_practitioner(hospital), &dave, Wait::InBlock)
		.await?;
	println!(
		"1. provider {hospital}: {:?}",
		client.provider(hospital, None).await?.map(|p| p.status)
	);

	// 2. Eve registers: her identifier never leaves this program, only its salted commitment.
	let salt: [u8; 32] = [7; 32];
	client
		.register_patient(&eve, flows::commitment("DE-0000000042", &salt), de, None, Wait::InBlock)
		.await?;
	let consent = tx::consent::grant_consent(
		Grantee::Provider(hospital),
		Decision::Permit,
		DataClassSet::of(&[DataClass::LabResults]),
		PurposeSet::of(&[Purpose::Treatment]),
		None,
		None,
		None,
	)?;
	client.submit(consent, &eve, Wait::InBlock).await?;
	println!("2. Eve's consents: {}", client.consents_of(&eve.account(), None).await?.len());

	// 3. Dave checks (natively on the node) and logs his access; Eve reads her log.
	let labs = query(eve.account(), dave.account(), DataClass::LabResults, Purpose::Treatment);
	let answer = client.rpc_check_access(&labs, None, None).await?;
	println!(
		"3. may Dave see Eve's lab results? {}",
		matches!(answer, AccessAnswer::Permit { .. })
	);
	let log =
		tx::access::log_disclosure(eve.account(), DataClass::LabResults, Purpose::Treatment, None);
	client.submit(log, &dave, Wait::InBlock).await?;
	println!(
		"   Eve's disclosure log: {} entries",
		client.disclosure_log(&eve.account(), None).await?.len()
	);

	// 4. Dave asks for her imaging for a week; she approves.
	let ask = tx::access::request_access(
		eve.account(),
		DataClassSet::of(&[DataClass::Imaging]),
		Purpose::Treatment,
		604_800_000, // a week, in milliseconds
		H256::repeat_byte(1),
		0,
	);
	client.submit(ask, &dave, Wait::InBlock).await?;
	for (id, _) in client.pending_requests_of(&eve.account(), None).await? {
		client
			.submit(tx::access::approve_request(id, None), &eve, Wait::InBlock)
			.await?;
		println!("4. request {id} approved");
	}

	// 5. Dave breaks the glass; Eve accepts it as justified.
	client
		.submit(
			tx::access::declare_emergency(eve.account(), H256::repeat_byte(2)),
			&dave,
			Wait::InBlock,
		)
		.await?;
	for (id, _) in client.emergencies_of(&eve.account(), None).await? {
		client
			.submit(tx::access::acknowledge_emergency(id), &eve, Wait::InBlock)
			.await?;
		println!("5. emergency {id} acknowledged");
	}

	// 6. Eve makes Ferdie her guardian; he grants a consent for her. A call a guardian may
	// not make, or one the chain refuses her, comes back as Error::Dispatch.
	client
		.submit(tx::guardian::appoint(ferdie.account()), &eve, Wait::InBlock)
		.await?;
	println!("6. Eve's guardians: {:?}", client.guardians_of(&eve.account(), None).await?);
	let allergies = tx::consent::grant_consent(
		Grantee::Provider(hospital),
		Decision::Permit,
		DataClassSet::of(&[DataClass::Allergies]),
		PurposeSet::of(&[Purpose::Treatment]),
		None,
		None,
		None,
	)?;
	client.submit_for(&eve.account(), allergies, &ferdie, Wait::InBlock).await?;
	println!("   Eve's consents: {}", client.consents_of(&eve.account(), None).await?.len());

	// 7. Eve brings a claim about the hospital's conduct (bonded; evidence off chain, its hash
	// on chain).
	let claim = tx::disputes::open_dispute(hospital, DisputeSubject::Conduct, H256::repeat_byte(3));
	client.submit(claim, &eve, Wait::InBlock).await?;
	for (id, dispute) in client.open_disputes(None).await? {
		println!("7. dispute {id} against provider {}: {:?}", dispute.respondent, dispute.subject);
	}

	// 8. Eve's wallet follows what happens to her data: the next event that names her.
	let watch = client.watch(Concerning::Account(eve.account()), false).await?;
	let mut watch = std::pin::pin!(watch);
	client.submit(log_again(&eve), &dave, Wait::InBlock).await?;
	if let Some(watched) = watch.next().await {
		let watched = watched?;
		println!("8. #{}: {:?}", watched.block_number, watched.event);
	}
	Ok(())
}

/// Dave logs another access to Eve's lab results.
fn log_again(eve: &Signer) -> salus_client::RuntimeCall {
	tx::access::log_disclosure(eve.account(), DataClass::LabResults, Purpose::Treatment, None)
}
