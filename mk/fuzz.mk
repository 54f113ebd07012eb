# mk/fuzz.mk - fuzzing and memory checking (included by the Makefile).
#
#   make fuzz [FUZZ_SECONDS=N] [FUZZ_JOBS=J]
#                     build the libFuzzer targets of tests/fuzz/ (clang,
#                     ASan+UBSan) and run each for N seconds (default 60),
#                     J at a time (default 1); crashes are saved under
#                     build/fuzz/artifacts/ and fail the run
#   make fuzz-check [FUZZ_SLICE=N]
#                     the same for a short slice (default 10 s a target),
#                     for the test suite (tests/prop/fuzz_slice.sh)
#   make fuzz-build   only build build/fuzz/fuzz_*
#   make valgrind     run the case files and property scripts with
#                     build/paidoc under valgrind memcheck (mk/valgrind.mk)
#
# The targets: fuzz_txt, fuzz_md, fuzz_html, fuzz_docx, fuzz_json (one
# reader each) and fuzz_pipeline (any reader, then every writer, with the
# output checked).  Seeds come from the test inputs (tests/fuzz/run.sh);
# the growing corpus stays in build/fuzz/corpus/.

FUZZ_CC     ?= clang
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer -DPD_ARENA_DEBUG
FUZZ_CFLAGS  = $(WARN) -O1 -g $(FUZZ_SAN) $(CPPFLAGS) $(PKG_CFLAGS)
FUZZ_NAMES   = txt md html docx json pipeline
FUZZ_BINS    = $(FUZZ_NAMES:%=build/fuzz/fuzz_%)
FUZZ_LIB_OBJS = $(patsubst %.c,build/fuzz/obj/%.o,$(filter-out src/main.c src/cli_xml.c src/xmlmod.c,$(SRCS))) \
                build/fuzz/obj/gen/resources.o
FUZZ_SECONDS ?= 60
FUZZ_SLICE   ?= 10
FUZZ_JOBS    ?= 1
# clang and its libFuzzer runtime (libclang-rt-14-dev has no command of
# its own: the recipe of fuzz-deps probes a link and installs it).
FUZZ_DEPS    = cmd:clang:clang

.PHONY: fuzz fuzz-check fuzz-build fuzz-deps

fuzz-deps:
	@sh tools/deps.sh $(BUILD_DEPS) $(FUZZ_DEPS)
	@mkdir -p build && printf '%s\n' \
	    'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);' \
	    'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; return (int)(n & 0); }' \
	    >build/.fuzzprobe.c
	@$(FUZZ_CC) -fsanitize=fuzzer,address -o build/.fuzzprobe build/.fuzzprobe.c 2>/dev/null || \
	    sh tools/deps.sh cmd:paidoc-libfuzzer-runtime:libclang-rt-14-dev
	@rm -f build/.fuzzprobe build/.fuzzprobe.c

build/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/libpaidoc.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $(FUZZ_LIB_OBJS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/fuzz_reader.h \
                   build/fuzz/libpaidoc.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libpaidoc.a $(PKG_LIBS)

fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-check: fuzz-build
	@FUZZ_QUICK=1 FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh $(FUZZ_SLICE) $(FUZZ_NAMES)
