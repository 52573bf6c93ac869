//! Disputes from the terminal: the evidence a party files (hashed here, the document stays
//! with it), and the table every role reads disputes in.

use crate::{output::Failure, Context};
use clap::Args;
use salus_client::{api::Dispute, AccountId};
use salus_primitives::{DisputeId, DisputeSubject};
use serde_json::json;
use sp_core::H256;
use std::path::PathBuf;

/// The evidence for a dispute: a document, hashed here (only the hash goes on chain), or the
/// hash of one.
#[derive(Args)]
#[group(id = "evidence-source", required = true, multiple = false)]
pub struct Evidence {
	/// The evidence document: hashed here (BLAKE2-256); the document never leaves this
	/// machine.
	#[arg(long)]
	evidence: Option<PathBuf>,
	/// The hash of the evidence, if it was hashed elsewhere (0x…).
	#[arg(long)]
	evidence_hash: Option<String>,
}

impl Evidence {
	/// The hash that goes on chain.
	pub fn hash(&self) -> Result<H256, Failure> {
		match (&self.evidence, &self.evidence_hash) {
			(Some(file), None) => {
				let document = std::fs::read(file).map_err(|e| {
					Failure::input(format!("cannot read the evidence {}: {e}", file.display()))
				})?;
				if document.is_empty() {
					return Err(Failure::input(format!(
						"the evidence {} is empty",
						file.display()
					)));
				}
				Ok(<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&document))
			},
			(None, Some(hash)) => crate::parse::parse_hash(hash),
			_ => Err(Failure::input("give the evidence: --evidence FILE or --evidence-hash HASH")),
		}
	}
}

/// What a dispute is about, in words.
pub fn subject_text(subject: &DisputeSubject) -> String {
	match subject {
		DisputeSubject::Emergency(id) => format!("emergency {id}"),
		DisputeSubject::Disclosure(id) => format!("disclosure {id}"),
		DisputeSubject::Conduct => "conduct".to_owned(),
	}
}

/// Where a dispute is, in words.
fn stage_text(dispute: &Dispute) -> String {
	use pallet_disputes::Stage;
	match &dispute.stage {
		Stage::Open { evidence_ends, voting_ends } => {
			format!("evidence until #{evidence_ends}, votes until #{voting_ends}")
		},
		Stage::Referred { ends } => format!("referred to the council, ruling until #{ends}"),
		Stage::Decided { verdict, appeal_ends } => {
			format!("decided {}, appeal until #{appeal_ends}", verdict_text(*verdict))
		},
		Stage::Appealed { verdict, appellant, ends, .. } => {
			format!("{} appealed by {appellant}, ruling until #{ends}", verdict_text(*verdict))
		},
	}
}

/// A verdict, as the CLI spells it.
pub fn verdict_text(verdict: pallet_disputes::Verdict) -> &'static str {
	match verdict {
		pallet_disputes::Verdict::Upheld => "upheld",
		pallet_disputes::Verdict::Rejected => "rejected",
	}
}

/// The open disputes `keep` selects, as a table (or JSON).
pub async fn list(
	cx: &Context,
	client: &salus_client::Client,
	keep: impl Fn(&Dispute) -> bool,
) -> Result<(), Failure> {
	let rows = client
		.open_disputes(None)
		.await?
		.into_iter()
		.filter(|(_, dispute)| keep(dispute))
		.map(|(id, dispute)| row(id, &dispute))
		.collect();
	cx.out
		.table(&["id", "claimant", "provider", "subject", "stage", "votes", "evidence"], rows);
	Ok(())
}

fn row(id: DisputeId, dispute: &Dispute) -> Vec<String> {
	let upheld = dispute
		.votes
		.iter()
		.filter(|(_, verdict)| *verdict == pallet_disputes::Verdict::Upheld)
		.count();
	let rejected = dispute.votes.len().saturating_sub(upheld);
	vec![
		id.to_string(),
		dispute.claimant.to_string(),
		dispute.respondent.to_string(),
		subject_text(&dispute.subject),
		stage_text(dispute),
		format!("{upheld} upheld, {rejected} rejected"),
		dispute.evidence.len().to_string(),
	]
}

/// The dispute a transaction opened, from its events.
pub fn opened(included: &salus_client::Included) -> Result<DisputeId, Failure> {
	crate::created(included, "dispute", |event| match event {
		salus_client::RuntimeEvent::Disputes(pallet_disputes::Event::DisputeOpened {
			id, ..
		}) => Some(*id),
		_ => None,
	})
}

/// Reports a transaction about dispute `id`.
pub fn report(cx: &Context, sentence: &str, id: DisputeId, included: &salus_client::Included) {
	cx.report(sentence, json!({ "dispute": id }), included);
}

/// Files `evidence` in dispute `id`, for the signer's side (or a guardian's ward's).
pub async fn file_evidence(
	cx: &Context,
	id: DisputeId,
	evidence: &Evidence,
) -> Result<(), Failure> {
	let call = salus_client::tx::disputes::submit_evidence(id, evidence.hash()?);
	cx.send(call, &format!("evidence filed in dispute {id}"), json!({ "dispute": id }))
		.await
}

/// Appeals the verdict of dispute `id`, for the losing side.
pub async fn appeal(cx: &Context, id: DisputeId) -> Result<(), Failure> {
	cx.send(
		salus_client::tx::disputes::appeal(id),
		&format!("dispute {id} appealed: the council rules on it"),
		json!({ "dispute": id }),
	)
	.await
}

/// Whether `who` is the claimant of `dispute`.
pub fn claimed_by(who: &AccountId) -> impl Fn(&Dispute) -> bool + '_ {
	move |dispute| dispute.claimant == *who
}
