# install.mk - make install / make uninstall, the shared library, pkg-config,
# make gallery.  Included by the main Makefile.
#
#   make install [PREFIX=/usr/local] [DESTDIR=stage]
#   make uninstall [PREFIX=...] [DESTDIR=...]
#   make shared     build/libpaidoc.so.X.Y.Z (position-independent objects
#                   under build/pic/, exporting only what paidoc.h declares)
#   make gallery    docs/gallery/*.png from examples/ (LibreOffice, poppler,
#                   Chromium; installs them when missing)

PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# The program's module paidoc-xml.so (src/cli_xml.c).
PKGLIBDIR  ?= $(LIBDIR)/paidoc
BASHCOMPDIR  ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR   ?= $(PREFIX)/share/zsh/site-functions
INSTALL    ?= install

# The version is PD_VERSION in the header; the soname carries its major,
# or major.minor while the major is 0 (before 1.0 a minor release may
# change the ABI, as 0.2 did with struct pd_buf).
PD_VERSION_STR := $(shell sed -n 's/^\#define PD_VERSION "\([0-9.]*\)".*/\1/p' include/paidoc.h)
PD_MAJOR   := $(firstword $(subst ., ,$(PD_VERSION_STR)))
PD_MINOR   := $(word 2,$(subst ., ,$(PD_VERSION_STR)))
PD_ABI     := $(if $(filter 0,$(PD_MAJOR)),$(PD_MAJOR).$(PD_MINOR),$(PD_MAJOR))
SONAME      = libpaidoc.so.$(PD_ABI)
SHLIB       = build/libpaidoc.so.$(PD_VERSION_STR)
# Private dependencies for static linking, besides the pkg-config modules
# in PKGS (Requires.private).
PC_LIBS_PRIVATE = -lm

# The tests of this fragment need these (the man page lint); make check
# installs them with the rest of TEST_DEPS.
TEST_DEPS += cmd:mandoc:mandoc cmd:groff:groff-base cmd:zsh:zsh cmd:nm:binutils \
             cmd:readelf:binutils

.PHONY: install uninstall shared gallery

PIC_LIB_OBJS = $(LIB_OBJS:build/obj/%=build/pic/obj/%)

build/pic/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

build/pic/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

# Export exactly the functions and objects that paidoc.h declares.
build/paidoc.map: include/paidoc.h tools/pubsyms.sh
	@mkdir -p build
	CC="$(CC)" sh tools/pubsyms.sh --version-script include/paidoc.h > $@.tmp && mv $@.tmp $@

$(SHLIB): $(PIC_LIB_OBJS) build/paidoc.map
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,$(SONAME) \
	    -Wl,--version-script,build/paidoc.map -Wl,--no-undefined \
	    -o $@ $(PIC_LIB_OBJS) $(PKG_LIBS) $(LDFLAGS)

build/libpaidoc.so: $(SHLIB)
	ln -sf $(notdir $(SHLIB)) build/$(SONAME)
	ln -sf $(notdir $(SHLIB)) $@

shared: build/libpaidoc.so

build/paidoc.pc: paidoc.pc.in include/paidoc.h mk/install.mk
	@mkdir -p build
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(PD_VERSION_STR)|g' \
	    -e 's|@REQUIRES_PRIVATE@|$(PKGS)|g' -e 's|@LIBS_PRIVATE@|$(PC_LIBS_PRIVATE)|g' \
	    paidoc.pc.in > $@.tmp && mv $@.tmp $@

# The .pc names PREFIX, so it is remade whenever PREFIX or LIBDIR differ
# from the last build.
PC_STAMP = build/.pc-$(subst /,_,$(PREFIX)$(LIBDIR)$(INCLUDEDIR)$(PKGLIBDIR))
$(PC_STAMP):
	@mkdir -p build
	@rm -f build/.pc-*; touch $@
build/paidoc.pc: $(PC_STAMP)

# The installed program looks for its module in PKGLIBDIR too (after its
# own directory and ../lib/paidoc from it), so it is linked again with
# that directory compiled in: build/inst/paidoc.  build/paidoc itself is
# left alone (tests may be running it) and finds the module next to it.
INST_PROG_OBJS = $(filter-out build/obj/src/cli_xml.o,$(PROG_OBJS)) \
                 build/inst/cli_xml.o

build/inst/cli_xml.o: src/cli_xml.c $(HDRS) $(PC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DPD_PKGLIBDIR='"$(PKGLIBDIR)"' -c -o $@ src/cli_xml.c

build/inst/paidoc: $(INST_PROG_OBJS)
	$(CC) $(ALL_CFLAGS) $(PROG_EXPORT) -o $@ $(INST_PROG_OBJS) $(PROG_LIBS) $(LDFLAGS)

INSTALLED = $(BINDIR)/paidoc $(PKGLIBDIR)/paidoc-xml.so \
            $(LIBDIR)/libpaidoc.a $(LIBDIR)/$(notdir $(SHLIB)) \
            $(LIBDIR)/$(SONAME) $(LIBDIR)/libpaidoc.so \
            $(INCLUDEDIR)/paidoc.h $(PKGCONFIGDIR)/paidoc.pc \
            $(MANDIR)/man1/paidoc.1 $(BASHCOMPDIR)/paidoc $(ZSHCOMPDIR)/_paidoc

install: build/inst/paidoc build/paidoc-xml.so build/libpaidoc.a \
         build/libpaidoc.so build/paidoc.pc
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGLIBDIR) \
	    $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	$(INSTALL) -m 755 build/inst/paidoc $(DESTDIR)$(BINDIR)/paidoc
	$(INSTALL) -m 644 build/paidoc-xml.so $(DESTDIR)$(PKGLIBDIR)/paidoc-xml.so
	$(INSTALL) -m 644 build/libpaidoc.a $(DESTDIR)$(LIBDIR)/libpaidoc.a
	$(INSTALL) -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB))
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libpaidoc.so
	$(INSTALL) -m 644 include/paidoc.h $(DESTDIR)$(INCLUDEDIR)/paidoc.h
	$(INSTALL) -m 644 build/paidoc.pc $(DESTDIR)$(PKGCONFIGDIR)/paidoc.pc
	$(INSTALL) -m 644 man/paidoc.1 $(DESTDIR)$(MANDIR)/man1/paidoc.1
	$(INSTALL) -m 644 completion/paidoc.bash $(DESTDIR)$(BASHCOMPDIR)/paidoc
	$(INSTALL) -m 644 completion/_paidoc $(DESTDIR)$(ZSHCOMPDIR)/_paidoc

# Removes the files install wrote, and nothing else (directories stay:
# they may hold other packages' files; PKGLIBDIR is paidoc's own).
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rmdir $(DESTDIR)$(PKGLIBDIR) 2>/dev/null || true

# README's gallery: docs/gallery/*.png, made from examples/ (commit them).
GALLERY_DEPS = cmd:soffice:libreoffice-writer-nogui cmd:pdftoppm:poppler-utils \
               cmd:chromium:chromium cmd:fc-list:fontconfig
gallery: deps
	@sh tools/deps.sh $(GALLERY_DEPS)
	@$(MAKE) --no-print-directory build/paidoc
	sh docs/gallery/gallery.sh build/paidoc
