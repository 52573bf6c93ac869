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
	io::{BufRead, Write},
	path::{Path, PathBuf},
	time::{Duration, Instant},
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
			patient: crate::account(patient).map_err(in_line)?,
			data_class: crate::data_class(class).map_err(in_line)?,
			purpose: crate::purpose_of(purpose).map_err(in_line)?,
			record: if record.is_empty() {
				None
			} else {
				Some(crate::parse_hash(record).map_err(in_line)?)
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
	writeln!(file, "{line}")
		.and_then(|()| file.sync_all())
		.map_err(|e| Failure::input(format!("cannot write the journal {}: {e}", journal.display())))
}

fn read_journal(journal: &Path) -> Result<Vec<Entry>, Failure> {
	let Ok(file) = std::fs::File::open(journal) else { return Ok(Vec::new()) };
	std::io::BufReader::new(file)
		.lines()
		.enumerate()
		.map(|(index, line)| {
			let line = line.map_err(|e| Failure::input(e.to_string()))?;
			serde_json::from_str(&line).map_err(|_| {
				Failure::input(format!(
					"{}:{}: not a journal entry",
					journal.display(),
					index.saturating_add(1)
				))
			})
		})
		.collect()
}

/// Logs every line of `file` not logged yet, in batches of `batch`.
pub async fn log_file(file: &Path, batch: usize, cx: &Context) -> Result<(), Failure> {
	let (entries, digest) = read_entries(file)?;
	if batch == 0 || batch > 64 {
		return Err(Failure::input("--batch is 1 to 64 (the runtime's MaxDisclosureBatch)"));
	}
	let signer = cx.signer()?;
	let journal = journal_path(file);
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
	let resumed_from = done;
	if let Some((from, to, hash, until)) = pending {
		if let Some(block) = settle(&client, hash, until, cx).await? {
			append(&journal, &Entry::Done { from, to, block })?;
			done = done.max(to);
		}
	}
	let started = Instant::now();
	let total = entries.len();
	let mut batches = 0usize;
	while done < total {
		let to = done.saturating_add(batch).min(total);
		let lines = entries.get(done..to).map(<[_]>::to_vec).unwrap_or_default();
		let call = tx::access::log_disclosures(lines)?;
		let signed = client.sign(call, &signer, Some(MORTALITY)).await?;
		let until = signed.valid_until.unwrap_or_default();
		append(&journal, &Entry::Sent { from: done, to, tx: signed.hash, until })?;
		let included = match client.submit_signed(&signed, cx.wait).await {
			Ok(included) => included,
			Err(Error::Dispatch { pallet, error, .. }) => {
				let name = format!("{pallet}::{error}");
				append(&journal, &Entry::Refused { from: done, to, error: name.clone() })?;
				return Err(Failure {
					message: format!("the chain refused lines {}..{} ({name}); {done} of {total} are logged: fix them and run again to go on", done.saturating_add(1), to),
					exit: Exit::Refused,
					detail: Some(json!({ "logged": done, "total": total, "refused": [done, to], "error": name })),
				});
			},
			Err(Error::Rejected(reason)) => {
				// Not on chain: the next run sends it again once it can no longer be included.
				return Err(Failure {
					message: format!("lines {}..{to} were not included ({reason}); {done} of {total} are logged: run again to go on", done.saturating_add(1)),
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
			progress(done, resumed_from, total, started.elapsed());
		}
	}
	if !cx.out.json {
		eprintln!();
	}
	cx.out.done(
		&format!("{total} accesses logged ({} in this run, {batches} transactions)", total.saturating_sub(resumed_from)),
		json!({ "logged": total, "this_run": total.saturating_sub(resumed_from), "transactions": batches, "journal": journal }),
	);
	Ok(())
}

/// The fate of a batch sent before a crash: the block that has it, or `None` once it can no
/// longer be included (it may then be sent again). Waits while it still could be.
async fn settle(
	client: &Client,
	hash: Hash,
	until: BlockNumber,
	cx: &Context,
) -> Result<Option<Hash>, Failure> {
	let mut looked = 0;
	loop {
		let best = client.block_number(None).await?;
		let from = looked.max(until.saturating_sub(MORTALITY.saturating_mul(2)));
		match client.find_transaction(hash, from, best.min(until)).await? {
			Some(Ok(included)) => return Ok(Some(included.block_hash)),
			Some(Err(error)) => {
				return Err(Failure {
					message: format!("the batch sent before the interruption was refused: {error}"),
					exit: Exit::Refused,
					detail: None,
				});
			},
			None if best > until => return Ok(None),
			None => {
				looked = best;
				if !cx.out.json {
					eprintln!("waiting for the batch sent before the interruption (until block #{until}, now #{best})");
				}
				tokio::time::sleep(Duration::from_secs(3)).await;
			},
		}
	}
}

/// One line of progress on standard error: how many, how fast, how long still.
fn progress(done: usize, resumed_from: usize, total: usize, elapsed: Duration) {
	let this_run = done.saturating_sub(resumed_from) as f64;
	let seconds = elapsed.as_secs_f64().max(0.001);
	let rate = this_run / seconds;
	let left = total.saturating_sub(done) as f64;
	let eta = if rate > 0.0 { left / rate } else { 0.0 };
	let width = 30usize;
	let filled = done.saturating_mul(width).checked_div(total).unwrap_or(width);
	eprint!(
		"\r[{}{}] {done}/{total} accesses, {rate:.1}/s, {eta:.0} s left   ",
		"#".repeat(filled),
		"-".repeat(width.saturating_sub(filled))
	);
	let _ = std::io::stderr().flush();
}
