# The README's commands. Each installs what it needs on a fresh machine.
.PHONY: build test ui e2e bench fuzz demo sandbox clean

build:
	bash scripts/build.sh

test:
	bash scripts/test.sh

# The inner loop's fast layers: the pages' unit tests and the X sandbox's own tests under
# Node, no browser (seconds). `cargo test` is the core's.
ui:
	bash scripts/ui.sh

# The end-to-end files in Chromium, two at a time; F=compose runs tests/e2e/compose.test.mjs
# alone (several: F="vault late"). Builds the sandbox build first (incremental).
e2e:
	bash scripts/e2e.sh $(F)

# Every benchmark row beside its baseline, one table, bench/results.json: scripts/bench.sh.
# Not part of make test; run it alone (it times things).
bench:
	bash scripts/bench.sh

# Every fuzz target for FUZZ_SECONDS (default 60) seconds each: scripts/fuzz.sh.
fuzz:
	bash scripts/fuzz.sh

demo:
	bash scripts/demo.sh

sandbox:
	node tests/sandbox/server.mjs

clean:
	rm -rf dist target/wasm32-unknown-unknown/release test-results
