//! `salus-gateway`: see the library's docs and `gateway/README.md`.

use clap::{Parser, Subcommand};
use salus_gateway::{config::Config, server, Shared};
use std::{path::PathBuf, process::ExitCode, sync::Arc};

/// The service a hospital runs beside its Salus node: AuthZEN decisions and the FHIR read API.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
	/// The configuration file (TOML; gateway/README.md).
	#[arg(long, env = "SALUS_GATEWAY_CONFIG", default_value = "salus-gateway.toml")]
	config: PathBuf,
	/// Log as JSON lines (for a log shipper) instead of text.
	#[arg(long, env = "SALUS_GATEWAY_LOG_JSON")]
	log_json: bool,
	#[command(subcommand)]
	command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
	/// Checks the configuration and exits.
	Check,
	/// Prints the SHA-256 of the API key read from standard input, for `key_sha256`.
	HashKey,
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let filter = tracing_subscriber::EnvFilter::try_from_env("SALUS_GATEWAY_LOG")
		.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
	let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
	if cli.log_json {
		logs.json().init();
	} else {
		logs.init();
	}
	match run(cli) {
		Ok(()) => ExitCode::SUCCESS,
		Err(message) => {
			eprintln!("salus-gateway: {message}");
			ExitCode::FAILURE
		},
	}
}

fn run(cli: Cli) -> Result<(), String> {
	if let Some(Command::HashKey) = cli.command {
		let mut key = String::new();
		std::io::stdin()
			.read_line(&mut key)
			.map_err(|e| format!("cannot read the key: {e}"))?;
		let key = key.trim_end_matches(['\n', '\r']);
		if key.len() < 16 {
			return Err("the key is shorter than 16 characters".into());
		}
		println!("{}", salus_gateway::config::key_digest_hex(key));
		return Ok(());
	}
	let config = Config::load(&cli.config).map_err(|e| e.to_string())?;
	if let Some(Command::Check) = cli.command {
		let password = std::env::var("SALUS_GATEWAY_KEYSTORE_PASSWORD").ok();
		let keys = match &config.outbox {
			Some(outbox) => {
				salus_gateway::sender::Keys::load(&outbox.keystore, password.as_deref())?.len()
			},
			None => 0,
		};
		println!(
			"{}: node {}, listening on {}, {} client(s), {} practitioner key(s)",
			cli.config.display(),
			config.node,
			config.listen,
			config.clients.len(),
			keys
		);
		return Ok(());
	}
	let password = std::env::var("SALUS_GATEWAY_KEYSTORE_PASSWORD").ok();
	let events = match &config.events {
		Some(events) => {
			let opened = salus_gateway::events::Events::open(events)?;
			tracing::info!(database = %events.database.display(), providers = ?events.providers, "the event log is open");
			Some(opened)
		},
		None => None,
	};
	let runtime = tokio::runtime::Builder::new_multi_thread()
		.enable_all()
		.build()
		.map_err(|e| format!("cannot start the runtime: {e}"))?;
	runtime.block_on(async move {
		let outbox = match &config.outbox {
			Some(outbox) => {
				let opened = salus_gateway::Outbox::open(outbox, password.as_deref()).await?;
				tracing::info!(database = %salus_gateway::outbox::redacted(&outbox.database), keys = opened.keys.len(), "the outbox is open");
				Some(opened)
			},
			None => None,
		};
		let listener = tokio::net::TcpListener::bind(config.listen)
			.await
			.map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
		let address = listener.local_addr().map_err(|e| e.to_string())?;
		tracing::info!(%address, node = %config.node, clients = config.clients.len(), "listening");
		let (stop, stopped) = tokio::sync::watch::channel(false);
		tokio::spawn(async move {
			shutdown_signal().await;
			tracing::info!("stopping: finishing the requests in flight");
			let _ = stop.send(true);
		});
		server::serve(Arc::new(Shared::new(config, outbox, events)), listener, stopped)
			.await
			.map_err(|e| format!("the server failed: {e}"))?;
		tracing::info!("stopped");
		Ok(())
	})
}

async fn shutdown_signal() {
	let interrupt = tokio::signal::ctrl_c();
	#[cfg(unix)]
	{
		let mut term =
			match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
				Ok(term) => term,
				Err(_) => {
					let _ = interrupt.await;
					return;
				},
			};
		tokio::select! {
			_ = interrupt => {},
			_ = term.recv() => {},
		}
	}
	#[cfg(not(unix))]
	let _ = interrupt.await;
}
