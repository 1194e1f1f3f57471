# The README's commands. Each installs what it needs on a fresh machine.
.PHONY: build test bench fuzz demo sandbox clean

build:
	bash scripts/build.sh

test:
	bash scripts/test.sh

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
