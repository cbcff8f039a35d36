# Flow — common commands. The README's two commands are `scripts/run-example` and `scripts/test`;
# these targets call the same scripts.

.PHONY: example test specs bench clean

example:        ## Build in release and run the WordCount example
	scripts/run-example WordCount

test:           ## Run every test (what CI runs)
	scripts/test

specs:          ## Model-check the Promela models in Specs/ with spin (part of `test`)
	scripts/check-specs

bench:          ## Run the benchmarks (release build of Benchmarks/; minutes): every package benchmark, then the latency run
	scripts/bootstrap
	cd Benchmarks && swift package --disable-sandbox benchmark --format markdown
	cd Benchmarks && swift run -c release LatencyBenchmark

clean:
	rm -rf .build .build-* Benchmarks/.build
