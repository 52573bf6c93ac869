//! The `salus` CLI against a real dev node: every subcommand, as a hospital's integration
//! engineer or a patient would type it, with `--json` read back; bad input answered with one
//! line and exit code 2, a refusal with the chain's error name and exit code 4, and nothing
//! changed on chain by either.

use crate::harness::{run_scenario, Result};
use serde_json::Value;
use std::{
	path::{Path, PathBuf},
	process::{Command, Output},
};

pub(crate) const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
pub(crate) const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
pub(crate) const DAVE: &str = "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy";
pub(crate) const EVE: &str = "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw";

/// The `salus` binary the workspace build made, beside this test's binary.
pub(crate) fn salus_binary() -> Result<PathBuf> {
	let exe = std::env::current_exe()?;
	let profile = exe.parent().and_then(Path::parent).ok_or("no target directory")?;
	let salus = profile.join("salus");
	if !salus.exists() {
		return Err(format!(
			"{} is missing: build the workspace first (cargo build)",
			salus.display()
		)
		.into());
	}
	Ok(salus)
}

pub(crate) struct Cli {
	pub(crate) binary: PathBuf,
	pub(crate) url: String,
	pub(crate) home: PathBuf,
}

impl Cli {
	pub(crate) fn run(&self, signer: Option<&str>, args: &[&str]) -> Result<Output> {
		let mut command = Command::new(&self.binary);
		command.env("SALUS_HOME", &self.home).arg("--url").arg(&self.url);
		if let Some(signer) = signer {
			command.arg("--signer").arg(signer);
		}
		Ok(command.args(args).output()?)
	}

	/// Runs and expects success; the JSON it printed.
	pub(crate) fn json(&self, signer: Option<&str>, args: &[&str]) -> Result<Value> {
		let mut all = vec!["--json"];
		all.extend_from_slice(args);
		succeeded(args, self.run(signer, &all)?)
	}

	/// Runs several commands at once (each signed by a different account) and expects each
	/// to succeed; the JSON each printed, in order.
	pub(crate) fn json_together(&self, runs: &[(&str, &[&str])]) -> Result<Vec<Value>> {
		let mut children = Vec::new();
		for (signer, args) in runs {
			let mut command = Command::new(&self.binary);
			command
				.env("SALUS_HOME", &self.home)
				.args(["--url", &self.url, "--signer", signer, "--json"])
				.args(*args)
				.stdout(std::process::Stdio::piped())
				.stderr(std::process::Stdio::piped());
			children.push((args, command.spawn()?));
		}
		let mut answers = Vec::new();
		for (args, child) in children {
			answers.push(succeeded(args, child.wait_with_output()?)?);
		}
		Ok(answers)
	}

	/// Runs and expects failure with `code`; its one line on standard error.
	pub(crate) fn fails(&self, signer: Option<&str>, args: &[&str], code: i32) -> Result<String> {
		let output = self.run(signer, args)?;
		let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
		if output.status.code() != Some(code) {
			return Err(format!(
				"salus {args:?}: exit {:?}, not {code}: {stderr}",
				output.status.code()
			)
			.into());
		}
		assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
		Ok(stderr)
	}
}

/// The JSON that `salus args` printed, if it succeeded.
fn succeeded(args: &[&str], output: Output) -> Result<Value> {
	if !output.status.success() {
		return Err(format!(
			"salus {args:?} failed ({}): {}",
			output.status,
			String::from_utf8_lossy(&output.stderr)
		)
		.into());
	}
	let text = String::from_utf8(output.stdout)?;
	Ok(serde_json::from_str(text.trim())
		.map_err(|e| format!("salus {args:?} printed no JSON ({e}): {text}"))?)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_subcommand_against_a_dev_node() -> Result {
	run_scenario(|client| async move {
		let home = std::env::temp_dir().join(format!("salus-cli-{}", std::process::id()));
		std::fs::create_dir_all(home.join("keys"))?;
		let cli = Cli { binary: salus_binary()?, url: client.url().to_owned(), home: home.clone() };
		let consent_file = Path::new(&crate::harness::manifest_dir())
			.join("../fhir/tests/data/e2e/lakeside-lab-results.json");
		let consent_file = consent_file.to_str().ok_or("path")?;

		// The chain and the keystore.
		let status = cli.json(None, &["chain", "status"])?;
		assert!(status["best"].as_u64().is_some(), "{status}");
		let new = cli.json(None, &["keys", "new", "spare"])?;
		assert!(new["account"].as_str().is_some_and(|a| a.starts_with('5')), "{new}");
		cli.fails(None, &["keys", "new", "spare"], 2)?;
		// Alice's key, as a keystore file (her dev secret: she has funds to pay fees).
		let alice_file = home.join("keys/alice.json");
		std::fs::write(&alice_file, format!(r#"{{"suri": "//Alice", "account": "{ALICE}"}}"#))?;
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			std::fs::set_permissions(&alice_file, std::fs::Permissions::from_mode(0o600))?;
		}
		let keys = cli.json(None, &["keys", "list"])?;
		assert_eq!(keys.as_array().map(Vec::len), Some(2), "{keys}");

		// A patient registers: the salt goes to her keystore before anything is sent.
		let output = Command::new(&cli.binary)
			.env("SALUS_HOME", &home)
			.env("SALUS_PATIENT_IDENTIFIER", "DE-1234567890")
			.args([
				"--url",
				&cli.url,
				"--signer",
				"alice",
				"--json",
				"patient",
				"register",
				"--jurisdiction",
				"DE",
			])
			.output()?;
		assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
		let keys = cli.json(None, &["keys", "list"])?;
		assert!(
			keys.as_array()
				.into_iter()
				.flatten()
				.any(|k| k["name"] == "alice" && k["patient salt"] == "yes"),
			"{keys}"
		);
		assert!(!std::fs::read_to_string(&alice_file)?.contains("DE-1234567890"));

		// A hospital registers, the council accredits it by motion, a physician joins.
		let registered = cli.json(
			Some("dev:charlie"),
			&[
				"provider",
				"register",
				"--name",
				"Lakeside Hospital",
				"--kind",
				"hospital",
				"--jurisdiction",
				"DE",
			],
		)?;
		assert_eq!(registered["provider"], 0);
		let motion = cli.json(
			Some("dev:alice"),
			&["governance", "set-status", "0", "accredited", "--threshold", "2"],
		)?;
		let (hash, index) = (
			motion["hash"].as_str().ok_or("hash")?.to_owned(),
			motion["index"].as_u64().ok_or("index")?.to_string(),
		);
		// Two of the three members vote aye (a proposer votes like any member), naming the
		// motion by its index or its hash.
		cli.json(Some("dev:alice"), &["governance", "vote", &index])?;
		cli.json(Some("dev:bob"), &["governance", "vote", &hash])?;
		let closed = cli.json(Some("dev:eve"), &["governance", "close", &index])?;
		assert_eq!(closed["executed"], true, "{closed}");
		cli.json(
			Some("dev:charlie"),
			&["provider", "add-practitioner", DAVE, "--role", "physician"],
		)?;
		cli.json(Some("dev:dave"), &["provider", "join", "0"])?;

		// Bad input: one line, exit 2, nothing sent.
		let bad_class = cli.fails(
			Some("dev:dave"),
			&["provider", "check", "--patient", ALICE, "--class", "x-rays", "--purpose", "TREAT"],
			2,
		)?;
		assert!(bad_class.contains("x-rays") && bad_class.contains("lab-results"), "{bad_class}");
		cli.fails(
			Some("dev:dave"),
			&[
				"provider",
				"check",
				"--patient",
				"5Nobody",
				"--class",
				"imaging",
				"--purpose",
				"TREAT",
			],
			2,
		)?;
		cli.fails(Some("mallory"), &["patient", "consent", "list"], 2)?;
		let not_json = home.join("not-a-consent.json");
		std::fs::write(&not_json, "{ this is not JSON")?;
		cli.fails(
			Some("alice"),
			&["patient", "consent", "import", not_json.to_str().ok_or("path")?, "--yes"],
			2,
		)?;
		let draft = home.join("draft.json");
		std::fs::write(
			&draft,
			std::fs::read_to_string(consent_file)?.replace("\"active\"", "\"draft\""),
		)?;
		let refused = cli.fails(
			Some("alice"),
			&["patient", "consent", "import", draft.to_str().ok_or("path")?, "--yes"],
			2,
		)?;
		assert!(refused.contains("Consent.status"), "{refused}");
		assert_eq!(
			cli.json(None, &["patient", "consent", "list", "--patient", ALICE])?
				.as_array()
				.map(Vec::len),
			Some(0)
		);

		// Alice imports the FHIR Consent; Dave may now see her lab results, natively and by
		// the runtime API alike, and nothing else.
		let recorded =
			cli.json(Some("alice"), &["patient", "consent", "import", consent_file, "--yes"])?;
		assert_eq!(recorded["consents"].as_array().map(Vec::len), Some(1), "{recorded}");
		let check = [
			"provider",
			"check",
			"--patient",
			ALICE,
			"--class",
			"lab-results",
			"--purpose",
			"TREAT",
		];
		assert_eq!(cli.json(Some("dev:dave"), &check)?["permit"], true);
		let mut runtime = check.to_vec();
		runtime.push("--runtime");
		assert_eq!(cli.json(Some("dev:dave"), &runtime)?["permit"], true);
		assert_eq!(
			cli.json(
				Some("dev:dave"),
				&[
					"provider",
					"check",
					"--patient",
					ALICE,
					"--class",
					"imaging",
					"--purpose",
					"TREAT"
				]
			)?["permit"],
			false
		);
		let listed = cli.json(Some("alice"), &["patient", "consent", "list"])?;
		assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");

		// A refusal: Eve is no patient. Exit 4, the error's name, nothing recorded.
		let refusal = cli.fails(
			Some("dev:eve"),
			&["patient", "consent", "grant", "--provider", "0", "--classes", "lab-results"],
			4,
		)?;
		assert!(refusal.contains("Consent::NotRegistered"), "{refusal}");
		assert_eq!(
			cli.json(None, &["patient", "consent", "list", "--patient", EVE])?
				.as_array()
				.map(Vec::len),
			Some(0)
		);

		// Alice grants and revokes a second consent.
		let granted = cli.json(
			Some("alice"),
			&[
				"patient",
				"consent",
				"grant",
				"--kind",
				"hospital",
				"--country",
				"DE",
				"--classes",
				"allergies,medications",
				"--purposes",
				"ETREAT",
				"--until",
				"2099-12-31",
			],
		)?;
		let second = granted["consents"][0].as_u64().ok_or("id")?.to_string();
		cli.json(Some("alice"), &["patient", "consent", "revoke", &second])?;

		// Dave logs his access, watched by Alice's wallet; her accounting of disclosures.
		let watcher = {
			let mut command = Command::new(&cli.binary);
			command.env("SALUS_HOME", &home).args([
				"--url",
				&cli.url,
				"--json",
				"chain",
				"watch",
				"--account",
				ALICE,
				"--count",
				"1",
				"--best",
			]);
			command.stdout(std::process::Stdio::piped()).spawn()?
		};
		tokio::time::sleep(std::time::Duration::from_secs(2)).await;
		let logged = cli.json(
			Some("dev:dave"),
			&[
				"provider",
				"log",
				"--patient",
				ALICE,
				"--class",
				"lab-results",
				"--purpose",
				"TREAT",
				"--record",
				"0x0707070707070707070707070707070707070707070707070707070707070707",
			],
		)?;
		assert!(logged["disclosure"].as_u64().is_some(), "{logged}");
		let watched = watcher.wait_with_output()?;
		let event: Value = serde_json::from_str(String::from_utf8_lossy(&watched.stdout).trim())?;
		assert!(event["event"].as_str().is_some_and(|e| e.contains("DisclosureLogged")), "{event}");
		let table = cli.json(Some("alice"), &["patient", "disclosures"])?;
		assert_eq!(table.as_array().map(Vec::len), Some(1), "{table}");
		let fhir = home.join("accounting.json");
		cli.json(
			Some("alice"),
			&["patient", "disclosures", "--format", "fhir", "--out", fhir.to_str().ok_or("path")?],
		)?;
		let bundle: Value = serde_json::from_str(&std::fs::read_to_string(&fhir)?)?;
		assert_eq!(bundle["entry"][0]["resource"]["resourceType"], "AuditEvent");
		let csv = home.join("accounting.csv");
		cli.json(
			Some("alice"),
			&["patient", "disclosures", "--format", "csv", "--out", csv.to_str().ok_or("path")?],
		)?;
		assert_eq!(std::fs::read_to_string(&csv)?.lines().count(), 2);
		let exported = home.join("consents.json");
		cli.json(
			Some("alice"),
			&["patient", "consent", "export", "--out", exported.to_str().ok_or("path")?],
		)?;
		let consents: Value = serde_json::from_str(&std::fs::read_to_string(&exported)?)?;
		assert_eq!(consents["entry"].as_array().map(Vec::len), Some(2));

		// Requests and emergencies, answered.
		let justification = "0x1111111111111111111111111111111111111111111111111111111111111111";
		let requested = cli.json(
			Some("dev:dave"),
			&[
				"provider",
				"request",
				"--patient",
				ALICE,
				"--classes",
				"imaging",
				"--purpose",
				"TREAT",
				"--days",
				"7",
				"--justification",
				justification,
			],
		)?;
		let request = requested["request"].as_u64().ok_or("request id")?.to_string();
		let pending = cli.json(Some("alice"), &["patient", "requests"])?;
		assert_eq!(pending.as_array().map(Vec::len), Some(1), "{pending}");
		cli.json(Some("alice"), &["patient", "approve", &request])?;
		let declared = cli.json(
			Some("dev:dave"),
			&["provider", "emergency", "--patient", ALICE, "--justification", justification],
		)?;
		let emergency = declared["emergency"].as_u64().ok_or("emergency id")?.to_string();
		assert_eq!(
			cli.json(Some("alice"), &["patient", "emergencies"])?.as_array().map(Vec::len),
			Some(1)
		);
		cli.json(Some("alice"), &["patient", "acknowledge", &emergency])?;
		let second_request = cli.json(
			Some("dev:dave"),
			&[
				"provider",
				"request",
				"--patient",
				ALICE,
				"--classes",
				"billing",
				"--purpose",
				"HPAYMT",
				"--justification",
				justification,
			],
		)?;
		cli.json(
			Some("alice"),
			&["patient", "deny", &second_request["request"].as_u64().ok_or("id")?.to_string()],
		)?;

		// Rewards, and shell completions.
		let rewards = cli.json(Some("alice"), &["patient", "rewards"])?;
		assert!(rewards["pending"].as_str().is_some(), "{rewards}");
		// A claim goes in, or is refused by name (nothing to claim yet in this epoch).
		let claim = cli.run(Some("alice"), &["patient", "claim"])?;
		assert!(
			matches!(claim.status.code(), Some(0) | Some(4)),
			"{}",
			String::from_utf8_lossy(&claim.stderr)
		);
		let completions = cli.run(None, &["completions", "bash"])?;
		assert!(String::from_utf8_lossy(&completions.stdout).contains("salus"));

		// No node: exit 3.
		let offline =
			Cli { binary: cli.binary.clone(), url: "ws://127.0.0.1:1".into(), home: home.clone() };
		offline.fails(None, &["chain", "status"], 3)?;
		std::fs::remove_dir_all(&home)?;
		Ok(())
	})
	.await
}

/// A day's accesses from a CSV file: a bad line is refused before anything is sent; killed
/// half-way and run again, the command logs every line exactly once; run once more, nothing.
#[tokio::test(flavor = "multi_thread")]
async fn bulk_logging_is_exactly_once_across_a_kill() -> Result {
	use salus_client::{flows, tx, Client, Signer, Wait};
	use salus_primitives::{
		DataClass, DataClassSet, Decision, Grantee, Jurisdiction, PractitionerRole, ProviderKind,
		ProviderStatus, Purpose, PurposeSet,
	};
	run_scenario(|harness| async move {
		let client = Client::connect(harness.url()).await?;
		let (alice, bob, charlie, dave) = (
			Signer::dev("alice")?,
			Signer::dev("bob")?,
			Signer::dev("charlie")?,
			Signer::dev("dave")?,
		);
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
		let accredit = tx::identity::set_provider_status(hospital, ProviderStatus::Accredited);
		tokio::try_join!(
			client.submit(
				salus_runtime::RuntimeCall::Sudo(pallet_sudo::Call::sudo {
					call: Box::new(accredit)
				}),
				&alice,
				Wait::InBlock
			),
			client.submit(
				tx::identity::add_practitioner(dave.account(), PractitionerRole::Physician),
				&charlie,
				Wait::InBlock
			),
			client.register_patient(
				&alice,
				flows::commitment("A-1", &[1; 32]),
				de,
				None,
				Wait::InBlock
			),
			client.register_patient(
				&bob,
				flows::commitment("B-2", &[2; 32]),
				de,
				None,
				Wait::InBlock
			),
		)?;
		let consent = || {
			tx::consent::grant_consent(
				Grantee::Provider(hospital),
				Decision::Permit,
				DataClassSet::of(&[DataClass::LabResults]),
				PurposeSet::of(&[Purpose::Treatment]),
				None,
				None,
				None,
			)
		};
		tokio::try_join!(
			client.submit(tx::identity::accept_practitioner(hospital), &dave, Wait::InBlock),
			client.submit(consent()?, &alice, Wait::InBlock),
			client.submit(consent()?, &bob, Wait::InBlock),
		)?;

		let home = std::env::temp_dir().join(format!("salus-bulk-{}", std::process::id()));
		std::fs::create_dir_all(&home)?;
		let cli = Cli { binary: salus_binary()?, url: client.url().to_owned(), home: home.clone() };
		let lines = 40usize;
		let mut csv = String::from("patient,class,purpose,record\n");
		for i in 0..lines {
			let patient = if i % 2 == 0 { ALICE } else { BOB };
			let record = if i % 3 == 0 { format!("0x{:064x}", i) } else { String::new() };
			csv.push_str(&format!("{patient},lab-results,TREAT,{record}\n"));
		}
		// A bad line: refused before anything is sent.
		let bad = home.join("bad.csv");
		std::fs::write(&bad, csv.replacen("lab-results", "x-rays", 1))?;
		let refused =
			cli.fails(Some("dev:dave"), &["provider", "log-file", bad.to_str().ok_or("path")?], 2)?;
		assert!(refused.contains("bad.csv:2") && refused.contains("x-rays"), "{refused}");
		assert!(!home.join("bad.csv.journal").exists());

		// Killed once a batch is in, then run again.
		let file = home.join("day.csv");
		std::fs::write(&file, &csv)?;
		let journal = home.join("day.csv.journal");
		let mut first = Command::new(&cli.binary)
			.env("SALUS_HOME", &home)
			.args([
				"--url",
				&cli.url,
				"--signer",
				"dev:dave",
				"provider",
				"log-file",
				file.to_str().ok_or("path")?,
				"--batch",
				"8",
			])
			.stderr(std::process::Stdio::null())
			.spawn()?;
		let started = std::time::Instant::now();
		while !std::fs::read_to_string(&journal).unwrap_or_default().contains("\"done\"") {
			if started.elapsed() > std::time::Duration::from_secs(120) {
				let _ = first.kill();
				return Err("no batch went in within 2 minutes".into());
			}
			tokio::time::sleep(std::time::Duration::from_millis(100)).await;
		}
		first.kill()?;
		first.wait()?;
		let logged = |who: &Signer| {
			let client = client.clone();
			let who = who.account();
			async move { client.disclosure_count(&who, None).await }
		};
		let before = logged(&alice).await?.saturating_add(logged(&bob).await?);
		assert!(before >= 8 && (before as usize) < lines, "{before} logged before the kill");
		let resumed = cli.json(
			Some("dev:dave"),
			&["provider", "log-file", file.to_str().ok_or("path")?, "--batch", "8"],
		)?;
		assert_eq!(resumed["logged"], lines, "{resumed}");
		let after = logged(&alice).await?.saturating_add(logged(&bob).await?);
		assert_eq!(after as usize, lines, "every line once: {resumed}");
		// Once more: nothing left to log.
		let again =
			cli.json(Some("dev:dave"), &["provider", "log-file", file.to_str().ok_or("path")?])?;
		assert_eq!(again["this_run"], 0, "{again}");
		assert_eq!(logged(&alice).await?.saturating_add(logged(&bob).await?) as usize, lines);
		// The file changed: the journal refuses to resume it.
		std::fs::write(&file, csv.replace("TREAT", "HOPERAT"))?;
		let changed = cli.fails(
			Some("dev:dave"),
			&["provider", "log-file", file.to_str().ok_or("path")?],
			2,
		)?;
		assert!(changed.contains("changed"), "{changed}");
		std::fs::remove_dir_all(&home)?;
		Ok(())
	})
	.await
}
