# Flow — common commands. The README's two commands are `scripts/run-example` and `scripts/test`;
# these targets call the same scripts.

.PHONY: example test specs bench clean

example:        ## Build in release and run the WordCount example
	scripts/run-example WordCount

test:           ## Run every test (what CI runs)
	scripts/test

specs:          ## Model-check the Promela models in Specs/ with spin (part of `test`)
	scripts/check-specs

bench:          ## Run the benchmarks (release build of Benchmarks/; minutes): every package benchmark, then the latency run and the sum on every backend
	scripts/bootstrap
	# Recompile the benchmark executables themselves: an incremental release build kept their
	# specializations of Flow's @inlinable code after that code changed (seen 2026-11-23), so the
	# figures would have come from the old code.
	find Benchmarks/Benchmarks Benchmarks/Tools -name '*.swift' -exec touch {} +
	cd Benchmarks && swift package --disable-sandbox benchmark --format markdown
	cd Benchmarks && swift run -c release LatencyBenchmark
	cd Benchmarks && swift run -c release SumBackendsBenchmark

clean:
	rm -rf .build .build-* Benchmarks/.build
