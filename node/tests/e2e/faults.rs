//! Faults: the four-validator local network (`--chain local`: Alice, Bob, Charlie, Dave), each
//! validator in a network namespace of its own, linked to the test's namespace by a veth pair.
//! The test's namespace routes between them, so a network cut is real: the route between two
//! validators becomes a blackhole (`ip rule … blackhole`), and their packets are dropped, as a
//! failed link drops them — the processes notice it only by their timeouts. A crash is SIGKILL;
//! a restart keeps the validator's database, keystore and network key.
//!
//! The scenarios need root and iproute2, and must run inside a network namespace of their own
//! (they enable forwarding and add rules there): `scripts/faults.sh` makes one, runs them in it
//! and removes everything afterwards. In an ordinary `cargo test` they are ignored.
//!
//! One network goes through every scenario in turn (a debug validator takes a minute or more to
//! start on two cores), and the test prints what it measured — the recovery times that
//! README.md ("Faults") reports — and writes them to `$SALUS_FAULTS_REPORT` if set.

use crate::{
	harness::{node_binary, Client, Result},
	write_path::Account,
};
use codec::Decode;
use salus_runtime::{AccountId, Hash, RuntimeCall};
use sp_runtime::generic::DigestItem;
use std::{
	fmt::Write as _,
	fs::File,
	path::PathBuf,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};
use subxt::rpcs::rpc_params;
use subxt_signer::sr25519::dev;

/// The validators, in the order of the local chain's authorities (Aura's slot owner is
/// `slot % 4`).
const NAMES: [&str; 4] = ["alice", "bob", "charlie", "dave"];
/// The port every validator serves RPC on, on its namespace's address.
const RPC_PORT: u16 = 9944;
/// The port every validator listens on for its peers.
const P2P_PORT: u16 = 30333;
/// The longest a debug validator may take to start (it compiles the runtime first; four start
/// at once on two cores).
const STARTUP: Duration = Duration::from_secs(420);
/// The longest the network may take to recover from a fault before the scenario fails.
const RECOVERY: Duration = Duration::from_secs(240);
/// How long a stalled finality is watched to see that it stays stalled (five slots).
const WATCH: Duration = Duration::from_secs(30);

/// Runs `command` (an `ip …` invocation) and fails with its error output if it fails.
fn run(command: &mut Command) -> Result {
	let output = command.stdin(Stdio::null()).output()?;
	if !output.status.success() {
		return Err(
			format!("{command:?}: {}", String::from_utf8_lossy(&output.stderr).trim()).into()
		);
	}
	Ok(())
}

fn ip(args: &[&str]) -> Result {
	run(Command::new("ip").args(args))
}

/// `ip` inside namespace `ns`.
fn ip_in(ns: &str, args: &[&str]) -> Result {
	run(Command::new("ip").args(["netns", "exec", ns, "ip"]).args(args))
}

/// One validator: its namespace, address, state directory (kept across restarts) and process.
struct Validator {
	/// `alice`, `bob`, …
	name: &'static str,
	/// The network namespace it runs in.
	ns: String,
	/// Its address, `10.77.<n>.2`.
	addr: String,
	/// Its base path: database, keystore (`--alice` puts the development keys there).
	base: PathBuf,
	/// Its network key (fixed: its peer id stays across restarts).
	node_key: String,
	child: Option<Child>,
	/// Starts so far (for the log file names).
	starts: u32,
}

impl Validator {
	fn url(&self) -> String {
		format!("ws://{}:{RPC_PORT}", self.addr)
	}

	/// Starts the validator in its namespace, on its old state if it has one.
	fn start(&mut self, bootnodes: &[String]) -> Result {
		if self.child.is_some() {
			return Err(format!("{} is already running", self.name).into());
		}
		self.starts = self.starts.saturating_add(1);
		let log = self.base.join(format!("node-{}.log", self.starts));
		let mut command = Command::new("ip");
		command
			.args(["netns", "exec", &self.ns])
			.arg(node_binary())
			.args(["--chain", "local", &format!("--{}", self.name)])
			.args(["--node-key", &self.node_key])
			.args(["--base-path", &self.base.to_string_lossy()])
			.args(["--listen-addr", &format!("/ip4/{}/tcp/{P2P_PORT}", self.addr)])
			.args(["--rpc-external", "--rpc-port", &RPC_PORT.to_string(), "--rpc-cors", "all"])
			.args(["--no-prometheus", "--no-telemetry", "--no-mdns"]);
		for bootnode in bootnodes {
			command.args(["--bootnodes", bootnode]);
		}
		// `ip netns exec` execs the node in its own process: killing the child kills the node.
		let child = command
			.stdin(Stdio::null())
			.stdout(File::create(&log)?)
			.stderr(File::create(log.with_extension("err.log"))?)
			.spawn()?;
		self.child = Some(child);
		Ok(())
	}

	/// Kills the validator at once (a crash: no clean shutdown of its database).
	fn kill(&mut self) -> Result {
		if let Some(mut child) = self.child.take() {
			child.kill()?;
			child.wait()?;
		}
		Ok(())
	}

	/// Stops the validator as an operator does (SIGINT), waiting until it exits.
	fn stop(&mut self) -> Result {
		if let Some(mut child) = self.child.take() {
			run(Command::new("kill").args(["-INT", &child.id().to_string()]))?;
			let started = Instant::now();
			while child.try_wait()?.is_none() {
				if started.elapsed() > Duration::from_secs(60) {
					child.kill()?;
					return Err(format!("{} did not stop within 60 s of SIGINT", self.name).into());
				}
				std::thread::sleep(Duration::from_millis(200));
			}
		}
		Ok(())
	}

	/// A client, once the validator serves RPC.
	async fn client(&mut self) -> Result<Client> {
		let started = Instant::now();
		loop {
			let child =
				self.child.as_mut().ok_or_else(|| format!("{} is not running", self.name))?;
			if let Some(status) = child.try_wait()? {
				return Err(
					format!("{} exited with {status}:\n{}", self.name, self.log_tail(30)).into()
				);
			}
			let pid = child.id();
			if let Ok(client) = Client::connect(&self.url(), pid).await {
				return Ok(client);
			}
			if started.elapsed() > STARTUP {
				return Err(format!(
					"{}: no RPC after {STARTUP:?}:\n{}",
					self.name,
					self.log_tail(30)
				)
				.into());
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}

	/// The last lines of its current log.
	fn log_tail(&self, lines: usize) -> String {
		let log = self.base.join(format!("node-{}.log", self.starts));
		let mut all = String::new();
		for path in [log.with_extension("err.log"), log] {
			all.push_str(&std::fs::read_to_string(path).unwrap_or_default());
		}
		let all: Vec<&str> = all.lines().collect();
		all.iter()
			.skip(all.len().saturating_sub(lines))
			.copied()
			.collect::<Vec<_>>()
			.join("\n")
	}
}

/// The four validators, their namespaces and links, and the cuts between them. Dropping it
/// kills the validators and removes the namespaces and rules.
struct Network {
	validators: Vec<Validator>,
	/// The multiaddresses of all four (each is given the others').
	bootnodes: Vec<String>,
	/// Blackhole rules in place: (from, to) subnets.
	cuts: Vec<(String, String)>,
	dir: PathBuf,
	/// Whether to keep `dir` (the validators' databases and logs) when dropped: after a failure.
	keep: bool,
}

impl Network {
	/// Makes the namespaces and links and starts the four validators.
	fn start() -> Result<Self> {
		let tag = std::process::id();
		let dir = std::env::temp_dir().join(format!("salus-faults-{tag}"));
		std::fs::create_dir_all(&dir)?;
		run(Command::new("sysctl").args(["-qw", "net.ipv4.ip_forward=1"]))?;
		ip(&["link", "set", "lo", "up"])?;
		let mut validators = Vec::new();
		let mut bootnodes = Vec::new();
		for (i, name) in NAMES.into_iter().enumerate() {
			let n = i.saturating_add(1);
			let ns = format!("salus-{name}-{tag}");
			let (host, peer) = (format!("sf{n}-{tag}"), format!("sfv{n}"));
			let (link, addr) = (format!("10.77.{n}.1"), format!("10.77.{n}.2"));
			ip(&["netns", "add", &ns])?;
			ip_in(&ns, &["link", "set", "lo", "up"])?;
			ip(&["link", "add", &host, "type", "veth", "peer", "name", &peer])?;
			ip(&["link", "set", &peer, "netns", &ns])?;
			ip(&["addr", "add", &format!("{link}/24"), "dev", &host])?;
			ip(&["link", "set", &host, "up"])?;
			ip_in(&ns, &["addr", "add", &format!("{addr}/24"), "dev", &peer])?;
			ip_in(&ns, &["link", "set", &peer, "up"])?;
			ip_in(&ns, &["route", "add", "default", "via", &link])?;
			let node_key = format!("{n:064x}");
			let base = dir.join(name);
			std::fs::create_dir_all(&base)?;
			let key_file = base.join("node.key");
			std::fs::write(&key_file, &node_key)?;
			let peer_id = Command::new(node_binary())
				.args(["key", "inspect-node-key", "--file"])
				.arg(&key_file)
				.output()?;
			if !peer_id.status.success() {
				return Err(String::from_utf8_lossy(&peer_id.stderr).trim().to_string().into());
			}
			let peer_id = String::from_utf8(peer_id.stdout)?.trim().to_string();
			bootnodes.push(format!("/ip4/{addr}/tcp/{P2P_PORT}/p2p/{peer_id}"));
			validators.push(Validator { name, ns, addr, base, node_key, child: None, starts: 0 });
		}
		let mut network = Self { validators, bootnodes, cuts: Vec::new(), dir, keep: false };
		for i in 0..NAMES.len() {
			network.start_validator(i)?;
		}
		Ok(network)
	}

	fn validator(&mut self, i: usize) -> Result<&mut Validator> {
		self.validators.get_mut(i).ok_or_else(|| format!("no validator {i}").into())
	}

	/// Starts validator `i` (again), with the others as its boot nodes.
	fn start_validator(&mut self, i: usize) -> Result {
		let others: Vec<String> = self
			.bootnodes
			.iter()
			.enumerate()
			.filter(|(j, _)| *j != i)
			.map(|(_, b)| b.clone())
			.collect();
		self.validator(i)?.start(&others)
	}

	/// Cuts every link between a validator of `a` and one of `b`, both ways.
	fn cut(&mut self, a: &[usize], b: &[usize]) -> Result {
		for &x in a {
			for &y in b {
				for (from, to) in [(x, y), (y, x)] {
					let subnet = |i: usize| format!("10.77.{}.0/24", i.saturating_add(1));
					let (from, to) = (subnet(from), subnet(to));
					ip(&["rule", "add", "from", &from, "to", &to, "blackhole"])?;
					self.cuts.push((from, to));
				}
			}
		}
		Ok(())
	}

	/// Removes every cut.
	fn heal(&mut self) -> Result {
		while let Some((from, to)) = self.cuts.pop() {
			ip(&["rule", "del", "from", &from, "to", &to, "blackhole"])?;
		}
		Ok(())
	}

	/// The log tails of every validator, to explain a failure.
	fn logs(&self) -> String {
		self.validators
			.iter()
			.map(|v| format!("--- {} ---\n{}", v.name, v.log_tail(12)))
			.collect::<Vec<_>>()
			.join("\n")
	}
}

impl Drop for Network {
	fn drop(&mut self) {
		for validator in &mut self.validators {
			let _ = validator.kill();
		}
		let _ = self.heal();
		for (i, validator) in self.validators.iter().enumerate() {
			let _ =
				ip(&["link", "del", &format!("sf{}-{}", i.saturating_add(1), std::process::id())]);
			let _ = ip(&["netns", "del", &validator.ns]);
		}
		if !self.keep && std::env::var_os("SALUS_FAULTS_KEEP").is_none() {
			let _ = std::fs::remove_dir_all(&self.dir);
		}
	}
}

/// The number and hash of `client`'s finalized head.
async fn finalized(client: &Client) -> Result<(u32, Hash)> {
	let hash: Hash = client.rpc("chain_getFinalizedHead", rpc_params![]).await?;
	Ok((client.block_number(Some(hash)).await?, hash))
}

/// The hash of block `number` on `client`'s best chain.
async fn hash_at(client: &Client, number: u32) -> Result<Option<Hash>> {
	client.rpc("chain_getBlockHash", rpc_params![number]).await
}

/// Waits until `done` holds for `client`, polling every half second; the time it took.
async fn until<F, Fut>(what: &str, timeout: Duration, mut done: F) -> Result<Duration>
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Result<bool>>,
{
	let started = Instant::now();
	loop {
		// A node being cut off or restarted may fail to answer a poll: that is not the end.
		if let Ok(true) = done().await {
			return Ok(started.elapsed());
		}
		if started.elapsed() > timeout {
			return Err(format!("{what}: not within {timeout:?}").into());
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// The Aura slot of block `hash` (its pre-runtime digest), which names its author.
async fn aura_slot(client: &Client, hash: Hash) -> Result<u64> {
	let header: serde_json::Value = client.rpc("chain_getHeader", rpc_params![hash]).await?;
	let logs = header
		.pointer("/digest/logs")
		.and_then(|l| l.as_array())
		.ok_or("a header without digest logs")?;
	for log in logs {
		let hex = log.as_str().ok_or("a digest log that is not hex")?;
		let bytes = sp_core::bytes::from_hex(hex)?;
		if let DigestItem::PreRuntime(engine, data) = DigestItem::decode(&mut &bytes[..])? {
			if engine == *b"aura" {
				return Ok(u64::decode(&mut &data[..])?);
			}
		}
	}
	Err("a block without an Aura slot".into())
}

/// Whether one of the blocks `from..=to` on `client`'s best chain was authored by validator `i`.
async fn authored_by(client: &Client, i: usize, from: u32, to: u32) -> Result<bool> {
	for number in from..=to {
		if let Some(hash) = hash_at(client, number).await? {
			if aura_slot(client, hash).await?.checked_rem(NAMES.len() as u64) == Some(i as u64) {
				return Ok(true);
			}
		}
	}
	Ok(false)
}

/// Every pair of `clients` agrees on the finalized block at every height both have finalized:
/// no two conflicting blocks were ever finalized.
async fn finality_agrees(clients: &[&Client]) -> Result<()> {
	let mut heads = Vec::new();
	for client in clients {
		heads.push(finalized(client).await?.0);
	}
	let common = heads.iter().copied().min().unwrap_or_default();
	for number in 1..=common {
		let mut seen: Option<Hash> = None;
		for client in clients {
			let hash = hash_at(client, number).await?.ok_or("a finalized block without a hash")?;
			match seen {
				Some(other) if other != hash => {
					return Err(format!(
						"two blocks finalized at #{number}: {other:?} and {hash:?}"
					)
					.into())
				},
				_ => seen = Some(hash),
			}
		}
	}
	Ok(())
}

/// The four clients, Alice's first.
fn four(clients: &[Client]) -> Result<(&Client, &Client, &Client, &Client)> {
	match clients {
		[a, b, c, d] => Ok((a, b, c, d)),
		_ => Err("four clients".into()),
	}
}

/// The nonce of `who` at `client`'s best block: how many of its transactions are included.
async fn nonce(client: &Client, who: &AccountId) -> Result<u32> {
	client.runtime_api("AccountNonceApi_account_nonce", who).await
}

/// Replaces client `i` with a new one of validator `i` (after its restart).
async fn reconnect(network: &mut Network, clients: &mut [Client], i: usize) -> Result {
	let client = network.validator(i)?.client().await?;
	*clients.get_mut(i).ok_or("no such client")? = client;
	Ok(())
}

/// The measured figures, one line each.
#[derive(Default)]
struct Report(String);

impl Report {
	fn line(&mut self, text: String) {
		println!("faults: {text}");
		let _ = writeln!(self.0, "- {text}");
	}
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs root, iproute2 and a network namespace of its own: run scripts/faults.sh"]
async fn validators_survive_crashes_cuts_and_restarts() -> Result {
	if std::env::var_os("SALUS_FAULTS_NAMESPACE").is_none() {
		return Err(
			"run through scripts/faults.sh: it makes the network namespace this test changes"
				.into(),
		);
	}
	let mut network = Network::start()?;
	let mut report = Report::default();
	let outcome = scenarios(&mut network, &mut report).await;
	if let Some(path) = std::env::var_os("SALUS_FAULTS_REPORT").filter(|p| !p.is_empty()) {
		std::fs::write(path, &report.0)?;
	}
	if outcome.is_err() {
		network.keep = true;
	}
	outcome.map_err(|error| {
		format!(
			"{error}\n{}\n(logs and databases kept in {})",
			network.logs(),
			network.dir.display()
		)
		.into()
	})
}

async fn scenarios(network: &mut Network, report: &mut Report) -> Result {
	let started = Instant::now();
	let mut clients = Vec::new();
	for i in 0..NAMES.len() {
		clients.push(network.validator(i)?.client().await?);
	}
	let (alice, ..) = four(&clients)?;
	until("the network finalizes", STARTUP, || async move { Ok(finalized(alice).await?.0 >= 3) })
		.await?;
	report.line(format!(
		"four debug validators up and finalizing in {:.0} s",
		started.elapsed().as_secs_f64()
	));

	// 1. One validator killed: blocks and finality go on (three of four vote).
	network.validator(3)?.kill()?;
	let (f, _) = finalized(alice).await?;
	let took = until("finality with Dave killed", RECOVERY, || async move {
		Ok(finalized(alice).await?.0 >= f.saturating_add(3))
	})
	.await?;
	report.line(format!("Dave killed: three more blocks finalized in {:.1} s", took.as_secs_f64()));

	// 2. Two killed: blocks go on at half the rate, finality stops.
	network.validator(2)?.kill()?;
	tokio::time::sleep(Duration::from_secs(12)).await;
	let (stalled, _) = finalized(alice).await?;
	let best = alice.best_number().await?;
	tokio::time::sleep(WATCH).await;
	let (after, _) = finalized(alice).await?;
	let best_after = alice.best_number().await?;
	if after != stalled {
		return Err(format!("two of four validators finalized #{stalled}..#{after}").into());
	}
	if best_after < best.saturating_add(2) {
		return Err(format!("blocks stopped with two validators: #{best} → #{best_after}").into());
	}
	report.line(format!(
		"Charlie and Dave killed: finality stayed at #{stalled} for {} s while blocks went on (#{best} → #{best_after})",
		WATCH.as_secs()
	));

	// 3. Both back on their old databases: they catch up, finality resumes past every block made
	// meanwhile, and each of them authors and votes again.
	network.start_validator(2)?;
	network.start_validator(3)?;
	let restarted = Instant::now();
	reconnect(network, &mut clients, 2).await?;
	reconnect(network, &mut clients, 3).await?;
	let (alice, bob, charlie, dave) = four(&clients)?;
	let target = alice.best_number().await?;
	until("finality after Charlie and Dave came back", RECOVERY, || async move {
		Ok(finalized(alice).await?.0 >= target && finalized(dave).await?.0 >= target)
	})
	.await?;
	report.line(format!(
		"Charlie and Dave restarted on their databases: finality past #{target} (the best block when they came back) on Alice and Dave {:.1} s after the restart",
		restarted.elapsed().as_secs_f64()
	));
	let from = alice.best_number().await?;
	until("a block authored by Dave after his restart", RECOVERY, || async move {
		let to = alice.best_number().await?;
		authored_by(alice, 3, from, to).await
	})
	.await?;
	// With Bob cut off, finality needs Alice, Charlie and Dave: both restarted validators vote.
	network.cut(&[1], &[0, 2, 3])?;
	let (f, _) = finalized(alice).await?;
	let took = until("finality with Bob cut off", RECOVERY, || async move {
		Ok(finalized(alice).await?.0 >= f.saturating_add(2))
	})
	.await?;
	network.heal()?;
	report.line(format!(
		"Dave authored a block again; with Bob cut off, Alice, Charlie and Dave finalized two more blocks in {:.1} s",
		took.as_secs_f64()
	));

	// 4. A 2 | 2 partition: neither side has the three votes finality needs, so nothing
	// conflicting is finalized; healed, finality resumes on one chain.
	until("Bob back in step", RECOVERY, || async move {
		Ok(finalized(bob).await?.0 >= finalized(alice).await?.0)
	})
	.await?;
	network.cut(&[0, 1], &[2, 3])?;
	tokio::time::sleep(Duration::from_secs(12)).await;
	let (left, _) = finalized(alice).await?;
	let (right, _) = finalized(charlie).await?;
	tokio::time::sleep(WATCH).await;
	if finalized(alice).await?.0 != left || finalized(charlie).await?.0 != right {
		return Err("a side of a 2 | 2 partition finalized blocks".into());
	}
	let (left_best, right_best) = (alice.best_number().await?, charlie.best_number().await?);
	let common = left_best.min(right_best);
	let forked = hash_at(alice, common).await? != hash_at(charlie, common).await?;
	finality_agrees(&[alice, bob, charlie, dave]).await?;
	network.heal()?;
	let healed = Instant::now();
	let target = left_best.max(right_best);
	until("finality after the partition healed", RECOVERY, || async move {
		for client in [alice, bob, charlie, dave] {
			if finalized(client).await?.0 < target {
				return Ok(false);
			}
		}
		Ok(true)
	})
	.await?;
	finality_agrees(&[alice, bob, charlie, dave]).await?;
	report.line(format!(
		"2 | 2 partition for {} s: finality stayed at #{left} and #{right}, the sides' chains {}; healed, all four finalized past #{target} on one chain in {:.1} s",
		WATCH.as_secs().saturating_add(12),
		if forked { "forked" } else { "did not fork" },
		healed.elapsed().as_secs_f64()
	));

	// 5. Transactions sent to a validator that then crashes: each is included once or not at
	// all. The client sends every one again to another validator, as a client unsure of the
	// outcome does; nonces make a second inclusion impossible.
	let genesis: Hash = alice.rpc("chain_getBlockHash", rpc_params![0_u32]).await?;
	let mut sender = Account::derive("faults//sender")?;
	let receiver = AccountId::from([7; 32]);
	let fund = RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
		who: sender.id.clone().into(),
		new_free: salus_runtime::EXISTENTIAL_DEPOSIT.saturating_mul(1_000_000),
	});
	alice
		.submit(RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(fund) }), &dev::alice())
		.await?;
	let amount = salus_runtime::EXISTENTIAL_DEPOSIT.saturating_mul(3);
	let count = 20_u32;
	let signed: Vec<Vec<u8>> = (0..count)
		.map(|_| {
			sender.sign(
				RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
					dest: receiver.clone().into(),
					value: amount,
				}),
				genesis,
			)
		})
		.collect();
	let before = alice.free_balance(&receiver).await?;
	// Dave's pool checks them against Dave's best block: wait until it has the funds.
	let funded = alice.free_balance(&sender.id).await?;
	let who = &sender.id;
	until(
		"the funds on Dave",
		RECOVERY,
		|| async move { Ok(dave.free_balance(who).await? >= funded) },
	)
	.await?;
	for bytes in &signed {
		let _: Hash = dave
			.rpc("author_submitExtrinsic", rpc_params![sp_core::Bytes(bytes.clone())])
			.await?;
	}
	network.validator(3)?.kill()?;
	let included_before = nonce(alice, &sender.id).await?;
	if included_before >= count {
		return Err(
			"every transfer was in a block before Dave was killed: nothing was pending".into()
		);
	}
	let (mut resent, mut refused) = (0_u32, 0_u32);
	for bytes in &signed {
		let sent: Result<Hash> = alice
			.rpc("author_submitExtrinsic", rpc_params![sp_core::Bytes(bytes.clone())])
			.await;
		// Refused: already in a block (a stale nonce) or already in the pool.
		if sent.is_ok() {
			resent = resent.saturating_add(1);
		} else {
			refused = refused.saturating_add(1);
		}
	}
	let id = &sender.id;
	until(
		"every transfer included",
		RECOVERY,
		|| async move { Ok(nonce(alice, id).await? >= count) },
	)
	.await?;
	tokio::time::sleep(Duration::from_secs(12)).await;
	let received = alice.free_balance(&receiver).await?.saturating_sub(before);
	let applied = nonce(alice, id).await?;
	if received != amount.saturating_mul(u128::from(count)) || applied != count {
		return Err(
			format!("{count} transfers of {amount}: received {received}, nonce {applied}").into()
		);
	}
	report.line(format!(
		"{count} transfers sent to Dave, who was then killed: {included_before} were in Alice's best chain by then; all {count} sent again to Alice ({refused} refused as already known or included, {resent} accepted); each was applied exactly once (nonce {applied}, {received} received = {count} × {amount})"
	));
	network.start_validator(3)?;
	reconnect(network, &mut clients, 3).await?;

	// 5b. The same through the Salus client, as an application uses it: a transfer sent to Dave
	// and followed there, Dave killed while it waits. The client must say that the outcome is
	// unknown (not that it failed, not that it landed); looking on another node tells which, and
	// sending it again there is applied at most once.
	let (alice, .., dave) = four(&clients)?;
	until("Dave in step", RECOVERY, || async move {
		Ok(finalized(dave).await?.0 >= finalized(alice).await?.0)
	})
	.await?;
	let ferdie = salus_client::Signer::dev("Ferdie")?;
	let ferdie_id = AccountId::from(dev::ferdie().public_key().0);
	let app_on_dave = salus_client::Client::connect(dave.url()).await?;
	let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
		dest: receiver.clone().into(),
		value: amount,
	});
	let signed = app_on_dave.sign(transfer, &ferdie, None).await?;
	let kept = signed.clone();
	let nonce_before = nonce(alice, &ferdie_id).await?;
	let from = alice.best_number().await?;
	let waiting = tokio::spawn(async move {
		app_on_dave
			.submit_signed(&signed, salus_client::Wait::Finalized)
			.await
			.map(|_| ())
	});
	tokio::time::sleep(Duration::from_millis(1500)).await;
	network.validator(3)?.kill()?;
	match waiting.await? {
		Err(salus_client::Error::Unconfirmed { extrinsic_hash, reason })
			if extrinsic_hash == kept.hash =>
		{
			report.line(format!(
				"the Salus client following a transfer on Dave when he was killed: outcome unknown ({reason})"
			));
		},
		other => {
			return Err(format!("the client said {other:?}, not that the outcome is unknown").into())
		},
	}
	// As the error says: check the chain before sending it again — then send the same bytes.
	let app_on_alice = salus_client::Client::connect(alice.url()).await?;
	let to = alice.best_number().await?;
	let found = app_on_alice.find_transaction(kept.hash, from, to).await?;
	let looked = match found {
		Some(Ok(_)) => "already in Alice's chain",
		Some(Err(error)) => return Err(format!("the transfer failed on chain: {error}").into()),
		None => match app_on_alice.submit_signed(&kept, salus_client::Wait::InBlock).await {
			Ok(_) => "not in Alice's chain; sent again, included",
			// Dave passed it on before he died: Alice's pool has it (or a block does by now).
			Err(salus_client::Error::Rejected(_)) => {
				"not in Alice's chain; sent again, refused as already known"
			},
			Err(error) => return Err(format!("sending it again: {error}").into()),
		},
	};
	let ferdie_ref = &ferdie_id;
	until("the transfer included", RECOVERY, || async move {
		Ok(nonce(alice, ferdie_ref).await? > nonce_before)
	})
	.await?;
	tokio::time::sleep(Duration::from_secs(12)).await;
	let after = nonce(alice, &ferdie_id).await?;
	if after != nonce_before.saturating_add(1) {
		return Err(format!("Ferdie's nonce went {nonce_before} → {after}, not once").into());
	}
	report.line(format!(
		"looking on Alice then: {looked}; applied exactly once (nonce {nonce_before} → {after})"
	));
	network.start_validator(3)?;
	reconnect(network, &mut clients, 3).await?;

	// 6. All four stopped and started: every block and every balance is still there.
	let (alice, .., dave) = four(&clients)?;
	let (f, head) = finalized(alice).await?;
	until(
		"Dave in step before the stop",
		RECOVERY,
		|| async move { Ok(finalized(dave).await?.0 >= f) },
	)
	.await?;
	let balance = alice.free_balance(&receiver).await?;
	for i in 0..NAMES.len() {
		network.validator(i)?.stop()?;
	}
	let restarted = Instant::now();
	for i in 0..NAMES.len() {
		network.start_validator(i)?;
	}
	for i in 0..NAMES.len() {
		reconnect(network, &mut clients, i).await?;
	}
	let up = restarted.elapsed();
	let (alice, bob, charlie, dave) = four(&clients)?;
	let key = frame_system::Account::<salus_runtime::Runtime>::hashed_key_for(&receiver);
	for client in [alice, bob, charlie, dave] {
		if hash_at(client, f).await? != Some(head) {
			return Err(
				format!("after the restart, {} lost finalized block #{f}", client.url()).into()
			);
		}
		let kept = client
			.storage_at::<frame_system::AccountInfo<u32, pallet_balances::AccountData<salus_runtime::Balance>>>(
				key.clone(),
				head,
			)
			.await?
			.map(|info| info.data.free);
		if kept != Some(balance) {
			return Err(format!(
				"after the restart, {} has {kept:?} for the receiver, not {balance}",
				client.url()
			)
			.into());
		}
	}
	let took = until("finality after all four restarted", RECOVERY, || async move {
		Ok(finalized(alice).await?.0 > f && finalized(dave).await?.0 > f)
	})
	.await?;
	finality_agrees(&[alice, bob, charlie, dave]).await?;
	report.line(format!(
		"all four stopped (SIGINT) and started: finalized block #{f} and the balance at it kept on all four; RPC up on all four {:.1} s after the start, a block past #{f} finalized within {:.1} s of it",
		up.as_secs_f64(),
		up.saturating_add(took).as_secs_f64()
	));
	report.line(format!("the whole suite: {:.0} s", started.elapsed().as_secs_f64()));
	Ok(())
}
