# mk/bench.mk - benchmarks (included by the Makefile; not part of make check).
#
#   make bench        generate the inputs under build/bench/ (bench/gen.py),
#                     then time paidoc and its peers on them (bench/run.py):
#                     txt>html, txt>md, txt>docx, md>html, docx>txt against
#                     cmark, pandoc, gzip -6 and cat, the linearity cases,
#                     the Markdown time limit and the batch mode; prints a
#                     table and writes build/bench/results.json (compared
#                     with the previous run).  About 5 minutes.
#   make bench-quick  the same with at most 3 runs a case
#   BENCH_ONLY=REGEX  only the cases whose name matches (results.json is
#                     then not written)
#
# See bench/README.md for what each case measures.

BENCH_DIR     = build/bench
BENCH_SOURCES = $(wildcard examples/*.txt) $(wildcard ../shared/samples/*.txt)
BENCH_DEPS    = cmd:python3:python3 cmd:cmark:cmark cmd:pandoc:pandoc \
                cmd:gzip:gzip cmd:git:git
BENCH_ARGS    = $(if $(BENCH_ONLY),--only '$(BENCH_ONLY)')

.PHONY: bench bench-quick bench-inputs

bench-inputs: $(BENCH_DIR)/rusage
	@sh tools/deps.sh $(BUILD_DEPS) $(BENCH_DEPS)
	@python3 bench/gen.py $(BENCH_DIR) $(BENCH_SOURCES)

# Runs each command and reports wall time, CPU time and peak RSS.
$(BENCH_DIR)/rusage: bench/rusage.c
	@mkdir -p $(BENCH_DIR)
	$(CC) $(WARN) -O2 -o $@ bench/rusage.c

bench: bench-inputs
	@$(MAKE) --no-print-directory build/paidoc
	@python3 bench/run.py $(BENCH_ARGS) build/paidoc $(BENCH_DIR)

bench-quick: bench-inputs
	@$(MAKE) --no-print-directory build/paidoc
	@python3 bench/run.py --quick $(BENCH_ARGS) build/paidoc $(BENCH_DIR)
