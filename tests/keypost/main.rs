//! The core's tests: one test crate, natively and compiled to wasm32 (wasm-bindgen-test, under
//! Node), so that `cargo test` links one test binary per target instead of one per file. Each
//! module is one former `tests/<name>.rs` file; a test's name starts with its module's
//! (`schedule::...`), so `cargo test --test keypost schedule::` runs one area.
//!
//! - natively: `cargo test --test keypost`
//! - in wasm: `cargo test --target wasm32-unknown-unknown --test keypost`; the modules that
//!   switch `#[test]` to `wasm_bindgen_test` run there, the others are native only in effect
//! - the fuzz targets' smoke runs (`#[ignore]`d): `cargo test --test keypost -- --ignored fuzz::`
//!
//! The wasm exports (`tests/wasm_bindings.rs`) stay a crate of their own: they are run again
//! with `--features test-hooks`, which should not rebuild every test here.

mod support;

mod accounts;
mod boundary;
mod compose;
mod compose_checks;
mod compose_outbox;
mod compose_poster;
mod cost;
mod csv_plan;
mod daily_limits;
// Native only: proptest is a native dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
mod fuzz;
mod late;
// Native only: it reads the files of src/.
#[cfg(not(target_arch = "wasm32"))]
mod layers;
mod notice;
mod oauth1;
mod post_attempt;
// Native only: the reference signer (oauth1-request) is a native dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
mod oauth1_differential;
mod recur;
mod rekey;
mod schedule;
mod schedule_run;
mod sealed;
mod series;
mod slots;
mod text;
mod upload_pacing;
mod upload_session;
mod vault;
mod x_api;
mod x_refusals;
// Native only: the worker on the in-memory browser (src/worker/platform/memory.rs).
#[cfg(not(target_arch = "wasm32"))]
mod worker_compose;
#[cfg(not(target_arch = "wasm32"))]
mod worker_draft;
#[cfg(not(target_arch = "wasm32"))]
mod worker_late;
#[cfg(not(target_arch = "wasm32"))]
mod worker_native;
#[cfg(not(target_arch = "wasm32"))]
mod worker_owner;
#[cfg(not(target_arch = "wasm32"))]
mod worker_plans;
#[cfg(not(target_arch = "wasm32"))]
mod worker_rekey;
mod worker_rules;
#[cfg(not(target_arch = "wasm32"))]
mod worker_scheduler;
#[cfg(not(target_arch = "wasm32"))]
mod worker_vault;
