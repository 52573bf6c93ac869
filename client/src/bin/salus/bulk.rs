//! `salus provider log-file`: a hospital logs a day's accesses from a CSV file, in batches of
//! one transaction each, exactly once even if the process is killed half-way.
//!
//! Every line is checked before anything is sent. Each batch is signed as a mortal
//! transaction, and its hash and the last block it may be included in are written to a
//! journal beside the file (`FILE.journal`, one JSON object a line, synced) before it is
//! submitted; its inclusion is written once known. Run again after a crash, the command reads
//! the journal, looks for a batch whose fate is unknown in the blocks it could be in, and
//! sends it again only once it can no longer be included: no line is lost or logged twice.

use crate::{
	output::{Exit, Failure},
	Context,
};
use pallet_access::DisclosureEntry;
use salus_client::{tx, AccountId, BlockNumber, Client, Error, Hash};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::{
	io::Write,
	path::{Path, PathBuf},
	time::Duration,
};

/// How many blocks a batch's transaction stays valid.
const MORTALITY: u32 = 32;

/// One line of the journal.
#[derive(Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
enum Entry {
	/// What the journal is about: the file's hash and line count, and the signer.
	Begin { file: String, lines: usize, signer: String },
	/// Lines `[from, to)` sent as transaction `tx`, valid until block `until`.
	Sent { from: usize, to: usize, tx: Hash, until: BlockNumber },
	/// Lines `[from, to)` are logged, in block `block`.
	Done { from: usize, to: usize, block: Hash },
	/// The chain refused the batch of lines `[from, to)`: nothing of it was logged.
	Refused { from: usize, to: usize, error: String },
}

/// Reads and checks `file`: one access a line after the header `patient,class,purpose,record`.
fn read_entries(file: &Path) -> Result<(Vec<DisclosureEntry<AccountId>>, String), Failure> {
	let text = std::fs::read_to_string(file)
		.map_err(|e| Failure::input(format!("cannot read {}: {e}", file.display())))?;
	let digest = format!(
		"{:?}",
		<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(text.as_bytes())
	);
	let mut lines = text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty());
	let header = lines.next().map(|(_, line)| line.trim()).unwrap_or_default();
	if header != "patient,class,purpose,record" {
		return Err(Failure::input(format!(
			"{}:1: the header must be patient,class,purpose,record, not {header:?}",
			file.display()
		)));
	}
	let mut entries = Vec::new();
	for (index, line) in lines {
		let at = format!("{}:{}", file.display(), index.saturating_add(1));
		let fields: Vec<&str> = line.split(',').map(str::trim).collect();
		let [patient, class, purpose, record] = fields.as_slice() else {
			return Err(Failure::input(format!(
				"{at}: four fields (patient,class,purpose,record), not {}",
				fields.len()
			)));
		};
		let in_line = |failure: Failure| Failure::input(format!("{at}: {}", failure.message));
		entries.push(DisclosureEntry {
			patient: crate::parse::account(patient).map_err(in_line)?,
			data_class: crate::parse::data_class(class).map_err(in_line)?,
			purpose: crate::parse::purpose_of(purpose).map_err(in_line)?,
			record: if record.is_empty() {
				None
			} else {
				Some(crate::parse::parse_hash(record).map_err(in_line)?)
			},
		});
	}
	if entries.is_empty() {
		return Err(Failure::input(format!("{}: no accesses to log", file.display())));
	}
	Ok((entries, digest))
}

fn journal_path(file: &Path) -> PathBuf {
	let mut name = file.as_os_str().to_owned();
	name.push(".journal");
	PathBuf::from(name)
}

fn append(journal: &Path, entry: &Entry) -> Result<(), Failure> {
	let line = serde_json::to_string(entry).map_err(|e| Failure::input(e.to_string()))?;
	let mut file =
		std::fs::OpenOptions::new()
			.create(true)
			.append(true)
			.open(journal)
			.map_err(|e| {
				Failure::input(format!("cannot write the journal {}: {e}", journal.display()))
			})?;
	// One write of the whole line: a kill leaves the line whole or torn at the end, never
	// two lines run together.
	file.write_all(format!("{line}\n").as_bytes())
		.and_then(|()| file.sync_all())
		.map_err(|e| Failure::input(format!("cannot write the journal {}: {e}", journal.display())))
}

fn read_journal(journal: &Path) -> Result<Vec<Entry>, Failure> {
	let Ok(text) = std::fs::read_to_string(journal) else { return Ok(Vec::new()) };
	let torn = !text.is_empty() && !text.ends_with('\n');
	let lines: Vec<&str> = text.lines().collect();
	let count = lines.len();
	let mut entries = Vec::new();
	for (index, line) in lines.into_iter().enumerate() {
		match serde_json::from_str(line) {
			Ok(entry) => entries.push(entry),
			// A line torn by a kill while it was written: nothing was sent after it.
			Err(_) if torn && index.saturating_add(1) == count => {},
			Err(_) => {
				return Err(Failure::input(format!(
					"{}:{}: not a journal entry",
					journal.display(),
					index.saturating_add(1)
				)));
			},
		}
	}
	Ok(entries)
}

/// Logs every line of `file` not logged yet, in batches of `batch`.
pub async fn log_file(file: &Path, batch: usize, cx: &Context) -> Result<(), Failure> {
	let (entries, digest) = read_entries(file)?;
	if batch == 0 || batch > 64 {
		return Err(Failure::input("--batch is 1 to 64 (the runtime's MaxDisclosureBatch)"));
	}
	let signer = cx.signer()?;
	let journal = journal_path(file);
	// One run at a time per file: two would send the same lines.
	let lock_path = {
		let mut name = journal.as_os_str().to_owned();
		name.push(".lock");
		PathBuf::from(name)
	};
	let lock = std::fs::OpenOptions::new()
		.create(true)
		.truncate(false)
		.write(true)
		.open(&lock_path)
		.map_err(|e| Failure::input(format!("cannot open {}: {e}", lock_path.display())))?;
	lock.try_lock().map_err(|_| {
		Failure::input(format!("{} is being logged by another run: wait for it", file.display()))
	})?;
	let past = read_journal(&journal)?;
	match past.first() {
		None => append(
			&journal,
			&Entry::Begin {
				file: digest,
				lines: entries.len(),
				signer: signer.account().to_string(),
			},
		)?,
		Some(Entry::Begin { file: recorded, signer: by, .. }) => {
			if *recorded != digest {
				return Err(Failure::input(format!(
					"{} changed since {} was begun: log a new file, or move the journal away",
					file.display(),
					journal.display()
				)));
			}
			if *by != signer.account().to_string() {
				return Err(Failure::input(format!(
					"{} was begun by {by}: resume it with that key",
					journal.display()
				)));
			}
		},
		Some(_) => {
			return Err(Failure::input(format!(
				"{} does not begin like a journal",
				journal.display()
			)))
		},
	}
	let client = cx.client().await?;
	// Where the journal stands: lines logged, and a batch whose fate is unknown.
	let mut done = 0usize;
	let mut pending = None;
	for entry in &past {
		match entry {
			Entry::Sent { from, to, tx, until } => pending = Some((*from, *to, *tx, *until)),
			Entry::Done { to, .. } => {
				done = done.max(*to);
				pending = None;
			},
			Entry::Refused { .. } => pending = None,
			Entry::Begin { .. } => {},
		}
	}
	if let Some((from, to, hash, until)) = pending {
		match settle(&client, hash, until, cx).await? {
			Settled::Included(block) => {
				append(&journal, &Entry::Done { from, to, block })?;
				done = done.max(to);
			},
			Settled::Refused(error) => {
				append(&journal, &Entry::Refused { from, to, error: error.clone() })?;
				return Err(refused(from, to, done, entries.len(), &error));
			},
			Settled::Expired => {},
		}
	}
	let resumed_from = done;
	let total = entries.len();
	let bar = crate::progress::Bar::new("accesses", total, resumed_from);
	let mut batches = 0usize;
	while done < total {
		let to = done.saturating_add(batch).min(total);
		let lines = entries.get(done..to).map(<[_]>::to_vec).unwrap_or_default();
		let call = tx::access::log_disclosures(lines)?;
		let signed = client.sign(call, &signer, Some(MORTALITY)).await?;
		let until = signed
			.valid_until
			.ok_or_else(|| Failure::input("a batch was signed without an end to its validity"))?;
		append(&journal, &Entry::Sent { from: done, to, tx: signed.hash, until })?;
		// Finalized, whatever --wait says: what the journal records must not be undone by a
		// fork.
		let included = match client.submit_signed(&signed, salus_client::Wait::Finalized).await {
			Ok(included) => included,
			Err(Error::Dispatch { pallet, error, .. }) => {
				let name = format!("{pallet}::{error}");
				append(&journal, &Entry::Refused { from: done, to, error: name.clone() })?;
				return Err(refused(done, to, done, total, &name));
			},
			Err(Error::Rejected(reason)) => {
				// Dropped by the pool, but perhaps already passed on: the next run waits until
				// it can no longer be included before sending it again.
				return Err(Failure {
					message: format!("lines {}..{to} were not taken ({reason}) but may still be included until block #{until}; {done} of {total} are logged: run again to go on", done.saturating_add(1)),
					exit: Exit::NotIncluded,
					detail: Some(json!({ "logged": done, "total": total })),
				});
			},
			Err(other) => {
				return Err(Failure {
					message: format!("{other}; {done} of {total} are logged, lines {}..{to} may be: run again, and the journal settles them", done.saturating_add(1)),
					exit: Exit::Other,
					detail: Some(json!({ "logged": done, "total": total })),
				});
			},
		};
		append(&journal, &Entry::Done { from: done, to, block: included.block_hash })?;
		done = to;
		batches = batches.saturating_add(1);
		if !cx.out.json {
			bar.show(done);
		}
	}
	if !cx.out.json {
		bar.finish();
	}
	cx.out.done(
		&format!("{total} accesses logged ({} in this run, {batches} transactions)", total.saturating_sub(resumed_from)),
		json!({ "logged": total, "this_run": total.saturating_sub(resumed_from), "transactions": batches, "journal": journal }),
	);
	Ok(())
}

/// A refusal of lines `[from, to)`, with `done` of `total` logged.
fn refused(from: usize, to: usize, done: usize, total: usize, error: &str) -> Failure {
	Failure {
		message: format!(
			"the chain refused lines {}..{to} ({error}); {done} of {total} are logged: fix the cause on chain (a missing consent, say) and run again with the same file, or log the rest from a new file",
			from.saturating_add(1)
		),
		exit: Exit::Refused,
		detail: Some(json!({ "logged": done, "total": total, "refused": [from, to], "error": error })),
	}
}

/// What became of a batch sent before an interruption.
enum Settled {
	/// It is in this finalized block.
	Included(Hash),
	/// The chain refused it (this error): nothing of it was logged.
	Refused(String),
	/// It is in no finalized block and can no longer be included: send it again.
	Expired,
}

/// The fate of a batch sent before an interruption, read from finalized blocks only (a fork
/// cannot undo it): it waits while the transaction could still be included.
async fn settle(
	client: &Client,
	hash: Hash,
	until: BlockNumber,
	cx: &Context,
) -> Result<Settled, Failure> {
	// The blocks it could be in: from its signing (at most the era before `until`) to `until`.
	let from = until.saturating_sub(MORTALITY.saturating_mul(2));
	loop {
		let finalized = client.block_number(Some(client.finalized_hash().await?)).await?;
		match client.find_transaction(hash, from, finalized.min(until)).await? {
			Some(Ok(included)) => return Ok(Settled::Included(included.block_hash)),
			Some(Err(Error::Dispatch { pallet, error, .. })) => {
				return Ok(Settled::Refused(format!("{pallet}::{error}")));
			},
			Some(Err(other)) => return Err(other.into()),
			None if finalized > until => return Ok(Settled::Expired),
			None => {
				let waiting = format!("waiting for the batch sent before the interruption (valid until block #{until}, finalized #{finalized})");
				if cx.out.json {
					eprintln!("{}", json!({ "waiting": waiting }));
				} else {
					eprintln!("{waiting}");
				}
				tokio::time::sleep(Duration::from_secs(3)).await;
			},
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_line_torn_by_a_kill_is_ignored_only_at_the_end() {
		let dir = std::env::temp_dir().join(format!("salus-journal-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let journal = dir.join("day.csv.journal");
		let begin = r#"{"begin":{"file":"0x00","lines":2,"signer":"5G"}}"#;
		std::fs::write(&journal, format!("{begin}\n{{\"sent\":{{\"from\":0,\"to\"")).unwrap();
		let entries = read_journal(&journal).unwrap();
		assert_eq!(entries.len(), 1);
		assert!(matches!(entries.first(), Some(Entry::Begin { lines: 2, .. })));
		// The next entry goes after the torn one, and the journal then reads as damaged.
		std::fs::write(&journal, format!("{begin}\n{{\"sent\":{{\"from\":0,\"to\"\n{begin}\n"))
			.unwrap();
		assert!(read_journal(&journal).unwrap_err().message.contains(":2: not a journal entry"));
		std::fs::remove_dir_all(&dir).unwrap();
	}

	#[test]
	fn every_line_is_checked_before_anything_is_sent() {
		let dir = std::env::temp_dir().join(format!("salus-bulk-lines-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let file = dir.join("day.csv");
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		std::fs::write(&file, format!("patient,class,purpose,record\n{alice},lab-results,TREAT,\n{alice},imaging,TREAT,0x12\n")).unwrap();
		let error = read_entries(&file).unwrap_err();
		assert!(
			error.message.contains("day.csv:3") && error.message.contains("0x12"),
			"{}",
			error.message
		);
		std::fs::write(&file, format!("patient,class\n{alice},lab-results\n")).unwrap();
		assert!(read_entries(&file).unwrap_err().message.contains("header"));
		std::fs::write(
			&file,
			format!("patient,class,purpose,record\n{alice},lab-results,TREAT,\n"),
		)
		.unwrap();
		let (entries, _) = read_entries(&file).unwrap();
		assert_eq!(entries.len(), 1);
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
