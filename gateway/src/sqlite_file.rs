//! What the gateway's two SQLite databases (the outbox, the event log) share: one gateway per
//! file (a lock file beside it: two would send or deliver twice), the write-ahead log, every
//! commit synced, and a schema version in `user_version`.

use rusqlite::Connection;
use std::path::Path;

/// One SQLite database a schema describes.
pub struct Schema<'a> {
	/// What it is, in errors: `outbox`, `event`.
	pub what: &'a str,
	/// A table it has, that tells an existing database of this kind.
	pub table: &'a str,
	/// Its statements (`CREATE … IF NOT EXISTS`).
	pub sql: &'a str,
	/// Its version.
	pub version: i64,
	/// What to do with a database of another version.
	pub advice: &'a str,
}

/// Opens (creating) the database at `path` for this gateway alone, and its schema; refuses a
/// database of another version of the schema. The connection, and the lock to hold while it
/// is open. Every problem is one line.
pub fn open(path: &Path, schema: &Schema<'_>) -> Result<(Connection, std::fs::File), String> {
	let mut lock_path = path.as_os_str().to_owned();
	lock_path.push(".lock");
	let lock_path = std::path::PathBuf::from(lock_path);
	let lock = std::fs::OpenOptions::new()
		.create(true)
		.truncate(false)
		.write(true)
		.open(&lock_path)
		.map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
	lock.try_lock().map_err(|error| match error {
		std::fs::TryLockError::WouldBlock => format!(
			"{} is in use by another gateway: one gateway per {} database",
			path.display(),
			schema.what
		),
		std::fs::TryLockError::Error(error) => {
			format!("cannot lock {}: {error}", lock_path.display())
		},
	})?;
	let fail = |e: rusqlite::Error| format!("{}: {e}", path.display());
	let conn =
		Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
	conn.pragma_update(None, "journal_mode", "WAL").map_err(fail)?;
	conn.pragma_update(None, "synchronous", "FULL").map_err(fail)?;
	conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(fail)?;
	let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(fail)?;
	let tables: i64 = conn
		.query_row(
			"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
			[schema.table],
			|row| row.get(0),
		)
		.map_err(fail)?;
	if tables > 0 && version != schema.version {
		return Err(format!(
			"{} holds an {} database of schema {version}, this gateway reads schema {}: {}",
			path.display(),
			schema.what,
			schema.version,
			schema.advice
		));
	}
	conn.execute_batch(schema.sql).map_err(fail)?;
	conn.pragma_update(None, "user_version", schema.version).map_err(fail)?;
	Ok((conn, lock))
}
