#!/bin/sh
# docxread_memory.sh - the DOCX reader's memory does not grow with the
# number of runs in a paragraph or with the size of numbering.xml.
#
# document.xml is streamed one w:p child at a time, and numbering.xml one
# child of the root at a time (read_docx.c).  Expanded whole instead, a
# paragraph of 200,000 runs took over 80 MB of libxml2 nodes for 400 KB of
# text, and a numbering part some twelve times its size.  Checks:
#  * runs-same-*, num-same-*: such documents (runs of mixed formatting,
#    tabs, breaks, a link, a text box, and lists) read the same, json and
#    txt, streamed and by the whole-part path (forced as in
#    docxread_stream.sh: an invalid namespace URI on w:document);
#  * runs-rss, num-rss: streamed, the peak RSS (/usr/bin/time -f %M) of
#    a paragraph of 200,000 runs and of a 1.7 MB numbering.xml stays
#    within 8 MiB of that of a one-paragraph document (1.5 MiB and 0.4 MiB
#    above it now, 127 MiB and 25 MiB before); not measured in the
#    sanitizer pass (PD_SLICE > 1), which reads smaller documents;
#  * runs-whole-taken: the whole-part path needs more than that, so the
#    bound above is known to catch a reader that expands paragraphs.
# Prints "PASS name" or "FAIL name: why".  Environment: PAIDOC, TOP.
set -u
P=${PAIDOC:?}
TOP=${TOP:?}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

if ! command -v "$PY" >/dev/null 2>&1; then
    echo "SKIP docxread-memory: needs python3"
    exit 0
fi
slice=${PD_SLICE:-1}
runs=200000 abstracts=700
[ "$slice" -gt 1 ] && runs=20000 abstracts=70

# The documents: one.docx, runs.docx (one paragraph of $runs runs, then a
# paragraph of mixed content), num.docx (lists, $abstracts abstract
# numberings of nine levels each); *-whole.docx read by the whole-part
# path.
if ! "$PY" - "$TOP/tests/docxread" "$runs" "$abstracts" <<'PYEOF'
import sys, zipfile
sys.path.insert(0, sys.argv[1])
from mkfixtures import docx, p, r, STYLES
runs, abstracts = int(sys.argv[2]), int(sys.argv[3])
link = [("rIdL", "hyperlink", "https://example.com/", True)]
docx("one.docx", p("ab"), styles=STYLES)
fmts = ["", "<w:b/>", "<w:i/>", '<w:rFonts w:ascii="Courier New"/>']
box = ('<w:r><w:pict><v:shape><v:textbox><w:txbxContent>'
       + p("in a box") + '</w:txbxContent></v:textbox></v:shape></w:pict>'
       '</w:r>')
mixed = "".join(r("m%d " % k, fmts[k % 4 if k % 3 else 0]) for k in range(400))
mixed += ('<w:r><w:tab/><w:t>x</w:t><w:br/><w:noBreakHyphen/></w:r>'
          '<w:hyperlink r:id="rIdL">' + r("link") + r(" bold", "<w:b/>")
          + '</w:hyperlink>' + box + r(" after"))
docx("runs.docx", "<w:p>" + r("ab") * runs + "</w:p><w:p>" + mixed + "</w:p>",
     styles=STYLES, doc_rels=link)
lvl = ('<w:lvl w:ilvl="%d"><w:start w:val="1"/><w:numFmt w:val="%s"/>'
       '<w:lvlText w:val="%s"/><w:lvlJc w:val="left"/><w:pPr><w:ind '
       'w:left="%d" w:hanging="360"/></w:pPr><w:rPr><w:rFonts w:ascii='
       '"Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr></w:lvl>')
num = "".join('<w:abstractNum w:abstractNumId="%d"><w:multiLevelType '
              'w:val="hybridMultilevel"/>%s</w:abstractNum>'
              % (a, "".join(lvl % (i, "decimal" if a % 2 else "bullet",
                                   "%%%d." % (i + 1) if a % 2 else "-",
                                   720 * (i + 1)) for i in range(9)))
              for a in range(abstracts))
num += "".join('<w:num w:numId="%d"><w:abstractNumId w:val="%d"/></w:num>'
               % (a + 1, a) for a in range(abstracts))
body = "".join(p("item %d" % k, None, '<w:numPr><w:ilvl w:val="%d"/>'
                 '<w:numId w:val="%d"/></w:numPr>' % (k % 3, k // 4 + 1))
               for k in range(40))
docx("num.docx", body, styles=STYLES, numbering=num)
# the same packages with document.xml read whole (docxread_stream.sh)
for name in ("one", "runs", "num"):
    with zipfile.ZipFile(name + ".docx") as zi, \
         zipfile.ZipFile(name + "-whole.docx", "w",
                         zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info)
            if info.filename == "word/document.xml":
                i = data.index(b"<w:document ") + len(b"<w:document ")
                data = data[:i] + b'xmlns:zz="not a uri" ' + data[i:]
            zo.writestr(info.filename, data)
PYEOF
then
    fail generate "python3 could not build the inputs"
    exit 0
fi

measure=0
[ "$slice" -le 1 ] && [ -x /usr/bin/time ] && measure=1

# rss NAME FILE: convert FILE to txt (stdout in NAME.txt), its peak RSS in
# kB in NAME.rss when measured; the exit status in NAME.rc.
rss() {
    if [ "$measure" = 1 ]; then
        /usr/bin/time -f %M -o "$1.rss" "$P" -f docx -t txt "$2" \
            >"$1.txt" 2>"$1.err"
    else
        "$P" -f docx -t txt "$2" >"$1.txt" 2>"$1.err"
    fi
    echo $? >"$1.rc"
}

for doc in runs num; do
    ok=1
    for t in json txt; do
        "$P" -f docx -t $t $doc.docx >a.$t 2>a.err
        ra=$?
        "$P" -f docx -t $t $doc-whole.docx >b.$t 2>b.err
        rb=$?
        if [ "$ra" != 0 ] || [ "$rb" != 0 ]; then
            fail "$doc-same-$t" "exit $ra and $rb: $(head -c 300 a.err b.err)"
        elif ! cmp -s a.$t b.$t || ! cmp -s a.err b.err; then
            fail "$doc-same-$t" "$(diff a.$t b.$t | head -4 | cut -c1-100 | tr '\n' ' ')"
        else
            pass "$doc-same-$t"
        fi
    done
done
if ! "$P" -f docx -t txt runs.docx | grep -q "in a box"; then
    fail runs-text "the text box of the mixed paragraph is missing"
fi

[ "$measure" = 1 ] || { echo "SKIP docxread-memory-rss: not measured in this pass"; exit 0; }
rss one one.docx
rss runs runs.docx
rss num num.docx
rss whole runs-whole.docx
for n in one runs num whole; do
    if [ "$(cat $n.rc)" != 0 ] || ! [ -s $n.rss ]; then
        fail "rss-$n" "exit $(cat $n.rc): $(head -c 300 $n.err)"
        exit 0
    fi
done
base=$(tail -n 1 one.rss)
limit=$((base + 8192))
for n in runs num; do
    got=$(tail -n 1 $n.rss)
    if [ "$got" -le "$limit" ]; then
        pass "$n-rss (${got} kB, one paragraph: ${base} kB)"
    else
        fail "$n-rss" "${got} kB > ${base} kB of one paragraph + 8 MiB"
    fi
done
w=$(tail -n 1 whole.rss)
if [ "$w" -gt "$limit" ]; then
    pass "runs-whole-taken (${w} kB read whole)"
else
    fail runs-whole-taken "${w} kB read whole: the rss checks above would not catch a paragraph expanded whole"
fi
exit 0
