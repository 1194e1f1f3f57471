# The README's commands. Each installs what it needs on a fresh machine.
.PHONY: build test fuzz demo sandbox clean

build:
	bash scripts/build.sh

test:
	bash scripts/test.sh

# Every fuzz target for FUZZ_SECONDS (default 60) seconds each: scripts/fuzz.sh.
fuzz:
	bash scripts/fuzz.sh

demo:
	bash scripts/demo.sh

sandbox:
	node tests/sandbox/server.mjs

clean:
	rm -rf dist target/wasm32-unknown-unknown/release test-results
