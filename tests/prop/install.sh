#!/bin/sh
# install.sh - make install into a stage, then use what it installed:
# the library example (examples/lib/preview.c) built through pkg-config
# against the shared and the static library, the program, the man page;
# the shared library exports exactly what paidoc.h declares; make
# uninstall removes every file again.  Prints "PASS name" or "FAIL name:
# why" per check.  Environment: TOP (the repository).
set -u
TOP=${TOP:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$TOP" || exit 1
# Run make on its own, not as part of the make (and jobserver) that runs
# make check.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
# It installs the normal build whatever PAIDOC is: once, in the first pass.
if [ "${PD_SLICE:-1}" -gt 1 ]; then
    echo "SKIP install: run once, in the first pass"
    exit 0
fi

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

stage=$T/stage
if make -j2 --no-print-directory install DESTDIR="$stage" PREFIX=/usr \
        >"$T/make.log" 2>&1; then
    pass make-install
else
    fail make-install "$(tail -c 400 "$T/make.log")"
    exit 0
fi

version=$(sed -n 's/^#define PD_VERSION "\(.*\)"/\1/p' include/paidoc.h)
major=${version%%.*}
# The soname's number: the major, or major.minor before 1.0.
[ "$major" = 0 ] && { minor=${version#0.}; major=0.${minor%%.*}; }
lib=$stage/usr/lib
for f in bin/paidoc lib/paidoc/paidoc-xml.so lib/libpaidoc.a "lib/libpaidoc.so.$version" \
         "lib/libpaidoc.so.$major" lib/libpaidoc.so include/paidoc.h \
         lib/pkgconfig/paidoc.pc share/man/man1/paidoc.1 \
         share/bash-completion/completions/paidoc \
         share/zsh/site-functions/_paidoc; do
    [ -e "$stage/usr/$f" ] && pass "installed $f" || fail "installed $f" missing
done
[ "$(readlink "$lib/libpaidoc.so")" = "libpaidoc.so.$major" ] &&
[ "$(readlink "$lib/libpaidoc.so.$major")" = "libpaidoc.so.$version" ] &&
    pass so-links || fail so-links "$(ls -l "$lib")"
soname=$(readelf -d "$lib/libpaidoc.so.$version" 2>/dev/null |
    sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
[ "$soname" = "libpaidoc.so.$major" ] && pass soname ||
    fail soname "got '$soname', expected libpaidoc.so.$major"

# Exported: exactly the pd_ functions and objects of the header.
sh tools/pubsyms.sh include/paidoc.h >"$T/want.syms"
nm -D --defined-only "$lib/libpaidoc.so.$version" |
    awk '{ sub(/@.*/, "", $3); print $3 }' | LC_ALL=C sort >"$T/got.syms"
if cmp -s "$T/want.syms" "$T/got.syms"; then
    pass "exports $(wc -l <"$T/got.syms") symbols = paidoc.h"
else
    fail exports "$(diff "$T/want.syms" "$T/got.syms" | grep '^[<>]' |
        sed 's/^</declared, not exported:/; s/^>/exported, not declared:/' |
        tr '\n' ' ' | head -c 500)"
fi

# The program and its version.
got=$("$stage/usr/bin/paidoc" --version 2>&1)
[ "$got" = "paidoc $version" ] && pass installed-program ||
    fail installed-program "--version said: $got"

# The program finds its module (lib/paidoc/paidoc-xml.so) from where it
# is, not only where make install meant it to be: the stage is not /usr.
# It links neither libxml2 nor libzip itself.
printf '一、标题\n正文。\n' >"$T/mod.txt"
if "$stage/usr/bin/paidoc" -o "$T/mod.docx" "$T/mod.txt" 2>"$T/mod.err" &&
   got=$("$stage/usr/bin/paidoc" -f docx -t txt "$T/mod.docx" 2>>"$T/mod.err") &&
   [ "$got" = "$(printf '一、标题\n正文。')" ]; then
    pass installed-module-docx
else
    fail installed-module-docx "$(head -c 300 "$T/mod.err") got: $got"
fi
readelf -d "$stage/usr/bin/paidoc" | grep -Eq 'NEEDED.*(libxml2|libzip)' &&
    fail program-needs "linked to libxml2 or libzip" || pass program-needs
# Without its module, the program still converts text to HTML, and
# refuses DOCX with one line and exit 70, leaving no output.
mkdir "$T/alone"
cp "$stage/usr/bin/paidoc" "$T/alone/paidoc"
"$T/alone/paidoc" -o "$T/alone/a.html" "$T/mod.txt" 2>"$T/alone.err" &&
    grep -q '<h2 id="一-标题">一、标题</h2>' "$T/alone/a.html" && pass module-not-needed-for-html ||
    fail module-not-needed-for-html "$(head -c 300 "$T/alone.err")"
"$T/alone/paidoc" -o "$T/alone/a.docx" "$T/mod.txt" 2>"$T/alone.err"
rc=$?
if [ "$rc" = 70 ] && [ "$(wc -l <"$T/alone.err")" = 1 ] &&
   grep -q 'paidoc-xml.so' "$T/alone.err" && [ ! -e "$T/alone/a.docx" ]; then
    pass module-missing
else
    fail module-missing "exit $rc: $(head -c 300 "$T/alone.err")"
fi

# pkg-config sees the staged paidoc.pc.
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
got=$(pkg-config --modversion paidoc 2>&1)
[ "$got" = "$version" ] && pass pkg-config-version ||
    fail pkg-config-version "$got"
pkg-config --print-requires-private paidoc >"$T/req" 2>&1
for m in libcmark libzip libxml-2.0 jansson; do
    grep -q "^$m" "$T/req" && pass "requires-private $m" ||
        fail "requires-private $m" "$(cat "$T/req")"
done

# A sample with two paid sections: 35 characters free (title, two
# headings, two paragraphs), 27 paid.
cat >"$T/sample.txt" <<'DOC'
年度社区报告
一、总体情况
今年社区共有十二个项目完成。
##paidbegin##
二、付费分析
付费段落甲：详细的数字在这里。
##paidend##
三、结语
免费结语。
$$paidbegin$$付费段落乙。$$paidend$$
DOC

cflags=$(pkg-config --cflags paidoc)
# check_run NAME BINARY: run the example on the sample and check it.
check_run() {
    name=$1 bin=$2
    if ! "$bin" "$T/sample.txt" "$T/$name.html" >"$T/$name.out" 2>"$T/$name.err"; then
        fail "$name-run" "exit $?: $(head -c 300 "$T/$name.err")"
        return
    fi
    want='paragraphs 4
headings 3
paid_sections 2
chars_free 35
chars_paid 27
preview_ratio 0.56'
    [ "$(cat "$T/$name.out")" = "$want" ] && pass "$name-stats" ||
        fail "$name-stats" "$(tr '\n' ' ' <"$T/$name.out")"
    h=$T/$name.html
    if grep -q '<!DOCTYPE html>' "$h" && grep -q '免费结语' "$h" &&
       grep -q 'class="paywall"' "$h" && grep -q 'https://example.com/buy' "$h" &&
       ! grep -q '付费段落' "$h" && ! grep -q '详细的数字' "$h"; then
        pass "$name-preview-html"
    else
        fail "$name-preview-html" "$(head -c 400 "$h")"
    fi
}

# Against the shared library.
# shellcheck disable=SC2086
if cc -Wall -Wextra -Werror -o "$T/preview-shared" examples/lib/preview.c \
        $cflags $(pkg-config --libs paidoc) 2>"$T/cc.err"; then
    pass build-shared
    readelf -d "$T/preview-shared" | grep -q "NEEDED.*\[libpaidoc.so.$major\]" &&
        pass needs-soname || fail needs-soname "not linked to libpaidoc.so.$major"
    LD_LIBRARY_PATH=$lib check_run shared "$T/preview-shared"
else
    fail build-shared "$(head -c 400 "$T/cc.err")"
fi

# Against the static library: libpaidoc.a, plus what --static lists (the
# command README.md shows).
libs=$(pkg-config --static --libs paidoc | sed 's/-lpaidoc/-l:libpaidoc.a/')
# shellcheck disable=SC2086
if cc -Wall -Wextra -Werror -o "$T/preview-static" examples/lib/preview.c \
        $cflags $libs 2>"$T/cc.err"; then
    pass build-static
    readelf -d "$T/preview-static" | grep -q 'NEEDED.*libpaidoc' &&
        fail static-no-so "linked to libpaidoc.so" || pass static-no-so
    check_run static "$T/preview-static"
else
    fail build-static "$(head -c 400 "$T/cc.err")"
fi

# The example needs no dependency (the txt reader and html writer use
# none); a program that reaches every format through the registry needs
# them all, and --static must name them: DOCX written, Markdown and HTML
# read, JSON written.
cat >"$T/formats.c" <<'PROG'
#include <paidoc.h>
#include <stdio.h>
#include <string.h>
static int conv(const char *from, const char *to, const char *in,
                struct pd_buf *out)
{
    struct pd_doc *doc = pd_doc_new();
    struct pd_opts o = {0};
    struct pd_diag d = {0};
    int rc = pd_format_by_name(from)->read(doc, (const unsigned char *)in,
                                           strlen(in), &o, &d) ||
             pd_format_by_name(to)->write(doc, out, &o, &d);
    if (rc)
        fprintf(stderr, "%s -> %s: %s\n", from, to, d.msg);
    pd_doc_free(doc);
    return rc;
}
int main(void)
{
    struct pd_buf a = {0}, b = {0}, c = {0};
    if (conv("md", "docx", "# T\n\n*x*\n", &a) ||
        conv("html", "json", "<p><b>y</b></p>", &b) ||
        conv("txt", "md", "标题\n正文。\n", &c))
        return 1;
    printf("%d %d %d\n", a.len > 2 && memcmp(a.data, "PK", 2) == 0,
           strstr(b.data, "\"strong\"") != NULL, strstr(c.data, "# 标题") != NULL);
    return 0;
}
PROG
# shellcheck disable=SC2086
if cc -Wall -Wextra -Werror -o "$T/formats-static" "$T/formats.c" \
        $cflags $libs 2>"$T/cc.err"; then
    pass build-static-all-formats
    got=$("$T/formats-static" 2>&1)
    [ "$got" = "1 1 1" ] && pass static-all-formats-run ||
        fail static-all-formats-run "$got"
else
    fail build-static-all-formats "$(head -c 400 "$T/cc.err")"
fi
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# Uninstall removes every file and link it installed.
if make --no-print-directory uninstall DESTDIR="$stage" PREFIX=/usr \
        >"$T/make.log" 2>&1; then
    left=$(find "$stage" ! -type d | sed "s|^$stage||")
    [ -z "$left" ] && pass uninstall ||
        fail uninstall "left behind: $(echo "$left" | tr '\n' ' ')"
else
    fail uninstall "$(tail -c 400 "$T/make.log")"
fi
