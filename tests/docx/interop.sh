#!/bin/sh
# interop.sh - `make check-interop`: other programs read what the DOCX
# writer produces.  For each sample (../shared/samples/*.txt when present,
# plus the tree fixtures here) paidoc writes a DOCX; then
#   - LibreOffice converts every DOCX to PDF and to text in one call each
#     (soffice exits 0 even when it fails, so the output files are checked);
#     every paragraph of the DOCX must be in the text, every heading in the
#     PDF's text (pdftotext);
#   - pandoc -f docx -t markdown must read the same headings back, at the
#     same levels.
# Prints PASS/FAIL lines; exits 1 when anything failed.
#
#   sh tests/docx/interop.sh build/paidoc
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-build/paidoc}
case $bin in /*) ;; *) bin="$top/$bin" ;; esac
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0
pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; failed=1; }

for t in soffice pandoc pdftotext; do
    command -v $t >/dev/null 2>&1 || { echo "interop: $t not installed" >&2; exit 2; }
done
mkdir -p "$tmp/docx" "$tmp/pdf" "$tmp/txt"
for s in "$top"/../shared/samples/*.txt; do
    [ -f "$s" ] || continue
    "$bin" -t docx -o "$tmp/docx/$(basename "$s" .txt).docx" "$s" ||
        fail "paidoc $(basename "$s")" "exit $?"
done
for s in "$top"/tests/docx/*.tree; do
    "$bin" -f tree -t docx -o "$tmp/docx/$(basename "$s" .tree).docx" "$s" ||
        fail "paidoc $(basename "$s")" "exit $?"
done

# One LibreOffice start per conversion kind, with a private profile.
lo() {
    FONTCONFIG_FILE="$top/styles/fontconfig/paidoc-cjk.conf" \
    HOME="$tmp" soffice -env:UserInstallation="file://$tmp/lo" --headless \
        --infilter="MS Word 2007 XML" --convert-to "$1" --outdir "$2" \
        "$tmp"/docx/*.docx >"$tmp/lo.log" 2>&1
}
lo pdf "$tmp/pdf"
lo txt:Text "$tmp/txt"

for f in "$tmp"/docx/*.docx; do
    b=$(basename "$f" .docx)
    if [ ! -s "$tmp/pdf/$b.pdf" ] || [ ! -s "$tmp/txt/$b.txt" ]; then
        fail "libreoffice $b" "no PDF or text output: $(tail -c 300 "$tmp/lo.log")"
        continue
    fi
    pdftotext -enc UTF-8 "$tmp/pdf/$b.pdf" "$tmp/pdf/$b.txt" 2>/dev/null
    pandoc -f docx -t markdown "$f" -o "$tmp/$b.md" 2>"$tmp/pandoc.err" ||
        { fail "pandoc $b" "$(head -c 300 "$tmp/pandoc.err")"; continue; }
    if out=$("$PY" - "$f" "$tmp/txt/$b.txt" "$tmp/pdf/$b.txt" "$tmp/$b.md" <<'PYEOF'
import re, sys, zipfile
import xml.etree.ElementTree as ET
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
docx, lotxt, pdftxt, md = sys.argv[1:]
root = ET.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
def norm(s):
    return re.sub(r"\s+", "", s)
def norm_md(s):
    # pandoc's smart extension writes curly quotes back as straight ones
    for a, b in (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"),
                 ("\u2019", "'"), ("\u2026", "...")):
        s = s.replace(a, b)
    return norm(s.replace("\\", ""))
paras, heads = [], []
for p in root.iter(W + "p"):
    text = "".join(t.text or "" for t in p.iter(W + "t"))
    style = p.find(W + "pPr/" + W + "pStyle")
    style = style.get(W + "val") if style is not None else ""
    if norm(text):
        paras.append(text)
        if style.startswith("Heading"):
            heads.append((int(style[7:]), text))
lo = norm(open(lotxt, encoding="utf-8", errors="replace").read())
pdf = norm(open(pdftxt, encoding="utf-8", errors="replace").read())
probs = []
for t in paras:
    if norm(t) not in lo:
        probs.append("LibreOffice text lacks %r" % t[:40])
for _, t in heads:
    if norm(t) not in pdf:
        probs.append("PDF lacks heading %r" % t[:40])
got = []
for line in open(md, encoding="utf-8"):
    m = re.match(r"^(#{1,6}) (.*?)(\s*\{[^}]*\})?\s*$", line)
    if m:
        got.append((len(m.group(1)), norm_md(m.group(2))))
want = [(l, norm_md(t)) for l, t in heads]
if got != want:
    probs.append("pandoc headings %s != %s" % (got[:6], want[:6]))
print("; ".join(probs[:5]))
sys.exit(1 if probs else 0)
PYEOF
    ); then
        pass "interop $b: LibreOffice PDF and text complete, pandoc headings"
    else
        fail "interop $b" "$out"
    fi
done
exit $failed
