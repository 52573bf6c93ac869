//! The rest of the `salus` CLI against a real dev node, as each role would type it: a patient
//! appoints a guardian, who acts for her and is refused everything else; a physician checks a
//! file of accesses; practitioners come and go; the patient's guardian contests the
//! physician's emergency; both sides file evidence; the arbitrators uphold it; the hospital's
//! admin appeals; the council rules by motion; the guardian is removed and refused.

use crate::{
	cli::{salus_binary, Cli, DAVE, EVE},
	disputes::periods,
	harness::{run_scenario, Result},
};
use salus_client::{flows, tx, Client, Signer, Wait};
use salus_primitives::{Jurisdiction, PractitionerRole, ProviderKind, ProviderStatus};
use serde_json::Value;
use std::time::Duration;

/// Lakeside Hospital (Charlie's, accredited by sudo, in Germany), Dave its physician and Eve
/// (registered in Germany) a patient, on a dev chain; the hospital's id.
pub(crate) async fn lakeside(client: &Client) -> Result<salus_primitives::ProviderId> {
	let (alice, charlie, dave, eve) =
		(Signer::dev("alice")?, Signer::dev("charlie")?, Signer::dev("dave")?, Signer::dev("eve")?);
	let de = Jurisdiction::from_code("DE").map_err(|e| e.to_string())?;
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
	let accredit = salus_runtime::RuntimeCall::Sudo(pallet_sudo::Call::sudo {
		call: Box::new(tx::identity::set_provider_status(hospital, ProviderStatus::Accredited)),
	});
	tokio::try_join!(
		client.submit(accredit, &alice, Wait::InBlock),
		client.submit(
			tx::identity::add_practitioner(dave.account(), PractitionerRole::Physician),
			&charlie,
			Wait::InBlock
		),
		client.register_patient(&eve, flows::commitment("E-5", &[5; 32]), de, None, Wait::InBlock),
	)?;
	client
		.submit(tx::identity::accept_practitioner(hospital), &dave, Wait::InBlock)
		.await?;
	Ok(hospital)
}

/// The number of rows of a `--json` table.
fn rows(table: &Value) -> usize {
	table.as_array().map(Vec::len).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn guardians_disputes_and_the_council_from_the_terminal() -> Result {
	run_scenario(|harness| async move {
		let client = Client::connect(harness.url()).await?;
		let (charlie, eve) = (Signer::dev("charlie")?, Signer::dev("eve")?);
		let (ferdie, bob) = (Signer::dev("ferdie")?.account(), Signer::dev("bob")?.account());
		let (ferdie, bob) = (ferdie.to_string(), bob.to_string());
		let charlie_ss58 = charlie.account().to_string();

		// Lakeside Hospital, Dave its physician, Eve a patient; dispute periods of a few blocks.
		lakeside(&client).await?;
		periods(&harness, 3, 6, 3).await?;

		let home = std::env::temp_dir().join(format!("salus-cli-roles-{}", std::process::id()));
		std::fs::create_dir_all(&home)?;
		let cli = Cli { binary: salus_binary()?, url: client.url().to_owned(), home: home.clone() };
		let path = |name: &str| home.join(name).to_string_lossy().into_owned();

		// Eve makes Ferdie her guardian. He grants a consent for her, and it is hers.
		cli.json(Some("dev:eve"), &["patient", "guardian", "add", &ferdie])?;
		let guardians = cli.json(Some("dev:ferdie"), &["--for", EVE, "patient", "guardian", "list"])?;
		assert_eq!(guardians[0]["guardian"], ferdie.as_str(), "{guardians}");
		let granted = cli.json(
			Some("dev:ferdie"),
			&[
				"--for", EVE, "patient", "consent", "grant", "--provider", "0", "--classes",
				"lab-results", "--purposes", "TREAT",
			],
		)?;
		assert_eq!(granted["consents"].as_array().map(Vec::len), Some(1), "{granted}");
		let eves = granted["consents"][0].as_u64().ok_or("the consent's id")?.to_string();
		assert_eq!(rows(&cli.json(None, &["patient", "consent", "list", "--patient", EVE])?), 1);
		assert_eq!(rows(&cli.json(None, &["patient", "consent", "list", "--patient", &ferdie])?), 0);

		// What a guardian may not do for its ward, refused before anything is sent: act as a
		// provider, appoint guardians, register (the salt would not be the ward's).
		let as_provider = cli.fails(
			Some("dev:ferdie"),
			&["--for", EVE, "provider", "leave"],
			2,
		)?;
		assert!(as_provider.contains("patient commands"), "{as_provider}");
		cli.fails(Some("dev:ferdie"), &["--for", EVE, "patient", "guardian", "add", &charlie_ss58], 2)?;
		cli.fails(Some("dev:ferdie"), &["--for", EVE, "patient", "register", "--jurisdiction", "DE"], 2)?;
		assert_eq!(rows(&cli.json(None, &["patient", "guardian", "list", "--for", EVE])?), 1);
		// Charlie is no guardian of Eve's: refused before a fee is paid.
		let not_guardian =
			cli.fails(Some("dev:charlie"), &["--for", EVE, "patient", "deny", "0"], 2)?;
		assert!(not_guardian.contains("is not a guardian"), "{not_guardian}");
		// What the chain refuses the ward, it refuses her guardian, by name; as JSON for a
		// script, on one line.
		let refused = cli.run(Some("dev:ferdie"), &["--json", "--for", EVE, "patient", "deny", "999"])?;
		assert_eq!(refused.status.code(), Some(4));
		let refused: Value = serde_json::from_slice(&refused.stderr)?;
		assert!(refused["error"].as_str().is_some_and(|e| e.contains("Access::RequestNotFound")), "{refused}");
		// A motion whose threshold its origin would refuse is refused here.
		let low = cli.fails(Some("dev:alice"), &["governance", "set-status", "0", "suspended", "--threshold", "1"], 2)?;
		assert!(low.contains("from 2 to 3"), "{low}");
		cli.fails(None, &["--json", "patient"], 2)?;

		// Dave checks a file of accesses, natively and by the runtime, with the same answers.
		let checks = path("checks.csv");
		std::fs::write(
			&checks,
			format!("patient,accessor,class,purpose\n{EVE},,lab-results,TREAT\n{EVE},,imaging,TREAT\n{EVE},{DAVE},lab-results,HRESCH\n"),
		)?;
		let native = cli.json(Some("dev:dave"), &["provider", "check-file", &checks])?;
		let decisions: Vec<&str> =
			native.as_array().into_iter().flatten().filter_map(|row| row["decision"].as_str()).collect();
		assert_eq!(decisions, ["permit", "deny", "deny"], "{native}");
		let runtime = cli.json(Some("dev:dave"), &["provider", "check-file", &checks, "--runtime"])?;
		assert_eq!(runtime, native);
		std::fs::write(&checks, format!("patient,accessor,class,purpose\n{EVE},,lab-results,TREAT\n{EVE},,x-rays,TREAT\n"))?;
		let bad = cli.fails(Some("dev:dave"), &["provider", "check-file", &checks], 2)?;
		assert!(bad.contains("checks.csv:3") && bad.contains("x-rays"), "{bad}");

		let justification = "0x1111111111111111111111111111111111111111111111111111111111111111";

		// A request withdrawn; practitioners come and go (before the dispute: an arbitrator who
		// practised at the hospital then would be conflicted).
		let requested = cli.json(
			Some("dev:dave"),
			&[
				"provider", "request", "--patient", EVE, "--classes", "imaging", "--purpose",
				"TREAT", "--justification", justification,
			],
		)?;
		let request = requested["request"].as_u64().ok_or("request id")?.to_string();
		cli.json(Some("dev:dave"), &["provider", "cancel-request", &request])?;
		assert_eq!(rows(&cli.json(Some("dev:eve"), &["patient", "requests"])?), 0);
		cli.json(Some("dev:charlie"), &["provider", "add-practitioner", &bob, "--role", "nurse"])?;
		cli.json(Some("dev:charlie"), &["provider", "add-practitioner", &ferdie, "--role", "technician"])?;
		cli.json_together(&[
			("dev:bob", &["provider", "join", "0"]),
			("dev:ferdie", &["provider", "join", "0"]),
		])?;
		cli.json_together(&[
			("dev:charlie", &["provider", "remove-practitioner", &bob]),
			("dev:ferdie", &["provider", "leave"]),
		])?;
		for gone in [&bob, &ferdie] {
			assert_eq!(client.provider_of(&account(gone)?, None).await?, None);
		}
		let not_practitioner = cli.fails(Some("dev:ferdie"), &["provider", "leave"], 4)?;
		assert!(not_practitioner.contains("HealthIdentity::NotPractitioner"), "{not_practitioner}");
		// Dave breaks the glass on Eve; her guardian contests it with a document hashed on his
		// machine. Eve holds the bond.
		let declared = cli.json(
			Some("dev:dave"),
			&["provider", "emergency", "--patient", EVE, "--justification", justification],
		)?;
		let emergency = declared["emergency"].as_u64().ok_or("emergency id")?.to_string();
		let letter = path("letter.txt");
		std::fs::write(&letter, "I was conscious and refused.")?;
		let (_, held_before) = client.balance(&eve.account(), None).await?;
		let contested = cli.json(
			Some("dev:ferdie"),
			&["--for", EVE, "patient", "contest", &emergency, "--evidence", &letter],
		)?;
		let dispute = contested["dispute"].as_u64().ok_or("dispute id")?;
		let id = dispute.to_string();
		let (_, held_after) = client.balance(&eve.account(), None).await?;
		assert!(held_after > held_before, "Eve's bond: {held_before} → {held_after}");
		let mine = cli.json(Some("dev:eve"), &["patient", "disputes"])?;
		assert_eq!(mine[0]["subject"], format!("emergency {emergency}"), "{mine}");

		// Both sides file evidence; only the hash of the letter is on chain.
		let letter_hash = format!(
			"{:?}",
			<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(b"I was conscious and refused.")
		);
		let theirs = "0x2222222222222222222222222222222222222222222222222222222222222222";
		cli.json_together(&[
			("dev:dave", &["provider", "evidence", &id, "--evidence-hash", theirs]),
			("dev:eve", &["patient", "evidence", &id, "--evidence-hash", &letter_hash]),
		])?;
		let against = cli.json(Some("dev:dave"), &["provider", "disputes"])?;
		assert_eq!(against[0]["evidence"], "3", "{against}");
		let open = client.dispute(u32::try_from(dispute)?, None).await?.ok_or("no dispute")?;
		assert!(open.evidence.iter().any(|(_, hash)| format!("{hash:?}") == letter_hash));
		// Charlie, whose hospital it is against, is no arbitrator.
		let not_arbitrator =
			cli.fails(Some("dev:charlie"), &["governance", "arbitrate", &id, "rejected"], 4)?;
		assert!(not_arbitrator.contains("Disputes::NotArbitrator"), "{not_arbitrator}");

		// After the evidence period, two arbitrators uphold it; the votes are counted after the
		// voting period.
		let pallet_disputes::Stage::Open { evidence_ends, voting_ends } = open.stage else {
			return Err("the dispute is not open".into());
		};
		harness.wait_for_blocks(evidence_ends.saturating_add(1), 0, Duration::from_secs(120)).await?;
		cli.json_together(&[
			("dev:alice", &["governance", "arbitrate", &id, "upheld"]),
			("dev:bob", &["governance", "arbitrate", &id, "upheld"]),
		])?;
		let listed = cli.json(None, &["governance", "disputes"])?;
		assert_eq!(listed[0]["votes"], "2 upheld, 0 rejected", "{listed}");
		harness.wait_for_blocks(voting_ends.saturating_add(1), 0, Duration::from_secs(120)).await?;
		let decided = cli.json(Some("dev:eve"), &["governance", "close-dispute", &id])?;
		assert!(decided["outcome"].as_str().is_some_and(|o| o.starts_with("decided upheld")), "{decided}");

		// Eve won: she cannot appeal. The hospital appeals; the council rules by motion (two
		// of three, the default for a ruling), naming the motion by index and by hash.
		let not_loser = cli.fails(Some("dev:eve"), &["patient", "appeal", &id], 4)?;
		assert!(not_loser.contains("Disputes::NotLosingParty"), "{not_loser}");
		cli.json(Some("dev:charlie"), &["provider", "appeal", &id])?;
		let appealed = client.dispute(u32::try_from(dispute)?, None).await?.ok_or("no dispute")?;
		assert!(
			matches!(&appealed.stage, pallet_disputes::Stage::Appealed { appellant, .. } if *appellant == charlie.account()),
			"{:?}",
			appealed.stage
		);
		let motion = cli.json(Some("dev:alice"), &["governance", "rule", &id, "upheld"])?;
		assert_eq!(motion["threshold"], 2, "{motion}");
		let (index, hash) = (
			motion["index"].as_u64().ok_or("index")?.to_string(),
			motion["hash"].as_str().ok_or("hash")?.to_owned(),
		);
		let motions = cli.json(None, &["governance", "motions"])?;
		assert_eq!(motions[0]["motion"], format!("rule dispute {id} upheld"), "{motions}");
		cli.json_together(&[
			("dev:alice", &["governance", "vote", &index]),
			("dev:bob", &["governance", "vote", &hash]),
		])?;
		let closed = cli.json(Some("dev:eve"), &["governance", "close", &index])?;
		assert_eq!(closed["executed"], true, "{closed}");
		assert_eq!(rows(&cli.json(None, &["governance", "disputes"])?), 0);
		assert_eq!(rows(&cli.json(None, &["governance", "motions"])?), 0);
		cli.fails(Some("dev:eve"), &["governance", "close", &index], 2)?;

		// Eve removes her guardian; what he does for her now is refused.
		cli.json(Some("dev:eve"), &["patient", "guardian", "remove", &ferdie])?;
		let removed = cli.fails(
			Some("dev:ferdie"),
			&["--for", EVE, "patient", "consent", "revoke", &eves],
			2,
		)?;
		assert!(removed.contains("is not a guardian"), "{removed}");
		let consents = cli.json(None, &["patient", "consent", "list", "--patient", EVE])?;
		let first =
			consents.as_array().into_iter().flatten().find(|row| row["id"] == eves.as_str());
		assert_eq!(first.map(|row| row["state"].clone()), Some("active".into()), "{consents}");

		// Eve brings a claim about the hospital's conduct herself, bonded; it is hers to follow.
		let claim =
			cli.json(Some("dev:eve"), &["patient", "dispute", "0", "--evidence", &letter])?;
		let claim = claim["dispute"].as_u64().ok_or("dispute id")?;
		assert!(claim > dispute);
		let mine = cli.json(Some("dev:eve"), &["patient", "disputes"])?;
		assert_eq!(mine[0]["subject"], "conduct", "{mine}");
		assert_eq!(mine[0]["id"], claim.to_string(), "{mine}");
		cli.fails(Some("dev:eve"), &["patient", "dispute", "0"], 2)?;

		std::fs::remove_dir_all(&home)?;
		Ok(())
	})
	.await
}

/// An account from its SS58 address.
fn account(ss58: &str) -> Result<salus_client::AccountId> {
	Ok(salus_fhir::terms::account(ss58).map_err(|e| e.to_string())?)
}
