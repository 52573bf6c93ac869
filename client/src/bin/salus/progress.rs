//! What a long operation shows while it runs, on standard error: a bar with the rate and the
//! time left for work counted in items (bulk logging, bulk checks), and the time waited for a
//! transaction's block or its finality.

use std::{
	future::Future,
	io::{IsTerminal, Write},
	time::{Duration, Instant},
};

/// A bar over `total` items of which this run began at `resumed_from`.
pub struct Bar {
	noun: &'static str,
	total: usize,
	resumed_from: usize,
	started: Instant,
}

impl Bar {
	/// A bar for `total` items called `noun`, `resumed_from` of them done before this run.
	pub fn new(noun: &'static str, total: usize, resumed_from: usize) -> Self {
		Self { noun, total, resumed_from, started: Instant::now() }
	}

	/// Redraws the bar at `done` items: how many, how fast this run went, how long still.
	pub fn show(&self, done: usize) {
		let this_run = done.saturating_sub(self.resumed_from) as f64;
		let rate = this_run / self.started.elapsed().as_secs_f64().max(0.001);
		let left = self.total.saturating_sub(done) as f64;
		let eta = if rate > 0.0 { left / rate } else { 0.0 };
		let width = 30usize;
		let filled = done.saturating_mul(width).checked_div(self.total).unwrap_or(width).min(width);
		eprint!(
			"\r[{}{}] {done}/{} {}, {rate:.1}/s, {eta:.0} s left   ",
			"#".repeat(filled),
			"-".repeat(width.saturating_sub(filled)),
			self.total,
			self.noun,
		);
		let _ = std::io::stderr().flush();
	}

	/// Ends the bar's line.
	pub fn finish(&self) {
		eprintln!();
	}
}

/// Runs `work`; on a terminal, shows meanwhile for how long it has waited for `what` (a
/// block, finality). Scripts, whose standard error is not a terminal, see nothing.
pub async fn waiting<T>(what: &str, work: impl Future<Output = T>) -> T {
	if !std::io::stderr().is_terminal() {
		return work.await;
	}
	let started = Instant::now();
	let mut work = std::pin::pin!(work);
	let mut tick = tokio::time::interval(Duration::from_millis(250));
	let frames = ['|', '/', '-', '\\'];
	let mut frame = 0usize;
	loop {
		tokio::select! {
			done = &mut work => {
				// Clears the line.
				eprint!("\r\x1b[2K");
				return done;
			},
			_ = tick.tick() => {
				frame = frame.wrapping_add(1);
				let spinner = frames.get(frame.checked_rem(frames.len()).unwrap_or(0)).copied().unwrap_or('-');
				eprint!("\r{spinner} waiting for {what}: {:.0} s", started.elapsed().as_secs_f64());
				let _ = std::io::stderr().flush();
			},
		}
	}
}
