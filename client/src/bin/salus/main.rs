//! `salus`: Salus from the terminal, by role.
//!
//! ```text
//! salus [--url ws://127.0.0.1:9944] [--signer KEY] [--json] [--wait in-block|finalized] ROLE COMMAND
//! ```
//!
//! `KEY` is the name of a key in the local keystore (`salus keys`), `dev:alice`, `env:VAR`
//! (a secret URI in an environment variable) or `file:PATH` (a keystore file); never a secret
//! on the command line. Tables by default, `--json` for scripts; exit codes: 0 done, 2 a bad
//! argument or file (nothing sent), 3 no node, 4 the chain refused (its error named), 5 not
//! included, 1 anything else.

mod bulk;
mod check;
mod disputes;
mod governance;
mod keystore;
mod output;
mod parse;
mod progress;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use disputes::Evidence;
use governance::GovernanceCommand;
use output::{Exit, Failure, Output};
use parse::{
	account, class_set, country, data_class, moment, parse_hash, practitioner_role, provider_kind,
	purpose_of, purpose_set,
};
use salus_client::{
	api::query,
	flows::{commitment, grant_all, granted_consents, stored_consent},
	tx, AccessAnswer, AccountId, Client, Signer, Wait,
};
use salus_fhir::{codes, import_consent_in, time as fhir_time, ConsentTerms};
use salus_primitives::{
	DataClassSet, Decision, DisputeId, DisputeSubject, Grantee, ProviderId, PurposeSet,
};
use serde_json::json;
use sp_core::H256;
use std::{io::Write, path::PathBuf, process::ExitCode};

#[derive(Parser)]
#[command(
	name = "salus",
	version,
	about = "Salus from the terminal: patients, providers, governance and the chain."
)]
struct Cli {
	/// The node to talk to.
	#[arg(long, global = true, env = "SALUS_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// Who signs: a key name, dev:NAME, env:VARIABLE or file:PATH.
	#[arg(long, global = true, env = "SALUS_SIGNER")]
	signer: Option<String>,
	/// JSON instead of tables.
	#[arg(long, global = true)]
	json: bool,
	/// How long to wait for a transaction.
	#[arg(long, global = true, value_enum, default_value_t = WaitFor::InBlock)]
	wait: WaitFor,
	/// A guardian acting for its ward (SS58): patient commands are made for the ward, through
	/// the guardianship the ward gave the signer.
	#[arg(long = "for", global = true, value_name = "WARD")]
	ward: Option<String>,
	#[command(subcommand)]
	role: Role,
}

#[derive(Clone, Copy, ValueEnum)]
enum WaitFor {
	/// Until it is in a best block.
	InBlock,
	/// Until its block is finalized.
	Finalized,
}

#[derive(Subcommand)]
enum Role {
	/// The local keystore.
	#[command(subcommand)]
	Keys(KeysCommand),
	/// What a patient (or its guardian) does.
	#[command(subcommand)]
	Patient(PatientCommand),
	/// What a provider's admin and practitioners do.
	#[command(subcommand)]
	Provider(ProviderCommand),
	/// What the council and the arbitrators do.
	#[command(subcommand)]
	Governance(GovernanceCommand),
	/// The chain itself.
	#[command(subcommand)]
	Chain(ChainCommand),
	/// Shell completions, to source from your shell's profile.
	Completions {
		/// The shell.
		shell: clap_complete::Shell,
	},
}

#[derive(Subcommand)]
enum KeysCommand {
	/// Makes a new key (a 24-word phrase) under NAME.
	New {
		/// Its name.
		name: String,
	},
	/// Lists the keys.
	List,
}

#[derive(Subcommand)]
enum PatientCommand {
	/// Registers the signer as a patient: the commitment to your identifier is computed here,
	/// from a new salt kept in your keystore; the identifier never leaves this machine. The
	/// identifier is read from SALUS_PATIENT_IDENTIFIER.
	Register {
		/// Your country (ISO 3166-1 alpha-2).
		#[arg(long)]
		jurisdiction: String,
	},
	/// Your consents.
	#[command(subcommand)]
	Consent(ConsentCommand),
	/// The access requests waiting for your answer.
	Requests,
	/// Approves a request (all its classes, or those named).
	Approve {
		/// The request.
		id: u64,
		/// Fewer classes than asked.
		#[arg(long, value_delimiter = ',')]
		classes: Option<Vec<String>>,
	},
	/// Denies a request.
	Deny {
		/// The request.
		id: u64,
	},
	/// The emergencies on your data whose review is open.
	Emergencies,
	/// Accepts an emergency as justified.
	Acknowledge {
		/// The emergency.
		id: u64,
	},
	/// Who saw what: your disclosure log, as a table, FHIR AuditEvents or CSV.
	Disclosures {
		/// The patient (default: the signer).
		#[arg(long)]
		patient: Option<String>,
		/// The format.
		#[arg(long, value_enum, default_value_t = LogFormat::Table)]
		format: LogFormat,
		/// Write to this file instead of standard output.
		#[arg(long)]
		out: Option<PathBuf>,
	},
	/// Your rewards: what you may claim.
	Rewards,
	/// Claims your rewards.
	Claim,
	/// Your guardians: who may make your health calls for you (never a transfer, nor a
	/// provider's call).
	#[command(subcommand)]
	Guardian(GuardianCommand),
	/// Contests an emergency access to your data: a dispute against its provider, for which
	/// you hold a bond until the verdict.
	Contest {
		/// The emergency.
		id: u64,
		#[command(flatten)]
		evidence: Evidence,
	},
	/// Opens a dispute against a provider about a disclosure in your log, or (without
	/// --disclosure) about its conduct; you hold a bond until the verdict.
	Dispute {
		/// The provider.
		provider: ProviderId,
		/// The disclosure.
		#[arg(long)]
		disclosure: Option<u64>,
		#[command(flatten)]
		evidence: Evidence,
	},
	/// Files evidence in one of your disputes.
	Evidence {
		/// The dispute.
		dispute: DisputeId,
		#[command(flatten)]
		evidence: Evidence,
	},
	/// Appeals a verdict that went against you (you hold an appeal bond until the ruling).
	Appeal {
		/// The dispute.
		dispute: DisputeId,
	},
	/// Your open disputes.
	Disputes,
}

#[derive(Subcommand)]
enum GuardianCommand {
	/// Makes ACCOUNT your guardian: it may act for you at once, until you remove it (you hold
	/// a deposit meanwhile).
	Add {
		/// The guardian (SS58).
		account: String,
	},
	/// Removes a guardian; the deposit comes back.
	Remove {
		/// The guardian (SS58).
		account: String,
	},
	/// Your guardians.
	List,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
	/// A table.
	Table,
	/// A FHIR R4 Bundle of AuditEvents.
	Fhir,
	/// CSV.
	Csv,
}

#[derive(Subcommand)]
enum ConsentCommand {
	/// Lists a patient's consents and grants.
	List {
		/// The patient (default: the signer).
		#[arg(long)]
		patient: Option<String>,
	},
	/// Grants a consent.
	Grant(GrantArgs),
	/// Revokes one of your consents.
	Revoke {
		/// The consent.
		id: u64,
	},
	/// Imports a FHIR R4 Consent (JSON): shows the consents it becomes and the consents you
	/// already hold (they stay), then signs them in one transaction: all or none.
	Import {
		/// The file.
		file: PathBuf,
		/// Sign without asking.
		#[arg(long)]
		yes: bool,
		/// Your UTC offset, where a date without a time is a day (+01:00; default Z).
		#[arg(long, default_value = "Z")]
		utc_offset: String,
	},
	/// Exports your consents and grants as a FHIR R4 Bundle of Consents.
	Export {
		/// The patient (default: the signer).
		#[arg(long)]
		patient: Option<String>,
		/// Write to this file instead of standard output.
		#[arg(long)]
		out: Option<PathBuf>,
	},
}

#[derive(Args)]
struct GrantArgs {
	/// Every practitioner of this provider.
	#[arg(long, group = "grantee")]
	provider: Option<ProviderId>,
	/// This practitioner (SS58).
	#[arg(long, group = "grantee")]
	practitioner: Option<String>,
	/// Every provider of this kind (with --country: in that country).
	#[arg(long)]
	kind: Option<String>,
	/// Every provider in this country (with --kind: of that kind).
	#[arg(long)]
	country: Option<String>,
	/// Deny instead of permit.
	#[arg(long)]
	deny: bool,
	/// Data classes (comma-separated codes: lab-results,imaging…).
	#[arg(long, value_delimiter = ',', required = true)]
	classes: Vec<String>,
	/// Purposes (comma-separated ActReason codes: TREAT,ETREAT…); default all.
	#[arg(long, value_delimiter = ',')]
	purposes: Option<Vec<String>>,
	/// Only providers in these countries.
	#[arg(long, value_delimiter = ',')]
	jurisdictions: Option<Vec<String>>,
	/// From (a FHIR date or dateTime, e.g. 2026-07-01 or 2026-07-01T08:00:00+02:00).
	#[arg(long)]
	from: Option<String>,
	/// Until (a date includes all of that day).
	#[arg(long)]
	until: Option<String>,
}

#[derive(Subcommand)]
enum ProviderCommand {
	/// Registers a provider administered by the signer.
	Register {
		/// Its name.
		#[arg(long)]
		name: String,
		/// Its kind.
		#[arg(long)]
		kind: String,
		/// Its country (ISO 3166-1 alpha-2).
		#[arg(long)]
		jurisdiction: String,
		/// The provider it is a department of.
		#[arg(long)]
		parent: Option<ProviderId>,
	},
	/// The admin proposes a practitioner.
	AddPractitioner {
		/// The practitioner (SS58).
		account: String,
		/// Its role.
		#[arg(long, default_value = "physician")]
		role: String,
	},
	/// The proposed practitioner accepts.
	Join {
		/// The provider.
		provider: ProviderId,
	},
	/// May a practitioner see a class of a patient's data for a purpose? Answered by the
	/// node natively (salus_checkAccess), or with --runtime by the runtime API.
	Check {
		/// The patient (SS58).
		#[arg(long)]
		patient: String,
		/// The practitioner (default: the signer).
		#[arg(long)]
		accessor: Option<String>,
		/// The data class.
		#[arg(long)]
		class: String,
		/// The purpose.
		#[arg(long)]
		purpose: String,
		/// Ask the runtime API instead of the node's native decision.
		#[arg(long)]
		runtime: bool,
	},
	/// Logs an access the signer made.
	Log {
		/// The patient (SS58).
		#[arg(long)]
		patient: String,
		/// The data class.
		#[arg(long)]
		class: String,
		/// The purpose.
		#[arg(long)]
		purpose: String,
		/// The hash of the record accessed (0x…).
		#[arg(long)]
		record: Option<String>,
	},
	/// Logs the accesses in a CSV file (patient,class,purpose,record), in batches of one
	/// transaction each, with progress; run again after an interruption to go on, exactly
	/// once (a journal beside the file keeps track).
	LogFile {
		/// The file.
		file: PathBuf,
		/// Accesses per transaction (at most 64).
		#[arg(long, default_value_t = 64)]
		batch: usize,
	},
	/// Asks a patient for access.
	Request {
		/// The patient (SS58).
		#[arg(long)]
		patient: String,
		/// Data classes.
		#[arg(long, value_delimiter = ',', required = true)]
		classes: Vec<String>,
		/// The purpose.
		#[arg(long)]
		purpose: String,
		/// For how many days.
		#[arg(long, default_value_t = 30)]
		days: u64,
		/// The hash of the written justification (0x…).
		#[arg(long)]
		justification: String,
		/// Offered to the patient (planck).
		#[arg(long, default_value_t = 0)]
		bounty: u128,
	},
	/// Breaks the glass: emergency access to a patient's data, reviewed afterwards.
	Emergency {
		/// The patient (SS58).
		#[arg(long)]
		patient: String,
		/// The hash of the written justification (0x…).
		#[arg(long)]
		justification: String,
	},
	/// Checks the accesses in a CSV file (patient,accessor,class,purpose; an empty accessor is
	/// the signer), in batches, with progress: each line's decision and its basis or reason.
	CheckFile {
		/// The file.
		file: PathBuf,
		/// Ask the runtime API instead of the node's native decision.
		#[arg(long)]
		runtime: bool,
	},
	/// The admin removes a practitioner; the deposit comes back.
	RemovePractitioner {
		/// The practitioner (SS58).
		account: String,
	},
	/// The signer stops practising at its provider.
	Leave,
	/// Withdraws one of the provider's requests; deposit and bounty come back.
	CancelRequest {
		/// The request.
		id: u64,
	},
	/// The disputes against the signer's provider.
	Disputes,
	/// Files evidence for the provider in a dispute against it.
	Evidence {
		/// The dispute.
		dispute: DisputeId,
		#[command(flatten)]
		evidence: Evidence,
	},
	/// Appeals a verdict against the provider (the signer holds an appeal bond until the
	/// ruling).
	Appeal {
		/// The dispute.
		dispute: DisputeId,
	},
}

#[derive(Subcommand)]
enum ChainCommand {
	/// The node, its chain, best and finalized block.
	Status,
	/// Follows the events that concern a patient (or any account) or a provider.
	Watch {
		/// An account (SS58).
		#[arg(long, group = "who")]
		account: Option<String>,
		/// A provider.
		#[arg(long, group = "who")]
		provider: Option<ProviderId>,
		/// Stop after this many events.
		#[arg(long)]
		count: Option<usize>,
		/// Follow the best chain instead of finalized blocks (sooner; forks may drop events).
		#[arg(long)]
		best: bool,
	},
}

fn main() -> ExitCode {
	let cli = match Cli::try_parse() {
		Ok(cli) => cli,
		Err(error) => return usage_error(&error),
	};
	let output = Output { json: cli.json };
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(error) => {
			output.fail(&Failure { message: error.to_string(), exit: Exit::Other, detail: None });
			return ExitCode::from(Exit::Other as u8);
		},
	};
	match runtime.block_on(run(cli, output)) {
		Ok(()) => ExitCode::SUCCESS,
		Err(failure) => {
			output.fail(&failure);
			ExitCode::from(failure.exit as u8)
		},
	}
}

/// The id of the `what` that `included` made, which `pick` finds among its events; a failure
/// if none is there (an id of 0 is a real one, never a stand-in).
fn created<T>(
	included: &salus_client::Included,
	what: &str,
	pick: impl FnMut(&salus_client::RuntimeEvent) -> Option<T>,
) -> Result<T, Failure> {
	included.find(pick).ok_or_else(|| Failure {
		message: format!(
			"included in block {:?}, but no {what} was made: look before sending it again",
			included.block_hash
		),
		exit: Exit::Other,
		detail: None,
	})
}

/// A command line clap refused: help and version as clap prints them; anything else as one
/// line (exit 2), like every other bad input.
fn usage_error(error: &clap::Error) -> ExitCode {
	use clap::error::ErrorKind;
	if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
		let _ = error.print();
		return ExitCode::SUCCESS;
	}
	let json = std::env::args().any(|arg| arg == "--json");
	let message = if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
		// A command cut short (`salus patient`): its help for people, one line for scripts.
		if !json {
			let _ = error.print();
			return ExitCode::from(Exit::BadInput as u8);
		}
		"a command is missing: see salus --help".to_owned()
	} else {
		one_line(&error.render().to_string())
	};
	Output { json }.fail(&Failure::input(message));
	ExitCode::from(Exit::BadInput as u8)
}

/// clap's message without its usage and hints, on one line.
fn one_line(rendered: &str) -> String {
	let message = rendered.split("\n\nUsage:").next().unwrap_or(rendered);
	let message = message.split("\n\nFor more information").next().unwrap_or(message);
	let message = message.strip_prefix("error: ").unwrap_or(message);
	message.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Context {
	url: String,
	signer: Option<String>,
	wait: Wait,
	out: Output,
	/// The patient a guardian acts for (`--for`).
	ward: Option<AccountId>,
}

impl Context {
	async fn client(&self) -> Result<Client, Failure> {
		Ok(Client::connect(&self.url).await?)
	}

	fn signer(&self) -> Result<Signer, Failure> {
		let spec = self.signer.as_deref().ok_or_else(|| {
			Failure::input("who signs? give --signer (a key name, dev:NAME, env:VAR or file:PATH)")
		})?;
		Ok(keystore::signer(spec)?)
	}

	/// The patient a patient command is about: the ward of a guardian (`--for`), or the
	/// signer.
	fn patient(&self) -> Result<AccountId, Failure> {
		match &self.ward {
			Some(ward) => Ok(ward.clone()),
			None => Ok(self.signer()?.account()),
		}
	}

	/// `given`, or [`Context::patient`].
	fn account_or_patient(&self, given: Option<&str>) -> Result<AccountId, Failure> {
		match given {
			Some(ss58) => Ok(account(ss58)?),
			None => self.patient(),
		}
	}

	/// Signs `call` and waits for it as `--wait` says, showing meanwhile (on a terminal) how
	/// long. A guardian's call (`--for`) is made for its ward.
	async fn submit(
		&self,
		client: &Client,
		call: salus_client::RuntimeCall,
	) -> Result<salus_client::Included, Failure> {
		let signer = self.signer()?;
		let what = match self.wait {
			Wait::InBlock => "a block",
			Wait::Finalized => "finality",
		};
		match &self.ward {
			Some(ward) => {
				// Before paying a fee for a call the chain would refuse.
				if !client.guardians_of(ward, None).await?.contains(&signer.account()) {
					return Err(Failure::input(format!(
						"{} is not a guardian of {ward}: the ward appoints it with `salus patient guardian add`",
						signer.account()
					)));
				}
				let submission = client.submit_for(ward, call, &signer, self.wait);
				Ok(progress::waiting(what, submission).await?)
			},
			None => Ok(progress::waiting(what, client.submit(call, &signer, self.wait)).await?),
		}
	}

	/// Connects, submits `call` as [`Context::submit`] does, and reports it: `sentence` for
	/// people, `value` with the block for scripts.
	async fn send(
		&self,
		call: salus_client::RuntimeCall,
		sentence: &str,
		value: serde_json::Value,
	) -> Result<(), Failure> {
		let client = self.client().await?;
		let included = self.submit(&client, call).await?;
		self.report(sentence, value, &included);
		Ok(())
	}

	/// Reports what `included` did: `sentence` for people, `value` with the block (and the
	/// ward a guardian acted for) for scripts.
	fn report(
		&self,
		sentence: &str,
		mut value: serde_json::Value,
		included: &salus_client::Included,
	) {
		if let Some(fields) = value.as_object_mut() {
			fields.insert("block".into(), json!(included.block_hash));
			if let Some(ward) = &self.ward {
				fields.insert("ward".into(), json!(ward.to_string()));
			}
		}
		match &self.ward {
			Some(ward) => self.out.done(&format!("{sentence} (for {ward})"), value),
			None => self.out.done(sentence, value),
		}
	}

	/// Refuses `--for` for something a guardian does not do for its ward.
	fn not_for_a_ward(&self, what: &str) -> Result<(), Failure> {
		match self.ward {
			Some(_) => Err(Failure::input(format!("a guardian does not {what} for its ward"))),
			None => Ok(()),
		}
	}
}

async fn run(cli: Cli, out: Output) -> Result<(), Failure> {
	let wait = match cli.wait {
		WaitFor::InBlock => Wait::InBlock,
		WaitFor::Finalized => Wait::Finalized,
	};
	let ward = cli.ward.as_deref().map(account).transpose()?;
	if ward.is_some() && !matches!(cli.role, Role::Patient(_)) {
		return Err(Failure::input(
			"--for WARD is for a guardian's patient commands (salus --for WARD patient …)",
		));
	}
	let cx = Context { url: cli.url, signer: cli.signer, wait, out, ward };
	match cli.role {
		Role::Keys(command) => keys(command, &cx),
		Role::Patient(command) => patient(command, &cx).await,
		Role::Provider(command) => provider(command, &cx).await,
		Role::Governance(command) => governance::run(command, &cx).await,
		Role::Chain(command) => chain(command, &cx).await,
		Role::Completions { shell } => {
			clap_complete::generate(shell, &mut Cli::command(), "salus", &mut std::io::stdout());
			Ok(())
		},
	}
}

fn keys(command: KeysCommand, cx: &Context) -> Result<(), Failure> {
	match command {
		KeysCommand::New { name } => {
			let phrase = bip39::Mnemonic::generate(24)
				.map_err(|e| Failure::input(e.to_string()))?
				.to_string();
			let signer = Signer::from_secret_uri(&phrase)?;
			let key = keystore::KeyFile {
				suri: phrase,
				account: signer.account().to_string(),
				salt: None,
			};
			let path = keystore::write(&name, &key, false)?;
			cx.out.done(
				&format!("key {name}: account {}, in {}", signer.account(), path.display()),
				json!({ "name": name, "account": signer.account().to_string(), "file": path }),
			);
			Ok(())
		},
		KeysCommand::List => {
			let mut rows = Vec::new();
			for name in keystore::names()? {
				let key = keystore::read(&name)?;
				rows.push(vec![
					name,
					key.account,
					if key.salt.is_some() { "yes" } else { "no" }.to_owned(),
				]);
			}
			cx.out.table(&["name", "account", "patient salt"], rows);
			Ok(())
		},
	}
}

async fn patient(command: PatientCommand, cx: &Context) -> Result<(), Failure> {
	match command {
		PatientCommand::Register { jurisdiction } => {
			// The salt is kept in the signer's keystore: a ward's would be lost to it.
			cx.not_for_a_ward("register (the ward registers with its own key)")?;
			let jurisdiction = country(&jurisdiction)?;
			let identifier = std::env::var("SALUS_PATIENT_IDENTIFIER").map_err(|_| {
				Failure::input("put your identifier in SALUS_PATIENT_IDENTIFIER: it is hashed here and never sent")
			})?;
			let name = cx.signer.clone().unwrap_or_default();
			let mut key = keystore::read(&name).map_err(|_| {
				Failure::input("register with a key of the local keystore (salus keys new NAME): the salt is kept there")
			})?;
			let salt: [u8; 32] = match &key.salt {
				Some(hex) => parse_hash(hex)?.0,
				None => rand::random(),
			};
			// The salt is kept before anything is sent: a crash after registering must not
			// lose it.
			key.salt = Some(format!("{:?}", H256(salt)));
			keystore::write(&name, &key, true)?;
			let client = cx.client().await?;
			let signer = cx.signer()?;
			let included = client
				.register_patient(
					&signer,
					commitment(&identifier, &salt),
					jurisdiction,
					None,
					cx.wait,
				)
				.await?;
			cx.out.done(
				&format!(
					"registered {} as a patient in block {:?}",
					signer.account(),
					included.block_hash
				),
				json!({ "patient": signer.account().to_string(), "block": included.block_hash }),
			);
			Ok(())
		},
		PatientCommand::Consent(command) => consent(command, cx).await,
		PatientCommand::Requests => {
			let client = cx.client().await?;
			let me = cx.patient()?;
			let rows = client
				.pending_requests_of(&me, None)
				.await?
				.into_iter()
				.map(|(id, request)| {
					vec![
						id.to_string(),
						request.practitioner.to_string(),
						request.provider.to_string(),
						classes_text(request.classes),
						request.purpose.code().to_owned(),
						request.bounty.to_string(),
					]
				})
				.collect();
			cx.out
				.table(&["id", "requester", "provider", "classes", "purpose", "bounty"], rows);
			Ok(())
		},
		PatientCommand::Approve { id, classes } => {
			let classes = classes.map(|list| class_set(&list)).transpose()?;
			cx.send(
				tx::access::approve_request(id, classes),
				&format!("approved request {id}"),
				json!({ "request": id }),
			)
			.await
		},
		PatientCommand::Deny { id } => {
			cx.send(
				tx::access::deny_request(id),
				&format!("denied request {id}"),
				json!({ "request": id }),
			)
			.await
		},
		PatientCommand::Emergencies => {
			let client = cx.client().await?;
			let me = cx.patient()?;
			let rows = client
				.emergencies_of(&me, None)
				.await?
				.into_iter()
				.map(|(id, emergency)| {
					vec![
						id.to_string(),
						emergency.practitioner.to_string(),
						emergency.provider.to_string(),
					]
				})
				.collect();
			cx.out.table(&["id", "practitioner", "provider"], rows);
			Ok(())
		},
		PatientCommand::Acknowledge { id } => {
			cx.send(
				tx::access::acknowledge_emergency(id),
				&format!("acknowledged emergency {id}"),
				json!({ "emergency": id }),
			)
			.await
		},
		PatientCommand::Disclosures { patient, format, out } => {
			let client = cx.client().await?;
			let who = cx.account_or_patient(patient.as_deref())?;
			let records = client.disclosure_records(&who, None).await?;
			let text = match format {
				LogFormat::Table => {
					let rows = records
						.iter()
						.map(|r| {
							vec![
								r.id.to_string(),
								fhir_time::rfc3339(r.at).unwrap_or_default(),
								r.accessor.to_string(),
								r.provider.to_string(),
								codes::data_class_code(r.class).0.to_owned(),
								r.purpose.code().to_owned(),
								salus_fhir::audit::basis_token(&r.basis),
							]
						})
						.collect();
					cx.out.table(
						&["id", "date", "practitioner", "provider", "class", "purpose", "basis"],
						rows,
					);
					return Ok(());
				},
				LogFormat::Fhir => {
					let chain = client.chain_info().await?;
					let bundle = salus_fhir::audit_bundle(&chain, &records, now_ms())?;
					serde_json::to_string_pretty(&bundle)
						.map_err(|e| Failure::input(e.to_string()))?
				},
				LogFormat::Csv => salus_fhir::audit_csv(&records)?,
			};
			emit(&text, out.as_deref(), cx, records.len(), "disclosures")
		},
		PatientCommand::Rewards => {
			let client = cx.client().await?;
			let me = cx.patient()?;
			let pending = client.pending_rewards(&me, None).await?;
			cx.out.done(
				&format!("{pending} planck to claim"),
				json!({ "pending": pending.to_string() }),
			);
			Ok(())
		},
		PatientCommand::Claim => cx.send(tx::rewards::claim_rewards(), "claimed", json!({})).await,
		PatientCommand::Guardian(command) => guardian(command, cx).await,
		PatientCommand::Contest { id, evidence } => {
			let call = tx::access::contest_emergency(id, evidence.hash()?);
			let client = cx.client().await?;
			let included = cx.submit(&client, call).await?;
			let dispute = disputes::opened(&included)?;
			disputes::report(
				cx,
				&format!("emergency {id} contested: dispute {dispute}"),
				dispute,
				&included,
			);
			Ok(())
		},
		PatientCommand::Dispute { provider, disclosure, evidence } => {
			let subject = match disclosure {
				Some(id) => DisputeSubject::Disclosure(id),
				None => DisputeSubject::Conduct,
			};
			let call = tx::disputes::open_dispute(provider, subject, evidence.hash()?);
			let client = cx.client().await?;
			let included = cx.submit(&client, call).await?;
			let dispute = disputes::opened(&included)?;
			disputes::report(
				cx,
				&format!(
					"dispute {dispute} opened against provider {provider} about its {}",
					disputes::subject_text(&subject)
				),
				dispute,
				&included,
			);
			Ok(())
		},
		PatientCommand::Evidence { dispute, evidence } => {
			disputes::file_evidence(cx, dispute, &evidence).await
		},
		PatientCommand::Appeal { dispute } => disputes::appeal(cx, dispute).await,
		PatientCommand::Disputes => {
			let client = cx.client().await?;
			let me = cx.patient()?;
			disputes::list(cx, &client, disputes::claimed_by(&me)).await
		},
	}
}

async fn guardian(command: GuardianCommand, cx: &Context) -> Result<(), Failure> {
	match command {
		GuardianCommand::Add { account: guardian } => {
			cx.not_for_a_ward("appoint guardians")?;
			let guardian = account(&guardian)?;
			cx.send(
				tx::guardian::appoint(guardian.clone()),
				&format!(
					"{guardian} is your guardian: it may make your health calls, and nothing else"
				),
				json!({ "guardian": guardian.to_string() }),
			)
			.await
		},
		GuardianCommand::Remove { account: guardian } => {
			cx.not_for_a_ward("remove guardians")?;
			let guardian = account(&guardian)?;
			cx.send(
				tx::guardian::remove(guardian.clone()),
				&format!("{guardian} is no longer your guardian"),
				json!({ "removed": guardian.to_string() }),
			)
			.await
		},
		GuardianCommand::List => {
			let client = cx.client().await?;
			let rows = client
				.guardians_of(&cx.patient()?, None)
				.await?
				.into_iter()
				.map(|guardian| vec![guardian.to_string()])
				.collect();
			cx.out.table(&["guardian"], rows);
			Ok(())
		},
	}
}

async fn consent(command: ConsentCommand, cx: &Context) -> Result<(), Failure> {
	match command {
		ConsentCommand::List { patient } => {
			let client = cx.client().await?;
			let now = now_ms();
			let who = cx.account_or_patient(patient.as_deref())?;
			let rows = client
				.consents_of(&who, None)
				.await?
				.iter()
				.map(|consent| {
					let terms = stored_consent(consent).terms;
					vec![consent.id.to_string(), terms.describe(), consent_state(consent, now)]
				})
				.collect();
			cx.out.table(&["id", "consent", "state"], rows);
			Ok(())
		},
		ConsentCommand::Grant(args) => {
			let terms = grant_terms(args)?;
			let client = cx.client().await?;
			sign_consents(&client, cx, &[terms]).await
		},
		ConsentCommand::Revoke { id } => {
			cx.send(
				tx::consent::revoke_consent(id),
				&format!("revoked consent {id}"),
				json!({ "consent": id }),
			)
			.await
		},
		ConsentCommand::Import { file, yes, utc_offset } => {
			let zone = fhir_time::offset(&utc_offset).map_err(Failure::input)?;
			let text = std::fs::read_to_string(&file)
				.map_err(|e| Failure::input(format!("cannot read {}: {e}", file.display())))?;
			let patient = cx.patient()?;
			let terms = import_consent_in(&text, &patient, zone)?;
			let client = cx.client().await?;
			let held = client.consents_of(&patient, None).await?;
			if !cx.out.json || !yes {
				eprintln!(
					"{} becomes {} Salus consent(s) of {patient}, recorded together:",
					file.display(),
					terms.len()
				);
				for (index, terms) in terms.iter().enumerate() {
					eprintln!("  {}. {}", index.saturating_add(1), terms.describe());
				}
				let live: Vec<_> = held.iter().filter(|c| c.revoked_at.is_none()).collect();
				if !live.is_empty() {
					eprintln!(
						"You hold {} other consent(s); they stay until you revoke them:",
						live.len()
					);
					for consent in live {
						eprintln!("  {}: {}", consent.id, stored_consent(consent).terms.describe());
					}
				}
			}
			if !yes && !confirm("Sign them?")? {
				return Err(Failure {
					message: "nothing signed".into(),
					exit: Exit::Other,
					detail: None,
				});
			}
			sign_consents(&client, cx, &terms).await
		},
		ConsentCommand::Export { patient, out } => {
			let client = cx.client().await?;
			let who = cx.account_or_patient(patient.as_deref())?;
			let consents = client.consents_of(&who, None).await?;
			let stored: Vec<_> = consents.iter().map(stored_consent).collect();
			let bundle = salus_fhir::export_consents(&who, &stored, now_ms())?;
			let text =
				serde_json::to_string_pretty(&bundle).map_err(|e| Failure::input(e.to_string()))?;
			emit(&text, out.as_deref(), cx, stored.len(), "consents")
		},
	}
}

/// Signs `terms` in one transaction: every consent is recorded, or (the chain refusing one)
/// none.
async fn sign_consents(
	client: &Client,
	cx: &Context,
	terms: &[ConsentTerms],
) -> Result<(), Failure> {
	let included = cx.submit(client, grant_all(terms)?).await?;
	let recorded = granted_consents(&included);
	if recorded.len() != terms.len() {
		return Err(Failure {
			message: format!(
				"{} of {} consents recorded: {recorded:?}",
				recorded.len(),
				terms.len()
			),
			exit: Exit::Other,
			detail: Some(json!({ "recorded": recorded })),
		});
	}
	let ids: Vec<String> = recorded.iter().map(u64::to_string).collect();
	// With the block, as every command that sends reports it.
	cx.report(
		&format!("recorded consent(s) {}", ids.join(", ")),
		json!({ "consents": recorded }),
		&included,
	);
	Ok(())
}

fn grant_terms(args: GrantArgs) -> Result<ConsentTerms, Failure> {
	let grantee = match (args.provider, args.practitioner, args.kind, args.country) {
		(Some(id), None, None, None) => Grantee::Provider(id),
		(None, Some(ss58), None, None) => Grantee::Practitioner(account(&ss58)?),
		(None, None, kind, country) => Grantee::Providers {
			kind: kind.as_deref().map(provider_kind).transpose()?,
			jurisdiction: country.as_deref().map(self::country).transpose()?,
		},
		_ => {
			return Err(Failure::input(
				"give one grantee: --provider, --practitioner, or --kind and/or --country",
			))
		},
	};
	let purposes = match args.purposes {
		Some(list) => purpose_set(&list)?,
		None => PurposeSet::full(),
	};
	let jurisdictions = args
		.jurisdictions
		.map(|list| list.iter().map(|code| country(code)).collect::<Result<Vec<_>, _>>())
		.transpose()?;
	let from = args.from.as_deref().map(|at| moment(at, fhir_time::End::Start)).transpose()?;
	let until = args.until.as_deref().map(|at| moment(at, fhir_time::End::End)).transpose()?;
	Ok(ConsentTerms {
		grantee,
		decision: if args.deny { Decision::Deny } else { Decision::Permit },
		classes: class_set(&args.classes)?,
		purposes,
		jurisdictions,
		valid_from: from,
		valid_until: until,
	})
}

async fn provider(command: ProviderCommand, cx: &Context) -> Result<(), Failure> {
	match command {
		ProviderCommand::Register { name, kind, jurisdiction, parent } => {
			let (kind, jurisdiction) = (provider_kind(&kind)?, country(&jurisdiction)?);
			let client = cx.client().await?;
			let signer = cx.signer()?;
			let id = client
				.register_provider(&signer, &name, kind, jurisdiction, parent, cx.wait)
				.await?;
			cx.out.done(&format!("registered provider {id}"), json!({ "provider": id }));
			Ok(())
		},
		ProviderCommand::AddPractitioner { account: practitioner, role } => {
			let role = practitioner_role(&role)?;
			let practitioner = account(&practitioner)?;
			cx.send(
				tx::identity::add_practitioner(practitioner.clone(), role),
				&format!("proposed {practitioner}"),
				json!({ "practitioner": practitioner.to_string() }),
			)
			.await
		},
		ProviderCommand::Join { provider } => {
			cx.send(
				tx::identity::accept_practitioner(provider),
				&format!("joined provider {provider}"),
				json!({ "provider": provider }),
			)
			.await
		},
		ProviderCommand::Check { patient, accessor, class, purpose, runtime } => {
			let accessor = match accessor {
				Some(ss58) => account(&ss58)?,
				None => cx.signer()?.account(),
			};
			let q = query(account(&patient)?, accessor, data_class(&class)?, purpose_of(&purpose)?);
			let client = cx.client().await?;
			let answer = if runtime {
				client.check_access(&q, None, None).await?
			} else {
				client.rpc_check_access(&q, None, None).await?
			};
			let (sentence, permitted) = match &answer {
				AccessAnswer::Permit { basis } => {
					(format!("permit ({})", salus_fhir::audit::basis_text(basis)), true)
				},
				AccessAnswer::Deny { reason } => (format!("deny ({reason:?})"), false),
			};
			cx.out.done(&sentence, json!({ "permit": permitted, "decision": answer }));
			Ok(())
		},
		ProviderCommand::Log { patient, class, purpose, record } => {
			let call = tx::access::log_disclosure(
				account(&patient)?,
				data_class(&class)?,
				purpose_of(&purpose)?,
				record.as_deref().map(parse_hash).transpose()?,
			);
			let client = cx.client().await?;
			let included = cx.submit(&client, call).await?;
			let id = created(&included, "disclosure", |event| match event {
				salus_client::RuntimeEvent::Access(pallet_access::Event::DisclosureLogged {
					id,
					..
				}) => Some(*id),
				_ => None,
			})?;
			cx.report(&format!("logged disclosure {}", id), json!({ "disclosure": id }), &included);
			Ok(())
		},
		ProviderCommand::LogFile { file, batch } => bulk::log_file(&file, batch, cx).await,
		ProviderCommand::Request { patient, classes, purpose, days, justification, bounty } => {
			let call = tx::access::request_access(
				account(&patient)?,
				class_set(&classes)?,
				purpose_of(&purpose)?,
				days.saturating_mul(86_400_000),
				parse_hash(&justification)?,
				bounty,
			);
			let client = cx.client().await?;
			let included = cx.submit(&client, call).await?;
			let id = created(&included, "request", |event| match event {
				salus_client::RuntimeEvent::Access(pallet_access::Event::AccessRequested {
					id,
					..
				}) => Some(*id),
				_ => None,
			})?;
			cx.report(&format!("request {} sent", id), json!({ "request": id }), &included);
			Ok(())
		},
		ProviderCommand::CheckFile { file, runtime } => check::check_file(&file, runtime, cx).await,
		ProviderCommand::RemovePractitioner { account: practitioner } => {
			let practitioner = account(&practitioner)?;
			cx.send(
				tx::identity::remove_practitioner(practitioner.clone()),
				&format!("removed {practitioner}"),
				json!({ "removed": practitioner.to_string() }),
			)
			.await
		},
		ProviderCommand::Leave => {
			cx.send(tx::identity::leave_provider(), "left the provider", json!({})).await
		},
		ProviderCommand::CancelRequest { id } => {
			cx.send(
				tx::access::cancel_request(id),
				&format!("request {id} withdrawn"),
				json!({ "request": id }),
			)
			.await
		},
		ProviderCommand::Disputes => {
			let client = cx.client().await?;
			let me = cx.signer()?.account();
			let provider = client.provider_of(&me, None).await?.ok_or_else(|| {
				Failure::input(format!("{me} administers no provider and practises at none"))
			})?;
			disputes::list(cx, &client, |dispute| dispute.respondent == provider).await
		},
		ProviderCommand::Evidence { dispute, evidence } => {
			disputes::file_evidence(cx, dispute, &evidence).await
		},
		ProviderCommand::Appeal { dispute } => disputes::appeal(cx, dispute).await,
		ProviderCommand::Emergency { patient, justification } => {
			let call =
				tx::access::declare_emergency(account(&patient)?, parse_hash(&justification)?);
			let client = cx.client().await?;
			let included = cx.submit(&client, call).await?;
			let id = created(&included, "emergency", |event| match event {
				salus_client::RuntimeEvent::Access(pallet_access::Event::EmergencyDeclared {
					id,
					..
				}) => Some(*id),
				_ => None,
			})?;
			cx.report(
				&format!("emergency {} declared: it will be reviewed", id),
				json!({ "emergency": id }),
				&included,
			);
			Ok(())
		},
	}
}

async fn chain(command: ChainCommand, cx: &Context) -> Result<(), Failure> {
	use futures::StreamExt;
	let client = cx.client().await?;
	match command {
		ChainCommand::Status => {
			let name: String = client.rpc("system_chain", subxt::rpcs::rpc_params![]).await?;
			let best = client.block_number(None).await?;
			let finalized = client.block_number(Some(client.finalized_hash().await?)).await?;
			let version: serde_json::Value =
				client.rpc("state_getRuntimeVersion", subxt::rpcs::rpc_params![]).await?;
			let spec = version.get("specVersion").cloned().unwrap_or_default();
			cx.out.done(
				&format!("{name}: best #{best}, finalized #{finalized}, runtime version {spec}"),
				json!({ "chain": name, "best": best, "finalized": finalized, "specVersion": spec }),
			);
			Ok(())
		},
		ChainCommand::Watch { account: who, provider, count, best } => {
			let concerning = match (who, provider) {
				(Some(ss58), None) => salus_client::Concerning::Account(account(&ss58)?),
				(None, Some(id)) => salus_client::Concerning::Provider(id),
				_ => return Err(Failure::input("watch whom? give --account or --provider")),
			};
			let stream = client.watch(concerning, !best).await?;
			let mut stream = std::pin::pin!(stream);
			let mut seen = 0usize;
			while let Some(watched) = stream.next().await {
				let watched = watched?;
				let text = format!("#{} {:?}", watched.block_number, watched.event);
				cx.out.done(&text, json!({ "block": watched.block_number, "hash": watched.block_hash, "event": format!("{:?}", watched.event) }));
				std::io::stdout().flush().map_err(|e| Failure::input(e.to_string()))?;
				seen = seen.saturating_add(1);
				if count.is_some_and(|count| seen >= count) {
					break;
				}
			}
			Ok(())
		},
	}
}

fn emit(
	text: &str,
	out: Option<&std::path::Path>,
	cx: &Context,
	count: usize,
	what: &str,
) -> Result<(), Failure> {
	match out {
		Some(path) => {
			keystore::write_private(path, text.as_bytes()).map_err(Failure::input)?;
			if !cx.out.json {
				eprintln!("{count} {what} written to {}", path.display());
			} else {
				println!("{}", json!({ "file": path, "count": count }));
			}
		},
		None => println!("{text}"),
	}
	Ok(())
}

fn confirm(question: &str) -> Result<bool, Failure> {
	use std::io::IsTerminal;
	if !std::io::stdin().is_terminal() {
		return Err(Failure::input("not asking without a terminal: add --yes to sign"));
	}
	eprint!("{question} [y/N] ");
	let mut answer = String::new();
	std::io::stdin()
		.read_line(&mut answer)
		.map_err(|e| Failure::input(e.to_string()))?;
	Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
		.unwrap_or_default()
}

fn consent_state(consent: &salus_client::api::Consent, now: u64) -> String {
	if consent.revoked_at.is_some_and(|at| at <= now) {
		"revoked"
	} else if consent.valid_until.is_some_and(|until| until <= now) {
		"expired"
	} else if consent.valid_from > now {
		"not yet valid"
	} else {
		"active"
	}
	.to_owned()
}

fn classes_text(classes: DataClassSet) -> String {
	classes
		.iter()
		.map(|c| codes::data_class_code(c).0)
		.collect::<Vec<_>>()
		.join(",")
}

#[cfg(test)]
mod tests {
	use super::*;

	/// clap's own checks of the command line (unique names, groups, defaults), which it
	/// otherwise makes only when a subcommand is first used.
	#[test]
	fn the_command_line_is_consistent() {
		Cli::command().debug_assert();
	}

	#[test]
	fn a_refused_command_line_is_one_line() {
		let error = Cli::try_parse_from(["salus", "patient", "dispute", "0"]).err().unwrap();
		let line = one_line(&error.render().to_string());
		assert!(line.starts_with("the following required arguments were not provided"), "{line}");
		assert!(line.contains("--evidence") && !line.contains('\n'), "{line}");
		let error = Cli::try_parse_from(["salus", "patient", "approve", "x"]).err().unwrap();
		let line = one_line(&error.render().to_string());
		assert!(line.contains("invalid value 'x'") && !line.contains("Usage"), "{line}");
	}
}
