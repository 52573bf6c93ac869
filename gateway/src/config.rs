//! The gateway's configuration: one TOML file, with environment variables over it.
//!
//! ```toml
//! # The node the gateway talks to (env SALUS_GATEWAY_NODE).
//! node = "ws://127.0.0.1:9944"
//! # Where it listens (env SALUS_GATEWAY_LISTEN).
//! listen = "127.0.0.1:8080"
//!
//! [cache]
//! # The most decisions kept (least recently asked go first).
//! max_entries = 200000
//! # The most patients watched through the node's access-change subscriptions (1 000 a
//! # subscription); decisions about other patients are answered by the node, not cached.
//! max_watched_patients = 100000
//! # The cache answers only while the subscriptions have read the node's best block, or are at
//! # most this many blocks behind it,
//! max_lag_blocks = 1
//! # and have told something (every block ends with a message) within this many milliseconds.
//! max_silence_ms = 15000
//!
//! # Optional: the outbox for what the EHR reports (POST /fhir/AuditEvent). Without it, the
//! # gateway only reads.
//! [outbox]
//! # The database that holds every submission until it is on chain: a SQLite file (one
//! # gateway), or a PostgreSQL URL that several gateway replicas share (env
//! # SALUS_GATEWAY_OUTBOX_DATABASE, so that its password stays out of the file).
//! database = "/var/lib/salus-gateway/outbox.sqlite"
//! # The practitioners' keys: one JSON file each, encrypted as polkadot.js exports an account
//! # (password in SALUS_GATEWAY_KEYSTORE_PASSWORD), or a plain keystore file of mode 600.
//! keystore = "/etc/salus/gateway-keys"
//! # Entries per transaction (1 to 64).
//! batch = 64
//!
//! # One entry per EHR client. The key itself is never in the file: its SHA-256 (hex), or the
//! # name of an environment variable that holds the key.
//! [[clients]]
//! name = "cardiology-ehr"
//! key_sha256 = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
//! # The practitioners (SS58 accounts) this client may ask and act for; "*" for any.
//! practitioners = ["5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"]
//! ```

use salus_client::AccountId;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::{net::SocketAddr, path::Path, str::FromStr, time::Duration};

/// A configuration that cannot be used, in one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The configuration file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
	node: Option<String>,
	listen: Option<String>,
	#[serde(default)]
	cache: CacheFile,
	#[serde(default)]
	clients: Vec<ClientFile>,
	outbox: Option<OutboxFile>,
	events: Option<EventsFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsFile {
	database: String,
	providers: Vec<u32>,
	retention_days: Option<u32>,
}

/// What the gateway tells its clients of (webhooks and `GET /events`).
#[derive(Clone, Debug)]
pub struct EventsConfig {
	/// The SQLite database of events and webhook deliveries.
	pub database: std::path::PathBuf,
	/// The providers (the hospital's) whose events it follows.
	pub providers: Vec<salus_primitives::ProviderId>,
	/// How long an event (and its deliveries) is kept.
	pub retention: Duration,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutboxFile {
	database: String,
	keystore: String,
	batch: Option<usize>,
}

/// The outbox's configuration.
#[derive(Clone, Debug)]
pub struct OutboxConfig {
	/// The SQLite file, or the `postgres://` URL of a database several replicas share.
	pub database: String,
	/// The keystore directory.
	pub keystore: std::path::PathBuf,
	/// Entries per transaction.
	pub batch: usize,
}

/// The most entries one `log_disclosures` takes (the runtime's `MaxDisclosureBatch`).
pub const MAX_BATCH: usize = 64;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CacheFile {
	max_entries: Option<usize>,
	max_watched_patients: Option<usize>,
	max_lag_blocks: Option<u32>,
	max_silence_ms: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientFile {
	name: String,
	key_sha256: Option<String>,
	key_env: Option<String>,
	practitioners: Vec<String>,
	max_waiting: Option<u64>,
	webhook_url: Option<String>,
	webhook_secret_env: Option<String>,
}

/// How the decision cache behaves.
#[derive(Clone, Debug)]
pub struct CacheConfig {
	/// The most decisions kept.
	pub max_entries: usize,
	/// The most patients watched (1 000 a subscription).
	pub max_watched_patients: usize,
	/// How many blocks the subscriptions may be behind the node's best block.
	pub max_lag_blocks: u32,
	/// How long the subscriptions may stay silent.
	pub max_silence: Duration,
}

impl Default for CacheConfig {
	fn default() -> Self {
		Self {
			max_entries: 200_000,
			max_watched_patients: 100_000,
			max_lag_blocks: 1,
			max_silence: Duration::from_millis(15_000),
		}
	}
}

/// Whom an EHR client may ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Practitioners {
	/// Any practitioner.
	Any,
	/// These only.
	Only(Vec<AccountId>),
}

/// One EHR client.
#[derive(Clone, Debug)]
pub struct ClientConfig {
	/// Its name, in logs and metrics.
	pub name: String,
	/// The SHA-256 of its API key.
	pub key_sha256: [u8; 32],
	/// Whom it may ask and act for.
	pub practitioners: Practitioners,
	/// The most of its submissions the outbox holds not yet on chain: more are refused (429)
	/// until the chain has taken some, so that one client cannot fill the disk or starve the
	/// others.
	pub max_waiting: u64,
	/// Where its events are posted, if anywhere.
	pub webhook: Option<Webhook>,
}

/// A client's webhook.
#[derive(Clone, Debug)]
pub struct Webhook {
	/// The URL events are posted to (`http://`).
	pub url: String,
	/// The key their signatures are made with.
	pub secret: Vec<u8>,
}

impl ClientConfig {
	/// Whether the client may ask and act for `practitioner`.
	pub fn may_act_for(&self, practitioner: &AccountId) -> bool {
		match &self.practitioners {
			Practitioners::Any => true,
			Practitioners::Only(allowed) => allowed.contains(practitioner),
		}
	}
}

/// The default of `max_waiting`.
pub const MAX_WAITING: u64 = 10_000;

/// The gateway's configuration.
#[derive(Clone, Debug)]
pub struct Config {
	/// The node's RPC endpoint.
	pub node: String,
	/// Where the gateway listens.
	pub listen: SocketAddr,
	/// The decision cache.
	pub cache: CacheConfig,
	/// The EHR clients.
	pub clients: Vec<ClientConfig>,
	/// The outbox, if the gateway takes reports.
	pub outbox: Option<OutboxConfig>,
	/// The events it follows, if any.
	pub events: Option<EventsConfig>,
}

/// The SHA-256 of an API key.
pub fn key_digest(key: &str) -> [u8; 32] {
	Sha256::digest(key.as_bytes()).into()
}

/// The SHA-256 of an API key as `key_sha256` is written: 64 hex digits.
pub fn key_digest_hex(key: &str) -> String {
	sp_core::hexdisplay::HexDisplay::from(&key_digest(key)).to_string()
}

impl Config {
	/// Reads `path`, then the environment (`SALUS_GATEWAY_NODE`, `SALUS_GATEWAY_LISTEN`, and
	/// the variables the clients' `key_env` name).
	pub fn load(path: &Path) -> Result<Self, ConfigError> {
		let text = std::fs::read_to_string(path)
			.map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
		Self::parse(&text, &|name| std::env::var(name).ok())
			.map_err(|e| ConfigError(format!("{}: {}", path.display(), e.0)))
	}

	/// Parses a configuration, with `env` for the environment.
	pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
		let file: File = toml::from_str(text).map_err(|e| ConfigError(one_line(&e.to_string())))?;
		let node = env("SALUS_GATEWAY_NODE")
			.or(file.node)
			.unwrap_or_else(|| "ws://127.0.0.1:9944".to_owned());
		if !(node.starts_with("ws://") || node.starts_with("wss://")) {
			return Err(ConfigError(format!("node: {node:?} is not a ws:// or wss:// URL")));
		}
		let listen_text = env("SALUS_GATEWAY_LISTEN")
			.or(file.listen)
			.unwrap_or_else(|| "127.0.0.1:8080".to_owned());
		let listen = SocketAddr::from_str(&listen_text)
			.map_err(|e| ConfigError(format!("listen: {listen_text:?}: {e}")))?;
		let defaults = CacheConfig::default();
		let cache = CacheConfig {
			max_entries: file.cache.max_entries.unwrap_or(defaults.max_entries),
			max_watched_patients: file
				.cache
				.max_watched_patients
				.unwrap_or(defaults.max_watched_patients),
			max_lag_blocks: file.cache.max_lag_blocks.unwrap_or(defaults.max_lag_blocks),
			max_silence: file
				.cache
				.max_silence_ms
				.map(Duration::from_millis)
				.unwrap_or(defaults.max_silence),
		};
		// Shorter than a block, every subscription would look silent between two blocks.
		if cache.max_silence < Duration::from_millis(6_000) {
			return Err(ConfigError("cache.max_silence_ms: at least 6000 (a block)".into()));
		}
		if cache.max_lag_blocks > 10 {
			return Err(ConfigError("cache.max_lag_blocks: at most 10 (a minute behind)".into()));
		}
		if cache.max_entries == 0 {
			return Err(ConfigError("cache.max_entries: must be at least 1".into()));
		}
		let mut clients = Vec::new();
		for client in file.clients {
			clients.push(client_config(client, env)?);
		}
		if clients.is_empty() {
			return Err(ConfigError(
				"no [[clients]]: every request needs an API key, so a gateway without clients serves nobody".into(),
			));
		}
		for (i, a) in clients.iter().enumerate() {
			if clients.iter().skip(i.saturating_add(1)).any(|b| b.name == a.name) {
				return Err(ConfigError(format!(
					"clients: two are named {:?}: a name keys its reports",
					a.name
				)));
			}
			if clients.iter().skip(i.saturating_add(1)).any(|b| b.key_sha256 == a.key_sha256) {
				return Err(ConfigError(format!(
					"clients: {} shares its key with another client",
					a.name
				)));
			}
		}
		let outbox = match file.outbox {
			None => None,
			Some(outbox) => {
				let batch = outbox.batch.unwrap_or(MAX_BATCH);
				if !(1..=MAX_BATCH).contains(&batch) {
					return Err(ConfigError(format!(
						"outbox.batch: {batch}, not between 1 and {MAX_BATCH}"
					)));
				}
				Some(OutboxConfig {
					// A URL with a password belongs in the environment, not the file.
					database: env("SALUS_GATEWAY_OUTBOX_DATABASE").unwrap_or(outbox.database),
					keystore: outbox.keystore.into(),
					batch,
				})
			},
		};
		let events = match file.events {
			None => None,
			Some(events) => {
				if events.providers.is_empty() {
					return Err(ConfigError(
						"events.providers: none (the hospital's provider ids, whose events clients hear of)".into(),
					));
				}
				let days = events.retention_days.unwrap_or(30);
				if !(1..=3_650).contains(&days) {
					return Err(ConfigError(format!(
						"events.retention_days: {days}, not between 1 and 3650"
					)));
				}
				Some(EventsConfig {
					database: events.database.into(),
					providers: events.providers,
					retention: Duration::from_secs(u64::from(days).saturating_mul(86_400)),
				})
			},
		};
		if events.is_none() {
			if let Some(client) = clients.iter().find(|c| c.webhook.is_some()) {
				return Err(ConfigError(format!(
					"client {:?} has a webhook, but there is no [events] section naming the providers whose events it hears",
					client.name
				)));
			}
		}
		Ok(Self { node, listen, cache, clients, outbox, events })
	}
}

fn client_config(
	client: ClientFile,
	env: &dyn Fn(&str) -> Option<String>,
) -> Result<ClientConfig, ConfigError> {
	let name = client.name;
	let bad = |what: String| ConfigError(format!("client {name:?}: {what}"));
	let key_sha256 = match (client.key_sha256, client.key_env) {
		(Some(hex), None) => parse_digest(&hex).ok_or_else(|| {
			bad("key_sha256 is not 64 hex digits (the SHA-256 of the key)".into())
		})?,
		(None, Some(var)) => {
			let key = env(&var).ok_or_else(|| bad(format!("key_env: {var} is not set")))?;
			if key.len() < 16 {
				return Err(bad(format!("the key in {var} is shorter than 16 characters")));
			}
			key_digest(&key)
		},
		_ => return Err(bad("give exactly one of key_sha256 and key_env".into())),
	};
	let practitioners = if client.practitioners.iter().any(|p| p == "*") {
		if client.practitioners.len() > 1 {
			return Err(bad("practitioners: \"*\" stands alone".into()));
		}
		Practitioners::Any
	} else {
		let accounts = client
			.practitioners
			.iter()
			.map(|p| {
				AccountId::from_str(p)
					.map_err(|_| bad(format!("practitioners: {p:?} is not an SS58 account")))
			})
			.collect::<Result<Vec<_>, _>>()?;
		if accounts.is_empty() {
			return Err(bad("practitioners: none (\"*\" for any)".into()));
		}
		Practitioners::Only(accounts)
	};
	let max_waiting = client.max_waiting.unwrap_or(MAX_WAITING);
	if max_waiting == 0 {
		return Err(bad("max_waiting: at least 1".into()));
	}
	let webhook = match (client.webhook_url, client.webhook_secret_env) {
		(None, None) => None,
		(Some(url), Some(var)) => {
			if !url.starts_with("http://") {
				return Err(bad(format!(
					"webhook_url: {url:?} is not an http:// URL (for https, post to a local TLS proxy)"
				)));
			}
			let secret =
				env(&var).ok_or_else(|| bad(format!("webhook_secret_env: {var} is not set")))?;
			if secret.len() < 24 {
				return Err(bad(format!(
					"the webhook secret in {var} is shorter than 24 characters"
				)));
			}
			Some(Webhook { url, secret: secret.into_bytes() })
		},
		_ => return Err(bad("give both webhook_url and webhook_secret_env, or neither".into())),
	};
	Ok(ClientConfig { name, key_sha256, practitioners, max_waiting, webhook })
}

fn parse_digest(hex: &str) -> Option<[u8; 32]> {
	// 64 hex digits, no 0x: what `salus-gateway hash-key` prints.
	if hex.len() != 64 || hex.starts_with("0x") {
		return None;
	}
	sp_core::bytes::from_hex(hex).ok().and_then(|bytes| bytes.try_into().ok())
}

/// The first line of an error, without the TOML parser's source excerpt.
fn one_line(text: &str) -> String {
	text.lines()
		.filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('|'))
		.collect::<Vec<_>>()
		.join(" ")
}

#[cfg(test)]
mod tests {
	use super::*;

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

	fn env(name: &str) -> Option<String> {
		match name {
			"CARDIO_KEY" => Some("a-long-enough-secret".to_owned()),
			"OTHER_KEY" => Some("another-long-enough-secret".to_owned()),
			_ => None,
		}
	}

	#[test]
	fn a_full_file_parses() {
		let text = format!(
			r#"
node = "ws://10.0.0.2:9944"
listen = "0.0.0.0:9000"
[cache]
max_entries = 10
max_lag_blocks = 2
[[clients]]
name = "cardiology"
key_env = "CARDIO_KEY"
practitioners = ["{ALICE}"]
[[clients]]
name = "lab"
key_sha256 = "{}"
practitioners = ["*"]
"#,
			"ab".repeat(32)
		);
		let config = Config::parse(&text, &env).unwrap();
		assert_eq!(config.node, "ws://10.0.0.2:9944");
		assert_eq!(config.listen.port(), 9000);
		assert_eq!(config.cache.max_entries, 10);
		assert_eq!(config.cache.max_lag_blocks, 2);
		assert_eq!(config.cache.max_silence, Duration::from_millis(15_000));
		assert_eq!(config.clients[0].key_sha256, key_digest("a-long-enough-secret"));
		assert_eq!(
			config.clients[0].practitioners,
			Practitioners::Only(vec![AccountId::from_str(ALICE).unwrap()])
		);
		assert_eq!(config.clients[1].practitioners, Practitioners::Any);
		assert_eq!(config.clients[1].key_sha256, [0xab; 32]);
		// What `hash-key` prints is what the file takes.
		assert_eq!(key_digest_hex("k").len(), 64);
		assert_eq!(parse_digest(&key_digest_hex("k")), Some(key_digest("k")));
		assert_eq!(parse_digest(&format!("0x{}", &key_digest_hex("k")[2..])), None);
	}

	#[test]
	fn the_environment_overrides_the_file() {
		let text = format!(
			"node = \"ws://a:1\"\n[[clients]]\nname = \"x\"\nkey_env = \"CARDIO_KEY\"\npractitioners = [\"{ALICE}\"]\n"
		);
		let over = |name: &str| match name {
			"SALUS_GATEWAY_NODE" => Some("ws://b:2".to_owned()),
			other => env(other),
		};
		assert_eq!(Config::parse(&text, &over).unwrap().node, "ws://b:2");
	}

	#[test]
	fn every_bad_file_is_one_clear_line() {
		let client = format!(
			"[[clients]]\nname = \"x\"\nkey_env = \"CARDIO_KEY\"\npractitioners = [\"{ALICE}\"]\n"
		);
		let cases = [
			(String::new(), "no [[clients]]"),
			(format!("node = \"http://a\"\n{client}"), "not a ws://"),
			(format!("listen = \"nowhere\"\n{client}"), "listen"),
			(format!("colour = 1\n{client}"), "unknown field"),
			(format!("[cache]\nmax_entries = 0\n{client}"), "max_entries"),
			(format!("[cache]\nmax_silence_ms = 100\n{client}"), "max_silence_ms"),
			(format!("[cache]\nmax_lag_blocks = 50\n{client}"), "max_lag_blocks"),
			(
				"[[clients]]\nname = \"x\"\nkey_env = \"NOPE\"\npractitioners = [\"*\"]\n"
					.to_owned(),
				"NOPE is not set",
			),
			(
				"[[clients]]\nname = \"x\"\nkey_sha256 = \"12\"\npractitioners = [\"*\"]\n"
					.to_owned(),
				"64 hex digits",
			),
			("[[clients]]\nname = \"x\"\npractitioners = [\"*\"]\n".to_owned(), "exactly one"),
			(
				"[[clients]]\nname = \"x\"\nkey_env = \"CARDIO_KEY\"\npractitioners = [\"bob\"]\n"
					.to_owned(),
				"not an SS58",
			),
			(
				"[[clients]]\nname = \"x\"\nkey_env = \"CARDIO_KEY\"\npractitioners = []\n"
					.to_owned(),
				"none",
			),
			(format!("{client}{}", client.replace("\"x\"", "\"y\"")), "shares its key"),
			(format!("{client}{}", client.replace("CARDIO_KEY", "OTHER_KEY")), "two are named"),
			(
				format!("{client}[outbox]\ndatabase = \"a\"\nkeystore = \"b\"\nbatch = 65\n"),
				"outbox.batch",
			),
			(format!("{client}[outbox]\ndatabase = \"a\"\n"), "keystore"),
		];
		for (text, expected) in cases {
			let error = Config::parse(&text, &env).unwrap_err().0;
			assert!(error.contains(expected), "{text:?}: {error}");
			assert!(!error.contains('\n'), "one line: {error:?}");
		}
	}
}
