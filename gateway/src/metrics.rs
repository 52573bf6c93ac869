//! Prometheus metrics, in the text exposition format, without a metrics library: a handful of
//! counters and one latency histogram, kept in atomics.

use crate::cache::{Cache, Counters};
use std::{
	fmt::Write as _,
	sync::atomic::{AtomicU64, Ordering},
	time::Duration,
};

/// The upper bounds of the decision latency histogram, in microseconds.
pub const BUCKETS_US: [u64; 14] = [
	25, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 500_000, 1_000_000,
];

/// A latency histogram.
#[derive(Default)]
pub struct Histogram {
	buckets: [AtomicU64; 14],
	count: AtomicU64,
	sum_us: AtomicU64,
}

impl Histogram {
	/// Records one observation.
	pub fn observe(&self, took: Duration) {
		let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
		if let Some(bucket) = BUCKETS_US.iter().zip(&self.buckets).find(|(le, _)| us <= **le) {
			bucket.1.fetch_add(1, Ordering::Relaxed);
		}
		self.count.fetch_add(1, Ordering::Relaxed);
		self.sum_us.fetch_add(us, Ordering::Relaxed);
	}

	fn render(&self, name: &str, help: &str, out: &mut String) {
		let _ = writeln!(out, "# HELP {name} {help}");
		let _ = writeln!(out, "# TYPE {name} histogram");
		let mut cumulative = 0u64;
		for (le, bucket) in BUCKETS_US.iter().zip(&self.buckets) {
			cumulative = cumulative.saturating_add(bucket.load(Ordering::Relaxed));
			let seconds = *le as f64 / 1e6;
			let _ = writeln!(out, "{name}_bucket{{le=\"{seconds}\"}} {cumulative}");
		}
		let count = self.count.load(Ordering::Relaxed);
		let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
		let sum = self.sum_us.load(Ordering::Relaxed) as f64 / 1e6;
		let _ = writeln!(out, "{name}_sum {sum}");
		let _ = writeln!(out, "{name}_count {count}");
	}
}

/// Everything `/metrics` shows besides the cache's own counters.
#[derive(Default)]
pub struct Metrics {
	/// Latency of answered decision requests (one evaluation, or one batch), as the server saw it.
	pub decision_latency: Histogram,
	/// Decisions answered (each evaluation of a batch counts).
	pub decisions: AtomicU64,
	/// Requests refused for a missing or unknown API key.
	pub unauthorized: AtomicU64,
	/// Requests refused because the client may not act for the practitioner.
	pub forbidden: AtomicU64,
	/// Submissions refused because their client had `max_waiting` not yet on chain.
	pub over_quota: AtomicU64,
	/// Webhook deliveries answered 2xx.
	pub webhooks_delivered: AtomicU64,
	/// Webhook delivery attempts that failed (each retry counts).
	pub webhooks_failed: AtomicU64,
	/// Requests that failed because the node could not be reached or answered an error.
	pub node_errors: AtomicU64,
}

impl Metrics {
	/// Adds one to `counter`.
	pub fn count(counter: &AtomicU64) {
		counter.fetch_add(1, Ordering::Relaxed);
	}

	/// The exposition text, with the cache's state, whether the node is connected, and the
	/// outbox's depth and the age of its oldest entry in seconds (if it has an outbox).
	pub fn render(
		&self,
		cache: &Cache,
		connected: bool,
		outbox: Option<(u64, Option<u64>)>,
	) -> String {
		let mut out = String::new();
		self.decision_latency.render(
			"salus_gateway_decision_seconds",
			"Time to answer a decision request (one evaluation or one batch).",
			&mut out,
		);
		let counter = |out: &mut String, name: &str, help: &str, value: u64| {
			let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
		};
		let gauge = |out: &mut String, name: &str, help: &str, value: u64| {
			let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
		};
		let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
		counter(
			&mut out,
			"salus_gateway_decisions_total",
			"Decisions answered.",
			load(&self.decisions),
		);
		let Counters { hits, misses, bypasses, stale_answers, invalidated, evicted } =
			cache.counters();
		counter(
			&mut out,
			"salus_gateway_cache_hits_total",
			"Decisions answered from the cache.",
			hits,
		);
		counter(
			&mut out,
			"salus_gateway_cache_misses_total",
			"Decisions asked of the node at the last block told, then cached.",
			misses,
		);
		counter(&mut out, "salus_gateway_cache_bypasses_total", "Decisions asked of the node because the cache could not answer (patient not watched yet, subscription down or behind).", bypasses);
		counter(
			&mut out,
			"salus_gateway_cache_stale_answers_total",
			"Answers not cached because a change named their patient while they were asked.",
			stale_answers,
		);
		counter(
			&mut out,
			"salus_gateway_cache_invalidated_total",
			"Decisions dropped because a change named their patient.",
			invalidated,
		);
		counter(
			&mut out,
			"salus_gateway_cache_evicted_total",
			"Decisions dropped to make room.",
			evicted,
		);
		counter(
			&mut out,
			"salus_gateway_unauthorized_total",
			"Requests without a known API key.",
			load(&self.unauthorized),
		);
		counter(
			&mut out,
			"salus_gateway_forbidden_total",
			"Requests for a practitioner the client may not act for.",
			load(&self.forbidden),
		);
		counter(
			&mut out,
			"salus_gateway_over_quota_total",
			"Submissions refused: the client had max_waiting not yet on chain.",
			load(&self.over_quota),
		);
		counter(
			&mut out,
			"salus_gateway_webhooks_delivered_total",
			"Webhook deliveries answered 2xx.",
			load(&self.webhooks_delivered),
		);
		counter(
			&mut out,
			"salus_gateway_webhook_failures_total",
			"Webhook delivery attempts that failed (each retry counts).",
			load(&self.webhooks_failed),
		);
		counter(
			&mut out,
			"salus_gateway_node_errors_total",
			"Requests that failed at the node.",
			load(&self.node_errors),
		);
		let (entries, watched, pending, groups) = cache.sizes();
		gauge(&mut out, "salus_gateway_cache_entries", "Decisions cached.", entries as u64);
		gauge(
			&mut out,
			"salus_gateway_watched_patients",
			"Patients watched through access-change subscriptions.",
			watched as u64,
		);
		gauge(
			&mut out,
			"salus_gateway_pending_patients",
			"Patients waiting to be watched.",
			pending as u64,
		);
		gauge(
			&mut out,
			"salus_gateway_subscriptions",
			"Access-change subscriptions (groups of patients).",
			groups as u64,
		);
		gauge(
			&mut out,
			"salus_gateway_node_connected",
			"1 if the gateway is connected to its node.",
			u64::from(connected),
		);
		if let Some(best) = cache.best() {
			gauge(
				&mut out,
				"salus_gateway_node_best_block",
				"The node's best block.",
				u64::from(best.number),
			);
		}
		if let Some((depth, oldest_age)) = outbox {
			gauge(
				&mut out,
				"salus_gateway_outbox_depth",
				"Reports not yet on chain or refused.",
				depth,
			);
			gauge(
				&mut out,
				"salus_gateway_outbox_oldest_seconds",
				"Age of the oldest report not yet on chain or refused.",
				oldest_age.unwrap_or(0),
			);
		}
		if let Some(lag) = cache.lag() {
			gauge(&mut out, "salus_gateway_subscription_lag_blocks", "Blocks between the node's best block and the last one the slowest subscription told.", u64::from(lag));
		}
		out
	}
}
