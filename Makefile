# paidoc - convert documents with paid-section markers.
#
#   make            build build/paidoc
#   make demo       install missing packages, build, convert examples/ into out/
#   make check      install missing packages, build, run every test (also
#                   under AddressSanitizer and UndefinedBehaviorSanitizer)
#   make asan       build build/asan/paidoc only
#   make check-interop  install LibreOffice, pandoc and poppler-utils if
#                   missing, then check that they read our DOCX output

CC      ?= cc
PKGS     = libcmark libzip libxml-2.0 jansson
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wmissing-prototypes \
           -Wstrict-prototypes -Wwrite-strings
OPT     ?= -O2 -g
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The program links only what text, Markdown, HTML output and JSON need;
# the converters that need libxml2 and libzip are the module
# paidoc-xml.so, which it opens on first use (src/cli_xml.c).
PROG_LIBS  := $(shell pkg-config --libs libcmark jansson 2>/dev/null)
MOD_LIBS   := $(shell pkg-config --libs libzip libxml-2.0 2>/dev/null)
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc
ALL_CFLAGS = $(WARN) $(OPT) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS)
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer -DPD_ARENA_DEBUG

SRCS     = $(wildcard src/*.c) $(wildcard converters/*.c)
OBJS     = $(SRCS:%.c=build/obj/%.o) build/obj/gen/resources.o
ASAN_OBJS = $(SRCS:%.c=build/asan/obj/%.o) build/asan/obj/gen/resources.o
HDRS     = include/paidoc.h src/internal.h $(wildcard converters/*.h)
MOD_SRCS = converters/read_docx.c converters/docx_read_pkg.c \
           converters/read_html.c converters/write_docx.c src/xmlmod.c
PROG_OBJS = $(filter-out $(MOD_SRCS:%.c=build/obj/%.o),$(OBJS))
MOD_OBJS  = $(MOD_SRCS:%.c=build/pic/obj/%.o)
ASAN_PROG_OBJS = $(filter-out $(MOD_SRCS:%.c=build/asan/obj/%.o),$(ASAN_OBJS))
ASAN_MOD_OBJS  = $(MOD_SRCS:%.c=build/asan/pic/obj/%.o)
# The module's symbols that the program provides: the pd_ functions.
PROG_EXPORT = -Wl,--export-dynamic-symbol='pd_*'
MOD_LINK    = -shared -Wl,--version-script,src/xmlmod.map
RESOURCES = $(shell find styles -type f ! -name '*~' ! -path 'styles/fontconfig/*' 2>/dev/null | LC_ALL=C sort)

# Debian packages the build and the tests need, as "check:package" pairs:
# a pkg-config module or a command, and the package that provides it.
BUILD_DEPS = pc:libcmark:libcmark-dev pc:libzip:libzip-dev \
             pc:libxml-2.0:libxml2-dev pc:jansson:libjansson-dev \
             cmd:pkg-config:pkg-config \
             cmd:cc:gcc cmd:iconv:libc-bin
TEST_DEPS  = cmd:xmllint:libxml2-utils cmd:cmark:cmark \
             cmd:python3:python3 cmd:unzip:unzip cmd:sha256sum:coreutils \
             cmd:jq:jq py:docx:python3-docx cmd:pgrep:procps \
             cmd:valgrind:valgrind path:/usr/bin/time:time

.PHONY: all demo check test asan deps test-deps clean check-interop
.SUFFIXES:

all: build/paidoc build/paidoc-xml.so

# Install what is missing (apt-get; sudo when not root), then re-run make
# so that pkg-config sees the new packages.
deps:
	@sh tools/deps.sh $(BUILD_DEPS)

test-deps:
	@sh tools/deps.sh $(BUILD_DEPS) $(TEST_DEPS)

# Whoever builds the program gets the module next to it.
build/paidoc: $(PROG_OBJS) | build/paidoc-xml.so
	$(CC) $(ALL_CFLAGS) $(PROG_EXPORT) -o $@ $(PROG_OBJS) $(PROG_LIBS) $(LDFLAGS)

build/paidoc-xml.so: $(MOD_OBJS) src/xmlmod.map
	$(CC) $(ALL_CFLAGS) $(MOD_LINK) -o $@ $(MOD_OBJS) $(MOD_LIBS) $(LDFLAGS)

build/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/asan/paidoc: $(ASAN_PROG_OBJS) | build/asan/paidoc-xml.so
	$(CC) $(ALL_CFLAGS) $(SAN) $(PROG_EXPORT) -o $@ $(ASAN_PROG_OBJS) $(PROG_LIBS) $(LDFLAGS)

build/asan/paidoc-xml.so: $(ASAN_MOD_OBJS) src/xmlmod.map
	$(CC) $(ALL_CFLAGS) $(SAN) $(MOD_LINK) -o $@ $(ASAN_MOD_OBJS) $(MOD_LIBS) $(LDFLAGS)

build/asan/pic/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -fPIC -c -o $@ $<

build/asan/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/asan/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O1 -o $@ tools/embed.c

build/gen/resources.c: build/embed $(RESOURCES)
	@mkdir -p build/gen
	build/embed styles/ $(RESOURCES) > $@.tmp && mv $@.tmp $@

asan: build/asan/paidoc

# The library is everything but the program (src/main.c, src/cli_*.c)
# and the module's entry (src/xmlmod.c).
LIB_OBJS = $(filter-out build/obj/src/main.o build/obj/src/cli_%.o build/obj/src/xmlmod.o,$(OBJS))
ASAN_LIB_OBJS = $(filter-out build/asan/obj/src/main.o build/asan/obj/src/cli_%.o build/asan/obj/src/xmlmod.o,$(ASAN_OBJS))

build/libpaidoc.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

build/asan/libpaidoc.a: $(ASAN_LIB_OBJS)
	rm -f $@
	ar rcs $@ $(ASAN_LIB_OBJS)

# Test programs: C files in tests/ that check outputs with cmark or
# libxml2, or call the library directly; built with the sanitizers.
build/tests/%: tests/%.c tests/testutil.h tests/check.h build/asan/libpaidoc.a
	@mkdir -p build/tests
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(PKG_CFLAGS) -o $@ $< build/asan/libpaidoc.a $(PKG_LIBS)

TEST_PROGS = $(patsubst tests/%.c,build/tests/%,$(wildcard tests/*.c))

demo: deps
	@$(MAKE) --no-print-directory build/paidoc
	@sh tools/demo.sh

check: test-deps fuzz-deps
	@$(MAKE) --no-print-directory build/paidoc build/asan/paidoc $(TEST_PROGS)
	@sh tests/run.sh build/paidoc build/asan/paidoc

# DOCX interoperability (about 15 s): LibreOffice and pandoc read what the
# docx writer produces.  Part of `make check` when they are installed.
INTEROP_DEPS = cmd:soffice:libreoffice-writer-nogui cmd:pandoc:pandoc \
               cmd:pdftotext:poppler-utils
check-interop: test-deps
	@sh tools/deps.sh $(INTEROP_DEPS)
	@$(MAKE) --no-print-directory build/paidoc
	@sh tests/docx/interop.sh build/paidoc

test: build/paidoc build/asan/paidoc $(TEST_PROGS)
	@sh tests/run.sh build/paidoc build/asan/paidoc

clean:
	rm -rf build out

# Further targets, one fragment per concern: mk/bench.mk (make bench),
# mk/fuzz.mk (make fuzz, make valgrind), mk/install.mk (make install,
# the shared library, pkg-config).
include $(wildcard mk/*.mk)
