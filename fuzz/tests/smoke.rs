//! A short run: the harness builds the dev genesis, runs the setup and a few hundred random
//! extrinsics, and every invariant holds; the same seed gives the same run.

use salus_fuzz::{run, Config};

#[test]
fn a_short_run_holds_every_invariant_and_is_deterministic() {
	let cfg = Config { seed: 7, extrinsics: 300, compact_every: 0, ..Default::default() };
	let first = run(cfg.clone());
	assert!(first.failure.is_none(), "{}", first.to_text());
	assert!(first.blocks > 5);
	assert!(first.extrinsics >= 300);
	assert!(first.salus_ok > 0, "no Salus call succeeded:\n{}", first.to_text());
	// The same run, rebuilding the state from its key-values every third block (the long runs'
	// memory bound): `compact` checks the storage root is unchanged, and the run is the same.
	let again = run(Config { compact_every: 3, ..cfg });
	assert!(again.failure.is_none(), "{}", again.to_text());
	assert!(again.timings.contains_key("compact"));
	assert_eq!(
		(first.extrinsics, first.blocks, first.ok, &first.outcomes),
		(again.extrinsics, again.blocks, again.ok, &again.outcomes)
	);
}
