//! `salus governance`: the council accredits, suspends and revokes providers and rules on
//! disputes by motion; arbitrators vote on disputes.
//!
//! A motion is named by its index (`salus governance motions` lists them) or its hash. Unless
//! told otherwise, a motion asks for the fewest ayes its origin accepts from the council as
//! it is: a majority to set a provider's status, two thirds to rule on a dispute.

use crate::{
	disputes::{self, verdict_text},
	output::{Exit, Failure},
	parse::{parse_hash, provider_status, verdict},
	Context,
};
use clap::Subcommand;
use salus_client::{api::Motion, tx, Client, RuntimeCall, RuntimeEvent};
use salus_primitives::{DisputeId, ProviderId};
use serde_json::json;

#[derive(Subcommand)]
pub enum GovernanceCommand {
	/// A council member moves to set a provider's status: accredited, suspended or revoked.
	SetStatus {
		/// The provider.
		provider: ProviderId,
		/// The status.
		status: String,
		/// Ayes needed (default: a majority of the council as it is now).
		#[arg(long)]
		threshold: Option<u32>,
	},
	/// A council member moves to rule on a dispute referred to the council or appealed.
	Rule {
		/// The dispute.
		dispute: DisputeId,
		/// The ruling: upheld or rejected.
		verdict: String,
		/// Ayes needed (default: two thirds of the council as it is now).
		#[arg(long)]
		threshold: Option<u32>,
	},
	/// The council's open motions and their votes.
	Motions,
	/// A council member votes on a motion.
	Vote {
		/// The motion: its index or its hash.
		motion: String,
		/// Vote nay.
		#[arg(long)]
		nay: bool,
	},
	/// Closes a motion once it has its ayes (or its time is up): executes it if it passed.
	Close {
		/// The motion: its index or its hash.
		motion: String,
	},
	/// The open disputes.
	Disputes,
	/// An arbitrator votes on a dispute: upheld or rejected.
	Arbitrate {
		/// The dispute.
		dispute: DisputeId,
		/// The verdict.
		verdict: String,
	},
	/// Moves a dispute on once its period is over: counts the votes, or applies the verdict.
	/// Anyone may.
	CloseDispute {
		/// The dispute.
		dispute: DisputeId,
	},
}

/// What fraction of the council a motion's origin asks for.
#[derive(Clone, Copy)]
enum Quorum {
	/// More than half.
	Majority,
	/// At least two thirds.
	Supermajority,
}

impl Quorum {
	/// The fewest ayes out of `members` this quorum accepts (at least one).
	fn ayes(self, members: u32) -> u32 {
		match self {
			Quorum::Majority => (members / 2).saturating_add(1),
			Quorum::Supermajority => members.saturating_mul(2).saturating_add(2) / 3,
		}
		.max(1)
	}
}

pub async fn run(command: GovernanceCommand, cx: &Context) -> Result<(), Failure> {
	let client = cx.client().await?;
	match command {
		GovernanceCommand::SetStatus { provider, status, threshold } => {
			let motion = tx::identity::set_provider_status(provider, provider_status(&status)?);
			propose(&client, cx, motion, threshold, Quorum::Majority).await
		},
		GovernanceCommand::Rule { dispute, verdict: ruling, threshold } => {
			let motion = tx::disputes::rule_on_appeal(dispute, verdict(&ruling)?);
			propose(&client, cx, motion, threshold, Quorum::Supermajority).await
		},
		GovernanceCommand::Motions => {
			let rows = client
				.motions(None)
				.await?
				.into_iter()
				.map(|motion| {
					vec![
						motion.index.to_string(),
						format!("{:?}", motion.hash),
						motion.call.as_ref().map_or_else(
							|| {
								"(a call of a later runtime: this client cannot describe it)"
									.to_owned()
							},
							describe,
						),
						format!("{}/{}", motion.ayes.len(), motion.threshold),
						motion.nays.len().to_string(),
						format!("#{}", motion.end),
					]
				})
				.collect();
			cx.out.table(&["index", "hash", "motion", "ayes", "nays", "ends"], rows);
			Ok(())
		},
		GovernanceCommand::Vote { motion, nay } => {
			let motion = find(&client, &motion).await?;
			let included =
				cx.submit(&client, tx::council::vote(motion.hash, motion.index, !nay)).await?;
			cx.out.done(
				&format!("voted {} on motion {}", if nay { "nay" } else { "aye" }, motion.index),
				json!({ "motion": motion.index, "aye": !nay, "block": included.block_hash }),
			);
			Ok(())
		},
		GovernanceCommand::Close { motion } => {
			let motion = find(&client, &motion).await?;
			// Bounded by the chain's weights, which an upgrade may have changed since this
			// client was built.
			let weight = client.call_weight(&motion.encoded, None).await?;
			let length = u32::try_from(motion.encoded.len()).unwrap_or(u32::MAX);
			let close = tx::council::close_bounded(motion.hash, motion.index, weight, length);
			let included = cx.submit(&client, close).await?;
			let executed = included.find(|event| match event {
				RuntimeEvent::Council(pallet_collective::Event::Executed { result, .. }) => {
					Some((*result).map_err(salus_client::dispatch_error_name))
				},
				_ => None,
			});
			match executed {
				Some(Ok(())) => {
					cx.out.done(
						&format!("motion {} passed and was executed", motion.index),
						json!({ "motion": motion.index, "executed": true }),
					);
					Ok(())
				},
				// The council passed it, but the call itself failed: say why, by name.
				Some(Err((pallet, error))) => Err(Failure {
					message: format!(
						"motion {} passed, but its call was refused: {pallet}::{error}",
						motion.index
					),
					exit: Exit::Refused,
					detail: Some(json!({ "motion": motion.index, "executed": false })),
				}),
				None => {
					cx.out.done(
						&format!("motion {} was closed without passing", motion.index),
						json!({ "motion": motion.index, "executed": false }),
					);
					Ok(())
				},
			}
		},
		GovernanceCommand::Disputes => disputes::list(cx, &client, |_| true).await,
		GovernanceCommand::Arbitrate { dispute, verdict: ruling } => {
			let ruling = verdict(&ruling)?;
			cx.send(
				tx::disputes::vote(dispute, ruling),
				&format!("voted {} on dispute {dispute}", verdict_text(ruling)),
				json!({ "dispute": dispute, "verdict": verdict_text(ruling) }),
			)
			.await
		},
		GovernanceCommand::CloseDispute { dispute } => {
			let included = cx.submit(&client, tx::disputes::close_dispute(dispute)).await?;
			let outcome = included.find(|event| match event {
				RuntimeEvent::Disputes(pallet_disputes::Event::DisputeDecided {
					verdict, ..
				}) => {
					Some(format!("decided {}: the losing party may appeal", verdict_text(*verdict)))
				},
				RuntimeEvent::Disputes(pallet_disputes::Event::DisputeReferred { .. }) => {
					Some("too few votes: referred to the council".to_owned())
				},
				RuntimeEvent::Disputes(pallet_disputes::Event::DisputeResolved {
					verdict,
					lapsed,
					..
				}) => Some(if *lapsed {
					"lapsed: nobody ruled in time".to_owned()
				} else {
					format!("resolved {}: the verdict is applied", verdict_text(*verdict))
				}),
				_ => None,
			});
			let outcome = outcome.unwrap_or_else(|| "moved on".to_owned());
			cx.out.done(
				&format!("dispute {dispute}: {outcome}"),
				json!({ "dispute": dispute, "outcome": outcome, "block": included.block_hash }),
			);
			Ok(())
		},
	}
}

/// Proposes `motion` with `threshold` ayes, or the fewest `quorum` accepts.
async fn propose(
	client: &Client,
	cx: &Context,
	motion: RuntimeCall,
	threshold: Option<u32>,
	quorum: Quorum,
) -> Result<(), Failure> {
	let members = u32::try_from(client.council_members(None).await?.len()).unwrap_or(u32::MAX);
	let least = quorum.ayes(members);
	let threshold = threshold.unwrap_or(least);
	// A motion that could pass without its origin's quorum would fail once passed; one that
	// needs more ayes than there are members can never pass.
	if threshold < least || threshold > members {
		return Err(Failure::input(format!(
			"a threshold of {threshold} cannot carry this motion: it needs from {least} to {members} ayes of the council's {members} (the council as it is now: a member who joins before it is closed raises the ayes the motion's origin asks for)"
		)));
	}
	let hash = tx::council::motion_hash(&motion);
	let included = cx.submit(client, tx::council::propose(threshold, motion)).await?;
	let index = included.find(|event| match event {
		RuntimeEvent::Council(pallet_collective::Event::Proposed { proposal_index, .. }) => {
			Some(*proposal_index)
		},
		_ => None,
	});
	// With a threshold of one (a council of one), the motion executes at once.
	let executed = included.find(|event| match event {
		RuntimeEvent::Council(
			pallet_collective::Event::Executed { result, .. }
			| pallet_collective::Event::MemberExecuted { result, .. },
		) => Some(result.is_ok()),
		_ => None,
	});
	let sentence = match (index, executed) {
		(Some(index), _) => format!(
			"motion {index} proposed, {threshold} aye(s) needed: vote with `salus governance vote {index}`"
		),
		(None, Some(true)) => "executed at once".to_owned(),
		(None, Some(false)) => {
			return Err(Failure {
				message: "executed at once, but its call was refused".into(),
				exit: Exit::Refused,
				detail: None,
			})
		},
		(None, None) => "proposed".to_owned(),
	};
	cx.out.done(
		&sentence,
		json!({ "hash": hash, "index": index, "threshold": threshold, "executed": executed == Some(true) }),
	);
	Ok(())
}

/// The open motion `given` names: its index, or its hash.
async fn find(client: &Client, given: &str) -> Result<Motion, Failure> {
	let motions = client.motions(None).await?;
	let found = if given.starts_with("0x") {
		let hash = parse_hash(given)?;
		motions.into_iter().find(|motion| motion.hash == hash)
	} else {
		let index: u32 = given.parse().map_err(|_| {
			Failure::input(format!("{given:?} is neither a motion's index nor its hash (0x…)"))
		})?;
		motions.into_iter().find(|motion| motion.index == index)
	};
	found.ok_or_else(|| {
		Failure::input(format!(
			"no open motion is {given}: see `salus governance motions` (a closed motion is gone)"
		))
	})
}

/// What a motion does, in words.
fn describe(call: &RuntimeCall) -> String {
	match call {
		RuntimeCall::HealthIdentity(pallet_health_identity::Call::set_provider_status {
			provider,
			status,
		}) => format!("set provider {provider} {status:?}").to_lowercase(),
		RuntimeCall::Disputes(pallet_disputes::Call::rule_on_appeal { dispute_id, verdict }) => {
			format!("rule dispute {dispute_id} {}", verdict_text(*verdict))
		},
		other => {
			let text = format!("{other:?}");
			match text.char_indices().nth(100) {
				Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
				None => text,
			}
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_motion_asks_for_the_fewest_ayes_its_origin_accepts() {
		// More than half.
		for (members, ayes) in [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (7, 4)] {
			assert_eq!(Quorum::Majority.ayes(members), ayes, "{members}");
			assert!(ayes * 2 > members && (ayes - 1) * 2 <= members);
		}
		// At least two thirds.
		for (members, ayes) in [(1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (9, 6)] {
			assert_eq!(Quorum::Supermajority.ayes(members), ayes, "{members}");
			assert!(ayes * 3 >= members * 2 && (ayes - 1) * 3 < members * 2);
		}
		assert_eq!(Quorum::Majority.ayes(0), 1);
	}

	#[test]
	fn motions_read_as_what_they_do() {
		let status =
			tx::identity::set_provider_status(3, salus_primitives::ProviderStatus::Suspended);
		assert_eq!(describe(&status), "set provider 3 suspended");
		let ruling = tx::disputes::rule_on_appeal(7, pallet_disputes::Verdict::Upheld);
		assert_eq!(describe(&ruling), "rule dispute 7 upheld");
	}
}
