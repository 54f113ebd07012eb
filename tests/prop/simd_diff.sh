#!/bin/sh
# simd_diff.sh - the SSE2 scans (src/internal.h PD_SSE2: text validation,
# HTML escaping, columns, markers, links, run-in leads) and the portable
# code they stand in for give the same output.
#
# Builds the program a second time with __SSE2__ undefined, so that every
# scan takes its portable path, and converts random inputs with both:
# standard output, standard error and exit status must match.  The inputs
# mix ASCII (with the bytes HTML escapes and controls), CJK text and its
# punctuation, the three-byte characters the scans leave to the slow path
# (lead E0, ED, noncharacters EF B7 9x, EF BF BE), two- and four-byte
# characters, markers, links and numbered lines, in lines of every length
# around the 16-byte steps; some inputs are not UTF-8 at all.  Where the
# target has no SSE2 both builds are the same and it checks nothing new.
set -u
P=${PAIDOC:?}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# The same program whatever the build: once, in the first pass.
if [ "${PD_SLICE:-1}" -gt 1 ]; then
    echo "SKIP simd-diff: run once, in the first pass"
    exit 0
fi
case $P in
*valgrind*)
    echo "SKIP simd-diff: not under make valgrind"
    exit 0 ;;
esac
if ! command -v python3 >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1 ||
    [ ! -f "$TOP/build/gen/resources.c" ]; then
    echo "SKIP simd-diff: needs python3, cc and build/gen/resources.c"
    exit 0
fi

# The program's sources, as the Makefile links build/paidoc (without the
# module's converters, which text, Markdown and HTML output do not need).
srcs=
for f in "$TOP"/src/*.c "$TOP"/converters/*.c; do
    case ${f##*/} in
    xmlmod.c|read_docx.c|docx_read_pkg.c|read_html.c|write_docx.c) ;;
    *) srcs="$srcs $f" ;;
    esac
done
# shellcheck disable=SC2086
if ! cc -std=c11 -O1 -U__SSE2__ -D_POSIX_C_SOURCE=200809L \
    -I"$TOP/include" -I"$TOP/src" $(pkg-config --cflags libcmark jansson) \
    -o "$T/portable" $srcs "$TOP/build/gen/resources.c" \
    $(pkg-config --libs libcmark jansson) 2>"$T/cc.err"; then
    echo "FAIL simd-diff-build: $(head -c 300 "$T/cc.err")"
    exit 0
fi

python3 - "$T" <<'PY'
import random, sys
out = sys.argv[1]
rng = random.Random(20240611)
ascii_words = ["the", "heap", "Compost", "a", "of", "Scope", "h", "ht",
               "http", "@", "x@y.org", "mail@example.com", "A&B", "<b>",
               "\"q\"", "#", "$", "##", "$$5", "100%", "a>b", "\x7f", "\t",
               "\x0c", "\x01", "\x1b", "'", "-", "*", "="]
cjk = ["\u4e00", "\u4e8c", "\u6587", "\u5b57", "\u7684", "\u662f",
       "\uff0c", "\uff1a", "\uff1b", "\u3002", "\u3001", "\u201c",
       "\u201d", "\uff08", "\uff09", "\u3000", "\u2014", "\u2026",
       "\uff01", "\uff1f", "\uff11", "\uff41", "\u3042", "\uac00"]
odd = ["\u0905", "\u0800", "\u0fff", "\ud55c", "\ud7a3", "\ud000",
       "\ufdd0", "\ufdef", "\ufdcf", "\ufdf0", "\ufffe", "\uffff",
       "\ufffd", "\uffe0", "\uf900", "\uef00", "\u00a0", "\u00b7",
       "\u00e9", "\u0085", "\u009f", "\U0001f600", "\U0010fffd",
       "\U0001fffe", "\u1000", "\ue000"]
lead = ["1. ", "2. ", "\u4e00\u3001", "\uff08\u4e00\uff09", "(1) ",
        "\u7b2c\u4e00\u7ae0 ", "- ", "* ", "\u2022 ", "a) ",
        "Chapter 2 ", "1.1 ", "   ", "\t", "\u3000\u3000", "##paidbegin##",
        "##paidend##", "##pagebreak##", "$$paidbegin$$", "---", "==="]
tail = ["\u3002", "\uff1a", "\uff1b", ".", ",", "", "", "  ", "\u3000",
        "\u00a0", "\t", "##paidend##", "http://a.b/c?d=e&f", "#"]

def piece():
    r = rng.random()
    if r < 0.40:
        return "".join(rng.choice(cjk) for _ in range(rng.randint(1, 12)))
    if r < 0.70:
        return rng.choice(ascii_words) + rng.choice(" \t")
    if r < 0.85:
        return rng.choice(odd)
    return rng.choice(["http://example.com/p(x)", "https://a.b/c.",
                       "\u3002\u201d", "\uff1b\u2019", "##paidbegin##",
                       "$$paidend$$", " a@b.cn ", "www"])

def line():
    s = rng.choice(lead) if rng.random() < 0.3 else ""
    n = rng.choice([0, 1, 2, 3, 5, 8, 13, 21, 40])
    s += "".join(piece() for _ in range(n))
    return s + rng.choice(tail)

for k in range(120):
    lines = []
    for _ in range(rng.randint(1, 60)):
        lines.append("" if rng.random() < 0.2 else line())
    text = "\n".join(lines).encode("utf-8")
    if k % 10 == 9:
        # Not UTF-8 at all: a stray byte somewhere.
        p = rng.randint(0, len(text))
        text = text[:p] + bytes([rng.choice([0x80, 0xc0, 0xe0, 0xed,
                                             0xff, 0xf5])]) + text[p:]
    elif k % 10 == 8:
        # A cut character at the very end.
        text += "\u6587".encode("utf-8")[:rng.randint(1, 2)]
    with open("%s/in%03d.txt" % (out, k), "wb") as f:
        f.write(text)
PY

bad=0 n=0
for f in "$T"/in*.txt; do
    for args in "-t html" "-t json"; do
        n=$((n + 1))
        # shellcheck disable=SC2086
        "$P" $args "$f" >"$T/a.out" 2>"$T/a.err"; ra=$?
        # shellcheck disable=SC2086
        "$T/portable" $args "$f" >"$T/b.out" 2>"$T/b.err"; rb=$?
        sed "s#$P#PAIDOC#g" "$T/a.err" >"$T/a.e"
        sed "s#$T/portable#PAIDOC#g" "$T/b.err" >"$T/b.e"
        if [ $ra -ne $rb ] || ! cmp -s "$T/a.out" "$T/b.out" ||
            ! cmp -s "$T/a.e" "$T/b.e"; then
            bad=$((bad + 1))
            [ $bad -le 3 ] && echo "FAIL simd-diff: $args $(basename "$f")" \
                "differs (status $ra/$rb)"
            [ $bad -le 1 ] && cp "$f" "$TOP/build/simd-diff-failed.txt"
        fi
    done
done
[ $bad -eq 0 ] && echo "PASS simd-diff ($n conversions)"
exit 0
