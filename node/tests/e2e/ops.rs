//! What an operator relies on (`ops/`): the node's Prometheus endpoint on loopback, Salus's own
//! metrics counting real calls, the Grafana dashboard asking only for metrics a node exports, and
//! the systemd unit starting the node with flags it has.

use crate::harness::{free_port, node_binary, run_scenario_with, Client, Result};
use salus_runtime::RuntimeCall;
use std::{
	collections::BTreeSet,
	io::{Read, Write},
	net::TcpStream,
	path::Path,
	time::{Duration, Instant},
};
use subxt_signer::sr25519::dev;

/// The body of `GET /metrics` on the node's Prometheus endpoint.
fn metrics(port: u16) -> Result<String> {
	let mut stream = TcpStream::connect(("127.0.0.1", port))?;
	stream.set_read_timeout(Some(Duration::from_secs(10)))?;
	stream.write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
	let mut response = String::new();
	stream.read_to_string(&mut response)?;
	let (head, body) = response.split_once("\r\n\r\n").ok_or("an HTTP response without a body")?;
	if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
		return Err(format!("GET /metrics: {}", head.lines().next().unwrap_or_default()).into());
	}
	Ok(body.to_owned())
}

/// The local addresses listening on TCP `port` (from /proc/net/tcp and tcp6), e.g. "0100007F".
fn listening_on(port: u16) -> Result<Vec<String>> {
	let mut found = Vec::new();
	for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
		for line in std::fs::read_to_string(table)?.lines().skip(1) {
			let fields: Vec<&str> = line.split_whitespace().collect();
			let (Some(local), Some(state)) = (fields.get(1), fields.get(3)) else { continue };
			let Some((addr, hex_port)) = local.rsplit_once(':') else { continue };
			// State 0A is LISTEN.
			if *state == "0A" && u16::from_str_radix(hex_port, 16)? == port {
				found.push(addr.to_owned());
			}
		}
	}
	Ok(found)
}

/// The value of the sample of metric `name` that carries every label of `labels` (the node adds
/// its own, such as `chain`).
fn sample(body: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
	body.lines().find_map(|line| {
		let rest = line.strip_prefix(name)?;
		let (labelled, value) = rest.rsplit_once(' ')?;
		if !labelled.is_empty() && !labelled.starts_with('{') {
			return None; // another metric whose name starts with `name`
		}
		labels
			.iter()
			.all(|(k, v)| labelled.contains(&format!("{k}=\"{v}\"")))
			.then(|| value.parse().ok())
			.flatten()
	})
}

#[tokio::test(flavor = "multi_thread")]
async fn prometheus_on_loopback_counts_salus_calls_and_serves_the_dashboard() -> Result {
	let port = free_port()?;
	let port_arg = port.to_string();
	run_scenario_with(&["--prometheus-port", &port_arg], |client: Client| async move {
		client.wait_for_blocks(1, 0, Duration::from_secs(120)).await?;
		// Loopback only, by default: 127.0.0.1 (or ::1), never every interface.
		let addresses = listening_on(port)?;
		if addresses.is_empty()
			|| !addresses
				.iter()
				.all(|a| a == "0100007F" || a == "00000000000000000000000001000000")
		{
			return Err(format!("Prometheus listens on {addresses:?}, not loopback only").into());
		}
		// A Salus call is counted, by pallet and call, once its block is the best block.
		let announce =
			RuntimeCall::HealthIdentity(pallet_health_identity::Call::announce_commitment {
				binding: Some(sp_core::H256::repeat_byte(7)),
			});
		client.submit(announce, &dev::ferdie()).await?;
		let counted = [("pallet", "HealthIdentity"), ("call", "announce_commitment")];
		let started = Instant::now();
		let body = loop {
			let body = metrics(port)?;
			if sample(&body, "salus_calls_total", &counted) >= Some(1.0) {
				break body;
			}
			if started.elapsed() > Duration::from_secs(60) {
				let salus: Vec<&str> = body.lines().filter(|l| l.starts_with("salus_")).collect();
				return Err(format!("{counted:?} not counted within 60 s: {salus:?}").into());
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		};
		let times = sample(&body, "salus_calls_total", &counted);
		if times != Some(1.0) {
			return Err(format!("{counted:?} counted {times:?} times, not once").into());
		}
		let exported: BTreeSet<&str> = body
			.lines()
			.filter(|line| !line.starts_with('#'))
			.filter_map(|line| line.split(['{', ' ']).next())
			.collect();
		for name in [
			"salus_calls_in_best_block",
			"salus_extrinsics_in_best_block",
			"salus_undecodable_extrinsics_total",
		] {
			if !exported.contains(name) {
				return Err(format!("the node does not export {name}").into());
			}
		}
		// Every metric the dashboard queries is one the node exports, with the labels it
		// filters on.
		let dir = Path::new(&crate::harness::manifest_dir()).join("../ops");
		let dashboard: serde_json::Value =
			serde_json::from_str(&std::fs::read_to_string(dir.join("grafana/salus-node.json"))?)?;
		let mut queried = BTreeSet::new();
		for panel in dashboard["panels"].as_array().ok_or("a dashboard without panels")? {
			for target in panel["targets"].as_array().ok_or("a panel without targets")? {
				let expr = target["expr"].as_str().ok_or("a target without an expression")?;
				for word in expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
					if word.starts_with("substrate_") || word.starts_with("salus_") {
						queried.insert(word.to_owned());
					}
				}
			}
		}
		if queried.len() < 8 {
			return Err(format!("the dashboard queries only {queried:?}").into());
		}
		for name in &queried {
			if !exported.contains(name.as_str()) {
				return Err(format!(
					"the dashboard queries {name}, which the node does not export"
				)
				.into());
			}
		}
		for status in ["best", "finalized"] {
			let label = format!("substrate_block_height{{status=\"{status}\"");
			if !body.lines().any(|line| line.starts_with(&label)) {
				return Err(format!("no {label}}} sample for the dashboard's finality lag").into());
			}
		}
		Ok(())
	})
	.await
}

#[test]
fn the_systemd_unit_starts_the_node_with_flags_it_has_and_stops_it_with_sigint() -> Result {
	let dir = Path::new(&crate::harness::manifest_dir()).join("../ops/systemd");
	let unit = std::fs::read_to_string(dir.join("salus-node.service"))?;
	let exec = unit
		.replace("\\\n", " ")
		.lines()
		.find_map(|line| line.strip_prefix("ExecStart=").map(str::to_owned))
		.ok_or("a unit without ExecStart")?;
	let help = std::process::Command::new(node_binary()).arg("--help").output()?;
	let help = String::from_utf8(help.stdout)?;
	let flags: Vec<&str> = exec.split_whitespace().filter(|word| word.starts_with("--")).collect();
	if flags.len() < 5 {
		return Err(format!("ExecStart has only {flags:?}").into());
	}
	for flag in flags {
		if !help.contains(&format!("{flag} "))
			&& !help.contains(&format!("{flag}="))
			&& !help.contains(&format!("{flag}\n"))
		{
			return Err(format!("salus-node has no {flag} (ExecStart: {exec})").into());
		}
	}
	for line in ["KillSignal=SIGINT", "User=salus", "Restart=on-failure"] {
		if !unit.lines().any(|l| l == line) {
			return Err(format!("the unit lacks {line}").into());
		}
	}
	// Every variable ExecStart uses is set by the environment file shipped beside it.
	let env = std::fs::read_to_string(dir.join("salus-node.env"))?;
	for var in ["SALUS_CHAIN", "SALUS_NODE_NAME", "SALUS_EXTRA_ARGS"] {
		if !exec.contains(var) || !env.lines().any(|l| l.starts_with(&format!("{var}="))) {
			return Err(format!("{var}: used by ExecStart and set in salus-node.env, both").into());
		}
	}
	Ok(())
}
