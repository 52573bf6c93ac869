//! Who signs: a dev account, a secret in an environment variable, or a keystore file. A
//! secret is never taken from a command line, where other users of the machine and the
//! shell's history would see it.

use crate::{AccountId, Error};
use std::{path::Path, str::FromStr};
use subxt_signer::{sr25519::Keypair, SecretUri};

/// An sr25519 key that signs transactions.
#[derive(Clone)]
pub struct Signer {
	keypair: Keypair,
	/// Where the key came from, for messages (never the secret).
	source: String,
}

impl core::fmt::Debug for Signer {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "Signer({} from {})", self.account(), self.source)
	}
}

/// The well-known development accounts, whose secrets are public: for dev and test chains.
pub const DEV_ACCOUNTS: [&str; 6] = ["alice", "bob", "charlie", "dave", "eve", "ferdie"];

impl Signer {
	/// A development account by name (`alice` … `ferdie`, any case).
	pub fn dev(name: &str) -> Result<Self, Error> {
		let lower = name.to_ascii_lowercase();
		if !DEV_ACCOUNTS.contains(&lower.as_str()) {
			return Err(Error::Key(format!(
				"{name:?} is not a development account ({})",
				DEV_ACCOUNTS.join(", ")
			)));
		}
		let mut title = lower.clone();
		if let Some(first) = title.get_mut(0..1) {
			first.make_ascii_uppercase();
		}
		Self::from_secret(&format!("//{title}"), &format!("dev account {lower}"))
	}

	/// The key whose secret URI (a BIP-39 phrase or a `0x` seed, with optional `//hard` and
	/// `/soft` derivations and `///password`) is in environment variable `var`.
	pub fn from_env(var: &str) -> Result<Self, Error> {
		let secret = std::env::var(var)
			.map_err(|_| Error::Key(format!("the environment variable {var} holds no secret")))?;
		Self::from_secret(secret.trim(), &format!("${var}"))
	}

	/// The key in keystore file `path`: the secret URI as a JSON string (the format of a
	/// Substrate node's keystore) or as `{"suri": "…"}` (what `salus keys` writes). The file
	/// must not be readable by other users.
	pub fn from_keystore_file(path: &Path) -> Result<Self, Error> {
		let shown = path.display();
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			let mode = std::fs::metadata(path)
				.map_err(|e| Error::Key(format!("cannot read the keystore file {shown}: {e}")))?
				.permissions()
				.mode();
			if mode & 0o077 != 0 {
				return Err(Error::Key(format!(
					"the keystore file {shown} is readable by other users (mode {:o}): chmod 600 it",
					mode & 0o777
				)));
			}
		}
		let text = std::fs::read_to_string(path)
			.map_err(|e| Error::Key(format!("cannot read the keystore file {shown}: {e}")))?;
		let value: serde_json::Value = serde_json::from_str(&text)
			.map_err(|_| Error::Key(format!("the keystore file {shown} is not JSON")))?;
		let secret = match &value {
			serde_json::Value::String(secret) => secret.as_str(),
			serde_json::Value::Object(map) => map
				.get("suri")
				.and_then(|v| v.as_str())
				.ok_or_else(|| Error::Key(format!("the keystore file {shown} has no \"suri\"")))?,
			_ => return Err(Error::Key(format!("the keystore file {shown} holds no secret"))),
		};
		Self::from_secret(secret, &shown.to_string())
	}

	/// The key in `path`, a JSON keystore file encrypted with `password` as polkadot.js and
	/// the wallets built on it export an account (scrypt and xsalsa20-poly1305). A wrong
	/// password and a damaged file give the same error, which names the file only.
	pub fn from_encrypted_json(path: &Path, password: &str) -> Result<Self, Error> {
		let shown = path.display();
		let text = std::fs::read_to_string(path)
			.map_err(|e| Error::Key(format!("cannot read the keystore file {shown}: {e}")))?;
		let keypair =
			subxt_signer::polkadot_js_compat::decrypt_json(&text, password).map_err(|_| {
				Error::Key(format!(
				"cannot decrypt the keystore file {shown}: a wrong password, or not an encrypted sr25519 key"
			))
			})?;
		Ok(Self { keypair, source: shown.to_string() })
	}

	/// The key of a secret URI held in memory (a phrase just generated, say). Errors do not
	/// repeat the secret.
	pub fn from_secret_uri(secret: &str) -> Result<Self, Error> {
		Self::from_secret(secret, "a secret URI")
	}

	fn from_secret(secret: &str, source: &str) -> Result<Self, Error> {
		// The parse errors do not repeat the secret.
		let uri = SecretUri::from_str(secret)
			.map_err(|_| Error::Key(format!("the secret in {source} is not a secret URI")))?;
		let keypair = Keypair::from_uri(&uri).map_err(|_| {
			Error::Key(format!("the secret in {source} is not a valid sr25519 secret"))
		})?;
		Ok(Self { keypair, source: source.to_owned() })
	}

	/// The account this key signs for.
	pub fn account(&self) -> AccountId {
		AccountId::from(self.public())
	}

	/// The public key.
	pub fn public(&self) -> [u8; 32] {
		self.keypair.public_key().0
	}

	/// The `subxt` key pair.
	pub fn keypair(&self) -> &Keypair {
		&self.keypair
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dev_accounts_are_the_well_known_ones() {
		let alice = Signer::dev("Alice").unwrap();
		assert_eq!(alice.account().to_string(), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		assert!(Signer::dev("mallory").is_err());
	}

	#[test]
	fn a_secret_comes_from_the_environment_and_is_never_shown() {
		let var = "SALUS_CLIENT_TEST_SECRET";
		std::env::set_var(var, "//Bob");
		let bob = Signer::from_env(var).unwrap();
		assert_eq!(bob.account(), Signer::dev("bob").unwrap().account());
		assert!(!format!("{bob:?}").contains("//Bob"));
		std::env::set_var(var, "not a secret at all");
		let error = Signer::from_env(var).unwrap_err().to_string();
		assert!(!error.contains("not a secret at all"), "{error}");
		std::env::remove_var(var);
		assert!(Signer::from_env(var).is_err());
	}

	#[test]
	fn a_keystore_file_must_be_private() {
		use std::os::unix::fs::PermissionsExt;
		let dir =
			std::env::temp_dir().join(format!("salus-client-keystore-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let file = dir.join("charlie.json");
		std::fs::write(&file, r#"{"suri": "//Charlie"}"#).unwrap();
		std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
		assert!(Signer::from_keystore_file(&file).unwrap_err().to_string().contains("chmod 600"));
		std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
		let charlie = Signer::from_keystore_file(&file).unwrap();
		assert_eq!(charlie.account(), Signer::dev("charlie").unwrap().account());
		std::fs::write(&file, r#""//Dave""#).unwrap();
		assert_eq!(
			Signer::from_keystore_file(&file).unwrap().account(),
			Signer::dev("dave").unwrap().account()
		);
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
