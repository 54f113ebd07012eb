# mk/valgrind.mk - `make valgrind`: the case files and property scripts
# of tests/run.sh with build/paidoc under valgrind memcheck.
#
#   make valgrind [VALGRIND_EVERY=N]
#
# tests/run.sh gets mk/valgrind-paidoc.sh as the binary, which runs
# build/paidoc under memcheck (--error-exitcode=99, definite leaks are
# errors) with one log per process in build/valgrind/logs/.  Runs with an
# input file above 64 KiB run without valgrind (memcheck is 20-50 times
# slower; those inputs are the sanitizer build's), and VALGRIND_EVERY=N
# checks every Nth run only.  The verdict is memcheck's: the target fails
# when any log holds an error.  Test failures under valgrind are listed
# too, but only the memcheck errors fail it: timing checks cannot pass at
# valgrind's speed.  The test programs in build/tests carry ASan and run
# without valgrind.

VALGRIND_EVERY ?= 1
VALGRIND_DEPS   = cmd:valgrind:valgrind

.PHONY: valgrind

valgrind: test-deps
	@sh tools/deps.sh $(VALGRIND_DEPS)
	@$(MAKE) --no-print-directory build/paidoc $(TEST_PROGS)
	@rm -rf build/valgrind && mkdir -p build/valgrind/logs
	@start=$$(date +%s); \
	PD_VG_BIN=$(CURDIR)/build/paidoc PD_VG_LOGS=$(CURDIR)/build/valgrind/logs \
	PD_VG_EVERY=$(VALGRIND_EVERY) PD_FUZZ_SECONDS=1 \
	    sh tests/run.sh mk/valgrind-paidoc.sh >build/valgrind/run.log 2>&1; \
	runs=$$(ls build/valgrind/logs | grep -c '^vg\.'); \
	bad=$$(find build/valgrind/logs -name 'vg.*.log' -size +0 | wc -l); \
	echo "valgrind: $$runs runs of build/paidoc under memcheck in $$(($$(date +%s) - start)) s, $$bad with errors"; \
	echo "tests under valgrind: $$(tail -1 build/valgrind/run.log) (build/valgrind/run.log)"; \
	grep '^FAIL' build/valgrind/run.log | grep -v 'exit 99' | head -20 | sed 's/^/  (slow, not memcheck) /'; \
	if [ "$$bad" -gt 0 ]; then \
	    for f in $$(find build/valgrind/logs -name 'vg.*.log' -size +0 | head -5); do \
	        echo "--- $$f"; head -40 "$$f"; done; \
	    exit 1; \
	fi
