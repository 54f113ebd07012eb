#!/bin/sh
# docxread_hostile.sh - the DOCX reader on hostile and broken packages.
# Every case is generated here (python3 zipfile, zip); each must end with
# the expected exit status and message, within `timeout 20`, writing no
# output file; nothing from the file system may leak into the output.
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

# Generate every input.
SENTINEL="$T/sentinel.txt"
echo "SENTINEL-SECRET-$$" >"$SENTINEL"
if ! "$PY" - "$TOP/tests/docxread" "$T" "$SENTINEL" <<'PYEOF'
import os, struct, sys, zipfile, zlib
sys.path.insert(0, sys.argv[1])
from mkfixtures import (content_types, rels, document, package, docx, p, r,
                        HEAD, NS)
d, sentinel = sys.argv[2], sys.argv[3]
def out(name): return os.path.join(d, name)
ok_rels = rels([("rId1", "officeDocument", "word/document.xml")])
base = [("[Content_Types].xml", content_types()), ("_rels/.rels", ok_rels)]
body = document(p("hello"))

open(out("random.docx"), "wb").write(bytes((i * 7919 + 13) % 251 for i in range(4096)))
docx(out("valid.docx"), p("hello") * 200)
data = open(out("valid.docx"), "rb").read()
open(out("truncated.docx"), "wb").write(data[: len(data) // 2])
open(out("text.docx"), "w").write("This is just text, not a zip.\n")
open(out("ole.docx"), "wb").write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
open(out("empty.docx"), "wb").write(b"")
package(out("nodoc.docx"), base)
package(out("noct.docx"), [("_rels/.rels", ok_rels), ("word/document.xml", body)])
package(out("norel.docx"), [("[Content_Types].xml", content_types()),
                            ("word/document.xml", body)])
package(out("xlsx.docx"), [("[Content_Types].xml", content_types(
    ct="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")),
    ("_rels/.rels", ok_rels), ("word/document.xml", body)])
package(out("mainout.docx"), [("[Content_Types].xml", content_types()),
    ("_rels/.rels", rels([("rId1", "officeDocument", "../word/document.xml")])),
    ("word/document.xml", body)])
package(out("bzip2.docx"), base + [("word/document.xml", body)],
        method=zipfile.ZIP_BZIP2)
# Files for `zip -P` (encrypted entries).
os.makedirs(out("enc/_rels")); os.makedirs(out("enc/word"))
open(out("enc/[Content_Types].xml"), "w").write(content_types())
open(out("enc/_rels/.rels"), "w").write(ok_rels)
open(out("enc/word/document.xml"), "w").write(body)
# Zip bomb: 1 GiB of zeros inside document.xml.
with zipfile.ZipFile(out("bomb.docx"), "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in base:
        z.writestr(name, data)
    with z.open("word/document.xml", "w", force_zip64=True) as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(1024):
            f.write(chunk)
# Lying size: 50 MB of XML declared as 1,000 bytes (local and central).
big = (HEAD + "<w:document %s><w:body><w:p><w:r><w:t>" % NS
       + "a" * 50000000 + "</w:t></w:r></w:p></w:body></w:document>").encode()
package(out("lying.docx"), base + [("word/document.xml", big)])
b = bytearray(open(out("lying.docx"), "rb").read())
name = b"word/document.xml"
i = 0
while True:
    i = b.find(b"PK\x03\x04", i)
    if i < 0: break
    n = struct.unpack_from("<H", b, i + 26)[0]
    if bytes(b[i + 30:i + 30 + n]) == name:
        struct.pack_into("<I", b, i + 22, 1000)
    i += 4
i = 0
while True:
    i = b.find(b"PK\x01\x02", i)
    if i < 0: break
    n = struct.unpack_from("<H", b, i + 28)[0]
    if bytes(b[i + 46:i + 46 + n]) == name:
        struct.pack_into("<I", b, i + 24, 1000)
    i += 4
open(out("lying.docx"), "wb").write(b)
# Names equal but for case.
package(out("dupcase.docx"), base + [("word/document.xml", body),
                                     ("Word/Document.xml", body)])
# Too many entries.
package(out("many.docx"), base + [("word/document.xml", body)] +
        [("x/%05d" % k, "") for k in range(10001)], method=zipfile.ZIP_STORED)
# XXE, parameter-entity XXE, plain DOCTYPE.
w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
xxe = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY x SYSTEM '
       '"file://%s">]>\n<w:document %s><w:body><w:p><w:r><w:t>&x;</w:t></w:r>'
       '</w:p></w:body></w:document>' % (sentinel, w))
package(out("xxe.docx"), base + [("word/document.xml", xxe)])
pxxe = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY %% p SYSTEM '
        '"file://%s"> %%p;]>\n<w:document %s><w:body/></w:document>'
        % (sentinel, w))
package(out("pxxe.docx"), base + [("word/document.xml", pxxe)])
dtd = ('<?xml version="1.0"?>\n<!DOCTYPE w:document SYSTEM "file://%s">\n'
       '<w:document %s><w:body/></w:document>' % (sentinel, w))
package(out("dtd.docx"), base + [("word/document.xml", dtd)])
# Billion laughs and the quadratic blowup.
lol = ['<!ENTITY lol0 "lol">'] + ['<!ENTITY lol%d "%s">' % (k, ("&lol%d;" % (k - 1)) * 10) for k in range(1, 10)]
laughs = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [%s]>\n<w:document %s>'
          '<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>'
          '</w:document>' % ("".join(lol), w))
package(out("laughs.docx"), base + [("word/document.xml", laughs)])
quad = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY a "%s">]>\n'
        '<w:document %s><w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body>'
        '</w:document>' % ("x" * 50000, w, "&a;" * 20000))
package(out("quadratic.docx"), base + [("word/document.xml", quad)])
# 3,000-deep elements.
deep = (HEAD + "<w:document %s><w:body>" % NS + "<w:customXml>" * 3000
        + p("deep") + "</w:customXml>" * 3000 + "</w:body></w:document>")
package(out("deep.docx"), base + [("word/document.xml", deep)])
# Malformed XML on line 50.
lines = [HEAD.rstrip("\n"), "<w:document %s><w:body>" % NS]
lines += [p("line %d" % k) for k in range(3, 50)]
lines += ["<w:p><w:r><w:t>broken</w:x></w:r></w:p>"]
lines += [p("after") for k in range(20)] + ["</w:body></w:document>"]
package(out("malformed.docx"), base + [("word/document.xml", "\n".join(lines))])
# Invalid UTF-8 inside a text run.
package(out("badutf8.docx"), base + [("word/document.xml",
    document(p("caf")).encode().replace(b">caf<", b">caf\xe9<"))])
# ../ and absolute entry names, relationship targets outside the package,
# external targets.
package(out("traversal.docx"), base + [
    ("word/document.xml", document("<w:p>" + r("see ") +
        '<w:hyperlink r:id="rIdH">' + r("the site") + "</w:hyperlink></w:p>")),
    ("word/_rels/document.xml.rels", rels([
        ("rIdS", "styles", "../../../../etc/passwd"),
        ("rIdN", "numbering", "/../../etc/passwd"),
        ("rIdT", "attachedTemplate", "file:///etc/passwd", True),
        ("rIdH", "hyperlink", "http://example.com/x", True)])),
    ("../evil.xml", "<x/>"), ("/abs.xml", "<x/>"), ("word\\media\\a.png", "x")])
PYEOF
then
    echo "FAIL generate: python3 could not build the inputs"
    exit 0
fi
if command -v zip >/dev/null 2>&1; then
    (cd enc && zip -q -r -P secret ../encrypted.docx '[Content_Types].xml' _rels word)
fi

# expect NAME STATUS PATTERN FILE: convert FILE with -o, check the exit
# status, that stderr matches the grep -E PATTERN, that no output file
# exists afterwards (on failure), and that the sentinel never leaks.
expect() {
    name=$1 want=$2 pat=$3 file=$4
    rm -f out.tree
    timeout 20 "$P" -f docx -t tree -o out.tree "$file" >stdout 2>stderr
    got=$?
    if [ "$got" != "$want" ]; then
        fail "$name" "exit $got, expected $want: $(head -c 300 stderr)"
        return
    fi
    if ! grep -Eq "$pat" stderr; then
        fail "$name" "message: $(head -c 300 stderr)"
        return
    fi
    if [ "$want" != 0 ] && [ -e out.tree ]; then
        fail "$name" "an output file was written"
        return
    fi
    if grep -q "SENTINEL-SECRET" stdout stderr out.tree 2>/dev/null; then
        fail "$name" "sentinel file content leaked"
        return
    fi
    pass "$name"
    [ -n "${VERBOSE:-}" ] && sed 's/^/    /' stderr
    return 0
}

expect not-a-zip 65 'random.docx: not a DOCX \(zip\): ' random.docx
expect truncated-zip 65 'not a DOCX \(zip\): ' truncated.docx
expect text-named-docx 65 'not a DOCX \(zip\): ' text.docx
expect ole-header 65 'encrypted or legacy Word file not supported' ole.docx
expect empty-file 65 'not a DOCX \(zip\): empty file' empty.docx
expect no-document-xml 65 'not a WordprocessingML package: no main part word/document.xml' nodoc.docx
expect no-content-types 65 'not a WordprocessingML package: no \[Content_Types\].xml' noct.docx
expect no-officedocument-rel 65 'not a WordprocessingML package: no officeDocument relationship' norel.docx
expect not-word-content-type 65 'not a WordprocessingML package: word/document.xml is .*spreadsheetml' xlsx.docx
expect main-part-outside 65 'not a WordprocessingML package' mainout.docx
expect bzip2-method 65 'part .* uses compression method bzip2' bzip2.docx
if [ -f encrypted.docx ]; then
    expect encrypted-entry 65 'part .* is encrypted \(ZipCrypto' encrypted.docx
else
    echo "SKIP encrypted-entry: no zip command"
fi
expect dup-names-case 65 'duplicate part names differing only in case: word/document.xml' dupcase.docx
expect too-many-entries 65 'limit: 10004 zip entries > 10000' many.docx
expect xxe 65 'word/document.xml: DTD not allowed in OOXML part' xxe.docx
expect xxe-parameter-entity 65 'word/document.xml' pxxe.docx
expect external-dtd 65 'word/document.xml: DTD not allowed in OOXML part' dtd.docx
expect billion-laughs 65 'word/document.xml' laughs.docx
expect quadratic-blowup 65 'word/document.xml' quadratic.docx
expect deep-3000 65 'word/document.xml:[0-9]+:[0-9]+: malformed XML: .*[Dd]epth' deep.docx
expect malformed-halfway 65 'word/document.xml:50:[0-9]+: malformed XML' malformed.docx
expect invalid-utf8 65 'word/document.xml:[0-9]+:[0-9]+: malformed XML' badutf8.docx
expect lying-size 65 'part word/document.xml: entry larger than declared' lying.docx
expect traversal-names 0 'relationship target outside the package ignored' traversal.docx
if grep -q 'link url="http://example.com/x"' out.tree 2>/dev/null &&
    ! grep -q 'root:' out.tree; then
    pass traversal-external-link-kept
else
    fail traversal-external-link-kept "$(head -c 300 out.tree 2>/dev/null)"
fi

# The zip bomb: rejected from the declared size, quickly, in little memory.
start=$(date +%s)
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o time.txt timeout 20 "$P" -f docx -t tree bomb.docx \
        >stdout 2>stderr
    got=$?
else
    timeout 20 "$P" -f docx -t tree bomb.docx >stdout 2>stderr
    got=$?
fi
secs=$(($(date +%s) - start))
if [ "$got" = 65 ] &&
    grep -q 'limit: part word/document.xml is 1073741824 bytes > cap' stderr
then pass zip-bomb
else fail zip-bomb "exit $got: $(head -c 300 stderr)"; fi
[ "$secs" -le 5 ] && pass zip-bomb-fast || fail zip-bomb-fast "${secs}s"
if [ -f time.txt ]; then
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.txt)
    if [ -n "$rss" ] && [ "$rss" -lt 200000 ]; then pass zip-bomb-rss
    else fail zip-bomb-rss "max RSS ${rss:-?} kB"; fi
fi
exit 0
