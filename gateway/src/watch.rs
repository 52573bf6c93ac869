//! The gateway's connection to its node: the heads subscription (the node's best block), the
//! access-change subscriptions that keep the cache exact ([`crate::cache`]), and reconnection.
//!
//! One task owns the connection. It connects (retrying with backoff up to 10 s), subscribes to
//! new heads, and then, every [`TICK`], subscribes the next group of patients the cache asks
//! for ([`crate::cache::Cache::next_group`]): a replacement for a group whose subscription ended, or a group
//! that takes in the patients waiting to be watched. Each subscription's messages go straight
//! into the cache. When the heads subscription ends the connection is taken as lost: every
//! group is down (the cache stops answering, and drops what it knew), and the task connects
//! again.

use crate::{
	cache::{BlockRef, Change, GroupId},
	Shared,
};
use salus_client::{AccountId, Client};
use std::{
	collections::HashMap,
	sync::Arc,
	time::{Duration, Instant},
};
use subxt::rpcs::rpc_params;
use tokio::{sync::mpsc, task::JoinHandle};

/// How often the watcher subscribes the next group.
pub const TICK: Duration = Duration::from_millis(200);

/// How long a new subscription may take to start (its `subscribed` message) and take over.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest wait between two connection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

enum Event {
	/// These groups were taken over: end their subscriptions.
	TakenOver(Vec<GroupId>),
	/// This group's subscription ended.
	Ended(GroupId),
	/// The heads subscription ended: the connection is lost.
	HeadsEnded,
}

/// Runs until `stop` fires: connects, follows, reconnects.
pub async fn run(shared: Arc<Shared>, mut stop: tokio::sync::watch::Receiver<bool>) {
	let mut backoff = Duration::from_millis(250);
	loop {
		match Client::connect(&shared.config.node).await {
			Ok(client) => {
				tracing::info!(node = %shared.config.node, "connected to the node");
				backoff = Duration::from_millis(250);
				shared.set_node(Some(client.clone()));
				tokio::select! {
					reason = follow(&shared, &client) => {
						tracing::warn!(%reason, "lost the node; the cache does not answer until it is back");
					},
					_ = stop.changed() => {},
				}
				shared.set_node(None);
				shared.cache().all_down();
			},
			Err(error) => {
				tracing::warn!(%error, retry_ms = backoff.as_millis() as u64, "cannot connect to the node");
			},
		}
		if *stop.borrow() {
			return;
		}
		tokio::select! {
			_ = tokio::time::sleep(backoff) => {},
			_ = stop.changed() => return,
		}
		backoff = backoff.saturating_mul(2).min(MAX_BACKOFF);
	}
}

/// Follows the node over `client` until the connection is lost; why.
async fn follow(shared: &Arc<Shared>, client: &Client) -> String {
	let heads = match client
		.subscribe::<salus_runtime::Header>(
			"chain_subscribeNewHeads",
			rpc_params![],
			"chain_unsubscribeNewHeads",
		)
		.await
	{
		Ok(heads) => heads,
		Err(error) => return error.to_string(),
	};
	let (events, mut received) = mpsc::unbounded_channel();
	let mut tasks: HashMap<GroupId, (JoinHandle<()>, Instant)> = HashMap::new();
	let heads_task = {
		let shared = shared.clone();
		let events = events.clone();
		tokio::spawn(async move {
			let mut heads = heads;
			while let Some(Ok(header)) = heads.next().await {
				let best = BlockRef { hash: header.hash(), number: header.number };
				shared.cache().set_best(Some(best));
			}
			shared.cache().set_best(None);
			let _ = events.send(Event::HeadsEnded);
		})
	};
	let mut tick = tokio::time::interval(TICK);
	tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
	let reason = loop {
		tokio::select! {
			_ = tick.tick() => {
				// A subscription that never started is given up (its patients wait again).
				let now = Instant::now();
				let stuck: Vec<GroupId> = tasks
					.iter()
					.filter(|(id, (_, started))| {
						now.saturating_duration_since(*started) > START_TIMEOUT && !shared.cache().is_current(**id)
					})
					.map(|(id, _)| *id)
					.collect();
				for id in stuck {
					tracing::warn!(group = id, "a subscription did not start in time; retrying");
					if let Some((task, _)) = tasks.remove(&id) {
						task.abort();
					}
					shared.cache().group_down(id);
				}
				// A subscription that went silent is replaced like one that ended.
				let silent = shared.cache().silent_groups(now);
				for id in silent {
					tracing::warn!(group = id, "an access-change subscription went silent; resubscribing");
					if let Some((task, _)) = tasks.remove(&id) {
						task.abort();
					}
					shared.cache().group_down(id);
				}
				let next = shared.cache().next_group();
				if let Some((id, patients)) = next {
					match subscribe(shared, client, id, patients, events.clone()).await {
						Ok(task) => {
							tasks.insert(id, (task, Instant::now()));
						},
						Err(error) => {
							shared.cache().group_down(id);
							break error;
						},
					}
				}
			},
			event = received.recv() => match event {
				Some(Event::TakenOver(ids)) => {
					for id in ids {
						if let Some((task, _)) = tasks.remove(&id) {
							task.abort();
						}
					}
				},
				Some(Event::Ended(id)) => {
					tasks.remove(&id);
					shared.cache().group_down(id);
					tracing::warn!(group = id, "an access-change subscription ended; resubscribing");
				},
				Some(Event::HeadsEnded) | None => break "the heads subscription ended".to_owned(),
			},
		}
	};
	heads_task.abort();
	for (_, (task, _)) in tasks {
		task.abort();
	}
	reason
}

/// Subscribes group `id` and feeds its messages to the cache in a task.
async fn subscribe(
	shared: &Arc<Shared>,
	client: &Client,
	id: GroupId,
	patients: Vec<AccountId>,
	events: mpsc::UnboundedSender<Event>,
) -> Result<JoinHandle<()>, String> {
	let mut subscription = client
		.subscribe::<Change>(
			"salus_subscribeAccessChanges",
			rpc_params![patients],
			"salus_unsubscribeAccessChanges",
		)
		.await
		.map_err(|e| e.to_string())?;
	let shared = shared.clone();
	Ok(tokio::spawn(async move {
		while let Some(message) = subscription.next().await {
			let Ok(change) = message else { break };
			let taken_over = shared.cache().apply(id, &change, Instant::now());
			if !taken_over.is_empty() {
				let _ = events.send(Event::TakenOver(taken_over));
			}
		}
		let _ = events.send(Event::Ended(id));
	}))
}
