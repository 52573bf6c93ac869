//! `salus-gateway` against a real dev node, as a hospital's EHR uses it: it asks over AuthZEN
//! and is denied; the patient grants through the CLI; the very next answers are Permit within
//! a block, without anything flushed, and no answer ever claims a block it was not true at;
//! the FHIR API serves the consent and the accounting of disclosures; keys and practitioners
//! are enforced; when the node dies, the gateway stops answering instead of answering from
//! its cache; on SIGTERM it stops cleanly. Its reports reach the chain exactly once across a
//! crash; its access requests reach the patient, and the patient's answer reaches the EHR by
//! webhook and event stream, across a crash too. Every answer is checked against the OpenAPI
//! document.

use crate::{
	cli::{salus_binary, Cli},
	cli_roles::lakeside,
	harness::{free_port, Result, TestNode},
};
use salus_client::{tx, Client, Signer, Wait};
use salus_primitives::{DataClass, Purpose};
use serde_json::{json, Value};
use std::{
	path::PathBuf,
	process::{Child, Command, Stdio},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The EHR's API key (the gateway reads it from the environment).
const EHR_KEY: &str = "lakeside-ehr-key-0001";
/// The lab system's key (configured by its SHA-256).
const LAB_KEY: &str = "lakeside-lab-key-0001";

/// The `salus-gateway` binary the workspace build made, beside this test's binary.
fn gateway_binary() -> Result<PathBuf> {
	let salus = salus_binary()?;
	let gateway = salus.with_file_name("salus-gateway");
	if !gateway.exists() {
		return Err(format!("{} is missing: build the workspace first", gateway.display()).into());
	}
	Ok(gateway)
}

/// A gateway process, killed when dropped.
struct Gateway {
	child: Child,
	port: u16,
	dir: PathBuf,
}

impl Gateway {
	fn start(node_url: &str, dave: &str, ferdie: &str) -> Result<Self> {
		let port = free_port()?;
		let dir =
			std::env::temp_dir().join(format!("salus-gateway-e2e-{}-{port}", std::process::id()));
		std::fs::create_dir_all(&dir)?;
		let lab_digest = salus_gateway::config::key_digest_hex(LAB_KEY);
		let config = format!(
			r#"node = "{node_url}"
listen = "127.0.0.1:{port}"
[[clients]]
name = "lakeside-ehr"
key_env = "LAKESIDE_EHR_KEY"
practitioners = ["{dave}"]
[[clients]]
name = "lakeside-lab"
key_sha256 = "{lab_digest}"
practitioners = ["{ferdie}"]
"#
		);
		let path = dir.join("salus-gateway.toml");
		std::fs::write(&path, config)?;
		let child = Command::new(gateway_binary()?)
			.arg("--config")
			.arg(&path)
			.arg("--log-json")
			.env("LAKESIDE_EHR_KEY", EHR_KEY)
			.env("SALUS_GATEWAY_LOG", "info,salus_gateway=debug")
			.stdout(Stdio::null())
			.stderr(std::fs::File::create(dir.join("gateway.log"))?)
			.spawn()?;
		Ok(Self { child, port, dir })
	}

	fn log(&self) -> String {
		std::fs::read_to_string(self.dir.join("gateway.log")).unwrap_or_default()
	}

	/// One HTTP/1.1 request to the gateway ([`http`]).
	async fn http(
		&self,
		method: &str,
		path: &str,
		key: Option<&str>,
		body: Option<&Value>,
	) -> Result<(u16, Value)> {
		http(self.port, method, path, key, body).await
	}

	/// Waits (up to `limit`) until `GET path` answers `status`.
	async fn wait_status(&self, path: &str, status: u16, limit: Duration) -> Result<Value> {
		let started = Instant::now();
		loop {
			if let Ok((got, body)) = self.http("GET", path, None, None).await {
				if got == status {
					return Ok(body);
				}
			}
			if started.elapsed() > limit {
				return Err(format!(
					"{path} did not answer {status} within {limit:?}:\n{}",
					self.log()
				)
				.into());
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
	}
}

impl Drop for Gateway {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
		let _ = std::fs::remove_dir_all(&self.dir);
	}
}

/// One HTTP/1.1 request to the gateway on `port`; the status and the body (JSON, or a string
/// for text). Checks that a decision's `X-Request-ID` is echoed.
async fn http(
	port: u16,
	method: &str,
	path: &str,
	key: Option<&str>,
	body: Option<&Value>,
) -> Result<(u16, Value)> {
	let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
	let body = body.map(|b| b.to_string()).unwrap_or_default();
	let auth = key.map(|k| format!("Authorization: Bearer {k}\r\n")).unwrap_or_default();
	let request = format!(
		"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}X-Request-ID: e2e-1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	);
	stream.write_all(request.as_bytes()).await?;
	let mut response = Vec::new();
	stream.read_to_end(&mut response).await?;
	let text = String::from_utf8(response)?;
	let (head, body) = text.split_once("\r\n\r\n").ok_or("no HTTP head")?;
	let status: u16 = head.split(' ').nth(1).ok_or("no status")?.parse()?;
	if method == "POST" && path.starts_with("/access") {
		assert!(head.to_ascii_lowercase().contains("x-request-id: e2e-1"), "echoed: {head}");
	}
	// Every answer is what the OpenAPI document says it is.
	let content_type = head
		.lines()
		.find_map(|line| {
			let (name, value) = line.split_once(':')?;
			name.eq_ignore_ascii_case("content-type").then(|| value.trim().to_owned())
		})
		.unwrap_or_default();
	salus_gateway::contract::check(method, path, status, &content_type, body.as_bytes())
		.map_err(|e| format!("the answer does not match the OpenAPI document: {e}"))?;
	let value = serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_owned()));
	Ok((status, value))
}

/// Waits (up to 30 s) until the gateway on `port` is ready; its `log` says why not.
async fn wait_ready(port: u16, log: &dyn Fn() -> String) -> Result {
	let started = Instant::now();
	while !http(port, "GET", "/ready", None, None)
		.await
		.is_ok_and(|(status, _)| status == 200)
	{
		if started.elapsed() > Duration::from_secs(30) {
			return Err(format!("the gateway did not start:\n{}", log()).into());
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	Ok(())
}

/// The AuthZEN question: may `practitioner` see `class` of `patient`'s data for `purpose`?
fn question(practitioner: &str, patient: &str, class: &str, purpose: &str) -> Value {
	json!({
		"subject": { "type": "practitioner", "id": practitioner },
		"resource": { "type": "patient_record", "id": patient, "properties": { "data_class": class } },
		"action": { "name": purpose },
	})
}

/// One answer the EHR saw.
#[derive(Clone, Debug)]
struct Seen {
	at: Instant,
	permit: bool,
	block: u64,
	source: String,
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ehr_asks_the_gateway_and_hears_a_grant_within_a_block() -> Result {
	let mut node = TestNode::dev()?;
	node.client().await?;
	let url = node.rpc_url.clone();
	let (dave, ferdie) =
		(Signer::dev("dave")?.account().to_string(), Signer::dev("ferdie")?.account().to_string());
	let eve = Signer::dev("eve")?.account().to_string();
	let gateway = Gateway::start(&url, &dave, &ferdie)?;
	let with_logs = |error: Box<dyn std::error::Error + Send + Sync>,
	                 gateway: &Gateway,
	                 node: &TestNode|
	 -> Box<dyn std::error::Error + Send + Sync> {
		format!(
			"{error}\n--- gateway log ---\n{}\n--- node log ---\n{}",
			gateway.log(),
			node.log_tail(30)
		)
		.into()
	};
	if let Err(error) = while_the_node_runs(&url, &gateway, &dave, &eve).await {
		return Err(with_logs(error, &gateway, &node));
	}

	// The node dies: the gateway stops answering, rather than answer from its cache.
	drop(node);
	let ask = question(&dave, &eve, "lab-results", "TREAT");
	let started = Instant::now();
	loop {
		let (status, body) =
			gateway.http("POST", "/access/v1/evaluation", Some(EHR_KEY), Some(&ask)).await?;
		if status == 503 {
			assert_eq!(body["error"], "unavailable", "{body}");
			break;
		}
		assert!(
			started.elapsed() < Duration::from_secs(5),
			"still answering without its node: {body}"
		);
		tokio::time::sleep(Duration::from_millis(50)).await;
	}
	let not_ready = gateway.wait_status("/ready", 503, Duration::from_secs(5)).await?;
	assert_eq!(not_ready["ready"], false, "{not_ready}");
	gateway.wait_status("/health", 200, Duration::from_secs(1)).await?;

	// SIGTERM: it drains and exits cleanly.
	let mut gateway = gateway;
	let status = Command::new("kill").args(["-TERM", &gateway.child.id().to_string()]).status()?;
	assert!(status.success());
	let started = Instant::now();
	let exit = loop {
		if let Some(exit) = gateway.child.try_wait()? {
			break exit;
		}
		assert!(
			started.elapsed() < Duration::from_secs(10),
			"did not stop on SIGTERM:\n{}",
			gateway.log()
		);
		tokio::time::sleep(Duration::from_millis(100)).await;
	};
	assert!(exit.success(), "{exit}:\n{}", gateway.log());
	let log = gateway.log();
	assert!(log.contains("stopped"), "{log}");
	Ok(())
}

/// Everything the gateway does while its node runs (the test above goes on with the node dead).
#[allow(clippy::indexing_slicing, reason = "test code: a missing JSON field fails the test")]
async fn while_the_node_runs(
	url: &str,
	gateway: &Gateway,
	dave_ss58: &str,
	eve_ss58: &str,
) -> Result {
	let client = Client::connect(url).await?;
	let (dave, eve) = (Signer::dev("dave")?, Signer::dev("eve")?);
	// Lakeside Hospital, Dave its physician, Eve a patient.
	let hospital = lakeside(&client).await?;

	gateway.wait_status("/health", 200, Duration::from_secs(30)).await?;
	gateway.wait_status("/ready", 200, Duration::from_secs(30)).await?;

	// Keys and practitioners.
	let ask = question(dave_ss58, eve_ss58, "lab-results", "TREAT");
	let (status, body) = gateway.http("POST", "/access/v1/evaluation", None, Some(&ask)).await?;
	assert_eq!((status, body["error"].clone()), (401, json!("unauthorized")), "{body}");
	let (status, _) = gateway
		.http("POST", "/access/v1/evaluation", Some("not-a-key-at-all"), Some(&ask))
		.await?;
	assert_eq!(status, 401);
	let (status, body) =
		gateway.http("POST", "/access/v1/evaluation", Some(LAB_KEY), Some(&ask)).await?;
	assert_eq!(status, 403, "the lab may not ask for Dave: {body}");
	let (status, body) = gateway
		.http(
			"POST",
			"/access/v1/evaluation",
			Some(EHR_KEY),
			Some(&question(dave_ss58, eve_ss58, "x-rays", "TREAT")),
		)
		.await?;
	assert_eq!(status, 400, "{body}");
	assert!(body["message"].as_str().unwrap_or("").contains("not a Salus data class"), "{body}");

	// A made-up patient: the node answers (UnknownPatient), and the gateway never watches it,
	// so that questions about invented accounts cannot fill its watch.
	let ghost = salus_client::AccountId::new([9; 32]).to_string();
	for _ in 0..3 {
		let (status, body) = gateway
			.http(
				"POST",
				"/access/v1/evaluation",
				Some(EHR_KEY),
				Some(&question(dave_ss58, &ghost, "lab-results", "TREAT")),
			)
			.await?;
		assert_eq!(status, 200, "{body}");
		assert_eq!(
			body["context"]["salus"],
			json!({ "Deny": { "reason": "UnknownPatient" } }),
			"{body}"
		);
		assert_eq!(body["context"]["source"], "node_uncached", "{body}");
		tokio::time::sleep(Duration::from_millis(300)).await;
	}

	// Denied: Eve has consented to nothing. The first answer comes from the node, uncached,
	// while the gateway starts watching Eve; then from the node at the last block told, then
	// from the cache.
	let (status, first) =
		gateway.http("POST", "/access/v1/evaluation", Some(EHR_KEY), Some(&ask)).await?;
	assert_eq!(status, 200, "{first}");
	assert_eq!(first["decision"], false, "{first}");
	assert_eq!(first["context"]["salus"], json!({ "Deny": { "reason": "NoConsent" } }), "{first}");
	assert_eq!(first["context"]["source"], "node_uncached", "{first}");
	assert_eq!(first["context"]["cache_bypass"]["reason"]["why"], "not_watched", "{first}");
	let started = Instant::now();
	loop {
		let (_, body) =
			gateway.http("POST", "/access/v1/evaluation", Some(EHR_KEY), Some(&ask)).await?;
		if body["context"]["source"] == "cache" {
			assert_eq!(body["decision"], false);
			break;
		}
		assert!(started.elapsed() < Duration::from_secs(30), "never cached: {body}");
		tokio::time::sleep(Duration::from_millis(100)).await;
	}

	// The EHR keeps asking, every 50 ms, while Eve grants through the CLI.
	let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
	let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
	let poller = {
		let (seen, stop, ask, port) = (seen.clone(), stop.clone(), ask.clone(), gateway.port);
		tokio::spawn(async move {
			while !stop.load(std::sync::atomic::Ordering::Relaxed) {
				let (status, body) =
					http(port, "POST", "/access/v1/evaluation", Some(EHR_KEY), Some(&ask)).await?;
				if status != 200 {
					return Err::<(), Box<dyn std::error::Error + Send + Sync>>(
						format!("{status}: {body}").into(),
					);
				}
				let entry = Seen {
					at: Instant::now(),
					permit: body["decision"] == true,
					block: body["context"]["block"]["number"].as_u64().ok_or("no block")?,
					source: body["context"]["source"].as_str().unwrap_or("").to_owned(),
				};
				seen.lock().map_err(|_| "poisoned")?.push(entry);
				tokio::time::sleep(Duration::from_millis(50)).await;
			}
			Ok(())
		})
	};
	let home = std::env::temp_dir().join(format!("salus-gateway-cli-{}", std::process::id()));
	std::fs::create_dir_all(&home)?;
	let cli = Cli { binary: salus_binary()?, url: url.to_owned(), home: home.clone() };
	let provider = hospital.to_string();
	let granted = cli.json(
		Some("dev:eve"),
		&[
			"patient",
			"consent",
			"grant",
			"--provider",
			&provider,
			"--classes",
			"lab-results",
			"--purposes",
			"TREAT",
		],
	)?;
	let included = Instant::now();
	let block_hash: salus_client::Hash = serde_json::from_value(granted["block"].clone())?;
	let grant_block = u64::from(client.block_number(Some(block_hash)).await?);
	let consent_id = granted["consents"][0].as_u64().ok_or("the consent's id")?;
	// Ask until a Permit, and a while after.
	let started = Instant::now();
	loop {
		let permitted = seen.lock().map_err(|_| "poisoned")?.iter().any(|s| s.permit);
		if permitted || started.elapsed() > Duration::from_secs(30) {
			break;
		}
		tokio::time::sleep(Duration::from_millis(50)).await;
	}
	tokio::time::sleep(Duration::from_secs(1)).await;
	stop.store(true, std::sync::atomic::Ordering::Relaxed);
	poller.await??;
	let _ = std::fs::remove_dir_all(&home);
	let seen = seen.lock().map_err(|_| "poisoned")?.clone();
	let first_permit = seen
		.iter()
		.find(|s| s.permit)
		.ok_or_else(|| format!("never permitted: {seen:?}"))?;
	let waited = first_permit.at.saturating_duration_since(included);
	assert!(
		waited < Duration::from_secs(6),
		"Permit {waited:?} after the grant's block: more than a block"
	);
	// Exact: every answer about a block at or after the grant's is Permit, every one before
	// Deny; after the first Permit, no Deny.
	for s in &seen {
		assert_eq!(
			s.permit,
			s.block >= grant_block,
			"answered {s:?}, the grant is in block {grant_block}: {seen:#?}"
		);
	}
	assert!(seen.iter().skip_while(|s| !s.permit).all(|s| s.permit), "{seen:#?}");
	assert!(
		seen.iter().skip_while(|s| !s.permit).any(|s| s.source == "cache"),
		"the Permit is cached: {seen:#?}"
	);

	// A batch: the permit, a sensitive class it does not name, a purpose it does not cover;
	// stopping at the first deny.
	let batch = json!({
		"subject": { "type": "practitioner", "id": dave_ss58 },
		"action": { "name": "TREAT" },
		"resource": { "type": "patient_record", "id": eve_ss58, "properties": { "data_class": "lab-results" } },
		"evaluations": [
			{},
			{ "resource": { "type": "patient_record", "id": eve_ss58, "properties": { "data_class": "mental-health" } } },
			{ "action": { "name": "HRESCH" } }
		],
		"options": { "evaluations_semantic": "deny_on_first_deny" }
	});
	let (status, body) = gateway
		.http("POST", "/access/v1/evaluations", Some(EHR_KEY), Some(&batch))
		.await?;
	assert_eq!(status, 200, "{body}");
	let decisions: Vec<Value> = body["evaluations"]
		.as_array()
		.ok_or("no evaluations")?
		.iter()
		.map(|e| e["decision"].clone())
		.collect();
	assert_eq!(decisions, [json!(true), json!(false)], "{body}");
	let reason = &body["evaluations"][1]["context"]["salus"]["Deny"]["reason"];
	assert_eq!(reason, &json!({ "SensitiveClassNotNamed": consent_id }), "{body}");

	// FHIR: the capability statement (no key), Eve's consent, searched and read.
	let metadata = gateway.wait_status("/fhir/metadata", 200, Duration::from_secs(1)).await?;
	assert_eq!(metadata["resourceType"], "CapabilityStatement");
	let (status, bundle) = gateway
		.http("GET", &format!("/fhir/Consent?patient={eve_ss58}"), Some(EHR_KEY), None)
		.await?;
	assert_eq!(status, 200, "{bundle}");
	assert_eq!(
		(bundle["type"].clone(), bundle["total"].clone()),
		(json!("searchset"), json!(1)),
		"{bundle}"
	);
	let id = format!("salus-consent-{consent_id}");
	assert_eq!(bundle["entry"][0]["resource"]["id"], json!(id), "{bundle}");
	let (status, consent) =
		gateway.http("GET", &format!("/fhir/Consent/{id}"), Some(EHR_KEY), None).await?;
	assert_eq!((status, consent["resourceType"].clone()), (200, json!("Consent")), "{consent}");
	let (status, missing) = gateway
		.http("GET", "/fhir/Consent/salus-consent-999999", Some(EHR_KEY), None)
		.await?;
	assert_eq!(
		(status, missing["resourceType"].clone()),
		(404, json!("OperationOutcome")),
		"{missing}"
	);
	let (status, bad) = gateway.http("GET", "/fhir/Consent", Some(EHR_KEY), None).await?;
	assert_eq!((status, bad["issue"][0]["code"].clone()), (400, json!("invalid")), "{bad}");
	let (status, _) = gateway
		.http("GET", &format!("/fhir/Consent?patient={eve_ss58}"), None, None)
		.await?;
	assert_eq!(status, 401);
	let (status, unknown) = gateway.http("GET", "/fhir/Patient", Some(EHR_KEY), None).await?;
	assert_eq!(
		(status, unknown["resourceType"].clone()),
		(404, json!("OperationOutcome")),
		"{unknown}"
	);

	// The accounting of disclosures: Dave opens Eve's lab results.
	let eve_id = eve.account();
	client
		.submit(
			tx::access::log_disclosure(eve_id, DataClass::LabResults, Purpose::Treatment, None),
			&dave,
			Wait::InBlock,
		)
		.await?;
	let (status, log) = gateway
		.http("GET", &format!("/fhir/AuditEvent?patient=Patient/{eve_ss58}"), Some(EHR_KEY), None)
		.await?;
	assert_eq!((status, log["total"].clone()), (200, json!(1)), "{log}");
	assert_eq!(log["entry"][0]["resource"]["resourceType"], "AuditEvent", "{log}");
	let (_, old) = gateway
		.http(
			"GET",
			&format!("/fhir/AuditEvent?patient={eve_ss58}&date=lt2000-01-01"),
			Some(EHR_KEY),
			None,
		)
		.await?;
	assert_eq!(old["total"], 0, "{old}");
	let (status, bad) = gateway
		.http(
			"GET",
			&format!("/fhir/AuditEvent?patient={eve_ss58}&date=sa2000-01-01"),
			Some(EHR_KEY),
			None,
		)
		.await?;
	assert_eq!(status, 400, "{bad}");

	// What the metrics say.
	let (status, metrics) = gateway.http("GET", "/metrics", None, None).await?;
	assert_eq!(status, 200);
	let text = metrics.as_str().ok_or("metrics are text")?;
	let value = |name: &str| -> u64 {
		text.lines()
			.find_map(|l| l.strip_prefix(&format!("{name} ")).and_then(|v| v.parse().ok()))
			.unwrap_or(0)
	};
	assert!(value("salus_gateway_cache_hits_total") > 0, "{text}");
	assert!(
		value("salus_gateway_cache_invalidated_total") > 0,
		"the grant dropped a decision: {text}"
	);
	assert_eq!(value("salus_gateway_node_connected"), 1, "{text}");
	assert_eq!(value("salus_gateway_unauthorized_total"), 3, "{text}");
	assert_eq!(value("salus_gateway_forbidden_total"), 1, "{text}");
	assert_eq!(value("salus_gateway_watched_patients"), 1, "Eve only, not the made-up one: {text}");
	// No patient identifier beyond the account in the logs: the commitment's identifier never.
	assert!(!gateway.log().contains("E-5"));
	Ok(())
}

/// Dave's key, exported by polkadot.js as a wallet exports it (encrypted with `password`),
/// into `dir/dave.json`.
async fn export_daves_key(dir: &std::path::Path, password: &str) -> Result {
	let scripts = std::path::Path::new(&crate::harness::manifest_dir()).join("tests/polkadot-js");
	if !scripts.join("node_modules/@polkadot/api").exists() {
		return Err(
			format!("run `npm ci` in {} first (scripts/test.sh does)", scripts.display()).into()
		);
	}
	let output = tokio::process::Command::new("node")
		.args(["export-key.mjs", "//Dave", password])
		.current_dir(&scripts)
		.kill_on_drop(true)
		.output()
		.await?;
	if !output.status.success() {
		return Err(format!("export-key.mjs: {}", String::from_utf8_lossy(&output.stderr)).into());
	}
	std::fs::write(dir.join("dave.json"), &output.stdout)?;
	Ok(())
}

/// Lakeside Hospital (Dave its physician), and Eve's consent to it for lab results, for
/// treatment.
async fn lakeside_with_eves_consent(client: &Client) -> Result<salus_primitives::ProviderId> {
	let hospital = lakeside(client).await?;
	let consent = tx::consent::grant_consent(
		salus_primitives::Grantee::Provider(hospital),
		salus_primitives::Decision::Permit,
		salus_primitives::DataClassSet::of(&[DataClass::LabResults]),
		salus_primitives::PurposeSet::of(&[Purpose::Treatment]),
		None,
		None,
		None,
	)?;
	client.submit(consent, &Signer::dev("eve")?, Wait::InBlock).await?;
	Ok(hospital)
}

/// A gateway's working directory for `scenario`, and in it `keys/`, holding Dave's key
/// exported encrypted by polkadot.js.
async fn gateway_dir(scenario: &str) -> Result<(PathBuf, PathBuf)> {
	let dir = std::env::temp_dir().join(format!("salus-gateway-{scenario}-{}", std::process::id()));
	let keys = dir.join("keys");
	std::fs::create_dir_all(&keys)?;
	export_daves_key(&keys, "correct horse battery staple").await?;
	Ok((dir, keys))
}

/// An access Dave reports for `patient`, as the EHR's audit trail has it.
fn report(id: &str, patient: &str, dave: &str) -> Value {
	json!({
		"resourceType": "AuditEvent",
		"id": id,
		"type": { "system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110110", "display": "Patient Record" },
		"recorded": "2026-12-07T10:00:00Z",
		"purposeOfEvent": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "TREAT" }] }],
		"agent": [{ "who": { "identifier": { "system": "urn:salus:account", "value": dave } }, "requestor": true }],
		"entity": [
			{ "what": { "identifier": { "system": "urn:salus:account", "value": patient }, "type": "Patient" } },
			{ "what": { "reference": "Observation/lab-1" }, "detail": [{ "type": "salus-data-class", "valueString": "lab-results" }] }
		]
	})
}

/// The gateway takes the EHR's reports into its outbox, signs them with Dave's key (exported
/// encrypted by polkadot.js), and is killed (SIGKILL) while the first batch is in flight;
/// restarted, it finds that batch on chain and sends the rest: every report is in Eve's
/// accounting of disclosures exactly once, a repeated report is one, a changed one is refused,
/// and one the chain refuses says why.
#[tokio::test(flavor = "multi_thread")]
async fn reports_reach_the_chain_exactly_once_across_a_crash() -> Result {
	let mut node = TestNode::dev()?;
	node.client().await?;
	let url = node.rpc_url.clone();
	let result = outbox_scenario(&url).await;
	result.map_err(|e| format!("{e}\n--- node log ---\n{}", node.log_tail(30)).into())
}

#[allow(clippy::indexing_slicing, reason = "test code: a missing JSON field fails the test")]
async fn outbox_scenario(url: &str) -> Result {
	let client = Client::connect(url).await?;
	let (dave, eve) = (Signer::dev("dave")?, Signer::dev("eve")?);
	let (dave_ss58, eve_ss58) = (dave.account().to_string(), eve.account().to_string());
	let ferdie_ss58 = Signer::dev("ferdie")?.account().to_string();
	lakeside_with_eves_consent(&client).await?;

	// The gateway, with an outbox and Dave's encrypted key.
	let (dir, keys) = gateway_dir("outbox").await?;
	let port = free_port()?;
	let config = dir.join("gateway.toml");
	std::fs::write(
		&config,
		format!(
			"node = \"{url}\"\nlisten = \"127.0.0.1:{port}\"\n[outbox]\ndatabase = \"{}\"\nkeystore = \"{}\"\nbatch = 64\n[[clients]]\nname = \"lakeside-ehr\"\nkey_env = \"LAKESIDE_EHR_KEY\"\npractitioners = [\"*\"]\n[[clients]]\nname = \"lakeside-lab\"\nkey_env = \"LAKESIDE_LAB_KEY\"\npractitioners = [\"{ferdie_ss58}\"]\n",
			dir.join("outbox.sqlite").display(),
			keys.display()
		),
	)?;
	let start = |password: &str| -> Result<Child> {
		Ok(Command::new(gateway_binary()?)
			.arg("--config")
			.arg(&config)
			.env("LAKESIDE_EHR_KEY", EHR_KEY)
			.env("LAKESIDE_LAB_KEY", LAB_KEY)
			.env("SALUS_GATEWAY_KEYSTORE_PASSWORD", password)
			.stdout(Stdio::null())
			.stderr(
				std::fs::OpenOptions::new()
					.create(true)
					.append(true)
					.open(dir.join("gateway.log"))?,
			)
			.spawn()?)
	};
	let log = || std::fs::read_to_string(dir.join("gateway.log")).unwrap_or_default();
	// A wrong password: the gateway refuses to start, and says which file.
	let mut wrong = start("wrong password")?;
	let exit = wrong.wait()?;
	assert!(!exit.success());
	assert!(log().contains("cannot decrypt the keystore file"), "{}", log());
	let mut gateway = start("correct horse battery staple")?;
	wait_ready(port, &log).await?;

	// Refused at the door: a practitioner the client may not report for, one whose key the
	// gateway does not hold, an unreadable event, an id that is not the URL's.
	let (status, _) = http(
		port,
		"POST",
		"/fhir/AuditEvent",
		Some(LAB_KEY),
		Some(&report("x1", &eve_ss58, &dave_ss58)),
	)
	.await?;
	assert_eq!(status, 403);
	let (status, body) = http(
		port,
		"POST",
		"/fhir/AuditEvent",
		Some(EHR_KEY),
		Some(&report("x2", &eve_ss58, &ferdie_ss58)),
	)
	.await?;
	assert_eq!(status, 422, "{body}");
	let mut unreadable = report("x3", &eve_ss58, &dave_ss58);
	unreadable["purposeOfEvent"] = json!([]);
	let (status, body) =
		http(port, "POST", "/fhir/AuditEvent", Some(EHR_KEY), Some(&unreadable)).await?;
	assert_eq!((status, body["resourceType"].clone()), (400, json!("OperationOutcome")), "{body}");
	assert!(
		body["issue"][0]["diagnostics"]
			.as_str()
			.unwrap_or("")
			.contains("AuditEvent.purposeOfEvent"),
		"{body}"
	);
	let (status, _) = http(
		port,
		"PUT",
		"/fhir/AuditEvent/other-id",
		Some(EHR_KEY),
		Some(&report("x4", &eve_ss58, &dave_ss58)),
	)
	.await?;
	assert_eq!(status, 400);

	// Forty reports; one sent twice; one with the same id and other content; one about a
	// patient the chain does not know.
	for i in 0..40 {
		let id = format!("ehr-{i}");
		let (status, body) = http(
			port,
			"PUT",
			&format!("/fhir/AuditEvent/{id}"),
			Some(EHR_KEY),
			Some(&report(&id, &eve_ss58, &dave_ss58)),
		)
		.await?;
		assert_eq!((status, body["state"].clone()), (202, json!("pending")), "{body}");
	}
	let (status, _) = http(
		port,
		"POST",
		"/fhir/AuditEvent",
		Some(EHR_KEY),
		Some(&report("ehr-7", &eve_ss58, &dave_ss58)),
	)
	.await?;
	assert_eq!(status, 200, "a repeated report is the same report");
	let mut changed = report("ehr-8", &eve_ss58, &dave_ss58);
	changed["purposeOfEvent"][0]["coding"][0]["code"] = json!("HRESCH");
	let (status, _) = http(port, "POST", "/fhir/AuditEvent", Some(EHR_KEY), Some(&changed)).await?;
	assert_eq!(status, 409);
	// An access the chain would not log (a patient it does not know) is refused at once, with
	// the decision's reason.
	let ghost = salus_client::AccountId::new([9; 32]).to_string();
	let (status, body) = http(
		port,
		"POST",
		"/fhir/AuditEvent",
		Some(EHR_KEY),
		Some(&report("ghost-1", &ghost, &dave_ss58)),
	)
	.await?;
	assert_eq!(status, 422, "{body}");
	assert!(
		body["issue"][0]["diagnostics"]
			.as_str()
			.unwrap_or("")
			.contains("the patient is not registered"),
		"{body}"
	);

	// Killed while the batch is in flight: submitted (in the node's pool), not yet in a block.
	let started = Instant::now();
	loop {
		let (_, state) = http(port, "GET", "/outbox/AuditEvent/ehr-0", Some(EHR_KEY), None).await?;
		assert_eq!(state["state"], "pending", "too late to kill it in flight: {state}");
		if let Some(hash) = state["transaction"]["hash"].as_str() {
			let pool: Vec<String> =
				client.rpc("author_pendingExtrinsics", subxt::rpcs::rpc_params![]).await?;
			let wanted = sp_core::bytes::from_hex(hash)?;
			let in_pool = pool.iter().any(|hex| {
				sp_core::bytes::from_hex(hex).is_ok_and(|bytes| {
					<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&bytes)
						.as_bytes() == wanted.as_slice()
				})
			});
			if in_pool {
				break;
			}
		}
		assert!(started.elapsed() < Duration::from_secs(30), "never submitted: {state}\n{}", log());
		tokio::time::sleep(Duration::from_millis(10)).await;
	}
	gateway.kill()?;
	gateway.wait()?;
	let mut gateway = start("correct horse battery staple")?;
	wait_ready(port, &log).await?;
	// Ten more after the restart.
	for i in 40..50 {
		let id = format!("ehr-{i}");
		let (status, _) = http(
			port,
			"POST",
			"/fhir/AuditEvent",
			Some(EHR_KEY),
			Some(&report(&id, &eve_ss58, &dave_ss58)),
		)
		.await?;
		assert_eq!(status, 202);
	}

	// Every report ends on chain (or refused, with why), within two minutes.
	let started = Instant::now();
	let mut blocks = std::collections::BTreeSet::new();
	for i in 0..50 {
		let id = format!("ehr-{i}");
		loop {
			let (_, state) =
				http(port, "GET", &format!("/outbox/AuditEvent/{id}"), Some(EHR_KEY), None).await?;
			if state["state"] == "on_chain" {
				blocks.insert(state["block"]["number"].as_u64().ok_or("no block")?);
				break;
			}
			assert_eq!(state["state"], "pending", "{id}: {state}");
			assert!(
				started.elapsed() < Duration::from_secs(120),
				"{id} not on chain: {state}\n{}",
				log()
			);
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
	}
	let (status, _) = http(port, "GET", "/outbox/AuditEvent/nobody", Some(EHR_KEY), None).await?;
	assert_eq!(status, 404);

	// Exactly once: fifty disclosures in Eve's log, in a handful of transactions.
	let count = client.disclosure_count(&eve.account(), None).await?;
	assert_eq!(count, 50, "{}", log());
	assert!(blocks.len() <= 5, "batched: {blocks:?}");
	let (_, bundle) =
		http(port, "GET", &format!("/fhir/AuditEvent?patient={eve_ss58}"), Some(EHR_KEY), None)
			.await?;
	assert_eq!(bundle["total"], 50);
	let (_, metrics) = http(port, "GET", "/metrics", None, None).await?;
	let text = metrics.as_str().ok_or("text")?;
	assert!(text.contains("salus_gateway_outbox_depth 0"), "{text}");

	let _ = gateway.kill();
	let _ = gateway.wait();
	let _ = std::fs::remove_dir_all(&dir);
	Ok(())
}

/// One webhook delivery the EHR's receiver got.
#[derive(Clone, Debug)]
struct Delivered {
	id: String,
	timestamp: String,
	signature: String,
	body: String,
	answered: u16,
}

/// The EHR's webhook receiver: answers 500 to the first `fail` deliveries, 204 after.
async fn webhook_receiver(fail: usize) -> Result<(u16, Arc<Mutex<Vec<Delivered>>>)> {
	let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
	let port = listener.local_addr()?.port();
	let got: Arc<Mutex<Vec<Delivered>>> = Arc::default();
	let seen = got.clone();
	tokio::spawn(async move {
		while let Ok((mut stream, _)) = listener.accept().await {
			let seen = seen.clone();
			tokio::spawn(async move {
				let mut bytes = Vec::new();
				let mut buffer = [0u8; 4096];
				// The head, then as much body as Content-Length says.
				let (head, mut body) = loop {
					let Ok(read) = stream.read(&mut buffer).await else { return };
					if read == 0 {
						return;
					}
					bytes.extend_from_slice(buffer.get(..read).unwrap_or_default());
					if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
						let head = String::from_utf8_lossy(bytes.get(..end).unwrap_or_default())
							.into_owned();
						break (
							head,
							bytes.get(end.saturating_add(4)..).unwrap_or_default().to_vec(),
						);
					}
				};
				let header = |name: &str| {
					head.lines()
						.find_map(|line| {
							let (n, v) = line.split_once(':')?;
							n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
						})
						.unwrap_or_default()
				};
				let length: usize = header("content-length").parse().unwrap_or(0);
				while body.len() < length {
					let Ok(read) = stream.read(&mut buffer).await else { return };
					if read == 0 {
						break;
					}
					body.extend_from_slice(buffer.get(..read).unwrap_or_default());
				}
				let answered = {
					let Ok(mut seen) = seen.lock() else { return };
					let answered = if seen.len() < fail { 500 } else { 204 };
					seen.push(Delivered {
						id: header("webhook-id"),
						timestamp: header("webhook-timestamp"),
						signature: header("webhook-signature"),
						body: String::from_utf8_lossy(&body).into_owned(),
						answered,
					});
					answered
				};
				let reply = format!(
					"HTTP/1.1 {answered} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
				);
				let _ = stream.write_all(reply.as_bytes()).await;
			});
		}
	});
	Ok((port, got))
}

/// Reads `GET /events` (as `key`, resuming after `last`) until `want` events came or `limit`
/// passed: each event's id, name and data.
async fn read_events(
	port: u16,
	key: &str,
	last: Option<&str>,
	want: usize,
	limit: Duration,
) -> Result<Vec<(String, String, Value)>> {
	let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
	let resume = last.map(|id| format!("Last-Event-ID: {id}\r\n")).unwrap_or_default();
	// HTTP/1.0: the stream comes as it is, not in chunks.
	let request = format!(
		"GET /events HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\nAccept: text/event-stream\r\n{resume}\r\n"
	);
	stream.write_all(request.as_bytes()).await?;
	let mut text = String::new();
	let mut buffer = [0u8; 4096];
	let started = Instant::now();
	let mut events = Vec::new();
	while events.len() < want {
		let left = limit.saturating_sub(started.elapsed());
		let read = match tokio::time::timeout(left, stream.read(&mut buffer)).await {
			Ok(read) => read?,
			Err(_) => break,
		};
		if read == 0 {
			break;
		}
		text.push_str(&String::from_utf8_lossy(buffer.get(..read).unwrap_or_default()));
		// The head first.
		if let Some((head, rest)) = text.split_once("\r\n\r\n") {
			if head.starts_with("HTTP/") {
				assert!(head.contains(" 200 "), "{head}");
				assert!(head.to_ascii_lowercase().contains("text/event-stream"), "{head}");
				text = rest.to_owned();
			}
		}
		while let Some((frame, rest)) = text.split_once("\n\n") {
			let (mut id, mut name, mut data) = (String::new(), String::new(), String::new());
			for line in frame.lines() {
				if let Some(v) = line.strip_prefix("id:") {
					id = v.trim().to_owned();
				} else if let Some(v) = line.strip_prefix("event:") {
					name = v.trim().to_owned();
				} else if let Some(v) = line.strip_prefix("data:") {
					data.push_str(v.trim());
				}
			}
			if !data.is_empty() {
				events.push((id, name, serde_json::from_str(&data)?));
			}
			text = rest.to_owned();
		}
	}
	Ok(events)
}

/// Dave asks Eve through the gateway for her lab results and medications; she approves only
/// the lab results (CLI), and the EHR hears it by webhook (signed; the first delivery answered
/// 500 and retried) and by its event stream, and sees the request approved. The gateway is
/// killed; meanwhile Eve revokes the consent; restarted, the gateway tells of the revocation,
/// once, and delivers nothing twice. A stream resumes after the last event it had; the lab's
/// client, scoped to another practitioner, hears nothing.
#[tokio::test(flavor = "multi_thread")]
async fn an_ehr_asks_a_patient_and_hears_the_answer_by_webhook_and_stream() -> Result {
	let mut node = TestNode::dev()?;
	node.client().await?;
	let url = node.rpc_url.clone();
	let result = requests_scenario(&url).await;
	result.map_err(|e| format!("{e}\n--- node log ---\n{}", node.log_tail(30)).into())
}

#[allow(clippy::indexing_slicing, reason = "test code: a missing JSON field fails the test")]
async fn requests_scenario(url: &str) -> Result {
	const SECRET: &str = "lakeside-webhook-secret-0001";
	let client = Client::connect(url).await?;
	let (dave, eve) = (Signer::dev("dave")?, Signer::dev("eve")?);
	let (dave_ss58, eve_ss58) = (dave.account().to_string(), eve.account().to_string());
	let ferdie_ss58 = Signer::dev("ferdie")?.account().to_string();
	let hospital = lakeside(&client).await?;

	let (dir, keys) = gateway_dir("requests").await?;
	let (hook_port, delivered) = webhook_receiver(1).await?;
	let port = free_port()?;
	let config = dir.join("gateway.toml");
	std::fs::write(
		&config,
		format!(
			"node = \"{url}\"\nlisten = \"127.0.0.1:{port}\"\n[outbox]\ndatabase = \"{}\"\nkeystore = \"{}\"\n[events]\ndatabase = \"{}\"\nproviders = [{hospital}]\n[[clients]]\nname = \"lakeside-ehr\"\nkey_env = \"LAKESIDE_EHR_KEY\"\npractitioners = [\"*\"]\nwebhook_url = \"http://127.0.0.1:{hook_port}/salus/events\"\nwebhook_secret_env = \"LAKESIDE_HOOK_SECRET\"\n[[clients]]\nname = \"lakeside-lab\"\nkey_env = \"LAKESIDE_LAB_KEY\"\npractitioners = [\"{ferdie_ss58}\"]\n",
			dir.join("outbox.sqlite").display(),
			keys.display(),
			dir.join("events.sqlite").display(),
		),
	)?;
	let start = || -> Result<Child> {
		Ok(Command::new(gateway_binary()?)
			.arg("--config")
			.arg(&config)
			.env("LAKESIDE_EHR_KEY", EHR_KEY)
			.env("LAKESIDE_LAB_KEY", LAB_KEY)
			.env("LAKESIDE_HOOK_SECRET", SECRET)
			.env("SALUS_GATEWAY_KEYSTORE_PASSWORD", "correct horse battery staple")
			.stdout(Stdio::null())
			.stderr(
				std::fs::OpenOptions::new()
					.create(true)
					.append(true)
					.open(dir.join("gateway.log"))?,
			)
			.spawn()?)
	};
	let log = || std::fs::read_to_string(dir.join("gateway.log")).unwrap_or_default();
	let mut gateway = start()?;
	wait_ready(port, &log).await?;
	// The EHR's event stream, open from the start.
	let stream = tokio::spawn(read_events(port, EHR_KEY, None, 3, Duration::from_secs(120)));

	let request = |id: &str, patient: &str, practitioner: &str| {
		json!({
			"id": id,
			"practitioner": practitioner,
			"patient": patient,
			"data_classes": ["lab-results", "medications"],
			"purpose": "TREAT",
			"duration_hours": 72,
			"justification": format!("0x{}", "5a".repeat(32)),
		})
	};
	// Refused at the door: for a practitioner the client may not act for; to a patient the
	// chain does not know; with the reason in plain text.
	let asked = request("ref-1", &eve_ss58, &dave_ss58);
	let (status, _) = http(port, "POST", "/access-requests", Some(LAB_KEY), Some(&asked)).await?;
	assert_eq!(status, 403);
	let ghost = salus_client::AccountId::new([9; 32]).to_string();
	let (status, body) = http(
		port,
		"POST",
		"/access-requests",
		Some(EHR_KEY),
		Some(&request("ref-0", &ghost, &dave_ss58)),
	)
	.await?;
	assert_eq!(status, 422, "{body}");
	let mut plain = asked.clone();
	plain["reason"] = json!("suspected anaemia");
	let (status, _) = http(port, "POST", "/access-requests", Some(EHR_KEY), Some(&plain)).await?;
	assert_eq!(status, 400, "a reason in plain text never reaches the chain");

	// Asked; asked again (the same request); changed under the same id (a conflict).
	let (status, body) =
		http(port, "POST", "/access-requests", Some(EHR_KEY), Some(&asked)).await?;
	assert_eq!((status, body["state"].clone()), (202, json!("pending")), "{body}");
	let (status, _) = http(port, "POST", "/access-requests", Some(EHR_KEY), Some(&asked)).await?;
	assert_eq!(status, 200);
	let mut changed = asked.clone();
	changed["duration_hours"] = json!(48);
	let (status, _) = http(port, "POST", "/access-requests", Some(EHR_KEY), Some(&changed)).await?;
	assert_eq!(status, 409);

	// On chain: the request has the chain's id, and is open.
	let started = Instant::now();
	let request_id = loop {
		let (_, state) = http(port, "GET", "/access-requests/ref-1", Some(EHR_KEY), None).await?;
		if state["state"] == "on_chain" {
			assert_eq!(state["status"]["state"], "open", "{state}");
			break state["request"].as_str().ok_or("no request id")?.to_owned();
		}
		assert_eq!(state["state"], "pending", "{state}\n{}", log());
		assert!(started.elapsed() < Duration::from_secs(90), "not on chain: {state}\n{}", log());
		tokio::time::sleep(Duration::from_millis(200)).await;
	};
	let open = client.pending_requests_of(&eve.account(), None).await?;
	assert_eq!(open.len(), 1);
	assert_eq!(open[0].1.practitioner, dave.account());

	// Eve approves the lab results only.
	let home = dir.join("cli");
	std::fs::create_dir_all(&home)?;
	let cli = Cli { binary: salus_binary()?, url: url.to_owned(), home };
	cli.json(Some("dev:eve"), &["patient", "approve", &request_id, "--classes", "lab-results"])?;
	let started = Instant::now();
	loop {
		let (_, state) = http(port, "GET", "/access-requests/ref-1", Some(EHR_KEY), None).await?;
		if state["status"]["state"] == "approved" {
			break;
		}
		assert!(started.elapsed() < Duration::from_secs(60), "not approved: {state}\n{}", log());
		tokio::time::sleep(Duration::from_millis(200)).await;
	}

	// The webhook: the request's creation (answered 500, then again 204), then the consent
	// the approval made and the approval; every delivery signed with the client's secret.
	let wait_for = |count: usize| {
		let delivered = delivered.clone();
		async move {
			let started = Instant::now();
			loop {
				let got = delivered.lock().map_err(|_| "poisoned")?.clone();
				if got.len() >= count {
					return Ok::<_, Box<dyn std::error::Error + Send + Sync>>(got);
				}
				if started.elapsed() > Duration::from_secs(60) {
					return Err(format!("{} deliveries, not {count}: {got:?}", got.len()).into());
				}
				tokio::time::sleep(Duration::from_millis(100)).await;
			}
		}
	};
	let got = wait_for(4).await.map_err(|e| format!("{e}\n{}", log()))?;
	for delivery in &got {
		let timestamp: u64 = delivery.timestamp.parse()?;
		assert_eq!(
			delivery.signature,
			salus_gateway::events::signature(
				SECRET.as_bytes(),
				&delivery.id,
				timestamp,
				&delivery.body
			),
			"{delivery:?}"
		);
	}
	let bodies: Vec<Value> = got
		.iter()
		.map(|d| serde_json::from_str(&d.body))
		.collect::<std::result::Result<_, _>>()?;
	let types: Vec<&str> = bodies.iter().filter_map(|b| b["type"].as_str()).collect();
	assert_eq!(
		types,
		[
			"access_request.created",
			"access_request.created",
			"consent.granted",
			"access_request.approved"
		]
	);
	let answers: Vec<u16> = got.iter().map(|d| d.answered).collect();
	assert_eq!(answers, [500, 204, 204, 204]);
	assert_eq!(got[0].id, got[1].id, "a retry is the same delivery");
	let approved = &bodies[3];
	assert_eq!(approved["practitioner"], json!(dave_ss58), "{approved}");
	assert_eq!(approved["patient"], json!(eve_ss58), "{approved}");
	assert_eq!(approved["provider"], json!(hospital), "{approved}");
	assert_eq!(approved["data"]["request"], json!(request_id), "{approved}");
	assert_eq!(approved["data"]["data_classes"], json!(["lab-results"]), "{approved}");
	let consent = approved["data"]["consent"].as_str().ok_or("no consent")?.to_owned();
	assert_eq!(bodies[2]["data"]["consent"], json!(consent), "{}", bodies[2]);
	assert_eq!(bodies[2]["practitioner"], Value::Null, "a consent to the hospital names no one");
	assert_eq!(bodies[2]["data"]["decision"], "permit", "{}", bodies[2]);
	assert_eq!(bodies[2]["data"]["data_classes"], json!(["lab-results"]), "{}", bodies[2]);
	for body in &bodies {
		salus_gateway::contract::validate(
			&json!({ "$ref": "#/components/schemas/Event" }),
			body,
			"a webhook's event",
		)?;
	}
	let (_, log_page) = http(port, "GET", "/webhooks/deliveries", Some(EHR_KEY), None).await?;
	let entries = log_page["deliveries"].as_array().ok_or("no deliveries")?;
	assert_eq!(entries.len(), 3, "{log_page}");
	assert_eq!(
		(
			entries[0]["state"].clone(),
			entries[0]["attempts"].clone(),
			entries[0]["last_status"].clone()
		),
		(json!("delivered"), json!(2), json!(204)),
		"{log_page}"
	);
	// The stream heard the same three events.
	let streamed = stream.await??;
	let names: Vec<&str> = streamed.iter().map(|(_, name, _)| name.as_str()).collect();
	assert_eq!(names, ["access_request.created", "consent.granted", "access_request.approved"]);
	assert_eq!(streamed[0].0, got[0].id);

	// Killed; meanwhile Eve revokes the consent her approval made; restarted.
	gateway.kill()?;
	gateway.wait()?;
	cli.json(Some("dev:eve"), &["patient", "consent", "revoke", &consent])?;
	let mut gateway = start()?;
	wait_ready(port, &log).await?;
	let got = wait_for(5).await.map_err(|e| format!("{e}\n{}", log()))?;
	let revoked: Value = serde_json::from_str(&got[4].body)?;
	assert_eq!(revoked["type"], "consent.revoked", "{revoked}");
	assert_eq!(revoked["data"]["consent"], json!(consent), "{revoked}");
	tokio::time::sleep(Duration::from_secs(3)).await;
	let got = delivered.lock().map_err(|_| "poisoned")?.clone();
	let mut ok: Vec<&str> =
		got.iter().filter(|d| d.answered == 204).map(|d| d.id.as_str()).collect();
	let all = ok.len();
	ok.dedup();
	assert_eq!(ok.len(), all, "nothing delivered twice: {got:?}");
	assert_eq!(all, 4);

	// A stream resumes after the last event it had.
	let resumed =
		read_events(port, EHR_KEY, Some(&streamed[1].0), 2, Duration::from_secs(10)).await?;
	let names: Vec<&str> = resumed.iter().map(|(_, name, _)| name.as_str()).collect();
	assert_eq!(names, ["access_request.approved", "consent.revoked"]);
	// The lab's client, scoped to Ferdie, hears nothing: not of Dave's request, nor of what
	// names no practitioner.
	let lab = read_events(port, LAB_KEY, None, 1, Duration::from_secs(3)).await?;
	assert!(lab.is_empty(), "{lab:?}");
	let (status, _) = http(port, "GET", "/webhooks/deliveries", Some(LAB_KEY), None).await?;
	assert_eq!(status, 200);
	let (status, _) =
		http(port, "POST", "/webhooks/deliveries/999/retry", Some(EHR_KEY), None).await?;
	assert_eq!(status, 404);

	let _ = gateway.kill();
	let _ = gateway.wait();
	let _ = std::fs::remove_dir_all(&dir);
	Ok(())
}

/// A new, empty database on the PostgreSQL server `SALUS_TEST_POSTGRES` names (the one
/// `scripts/test.sh` starts), and a connection to that server; `None` without a server, unless
/// `SALUS_REQUIRE_POSTGRES` says there must be one.
async fn postgres_database() -> Result<Option<(String, tokio_postgres::Client)>> {
	let Ok(admin) = std::env::var("SALUS_TEST_POSTGRES") else {
		if std::env::var("SALUS_REQUIRE_POSTGRES").is_ok() {
			return Err("SALUS_REQUIRE_POSTGRES is set, SALUS_TEST_POSTGRES is not".into());
		}
		eprintln!("SALUS_TEST_POSTGRES is not set: gateway replicas on PostgreSQL not tested");
		return Ok(None);
	};
	let (server, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await?;
	tokio::spawn(connection);
	let name = format!("salus_replicas_{}", std::process::id());
	server.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).await?;
	server.batch_execute(&format!("CREATE DATABASE {name}")).await?;
	let (base, _) = admin.rsplit_once('/').ok_or("SALUS_TEST_POSTGRES names no database")?;
	let url = format!("{base}/{name}");
	let (db, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
	tokio::spawn(connection);
	Ok(Some((url, db)))
}

/// Two gateway replicas share one outbox in PostgreSQL: the EHR reports to both (a report
/// repeated to the other replica is the same report); the replica sending for Dave is killed
/// (SIGKILL) while its batch is in flight; the other takes Dave over once the lease has passed,
/// resolves what the dead one sent, and every report is on chain exactly once.
#[tokio::test(flavor = "multi_thread")]
async fn two_gateway_replicas_share_one_outbox_in_postgres() -> Result {
	let Some((database, db)) = postgres_database().await? else { return Ok(()) };
	let mut node = TestNode::dev()?;
	node.client().await?;
	let url = node.rpc_url.clone();
	let result = replicas_scenario(&url, &database, &db).await;
	result.map_err(|e| format!("{e}\n--- node log ---\n{}", node.log_tail(30)).into())
}

#[allow(clippy::indexing_slicing, reason = "test code: a missing JSON field fails the test")]
async fn replicas_scenario(url: &str, database: &str, db: &tokio_postgres::Client) -> Result {
	let client = Client::connect(url).await?;
	let (dave_ss58, eve_ss58) =
		(Signer::dev("dave")?.account().to_string(), Signer::dev("eve")?.account().to_string());
	lakeside_with_eves_consent(&client).await?;
	let (dir, keys) = gateway_dir("replicas").await?;
	let start = |name: &str, port: u16| -> Result<Child> {
		let config = dir.join(format!("{name}.toml"));
		std::fs::write(
			&config,
			format!(
				"node = \"{url}\"\nlisten = \"127.0.0.1:{port}\"\n[outbox]\ndatabase = \"set in the environment\"\nkeystore = \"{}\"\n[[clients]]\nname = \"lakeside-ehr\"\nkey_env = \"LAKESIDE_EHR_KEY\"\npractitioners = [\"*\"]\n",
				keys.display()
			),
		)?;
		Ok(Command::new(gateway_binary()?)
			.arg("--config")
			.arg(&config)
			.env("LAKESIDE_EHR_KEY", EHR_KEY)
			.env("SALUS_GATEWAY_OUTBOX_DATABASE", database)
			.env("SALUS_GATEWAY_KEYSTORE_PASSWORD", "correct horse battery staple")
			.stdout(Stdio::null())
			.stderr(std::fs::File::create(dir.join(format!("{name}.log")))?)
			.spawn()?)
	};
	let log = || {
		["a", "b"]
			.iter()
			.map(|n| std::fs::read_to_string(dir.join(format!("{n}.log"))).unwrap_or_default())
			.collect::<Vec<_>>()
			.join("\n---\n")
	};
	let ports = [free_port()?, free_port()?];
	let mut replicas = vec![start("a", ports[0])?, start("b", ports[1])?];
	for port in ports {
		wait_ready(port, &log).await?;
	}
	let report_to = |port: u16, id: String| {
		let body = report(&id, &eve_ss58, &dave_ss58);
		async move {
			http(port, "PUT", &format!("/fhir/AuditEvent/{id}"), Some(EHR_KEY), Some(&body)).await
		}
	};
	for i in 0..40 {
		let (status, body) = report_to(ports[i % 2], format!("ehr-{i}")).await?;
		assert_eq!(status, 202, "{body}");
	}
	let (status, _) = report_to(ports[1], "ehr-0".into()).await?;
	assert_eq!(status, 200, "a report taken by one replica is known to the other");

	// The replica that holds Dave's lease, killed once its batch is in flight.
	let started = Instant::now();
	let holder = loop {
		let sent = db
			.query_opt("SELECT holder FROM outbox_leases JOIN outbox USING (practitioner) WHERE outbox.state = 'sent' LIMIT 1", &[])
			.await?;
		if let Some(row) = sent {
			let holder: String = row.try_get(0)?;
			break holder;
		}
		assert!(started.elapsed() < Duration::from_secs(60), "nothing sent:\n{}", log());
		tokio::time::sleep(Duration::from_millis(20)).await;
	};
	let pid: u32 = holder.split(':').nth(1).ok_or("a holder names its process")?.parse()?;
	let dead = replicas.iter().position(|r| r.id() == pid).ok_or("the holder is no replica")?;
	replicas[dead].kill()?;
	replicas[dead].wait()?;
	let alive = ports[1usize.saturating_sub(dead)];
	for i in 40..50 {
		let (status, _) = report_to(alive, format!("ehr-{i}")).await?;
		assert_eq!(status, 202);
	}
	let started = Instant::now();
	for i in 0..50 {
		let id = format!("ehr-{i}");
		loop {
			let (_, state) =
				http(alive, "GET", &format!("/outbox/AuditEvent/{id}"), Some(EHR_KEY), None)
					.await?;
			if state["state"] == "on_chain" {
				break;
			}
			assert_eq!(state["state"], "pending", "{id}: {state}");
			assert!(
				started.elapsed() < Duration::from_secs(240),
				"{id} not on chain: {state}\n{}",
				log()
			);
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}
	let count = client.disclosure_count(&Signer::dev("eve")?.account(), None).await?;
	assert_eq!(count, 50, "exactly once across the replicas:\n{}", log());
	for replica in &mut replicas {
		let _ = replica.kill();
		let _ = replica.wait();
	}
	let _ = std::fs::remove_dir_all(&dir);
	Ok(())
}

/// The gateway's process, for the load test: the binary `SALUS_GATEWAY` names (the release
/// build, for a report) or this workspace's.
fn load_gateway_binary() -> Result<PathBuf> {
	match std::env::var_os("SALUS_GATEWAY") {
		Some(path) => Ok(PathBuf::from(path)),
		None => gateway_binary(),
	}
}

/// Runs `plan` through the release-built `salus-bench` that `SALUS_BENCH` names, or in this
/// process.
async fn run_http_plan(
	plan: &salus_bench::http::HttpPlan,
	dir: &std::path::Path,
) -> Result<salus_bench::http::HttpOutcome> {
	let Some(bench) = std::env::var_os("SALUS_BENCH") else {
		return salus_bench::http::run(plan, |step| eprintln!("load: {step}")).await;
	};
	let (plan_file, out) = (dir.join("plan.json"), dir.join("outcome.json"));
	std::fs::write(&plan_file, serde_json::to_vec(plan)?)?;
	let status = tokio::process::Command::new(&bench)
		.arg("http")
		.arg("--plan")
		.arg(&plan_file)
		.arg("--out")
		.arg(&out)
		.status()
		.await
		.map_err(|e| format!("cannot run {}: {e}", PathBuf::from(&bench).display()))?;
	if !status.success() {
		return Err(format!("salus-bench failed ({status})").into());
	}
	Ok(serde_json::from_slice(&std::fs::read(&out)?)?)
}

/// A metric's value in Prometheus text.
fn metric(text: &str, name: &str) -> u64 {
	text.lines()
		.find_map(|l| l.strip_prefix(&format!("{name} ")).and_then(|v| v.parse().ok()))
		.unwrap_or(0)
}

/// The gateway under load (benchmarks/README.md, "The gateway"): cached AuthZEN decisions over
/// keep-alive connections, one and sixteen at once, then AuditEvent reports into the outbox,
/// sixteen connections at once, while the outbox drains to the chain. In CI a short run in
/// this process against the debug gateway, every answer checked, every report on chain exactly
/// once. For a report (`SALUS_GATEWAY_LOAD_REPORT=<dir>`): the release gateway
/// (`SALUS_GATEWAY`) and `salus-bench` (`SALUS_BENCH`), more requests, and a markdown report
/// in `<dir>`.
#[tokio::test(flavor = "multi_thread")]
async fn load() -> Result {
	let mut node = TestNode::dev()?;
	node.client().await?;
	let url = node.rpc_url.clone();
	let result = load_scenario(&url).await;
	result.map_err(|e| format!("{e}\n--- node log ---\n{}", node.log_tail(30)).into())
}

#[allow(clippy::indexing_slicing, reason = "test code: a missing JSON field fails the test")]
async fn load_scenario(url: &str) -> Result {
	let report_dir = std::env::var_os("SALUS_GATEWAY_LOAD_REPORT").map(PathBuf::from);
	let (decisions, reports) = if report_dir.is_some() { (200_000, 20_000) } else { (2_000, 200) };
	let client = Client::connect(url).await?;
	let (dave_ss58, eve_ss58) =
		(Signer::dev("dave")?.account().to_string(), Signer::dev("eve")?.account().to_string());
	lakeside_with_eves_consent(&client).await?;
	let (dir, keys) = gateway_dir("load").await?;
	let port = free_port()?;
	let config = dir.join("gateway.toml");
	std::fs::write(
		&config,
		format!(
			"node = \"{url}\"\nlisten = \"127.0.0.1:{port}\"\n[outbox]\ndatabase = \"{}\"\nkeystore = \"{}\"\n[[clients]]\nname = \"lakeside-ehr\"\nkey_env = \"LAKESIDE_EHR_KEY\"\npractitioners = [\"*\"]\nmax_waiting = 100000\n",
			dir.join("outbox.sqlite").display(),
			keys.display()
		),
	)?;
	let binary = load_gateway_binary()?;
	let mut gateway = Command::new(&binary)
		.arg("--config")
		.arg(&config)
		.env("LAKESIDE_EHR_KEY", EHR_KEY)
		.env("SALUS_GATEWAY_KEYSTORE_PASSWORD", "correct horse battery staple")
		.env("SALUS_GATEWAY_LOG", "warn")
		.stdout(Stdio::null())
		.stderr(std::fs::File::create(dir.join("gateway.log"))?)
		.spawn()?;
	let log = || std::fs::read_to_string(dir.join("gateway.log")).unwrap_or_default();
	wait_ready(port, &log).await?;
	// Warm: Eve watched, Dave's decision cached.
	let ask = question(&dave_ss58, &eve_ss58, "lab-results", "TREAT");
	let started = Instant::now();
	loop {
		let (_, body) =
			http(port, "POST", "/access/v1/evaluation", Some(EHR_KEY), Some(&ask)).await?;
		if body["context"]["source"] == "cache" {
			assert_eq!(body["decision"], true, "{body}");
			break;
		}
		assert!(started.elapsed() < Duration::from_secs(30), "never cached: {body}");
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	let (_, before) = http(port, "GET", "/metrics", None, None).await?;
	let before = before.as_str().ok_or("metrics are text")?.to_owned();

	let decision =
		|name: &str, connections: usize, requests: usize| salus_bench::http::HttpMeasure {
			name: name.into(),
			method: "POST".into(),
			path: "/access/v1/evaluation".into(),
			key: Some(EHR_KEY.into()),
			body: Some(ask.to_string()),
			connections,
			requests,
			status: 200,
			contains: Some("\"decision\":true".into()),
		};
	let template = report("load-{n}", &eve_ss58, &dave_ss58).to_string();
	let plan = salus_bench::http::HttpPlan {
		address: format!("127.0.0.1:{port}"),
		pid: Some(gateway.id()),
		measures: vec![
			decision("cached decision, 1 connection", 1, decisions / 4),
			decision("cached decision, 16 connections", 16, decisions),
			salus_bench::http::HttpMeasure {
				name: "AuditEvent into the outbox, 16 connections".into(),
				method: "PUT".into(),
				path: "/fhir/AuditEvent/load-{n}".into(),
				key: Some(EHR_KEY.into()),
				body: Some(template),
				connections: 16,
				requests: reports,
				status: 202,
				contains: None,
			},
		],
	};
	let eve = Signer::dev("eve")?.account();
	let outcome = run_http_plan(&plan, &dir).await.map_err(|e| format!("{e}\n{}", log()))?;
	let taken = Instant::now();
	let on_chain_when_taken = client.disclosure_count(&eve, None).await?;
	let (_, after) = http(port, "GET", "/metrics", None, None).await?;
	let after = after.as_str().ok_or("metrics are text")?.to_owned();
	let grew = |name: &str| metric(&after, name).saturating_sub(metric(&before, name));
	let (hits, misses, bypasses) = (
		grew("salus_gateway_cache_hits_total"),
		grew("salus_gateway_cache_misses_total"),
		grew("salus_gateway_cache_bypasses_total"),
	);

	// The outbox drains to the chain: all of it (CI), or for two minutes (a report).
	let limit =
		if report_dir.is_some() { Duration::from_secs(120) } else { Duration::from_secs(300) };
	let drained = loop {
		let on_chain = client.disclosure_count(&eve, None).await?;
		if on_chain >= u32::try_from(reports)? || taken.elapsed() > limit {
			break on_chain;
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	};
	let drain_time = taken.elapsed();
	let _ = gateway.kill();
	let _ = gateway.wait();
	if report_dir.is_none() {
		assert_eq!(drained, u32::try_from(reports)?, "every report on chain, once:\n{}", log());
		assert!(hits > 0, "decisions came from the cache");
	}
	if let Some(report_dir) = report_dir {
		let commit = std::process::Command::new("git")
			.args(["rev-parse", "--short", "HEAD"])
			.output()
			.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
			.unwrap_or_default();
		let node_binary =
			std::env::var("SALUS_E2E_NODE").unwrap_or_else(|_| "the debug build".into());
		let today = std::process::Command::new("date")
			.args(["-u", "+%Y-%m-%d"])
			.output()
			.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
			.unwrap_or_default();
		let mut text = format!(
			"# salus-gateway under load, {today}\n\nCommit {commit}. Gateway: `{}`; generator: salus-bench, {} build; node: `salus-node --dev` ({node_binary}); all on one machine ({} cores). HTTP/1.1 keep-alive, closed loops (each connection sends its next request when the last is answered); every answer checked (status, and `\"decision\":true` for decisions). Gateway CPU time from /proc.\n\n| measure | requests | p50 | p99 | per second | gateway CPU per request |\n|---|---|---|---|---|---|\n",
			binary.display(),
			outcome.generator,
			std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
		);
		for (m, samples) in plan.measures.iter().zip(&outcome.measures) {
			let cpu = samples
				.node_cpu()
				.as_nanos()
				.checked_div(u128::try_from(samples.requests)?)
				.unwrap_or(0);
			text.push_str(&format!(
				"| {} | {} | {:.3} ms | {:.3} ms | {:.0} | {:.1} µs |\n",
				m.name,
				samples.requests,
				samples.percentile(50).as_secs_f64() * 1e3,
				samples.percentile(99).as_secs_f64() * 1e3,
				samples.per_second(1),
				cpu as f64 / 1e3,
			));
		}
		let since = drained.saturating_sub(on_chain_when_taken);
		text.push_str(&format!(
			"\nDecisions during the run: {hits} from the cache, {misses} misses, {bypasses} bypasses.\n\nThe outbox: {reports} reports taken; {on_chain_when_taken} on chain when the last was taken, {drained} {:.0} s later ({since} in that time, {:.1} a second), all by one practitioner (one batch of at most 64 in flight until finalized).\n",
			drain_time.as_secs_f64(),
			f64::from(since) / drain_time.as_secs_f64().max(1e-9),
		));
		std::fs::create_dir_all(&report_dir)?;
		let name = report_dir.join("gateway-load.md");
		std::fs::write(&name, &text)?;
		eprintln!("{text}");
	}
	let _ = std::fs::remove_dir_all(&dir);
	Ok(())
}
