//! `salus provider check-file`: many access decisions from a CSV file, in batches of the
//! most one call answers, with progress. Every line is read and checked before the first
//! question is asked; the answers come in the file's order.

use crate::{
	output::Failure,
	parse::{account, data_class, purpose_of},
	progress::Bar,
	Context,
};
use salus_client::{
	api::{query, MAX_BATCH},
	AccessAnswer, AccountId,
};
use salus_fhir::codes;
use salus_primitives::AccessQuery;
use std::path::Path;

/// The header the file starts with.
const HEADER: &str = "patient,accessor,class,purpose";

/// Reads `file`: after the header, one access a line; an empty accessor is `signer()`.
fn read_queries(
	file: &Path,
	signer: impl Fn() -> Result<AccountId, Failure>,
) -> Result<Vec<AccessQuery<AccountId>>, Failure> {
	let text = std::fs::read_to_string(file)
		.map_err(|e| Failure::input(format!("cannot read {}: {e}", file.display())))?;
	let mut lines = text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty());
	let header = lines.next().map(|(_, line)| line.trim()).unwrap_or_default();
	if header != HEADER {
		return Err(Failure::input(format!(
			"{}:1: the header must be {HEADER}, not {header:?}",
			file.display()
		)));
	}
	let mut queries = Vec::new();
	for (index, line) in lines {
		let at = format!("{}:{}", file.display(), index.saturating_add(1));
		let in_line = |failure: Failure| Failure::input(format!("{at}: {}", failure.message));
		let fields: Vec<&str> = line.split(',').map(str::trim).collect();
		let [patient, accessor, class, purpose] = fields.as_slice() else {
			return Err(Failure::input(format!(
				"{at}: four fields ({HEADER}), not {}",
				fields.len()
			)));
		};
		let accessor = if accessor.is_empty() { signer() } else { account(accessor) };
		queries.push(query(
			account(patient).map_err(in_line)?,
			accessor.map_err(in_line)?,
			data_class(class).map_err(in_line)?,
			purpose_of(purpose).map_err(in_line)?,
		));
	}
	if queries.is_empty() {
		return Err(Failure::input(format!("{}: no accesses to check", file.display())));
	}
	Ok(queries)
}

/// Checks every access in `file`, natively or (`runtime`) by the runtime API, all at the same
/// best block.
pub async fn check_file(file: &Path, runtime: bool, cx: &Context) -> Result<(), Failure> {
	let queries = read_queries(file, || Ok(cx.signer()?.account()))?;
	let client = cx.client().await?;
	// One block for every batch: the answers describe one state of the chain.
	let at = client.best_hash().await?;
	let bar = Bar::new("checks", queries.len(), 0);
	let mut answers = Vec::with_capacity(queries.len());
	for batch in queries.chunks(MAX_BATCH) {
		let decisions = if runtime {
			client.check_access_batch(batch, None, Some(at)).await?
		} else {
			client.rpc_check_access_batch(batch, None, Some(at)).await?
		};
		if decisions.len() != batch.len() {
			return Err(Failure {
				message: format!(
					"the node answered {} of {} checks: nothing is reported",
					decisions.len(),
					batch.len()
				),
				exit: crate::output::Exit::Other,
				detail: None,
			});
		}
		answers.extend(decisions);
		if !cx.out.json {
			bar.show(answers.len());
		}
	}
	if !cx.out.json {
		bar.finish();
	}
	let rows = queries
		.iter()
		.zip(&answers)
		.map(|(q, answer)| {
			let (decision, why) = match answer {
				AccessAnswer::Permit { basis } => ("permit", salus_fhir::audit::basis_text(basis)),
				AccessAnswer::Deny { reason } => ("deny", format!("{reason:?}")),
			};
			vec![
				q.patient.to_string(),
				q.accessor.to_string(),
				codes::data_class_code(q.data_class).0.to_owned(),
				q.purpose.code().to_owned(),
				decision.to_owned(),
				why,
			]
		})
		.collect();
	cx.out
		.table(&["patient", "accessor", "class", "purpose", "decision", "why"], rows);
	if !cx.out.json {
		let permitted = answers.iter().filter(|a| matches!(a, AccessAnswer::Permit { .. })).count();
		eprintln!("{permitted} of {} permitted, at block {at:?}", answers.len());
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_line_is_read_before_a_question_is_asked() {
		let dir = std::env::temp_dir().join(format!("salus-check-lines-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let file = dir.join("checks.csv");
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let dave = "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy";
		let signer = || account(dave);
		std::fs::write(
			&file,
			format!("{HEADER}\n{alice},,lab-results,TREAT\n\n{alice},{dave},imaging,TREET\n"),
		)
		.unwrap();
		let error = read_queries(&file, signer).unwrap_err();
		assert!(
			error.message.contains("checks.csv:4") && error.message.contains("TREET"),
			"{}",
			error.message
		);
		std::fs::write(&file, format!("{HEADER}\n{alice},lab-results,TREAT\n")).unwrap();
		assert!(read_queries(&file, signer).unwrap_err().message.contains("four fields"));
		std::fs::write(&file, "patient,class\n").unwrap();
		assert!(read_queries(&file, signer).unwrap_err().message.contains("header"));
		std::fs::write(&file, format!("{HEADER}\n")).unwrap();
		assert!(read_queries(&file, signer).unwrap_err().message.contains("no accesses"));
		std::fs::write(&file, format!("{HEADER}\n{alice},,lab-results,TREAT\n")).unwrap();
		let queries = read_queries(&file, signer).unwrap();
		assert_eq!(queries.len(), 1);
		assert_eq!(queries.first().map(|q| q.accessor.clone()), Some(account(dave).unwrap()));
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
