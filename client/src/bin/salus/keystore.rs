//! The local keystore: one file per key under `$SALUS_HOME/keys/` (default
//! `~/.config/salus/keys/`), readable by its owner only, holding the key's secret URI and, for
//! a patient, the salt of its commitment. Nothing in it ever goes on chain.

use salus_client::Signer;
use serde::{Deserialize, Serialize};
use std::{
	fs,
	io::Write,
	path::{Path, PathBuf},
};

/// One key file.
#[derive(Serialize, Deserialize)]
pub struct KeyFile {
	/// The secret URI (a BIP-39 phrase).
	pub suri: String,
	/// The account, SS58.
	pub account: String,
	/// The salt of the patient's commitment, hex, once it registered.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub salt: Option<String>,
}

/// Where the keys are.
pub fn dir() -> Result<PathBuf, String> {
	let home =
		match std::env::var_os("SALUS_HOME") {
			Some(home) => PathBuf::from(home),
			None => {
				let config = std::env::var_os("XDG_CONFIG_HOME")
				.map(PathBuf::from)
				.or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
				.ok_or("neither SALUS_HOME nor HOME is set: say where the keystore is with SALUS_HOME")?;
				config.join("salus")
			},
		};
	Ok(home.join("keys"))
}

/// The file of key `name`.
pub fn path_of(name: &str) -> Result<PathBuf, String> {
	if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
		return Err(format!("{name:?} is not a key name: letters, digits, - and _ only"));
	}
	Ok(dir()?.join(format!("{name}.json")))
}

/// Reads key `name`.
pub fn read(name: &str) -> Result<KeyFile, String> {
	let path = path_of(name)?;
	let text = fs::read_to_string(&path).map_err(|_| {
		format!(
			"no key named {name:?} in {}",
			dir().map(|d| d.display().to_string()).unwrap_or_default()
		)
	})?;
	serde_json::from_str(&text).map_err(|_| format!("the key file {} is damaged", path.display()))
}

/// Writes key `name` whole or not at all, readable by its owner only.
pub fn write(name: &str, key: &KeyFile, replace: bool) -> Result<PathBuf, String> {
	let path = path_of(name)?;
	if !replace && path.exists() {
		return Err(format!("a key named {name:?} exists already"));
	}
	let dir = dir()?;
	fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
			.map_err(|e| format!("cannot protect {}: {e}", dir.display()))?;
	}
	let text = serde_json::to_string_pretty(key).map_err(|e| e.to_string())?;
	write_private(&path, text.as_bytes())?;
	Ok(path)
}

/// Writes `bytes` to `path` through a new temporary file beside it (created, never reused,
/// mode 0600) renamed over it, so a crash leaves the old file or the new one.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
	let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
	let temporary = path.with_file_name(format!(".{name}.{:016x}.tmp", rand::random::<u64>()));
	let mut options = fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	let mut file = options
		.open(&temporary)
		.map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
	file.write_all(bytes)
		.and_then(|()| file.sync_all())
		.map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
	fs::rename(&temporary, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The names of the keys in the keystore.
pub fn names() -> Result<Vec<String>, String> {
	let dir = dir()?;
	let Ok(entries) = fs::read_dir(&dir) else { return Ok(Vec::new()) };
	let mut names: Vec<String> = entries
		.filter_map(|entry| entry.ok())
		.filter_map(|entry| {
			let name = entry.file_name().to_string_lossy().to_string();
			name.strip_suffix(".json").map(str::to_owned)
		})
		.collect();
	names.sort();
	Ok(names)
}

/// The signer `spec` names: `dev:alice`, `env:VARIABLE`, `file:PATH` or the name of a key in
/// the keystore.
pub fn signer(spec: &str) -> Result<Signer, String> {
	let signer = if let Some(name) = spec.strip_prefix("dev:") {
		Signer::dev(name)
	} else if let Some(var) = spec.strip_prefix("env:") {
		Signer::from_env(var)
	} else if let Some(path) = spec.strip_prefix("file:") {
		Signer::from_keystore_file(Path::new(path))
	} else {
		Signer::from_keystore_file(&path_of(spec)?)
	};
	signer.map_err(|e| e.to_string())
}
