//! How the CLI answers: a table (or a line) for people, JSON for scripts (`--json`), one line
//! on standard error for a failure, and an exit code that says which kind.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use serde_json::Value;

/// The exit codes, for scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
	/// A bad argument or input file: nothing was sent.
	BadInput = 2,
	/// No connection to the node, or a node this CLI cannot talk to.
	Connection = 3,
	/// The chain refused the call (its error is named).
	Refused = 4,
	/// The transaction was not included.
	NotIncluded = 5,
	/// Anything else.
	Other = 1,
}

/// A failure: what to print and how to exit.
#[derive(Debug)]
pub struct Failure {
	/// One line.
	pub message: String,
	/// The exit code.
	pub exit: Exit,
	/// For `--json`: extra fields (which items of a bulk operation went in).
	pub detail: Option<Value>,
}

impl Failure {
	/// A bad input.
	pub fn input(message: impl Into<String>) -> Self {
		Self { message: message.into(), exit: Exit::BadInput, detail: None }
	}
}

impl From<salus_client::Error> for Failure {
	fn from(error: salus_client::Error) -> Self {
		use salus_client::Error as E;
		let exit = match &error {
			E::Connect { .. } | E::Incompatible { .. } => Exit::Connection,
			E::Dispatch { .. } => Exit::Refused,
			E::Rejected(_) => Exit::NotIncluded,
			E::Unconfirmed { .. } => Exit::Other,
			E::Invalid(_) | E::Key(_) => Exit::BadInput,
			E::Rpc { .. } | E::Decode { .. } => Exit::Other,
		};
		Self { message: error.to_string(), exit, detail: None }
	}
}

impl From<String> for Failure {
	fn from(message: String) -> Self {
		Self::input(message)
	}
}

impl From<salus_fhir::ImportError> for Failure {
	fn from(error: salus_fhir::ImportError) -> Self {
		Self::input(format!("the FHIR resource is refused at {error}"))
	}
}

impl From<salus_fhir::ExportError> for Failure {
	fn from(error: salus_fhir::ExportError) -> Self {
		Self { message: error.to_string(), exit: Exit::Other, detail: None }
	}
}

/// Where answers go.
#[derive(Clone, Copy)]
pub struct Output {
	/// JSON instead of tables.
	pub json: bool,
}

impl Output {
	/// Rows under a header, or (`--json`) the same as an array of objects.
	pub fn table(&self, header: &[&str], rows: Vec<Vec<String>>) {
		if self.json {
			let objects: Vec<Value> = rows
				.iter()
				.map(|row| {
					Value::Object(
						header
							.iter()
							.zip(row)
							.map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
							.collect(),
					)
				})
				.collect();
			println!("{}", Value::Array(objects));
			return;
		}
		if rows.is_empty() {
			println!("(none)");
			return;
		}
		let mut table = Table::new();
		table.load_preset(UTF8_FULL_CONDENSED).set_header(header.to_vec());
		for row in rows {
			table.add_row(row);
		}
		println!("{table}");
	}

	/// A result: a sentence for people, `value` for scripts.
	pub fn done(&self, sentence: &str, value: Value) {
		if self.json {
			println!("{value}");
		} else {
			println!("{sentence}");
		}
	}

	/// A failure, on standard error.
	pub fn fail(&self, failure: &Failure) {
		if self.json {
			let mut object =
				serde_json::json!({ "error": failure.message, "exit": failure.exit as i32 });
			if let (Some(detail), Some(map)) = (&failure.detail, object.as_object_mut()) {
				map.insert("detail".into(), detail.clone());
			}
			eprintln!("{object}");
		} else {
			eprintln!("error: {}", failure.message);
		}
	}
}
