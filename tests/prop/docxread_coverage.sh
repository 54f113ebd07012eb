#!/bin/sh
# docxread_coverage.sh - the DOCX reader keeps every visible text run once.
#  * Text coverage: for the committed fixtures of tests/docxread and, when
#    ../shared/docx-corpus exists, the DOCX files made by other software,
#    every w:t of word/document.xml (minus w:del, w:moveFrom and the
#    mc:AlternateContent branch not taken) appears in the tree output, and
#    no longer text appears more often than in the document.
#  * Interop: DOCX written by pandoc and by LibreOffice (when installed)
#    read back with the right headings, lists and text.
# Prints "PASS name" or "FAIL name: why".  Environment: PAIDOC, TOP.
set -u
P=${PAIDOC:?}
TOP=${TOP:?}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# coverage NAME FILE
coverage() {
    if ! timeout 20 "$P" -f docx -t tree "$2" >"$T/tree" 2>"$T/err"; then
        echo "FAIL $1: exit $?: $(head -c 300 "$T/err")"
        return
    fi
    "$PY" - "$2" "$T/tree" "$1" <<'PYEOF'
import re, sys, zipfile
import xml.etree.ElementTree as ET
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
OK = {"wps", "wpg", "wpc", "wp14", "w14", "w15"}
path, tree, name = sys.argv[1:4]
raw = zipfile.ZipFile(path).read("word/document.xml")
raw = raw.replace(b"http://purl.oclc.org/ooxml/wordprocessingml/main",
                  W[1:-1].encode())     # Strict: same checks
root = ET.fromstring(raw)
texts = []
stack = [root]
while stack:
    n = stack.pop()
    if n.tag in (W + "del", W + "moveFrom", W + "instrText", W + "delText"):
        continue
    if n.tag == W + "t":
        texts.append(n.text or "")
        continue
    kids = list(n)
    if n.tag == MC + "AlternateContent":
        pick = [c for c in kids if c.tag == MC + "Choice"
                and set(c.get("Requires", "").split()) <= OK
                and c.get("Requires")]
        kids = pick[:1] or [c for c in kids if c.tag == MC + "Fallback"]
    stack.extend(reversed(kids))
def unq(s):
    return re.sub(r'\\(x[0-9a-f]{2}|.)', lambda m: {"n": "\n", "t": "\t"}.get(
        m.group(1), chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "x"
        and len(m.group(1)) == 3 else m.group(1)), s)
out = []
for line in open(tree, encoding="utf-8"):
    m = re.match(r'\s*(text|code|code_block) "(.*)"$', line.rstrip("\n"))
    if m:
        out.append(unq(m.group(2)))
O = "".join(out)
E = "".join(texts)
missing = [t for t in texts if t and t not in O]
extra = [t for t in set(texts) if len(t) >= 6 and O.count(t) > E.count(t)]
if missing:
    print("FAIL %s: %d of %d runs missing, e.g. %r" % (name, len(missing),
          len(texts), missing[0][:80]))
elif extra:
    print("FAIL %s: text repeated, e.g. %r" % (name, extra[0][:80]))
else:
    print("PASS %s (%d runs)" % (name, len(texts)))
PYEOF
}

for f in "$TOP"/tests/docxread/*.docx; do
    coverage "fixture-$(basename "$f" .docx)" "$f"
done
if [ -d "$TOP/../shared/docx-corpus" ]; then
    for f in "$TOP"/../shared/docx-corpus/*.docx; do
        coverage "corpus-$(basename "$f" .docx)" "$f"
    done
fi

# A text of our own, through pandoc and LibreOffice, read back.
cat >"$T/in.md" <<'MD'
# 第一章 总则

本办法适用于 *所有* 付费文档。

## Scope and terms

- first bullet
- second bullet

1. step one
2. step two
MD
# check NAME TREE: the headings, list items and text came back.
check() {
    if grep -q '^ *heading level=1$' "$2" &&
        grep -q '"第一章 总则"' "$2" &&
        grep -q '^ *heading level=2$' "$2" &&
        grep -q '"Scope and terms"' "$2" &&
        grep -q '^ *bullet_list' "$2" && grep -q '"second bullet *"' "$2" &&
        grep -q '^ *ordered_list start=1' "$2" && grep -q '"step two *"' "$2" &&
        grep -q '"所有"' "$2"
    then echo "PASS $1"
    else echo "FAIL $1: $(tr '\n' '|' <"$2" | head -c 400)"; fi
}
if command -v pandoc >/dev/null 2>&1; then
    if pandoc -f markdown -t docx -o "$T/pandoc.docx" "$T/in.md" 2>/dev/null &&
        timeout 20 "$P" -t tree "$T/pandoc.docx" >"$T/pandoc.tree" 2>"$T/err"
    then check interop-pandoc "$T/pandoc.tree"
    else echo "FAIL interop-pandoc: $(head -c 300 "$T/err")"; fi
else
    echo "SKIP interop-pandoc: pandoc not installed"
fi
if command -v soffice >/dev/null 2>&1 && command -v pandoc >/dev/null 2>&1; then
    pandoc -f markdown -t html -s --metadata title=t -o "$T/in.html" "$T/in.md"
    HOME=$T timeout 120 soffice -env:UserInstallation=file://$T/lo --headless \
        --convert-to docx:"MS Word 2007 XML" --outdir "$T" "$T/in.html" \
        >/dev/null 2>&1
    if [ ! -f "$T/in.docx" ]; then
        echo "FAIL interop-libreoffice: soffice wrote no file"
    elif timeout 20 "$P" -t tree "$T/in.docx" >"$T/lo.tree" 2>"$T/err"; then
        check interop-libreoffice "$T/lo.tree"
    else
        echo "FAIL interop-libreoffice: $(head -c 300 "$T/err")"
    fi
else
    echo "SKIP interop-libreoffice: soffice or pandoc not installed"
fi
exit 0
