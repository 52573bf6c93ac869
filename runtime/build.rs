//! Builds the wasm blob of the runtime, which the node executes.

#[cfg(feature = "std")]
fn main() {
	// The target directory may live outside the checkout ($HOME/.cache/salus/target); tell the
	// wasm builder where the workspace is, so the wasm build uses our Cargo.lock. Set here, for
	// this build script only: other crates' wasm builds must not see it.
	// The manifest directory is read when the script runs, not when it is compiled: cargo
	// reuses a compiled build script across checkouts of the workspace (its hash does not
	// depend on the checkout's path), so a compile-time path may name another, removed clone.
	if std::env::var_os("WASM_BUILD_WORKSPACE_HINT").is_none() {
		if let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
			let workspace = std::path::Path::new(&manifest_dir).join("..");
			std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
		}
	}

	#[cfg(feature = "metadata-hash")]
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		// The token symbol and decimals the hash commits to: `token::SYMBOL`, `token::DECIMALS`.
		.enable_metadata_hash("SLS", 12)
		.build();

	#[cfg(not(feature = "metadata-hash"))]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// The wasm build needs `std` (the build script runs on the host).
#[cfg(not(feature = "std"))]
fn main() {}
