//! The harness for end-to-end scenarios against a real `salus-node` process.
//!
//! [`TestNode::dev`] starts the node built by this very `cargo test` (`--dev`, in a temporary
//! base path it removes afterwards, on free loopback ports) and kills it when the value is dropped — also when the scenario fails or
//! panics. [`Client`] talks to it the way a wallet or dapp does: over JSON-RPC, with `subxt`
//! signing and submitting extrinsics against the node's metadata. Scenarios build calls with the
//! runtime's own types ([`RuntimeCall`]), so a call that does not type-check does not compile, and
//! read events and storage back as the runtime's own types too.
//!
//! Adding a scenario: write `async fn` bodies that take a `&Client`, put them in a module of
//! `tests/e2e/`, and start them with [`run_scenario`].

use codec::{Decode, Encode};
use salus_runtime::{AccountId, Hash, RuntimeCall, RuntimeEvent};
use std::{
	collections::HashMap,
	fs::File,
	io::{BufRead, BufReader},
	net::TcpListener,
	path::PathBuf,
	process::{Child, Command, Stdio},
	sync::{Arc, PoisonError},
	time::{Duration, Instant},
};
use subxt::{
	rpcs::{rpc_params, RpcClient},
	OnlineClient, SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;

/// A scenario's result: any error fails the test with its message.
pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How long a debug-built node may take to start serving RPC (it compiles the runtime first).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(300);

/// The node binary the scenarios start: the one this `cargo test` built, or the one
/// `SALUS_E2E_NODE` names (e.g. the release build, to measure it with `read_path`).
pub fn node_binary() -> PathBuf {
	std::env::var_os("SALUS_E2E_NODE")
		.map(PathBuf::from)
		.unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_salus-node")))
}

/// A `salus-node` child process, killed when dropped.
pub struct TestNode {
	child: Child,
	/// The node's RPC endpoint, `ws://127.0.0.1:<port>`.
	pub rpc_url: String,
	p2p_port: u16,
	log: PathBuf,
	_base: TempDir,
}

impl TestNode {
	/// Starts `salus-node --dev` in a fresh temporary base path, on free loopback ports.
	pub fn dev() -> Result<Self> {
		Self::dev_with(&[])
	}

	/// [`Self::dev`] with more command-line arguments.
	pub fn dev_with(extra: &[&str]) -> Result<Self> {
		let mut args = vec!["--dev"];
		args.extend_from_slice(extra);
		Self::start(&args)
	}

	/// The four validators of the local network (`--chain local`: Alice, Bob, Charlie and
	/// Dave), on loopback, each with `extra` arguments; Alice is the others' boot node. Alice's
	/// is the first.
	pub fn local_network(extra: &[&str]) -> Result<Vec<Self>> {
		let mut nodes: Vec<Self> = Vec::new();
		let mut bootnode = String::new();
		for (i, name) in ["alice", "bob", "charlie", "dave"].into_iter().enumerate() {
			// Fixed network keys give Alice a known peer id.
			let key = format!("{:064x}", i.saturating_add(1));
			let flag = format!("--{name}");
			let mut args = vec!["--chain", "local", flag.as_str(), "--node-key", key.as_str()];
			if !bootnode.is_empty() {
				args.extend(["--bootnodes", bootnode.as_str()]);
			}
			args.extend_from_slice(extra);
			let node = Self::start(&args)?;
			if bootnode.is_empty() {
				let file = node._base.0.join("alice.key");
				std::fs::write(&file, &key)?;
				let peer = Command::new(node_binary())
					.args(["key", "inspect-node-key", "--file"])
					.arg(&file)
					.output()?;
				if !peer.status.success() {
					return Err(format!(
						"salus-node key inspect-node-key: {}",
						String::from_utf8_lossy(&peer.stderr).trim()
					)
					.into());
				}
				let peer = String::from_utf8(peer.stdout)?.trim().to_string();
				bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer}", node.p2p_port);
			}
			nodes.push(node);
		}
		Ok(nodes)
	}

	/// `salus-node` with `args`, in a fresh temporary base path, on free loopback ports.
	fn start(args: &[&str]) -> Result<Self> {
		let base = TempDir::new()?;
		let rpc_port = free_port()?;
		let p2p_port = free_port()?;
		let log = base.0.join("node.log");
		// Prometheus only where a scenario asks for it (`--prometheus-port`).
		let prometheus =
			if args.contains(&"--prometheus-port") { None } else { Some("--no-prometheus") };
		let child = Command::new(node_binary())
			.args(args)
			.args(prometheus)
			.args(["--no-telemetry", "--no-mdns"])
			.args(["--rpc-port", &rpc_port.to_string()])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p_port}")])
			.args(["--base-path", &base.0.to_string_lossy()])
			.stdin(Stdio::null())
			.stdout(File::create(&log)?)
			.stderr(File::create(base.0.join("node.err.log"))?)
			.spawn()?;
		Ok(Self {
			child,
			rpc_url: format!("ws://127.0.0.1:{rpc_port}"),
			p2p_port,
			log,
			_base: base,
		})
	}

	/// The last lines the node logged, to explain a failure.
	pub fn log_tail(&self, lines: usize) -> String {
		let read = |path: &PathBuf| -> Vec<String> {
			File::open(path)
				.map(|file| BufReader::new(file).lines().map_while(|line| line.ok()).collect())
				.unwrap_or_default()
		};
		let mut all = read(&self.log);
		all.extend(read(&self.log.with_file_name("node.err.log")));
		let skip = all.len().saturating_sub(lines);
		all.into_iter().skip(skip).collect::<Vec<_>>().join("\n")
	}

	/// Connects a client, waiting until the node serves RPC.
	pub async fn client(&mut self) -> Result<Client> {
		let started = Instant::now();
		loop {
			if let Some(status) = self.child.try_wait()? {
				return Err(
					format!("salus-node exited with {status}:\n{}", self.log_tail(40)).into()
				);
			}
			if let Ok(client) = Client::connect(&self.rpc_url, self.child.id()).await {
				return Ok(client);
			}
			if started.elapsed() > STARTUP_TIMEOUT {
				return Err(
					format!("no RPC after {STARTUP_TIMEOUT:?}:\n{}", self.log_tail(40)).into()
				);
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}
}

impl Drop for TestNode {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// A directory removed when dropped (after the node that used it is gone).
struct TempDir(PathBuf);

impl TempDir {
	fn new() -> Result<Self> {
		let path = std::env::temp_dir().join(format!(
			"salus-e2e-{}-{}",
			std::process::id(),
			std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos()
		));
		std::fs::create_dir_all(&path)?;
		Ok(Self(path))
	}
}

impl Drop for TempDir {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

/// A loopback port nobody listens on right now.
pub(crate) fn free_port() -> Result<u16> {
	Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts a dev node, connects a client and runs `scenario` against it. The node is killed
/// whatever the outcome; on failure the node's last log lines are part of the error.
pub async fn run_scenario<F, Fut>(scenario: F) -> Result
where
	F: FnOnce(Client) -> Fut,
	Fut: std::future::Future<Output = Result>,
{
	run_scenario_with(&[], scenario).await
}

/// [`run_scenario`] on a dev node started with `extra` command-line arguments.
pub async fn run_scenario_with<F, Fut>(extra: &[&str], scenario: F) -> Result
where
	F: FnOnce(Client) -> Fut,
	Fut: std::future::Future<Output = Result>,
{
	let mut node = TestNode::dev_with(extra)?;
	let client = node.client().await?;
	scenario(client)
		.await
		.map_err(|error| format!("{error}\n--- node log ---\n{}", node.log_tail(30)).into())
}

/// What `System.Account` stores for an account.
type AccountInfo = frame_system::AccountInfo<
	salus_runtime::Nonce,
	pallet_balances::AccountData<salus_runtime::Balance>,
>;

/// What an included extrinsic did (in the best block, or finalized: see [`Client::submit`]).
pub struct Finalized {
	/// The block that included it.
	pub block_hash: Hash,
	/// The events it emitted, in order.
	pub events: Vec<RuntimeEvent>,
}

/// A connection to a node: raw JSON-RPC plus a `subxt` client.
pub struct Client {
	rpc: RpcClient,
	api: OnlineClient<SubstrateConfig>,
	/// One lock per signer (by public key), held from signing until inclusion, so that
	/// concurrent submissions of one signer take their nonces one after the other.
	lanes: std::sync::Mutex<HashMap<[u8; 32], Arc<tokio::sync::Mutex<()>>>>,
	/// The node's RPC endpoint.
	url: String,
	/// The node's process id.
	pid: u32,
}

impl Client {
	/// A client of the node serving RPC at `url` (process `pid`), if it answers now.
	pub async fn connect(url: &str, pid: u32) -> Result<Self> {
		let rpc = RpcClient::from_insecure_url(url).await?;
		let api = OnlineClient::<SubstrateConfig>::from_rpc_client(rpc.clone()).await?;
		Ok(Client { rpc, api, lanes: Default::default(), url: url.to_owned(), pid })
	}

	/// Another connection to the same node (one per simulated EHR client).
	pub async fn connection(&self) -> Result<RpcClient> {
		Ok(RpcClient::from_insecure_url(&self.url).await?)
	}

	/// The node's RPC endpoint, `ws://127.0.0.1:<port>`.
	pub fn url(&self) -> &str {
		&self.url
	}

	/// The node's process id.
	pub fn pid(&self) -> u32 {
		self.pid
	}

	/// A JSON-RPC request.
	pub async fn rpc<T: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: subxt::rpcs::client::RpcParams,
	) -> Result<T> {
		Ok(self.rpc.request(method, params).await?)
	}

	/// The number of the block with `hash`, or of the best block.
	pub async fn block_number(&self, hash: Option<Hash>) -> Result<u32> {
		let header: serde_json::Value = self.rpc("chain_getHeader", rpc_params![hash]).await?;
		let hex = header.get("number").and_then(|n| n.as_str()).ok_or("header without a number")?;
		Ok(u32::from_str_radix(hex.trim_start_matches("0x"), 16)?)
	}

	/// The number of the best block.
	pub async fn best_number(&self) -> Result<u32> {
		self.block_number(None).await
	}

	/// The number of the last finalized block.
	pub async fn finalized_number(&self) -> Result<u32> {
		let hash: Hash = self.rpc("chain_getFinalizedHead", rpc_params![]).await?;
		self.block_number(Some(hash)).await
	}

	/// Waits until at least `best` blocks are produced and `finalized` are finalized.
	pub async fn wait_for_blocks(&self, best: u32, finalized: u32, timeout: Duration) -> Result {
		let started = Instant::now();
		loop {
			let (b, f) = (self.best_number().await?, self.finalized_number().await?);
			if b >= best && f >= finalized {
				return Ok(());
			}
			if started.elapsed() > timeout {
				return Err(format!(
					"after {timeout:?}: best #{b} (wanted {best}), finalized #{f} (wanted {finalized})"
				)
				.into());
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}

	/// Signs `call` with `signer`, submits it, waits until it is in the best block and returns
	/// its events. A failed dispatch (`ExtrinsicFailed`) is an error naming the module error.
	/// Two submissions by one signer run one after the other: the second is signed once the
	/// first is in a block, so it never reuses the first's nonce.
	///
	/// A dev node has one block author, so its best chain never reorganises: what is in the best
	/// block stays, and the scenarios read the best block ([`Self::storage`],
	/// [`Self::runtime_api`]). Waiting for finality costs one or two more blocks per extrinsic;
	/// [`Self::submit_finalized`] does, where finality is what a scenario tests.
	pub async fn submit(&self, call: RuntimeCall, signer: &Keypair) -> Result<Finalized> {
		self.submit_until(call, signer, false).await
	}

	/// [`Self::submit`], waiting until the block that includes the extrinsic is finalized.
	pub async fn submit_finalized(&self, call: RuntimeCall, signer: &Keypair) -> Result<Finalized> {
		self.submit_until(call, signer, true).await
	}

	async fn submit_until(
		&self,
		call: RuntimeCall,
		signer: &Keypair,
		finalized: bool,
	) -> Result<Finalized> {
		use subxt::transactions::TransactionStatus as Status;
		let lane = {
			let mut lanes = self.lanes.lock().unwrap_or_else(PoisonError::into_inner);
			Arc::clone(lanes.entry(signer.public_key().0).or_default())
		};
		let _turn = lane.lock().await;
		let mut tx = self.at_best().await?.tx();
		let payload = tx.from_call_data_bytes(&call.encode())?;
		let mut progress = tx.sign_and_submit_then_watch_default(&payload, signer).await?;
		let in_block = loop {
			match progress.next().await.ok_or("the transaction's status stream ended")?? {
				Status::InBestBlock(in_block) if !finalized => break in_block,
				Status::InFinalizedBlock(in_block) => break in_block,
				Status::Error { message }
				| Status::Invalid { message }
				| Status::Dropped { message } => {
					return Err(format!("transaction not included: {message}").into())
				},
				_ => continue,
			}
		};
		let block_hash = Hash::from(in_block.block_hash().0);
		let outcome = in_block.wait_for_success().await?;
		let events = outcome
			.iter()
			.map(|event| -> Result<RuntimeEvent> {
				let record =
					frame_system::EventRecord::<RuntimeEvent, Hash>::decode(&mut event?.bytes())?;
				Ok(record.event)
			})
			.collect::<Result<Vec<_>>>()?;
		Ok(Finalized { block_hash, events })
	}

	/// A `subxt` view of the best block.
	async fn at_best(&self) -> Result<subxt::client::OnlineClientAtBlock<SubstrateConfig>> {
		let best = self.best_number().await?;
		Ok(self.api.at_block(best).await?)
	}

	/// Sudo (Alice, on the dev chain) sets raw storage `items` — how a scenario shortens the
	/// runtime's `storage` parameters (periods of days) to a few blocks.
	pub async fn sudo_set_storage(&self, items: Vec<(Vec<u8>, Vec<u8>)>) -> Result {
		let set = RuntimeCall::System(frame_system::Call::set_storage { items });
		let sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(set) });
		self.submit(sudo, &subxt_signer::sr25519::dev::alice()).await?;
		Ok(())
	}

	/// The value of the storage item at `key` in the best block, decoded as `T`.
	pub async fn storage<T: Decode>(&self, key: Vec<u8>) -> Result<Option<T>> {
		let at = self.at_best().await?;
		match at.storage().fetch_raw(key).await {
			Ok(bytes) if bytes.is_empty() => Ok(None),
			Ok(bytes) => Ok(Some(T::decode(&mut &bytes[..])?)),
			Err(subxt::error::StorageError::NoValueFound) => Ok(None),
			Err(error) => Err(error.into()),
		}
	}

	/// The value of the storage item at `key` in block `at`, decoded as `T` (`state_getStorage`).
	pub async fn storage_at<T: Decode>(&self, key: Vec<u8>, at: Hash) -> Result<Option<T>> {
		let bytes: Option<sp_core::Bytes> =
			self.rpc("state_getStorage", rpc_params![sp_core::Bytes(key), at]).await?;
		Ok(bytes.map(|bytes| T::decode(&mut &bytes[..])).transpose()?)
	}

	/// A JSON-RPC subscription: `sub` with `params`, ended by `unsub`.
	pub async fn subscribe<T: serde::de::DeserializeOwned>(
		&self,
		sub: &str,
		params: subxt::rpcs::client::RpcParams,
		unsub: &str,
	) -> Result<subxt::rpcs::client::RpcSubscription<T>> {
		Ok(self.rpc.subscribe(sub, params, unsub).await?)
	}

	/// The free balance of `account` in the best block.
	pub async fn free_balance(&self, account: &AccountId) -> Result<salus_runtime::Balance> {
		let key = frame_system::Account::<salus_runtime::Runtime>::hashed_key_for(account);
		let info: Option<AccountInfo> = self.storage(key).await?;
		Ok(info.map(|info| info.data.free).unwrap_or_default())
	}

	/// The balance `account` has on hold (deposits and bonds) in the best block.
	pub async fn held_balance(&self, account: &AccountId) -> Result<salus_runtime::Balance> {
		let key = frame_system::Account::<salus_runtime::Runtime>::hashed_key_for(account);
		let info: Option<AccountInfo> = self.storage(key).await?;
		Ok(info.map(|info| info.data.reserved).unwrap_or_default())
	}

	/// Calls the runtime API `method` (e.g. `"AccountNonceApi_account_nonce"`) with SCALE-encoded
	/// `args` at the best block, and decodes the answer as `T`.
	pub async fn runtime_api<T: Decode>(&self, method: &str, args: impl Encode) -> Result<T> {
		let at = self.at_best().await?;
		let bytes = at.runtime_apis().call_raw(method, Some(&args.encode())).await?;
		Ok(T::decode(&mut &bytes[..])?)
	}

	/// Calls the runtime API `method` at block `at` through the `state_call` RPC, as an EHR
	/// does: no transaction, no waiting for a block.
	pub async fn state_call<T: Decode>(
		&self,
		method: &str,
		args: impl Encode,
		at: Hash,
	) -> Result<T> {
		let args = sp_core::Bytes(args.encode());
		let bytes: sp_core::Bytes = self.rpc("state_call", rpc_params![method, args, at]).await?;
		Ok(T::decode(&mut &bytes[..])?)
	}
}

/// The native account id of a `subxt` signer.
pub fn account_of(signer: &Keypair) -> AccountId {
	AccountId::from(signer.public_key().0)
}

/// The package's directory, as `cargo test` says it when it runs the test (not as it was when the
/// test was compiled: a target directory shared by two checkouts holds binaries of either).
pub fn manifest_dir() -> String {
	std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned())
}
