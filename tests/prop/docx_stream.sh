#!/bin/sh
# docx_stream.sh - the DOCX writer streams word/document.xml into the zip
# (converters/write_docx.c: a document.xml above 1 MiB is written a second
# time, piece by piece, while libzip deflates it):
#   deterministic  a generated document of every block kind (headings,
#                  lists, nested lists, quotes, code, tables, links, paid
#                  sections, page breaks), large enough to be streamed, is
#                  the same bytes when written twice, in every paid mode,
#                  and valid against the ECMA-376 schemas
#   complete       its parts agree: one numbering instance per list, one
#                  relationship per link, one content control per paid
#                  section, every paragraph's text present
#   text           12 MB of text (and one 12 MB line): every paragraph's
#                  text is in document.xml, in order, nothing else added
#   rss            their peak RSS is within SPEC 8 (3x input + 16 MiB), and
#                  the writer adds at most the zip's size + 8 MiB to what
#                  reading the input takes (paidoc --stats)
# Env: PAIDOC (binary), TOP (repo).  The RSS checks run once, in the first
# pass (not under the sanitizer build or make valgrind).
set -u
: "${PAIDOC:?}" "${TOP:?}"
PY=/usr/bin/python3
VALIDATE="$TOP/../shared/tools/validate-docx"
[ -x "$VALIDATE" ] || VALIDATE=""
[ "${PD_SLICE:-1}" -gt 1 ] && VALIDATE=""
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; }

if [ ! -x "$PY" ]; then
    echo "SKIP docx stream: needs python3"
    exit 0
fi

# --- A document of every block kind, about 3 MB of document.xml --------
"$PY" - "$tmp/mixed.html" <<'PYEOF'
import sys
out = open(sys.argv[1], "w", encoding="utf-8")
w = out.write
w("<!DOCTYPE html>\n<html><head><title>Stream test</title></head><body>\n")
w("<h1>Stream test &amp; more</h1>\n")
for i in range(600):
    w("<h2>Section S%05d</h2>\n" % i)
    w("<p>Para P%05d: plain, <em>emph</em>, <strong>strong</strong>, "
      "<code>code &lt;x&gt;</code>, a <a href=\"https://example.com/%d?a=1&amp;b=2\">"
      "link</a>, 中文文字 &amp; “quotes”.</p>\n" % (i, i))
    w("<ul><li>bullet B%05d<ul><li>nested N%05d</li></ul></li><li>two</li></ul>\n" % (i, i))
    w("<ol start=\"3\"><li>first O%05d</li><li><p>loose</p><p>second para</p></li></ol>\n" % i)
    if i % 3 == 0:
        w("<section class=\"paid\"><p>Paid Y%05d text.</p><blockquote><p>quote "
          "in paid</p></blockquote></section>\n" % i)
    if i % 5 == 0:
        w("<pre><code>code line C%05d\n\tindented &amp; more\n</code></pre>\n" % i)
        w("<table><tr><td>cell T%05d</td><td>two</td></tr></table>\n" % i)
    if i % 7 == 0:
        w("<hr class=\"pagebreak\">\n<hr>\n")
w("</body></html>\n")
PYEOF

same=1
for mode in keep preview full only; do
    for run in 1 2; do
        "$PAIDOC" --paid $mode -t docx -o "$tmp/mixed-$mode-$run.docx" \
            "$tmp/mixed.html" 2>"$tmp/err" || {
            fail "docx stream deterministic $mode" "exit $?: $(head -c 300 "$tmp/err")"
            same=0
        }
    done
    if [ -s "$tmp/mixed-$mode-1.docx" ] &&
       cmp -s "$tmp/mixed-$mode-1.docx" "$tmp/mixed-$mode-2.docx"; then
        pass "docx stream deterministic $mode"
    else
        fail "docx stream deterministic $mode" "two runs differ"
        same=0
    fi
done
if [ -n "$VALIDATE" ]; then
    for mode in keep preview; do
        if "$VALIDATE" "$tmp/mixed-$mode-1.docx" >"$tmp/err" 2>&1; then
            pass "docx stream valid $mode"
        else
            fail "docx stream valid $mode" "$(head -c 300 "$tmp/err" | tr '\n' ' ')"
        fi
    done
else
    echo "SKIP docx stream valid: no validate-docx, or not the first pass"
fi

# The parts of the kept document agree with what was generated.
if out=$("$PY" - "$tmp/mixed-keep-1.docx" <<'PYEOF' 2>&1
import re, sys, zipfile
import xml.etree.ElementTree as ET
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
z = zipfile.ZipFile(sys.argv[1])
size = z.getinfo("word/document.xml").file_size
doc = ET.fromstring(z.read("word/document.xml"))
num = ET.fromstring(z.read("word/numbering.xml"))
rels = ET.fromstring(z.read("word/_rels/document.xml.rels"))
probs = []
if size <= 1 << 20:
    probs.append("document.xml is only %d bytes: not streamed" % size)
text = "".join(t.text or "" for t in doc.iter(W + "t"))
for tag, n in (("P", 600), ("B", 600), ("N", 600), ("O", 600), ("Y", 200),
               ("C", 120), ("T", 120), ("S", 600)):
    got = re.findall(tag + r"(\d{5})", text)
    if got != ["%05d" % i for i in range(0, 600, 600 // n)]:
        probs.append("%s tokens: %d of %d, in order: %s" %
                     (tag, len(got), n, got[:3]))
nums = num.findall(W + "num")
if len(nums) != 600 * 3:
    probs.append("%d w:num, not %d" % (len(nums), 1800))
links = [r for r in rels if r.get("TargetMode") == "External"]
if len(links) != 600:
    probs.append("%d hyperlinks, not 600" % len(links))
sdts = [s for s in doc.iter(W + "sdt")
        if any(t.get(W + "val") == "paid" for t in s.iter(W + "tag"))]
if len(sdts) != 200:
    probs.append("%d paid content controls, not 200" % len(sdts))
breaks = [b for b in doc.iter(W + "br") if b.get(W + "type") == "page"]
if len(breaks) != 86:
    probs.append("%d page breaks, not 86" % len(breaks))
print("; ".join(probs))
sys.exit(1 if probs else 0)
PYEOF
); then
    pass "docx stream complete"
else
    fail "docx stream complete" "$(printf '%s' "$out" | head -c 400 | tr '\n' ' ')"
fi

# --- Large text: all of it present; peak RSS ------------------------------
# big.txt: 12 MB of Chinese and English paragraphs, each with a token;
# line.txt: one line of 12 MB (one paragraph).  3 MB in the sanitizer pass
# (still streamed, and many pieces of a run).
mb=12
[ "${PD_SLICE:-1}" -gt 1 ] && mb=3
"$PY" - "$tmp/big.txt" "$tmp/line.txt" "$mb" <<'PYEOF'
import sys
mb = int(sys.argv[3])
zh = "这是一个用于测试的段落，包含中文文字与标点符号。"
en = " Some English words & <angle> brackets, \"quotes\" and 'apostrophes'."
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("流式写入测试\n\n")
    i = 0
    size = 0
    while size < mb << 20:
        line = "第Q%07d段：" % i + zh * (i % 9 + 1) + en * (i % 4) + "\n\n"
        if i % 1000 == 999:
            line += "##paidbegin##\n\n"
        elif i % 1000 == 499:
            line += "##paidend##\n\n"
        f.write(line)
        size += len(line.encode("utf-8"))
        i += 1
with open(sys.argv[2], "w", encoding="utf-8") as f:
    unit = "一二三 四五六七八九十&<>\"'abc"
    f.write("这是一个非常长的句子，" + unit * ((mb << 20) // len(unit.encode())) + "\n")
PYEOF

for name in big line; do
    "$PAIDOC" -t docx -o "$tmp/$name.docx" "$tmp/$name.txt" 2>"$tmp/err" || {
        fail "docx stream text $name" "exit $?: $(head -c 300 "$tmp/err")"
        continue
    }
    if out=$("$PY" - "$tmp/$name.docx" "$tmp/$name.txt" "$name" <<'PYEOF' 2>&1
import re, sys, zipfile
import xml.etree.ElementTree as ET
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
z = zipfile.ZipFile(sys.argv[1])
src = open(sys.argv[2], encoding="utf-8").read()
paras = []
with z.open("word/document.xml") as f:
    for ev, el in ET.iterparse(f):
        if el.tag == W + "p":
            paras.append("".join(t.text or "" for t in el.iter(W + "t")))
            el.clear()
probs = []
if sys.argv[3] == "line":
    body = [p for p in paras if p]
    if len(body) != 1 or body[0] != src.rstrip("\n"):
        probs.append("the line is not one paragraph of the same text "
                     "(%d paragraphs, %d chars, want %d)" %
                     (len(body), len(body[0]) if body else 0, len(src) - 1))
else:
    want = [l for l in src.split("\n") if l and not l.startswith("##")]
    got = [p for p in paras if p]
    if got != want:
        bad = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                   min(len(got), len(want)))
        probs.append("%d paragraphs, want %d; first difference at %d" %
                     (len(got), len(want), bad))
print("; ".join(probs))
sys.exit(1 if probs else 0)
PYEOF
    ); then
        pass "docx stream text $name"
    else
        fail "docx stream text $name" "$(printf '%s' "$out" | head -c 400 | tr '\n' ' ')"
    fi
done

if [ "${PD_SLICE:-1}" -gt 1 ]; then
    echo "SKIP docx stream rss: run once, in the first pass"
    exit 0
fi
case $PAIDOC in
*valgrind*)
    echo "SKIP docx stream rss: not under make valgrind"
    exit 0 ;;
esac
if [ ! -x /usr/bin/time ]; then
    echo "SKIP docx stream rss: needs /usr/bin/time"
    exit 0
fi
for name in big line; do
    [ -s "$tmp/$name.docx" ] || continue
    insize=$(wc -c <"$tmp/$name.txt")
    zipsize=$(wc -c <"$tmp/$name.docx")
    /usr/bin/time -f %M -o "$tmp/rss-docx" \
        "$PAIDOC" -t docx -o "$tmp/rss.docx" "$tmp/$name.txt" 2>/dev/null
    /usr/bin/time -f %M -o "$tmp/rss-read" \
        "$PAIDOC" --stats "$tmp/$name.txt" >/dev/null 2>&1
    docx=$(tail -n 1 "$tmp/rss-docx"); read=$(tail -n 1 "$tmp/rss-read")
    spec=$((insize * 3 / 1024 + 16384))
    extra=$((zipsize / 1024 + 8192))
    if [ "$docx" -le "$spec" ]; then
        pass "docx stream rss $name: $docx KiB <= 3 x input + 16 MiB = $spec KiB"
    else
        fail "docx stream rss $name" "$docx KiB > 3 x input + 16 MiB = $spec KiB"
    fi
    if [ "$docx" -le $((read + extra)) ]; then
        pass "docx stream rss $name writer: $docx KiB <= reading $read KiB + zip + 8 MiB"
    else
        fail "docx stream rss $name writer" "$docx KiB > reading $read KiB + zip $((zipsize / 1024)) KiB + 8 MiB"
    fi
done
