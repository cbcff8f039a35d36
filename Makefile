# Flow — common commands. The README's two commands are `scripts/run-example` and `scripts/test`;
# these targets call the same scripts.

.PHONY: example test specs bench format clean

example:        ## Build in release and run the WordCount example
	scripts/run-example WordCount

test:           ## Run every test (what CI runs)
	scripts/test

specs:          ## Model-check the Promela models in Specs/ with spin (part of `test`)
	scripts/check-specs

format:         ## Format Sources, Tests and Examples as .swift-format says (`test` checks it)
	swift format format -i --configuration .swift-format -r Sources Tests Examples

bench:          ## Run the benchmarks (release build of Benchmarks/; minutes): every package benchmark, the fused chain's batch sweep, the latency run, the sum on every backend the 1 MiB-record memory probe, the timer sweep and the mailbox latency
	scripts/bootstrap
	# Rebuild Flow and the benchmarks from scratch in release (about 90 s): an incremental
	# release build kept stale specializations of Flow's @inlinable code after it changed, and
	# did not always recompile a changed Flow module (both seen 2026-11-23), so the figures would
	# have come from the old code.
	rm -rf Benchmarks/.build/*-unknown-linux-gnu/release Benchmarks/.build/release
	cd Benchmarks && swift package --disable-sandbox benchmark --format markdown
	cd Benchmarks && swift run -c release FusedChainSweep typed 10
	cd Benchmarks && swift run -c release FusedChainSweep closures 10
	cd Benchmarks && swift run -c release LatencyBenchmark
	cd Benchmarks && swift run -c release SumBackendsBenchmark
	cd Benchmarks && swift run -c release BigRecordsBenchmark 1 && swift run -c release BigRecordsBenchmark 2
	cd Benchmarks && swift run -c release TimerSweep
	cd Benchmarks && swift run -c release MailboxLatency 500

clean:
	rm -rf .build .build-* Benchmarks/.build
