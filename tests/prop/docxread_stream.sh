#!/bin/sh
# docxread_stream.sh - the DOCX reader streams word/document.xml.
#
# The reader parses document.xml with an xmlTextReader, one child of
# w:body at a time, and reads the part whole (the old path) only when the
# stream is not plain well-formed XML: any libxml2 message sends it there.
# A namespace declaration with an invalid URI on the root (a libxml2
# namespace error that does not stop the parse, and that nothing reads)
# therefore makes the same document take the whole-part path, which gives
# a check without a reference binary:
#  * same-*: a document with every kind of w:body child (paragraphs, nested
#    tables, content controls, paid bookmarks across paragraphs, sections,
#    text boxes, mc:AlternateContent, notes, links, lists, text and
#    comments directly in w:body, elements before and after w:body) reads
#    byte for byte the same both ways, for json, md and txt, stderr too;
#  * big-*: a generated document of some 8 MB of text (2 MB under the
#    sanitizer pass, PD_SLICE > 1), nearly all of it one paid section,
#    written by paidoc itself reads back
#    with every paragraph, in order, the same both ways; streamed, its peak
#    RSS (/usr/bin/time -f %M) stays within 1.5 x that of reading the same
#    text as a .txt file + 16 MiB (the whole-part path needed some 13 x
#    the text); not measured in the sanitizer pass.
# Both paths are checked to be taken: the invalid URI must make the big
# document need more memory than the plain one (big-whole-taken).
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
    echo "SKIP docxread-stream: needs python3"
    exit 0
fi
slice=${PD_SLICE:-1}
mb=8
[ "$slice" -gt 1 ] && mb=2

# whole.py IN OUT: the same package with an invalid namespace URI
# declared on w:document, so that document.xml is read whole.
cat >whole.py <<'PYEOF'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w",
                                                 zipfile.ZIP_DEFLATED) as zo:
    for info in zi.infolist():
        data = zi.read(info)
        if info.filename == "word/document.xml":
            i = data.index(b"<w:document ") + len(b"<w:document ")
            data = data[:i] + b'xmlns:zz="not a uri" ' + data[i:]
        zo.writestr(info.filename, data)
PYEOF

# The document with every kind of w:body child.
if ! "$PY" - "$TOP/tests/docxread" <<'PYEOF'
import sys
sys.path.insert(0, sys.argv[1])
from mkfixtures import docx, p, r, STYLES
num = ('<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt '
       'w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1">'
       '<w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>'
       '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/>'
       '</w:num>')
def li(text, lvl):
    return p(text, None, '<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="1"/>'
             '</w:numPr>' % lvl)
def tbl(inner):
    return "<w:tbl><w:tblPr/><w:tr><w:tc>%s</w:tc></w:tr></w:tbl>" % inner
box = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
       '<wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>'
       '<w:txbxContent>' + p("box choice") + '</w:txbxContent></wps:txbx>'
       '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
       '</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
       '<w:txbxContent>' + p("box fallback") + '</w:txbxContent>'
       '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>'
       '</w:r>')
foot = ''.join('<w:footnote w:id="%d"><w:p><w:r><w:footnoteRef/></w:r>%s'
               '</w:p></w:footnote>' % (k, r(" note %d" % k))
               for k in range(1, 80))
body = [p("Title", "Title"), "loose text in the body", "<!-- comment -->",
        "<?pi data?>", p("Heading", "Heading1"),
        "<w:p>" + r("anchor") + box + r(" after") + "</w:p>",
        tbl(p("cell") + tbl(p("nested cell")) + p("")),
        '<w:bookmarkStart w:id="5" w:name="paid_1"/>',
        p("paid from a bookmark in w:body"),
        '<w:p>' + r("still paid") + '<w:bookmarkEnd w:id="5"/></w:p>',
        p("free"),
        '<w:sdt><w:sdtPr><w:tag w:val="paid"/></w:sdtPr><w:sdtContent>'
        + p("paid control") + li("item one", 0) + li("sub", 1)
        + '</w:sdtContent></w:sdt>',
        li("item two", 0),
        '<mc:AlternateContent><mc:Choice Requires="wps">' + p("body choice")
        + '</mc:Choice><mc:Fallback>' + p("body fallback")
        + '</mc:Fallback></mc:AlternateContent>',
        '<w:p><w:pPr><w:sectPr/></w:pPr>' + r("section end") + '</w:p>',
        p("code 1", "SourceCode"), p("code 2", "SourceCode"),
        p("quoted", "BlockText"),
        '<w:p><w:hyperlink r:id="rIdL">' + r("a link") + '</w:hyperlink>'
        '<w:r><w:br w:type="page"/></w:r>' + r("next page") + '</w:p>']
for k in range(1, 80):
    body.append('<w:p>%s<w:r><w:footnoteReference w:id="%d"/></w:r></w:p>'
                % (r("ref %d" % k), k))
body.append('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>')
docx("kinds.docx", "".join(body), styles=STYLES, numbering=num,
     footnotes=foot,
     doc_rels=[("rIdL", "hyperlink", "https://example.com/", True)])
# elements before w:body, a second w:body and text after it
import zipfile
z = zipfile.ZipFile("kinds.docx")
parts = [(i.filename, z.read(i)) for i in z.infolist()]
z.close()
with zipfile.ZipFile("kinds.docx", "w", zipfile.ZIP_DEFLATED) as zo:
    for name, data in parts:
        if name == "word/document.xml":
            data = data.replace(b"<w:body>", b'<w:background w:color="FF0000"/>'
                                b"<w:body>", 1)
            data = data.replace(b"</w:body>", b"</w:body><w:body>"
                                + p("second body").encode() + b"</w:body>", 1)
        zo.writestr(name, data)
PYEOF
then
    fail generate "python3 could not build the inputs"
    exit 0
fi
"$PY" whole.py kinds.docx kinds-whole.docx
for t in json md txt; do
    "$P" -f docx -t $t kinds.docx >a.$t 2>a.err
    ra=$?
    "$P" -f docx -t $t kinds-whole.docx >b.$t 2>b.err
    rb=$?
    if [ "$ra" != 0 ] || [ "$rb" != 0 ]; then
        fail "same-$t" "exit $ra and $rb: $(head -c 300 a.err b.err)"
    elif ! cmp -s a.$t b.$t; then
        fail "same-$t" "$(diff a.$t b.$t | head -6 | tr '\n' ' ')"
    elif ! cmp -s a.err b.err; then
        fail "same-$t" "stderr: $(diff a.err b.err | head -4 | tr '\n' ' ')"
    else
        pass "same-$t"
    fi
done
missing=""
for w in "box choice" "nested cell" \
    "paid from a bookmark" "still paid" "paid control" "body choice" \
    "section end" "next page" "note 79" "ref 79"; do
    grep -q "$w" a.txt || missing="$missing [$w]"
done
if grep -q "box fallback\|body fallback\|second body" a.txt; then
    fail kinds-text "a branch not taken, the second w:body or loose text read"
elif [ -n "$missing" ]; then
    fail kinds-text "missing:$missing"
else
    pass kinds-text
fi

# The big document: numbered paragraphs, headings and list items, $mb MB
# of text, written by paidoc itself; all but the first and the last
# paragraphs are one paid section, one w:sdt (streamed child by child).
"$PY" - "$mb" >big.txt <<'PYEOF'
import sys
target = int(sys.argv[1]) << 20
out, n, k, paid = [], 0, 0, True
out.append("大文件\n\n")
while n < target:
    k += 1
    if k == 20:
        line = "##paidbegin##\n\n"
    elif paid and n > target * 0.98:
        line = "##paidend##\n\n"
        paid = False
    elif k % 50 == 1:
        line = "%d. 第%d节 Section %d\n\n" % (k // 50 + 1, k, k)
    elif k % 30 == 3:
        line = "- item P%07d 列表项\n\n" % k
    else:
        line = ("P%07d 段落正文，包含中文与 English words, numbers %d. " % (k, k)
                * 3).rstrip() + "\n\n"
    out.append(line)
    n += len(line.encode())
sys.stdout.write("".join(out))
PYEOF
if ! "$P" -t docx -o big.docx big.txt 2>err; then
    fail big-write "$(head -c 300 err)"
    exit 0
fi
"$PY" whole.py big.docx big-whole.docx
"$P" -f txt -t txt big.txt >from-txt.txt 2>/dev/null
if [ "$slice" -le 1 ] && [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o rss.docx "$P" -f docx -t txt big.docx >a.txt 2>a.err
    ra=$?
    /usr/bin/time -f %M -o rss.txt "$P" -f txt -t txt big.txt >/dev/null 2>&1
else
    "$P" -f docx -t txt big.docx >a.txt 2>a.err
    ra=$?
fi
if [ -f rss.docx ]; then
    /usr/bin/time -f %M -o rss.whole "$P" -f docx -t txt big-whole.docx \
        >b.txt 2>b.err
    rb=$?
else
    "$P" -f docx -t txt big-whole.docx >b.txt 2>b.err
    rb=$?
fi
if [ "$ra" != 0 ] || [ "$rb" != 0 ]; then
    fail big-read "exit $ra and $rb: $(head -c 300 a.err b.err)"
else
    # every numbered paragraph, once and in order
    grep -o 'P[0-9]\{7\}' big.txt | uniq >want
    grep -o 'P[0-9]\{7\}' a.txt | uniq >got
    if cmp -s want got; then pass "big-all-text ($(wc -l <want) paragraphs)"
    else fail big-all-text "$(diff want got | head -4 | tr '\n' ' ')"; fi
    if cmp -s a.txt b.txt && cmp -s a.err b.err; then pass big-same-whole
    else fail big-same-whole "$(diff a.txt b.txt | head -4 | tr '\n' ' ')"; fi
    if cmp -s a.txt from-txt.txt; then pass big-same-as-txt
    else fail big-same-as-txt "$(diff from-txt.txt a.txt | head -4 | tr '\n' ' ')"; fi
fi
if [ -f rss.docx ] && [ -f rss.txt ]; then
    d=$(tail -n 1 rss.docx) t=$(tail -n 1 rss.txt)
    limit=$((t * 3 / 2 + 16384))
    if [ "$d" -le "$limit" ]; then
        pass "big-rss (${d} kB, reading the text: ${t} kB)"
    else
        fail big-rss "${d} kB > 1.5 x ${t} kB + 16 MiB"
    fi
    w=$(tail -n 1 rss.whole)
    if [ "$w" -gt $((d * 3 / 2)) ]; then
        pass "big-whole-taken (${w} kB read whole)"
    else
        fail big-whole-taken "${w} kB read whole, ${d} kB streamed: is the whole-part path still taken?"
    fi
else
    echo "SKIP big-rss: not measured in this pass"
fi
exit 0
