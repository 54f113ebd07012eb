#!/bin/sh
# docx_package.sh - properties of the DOCX writer: a valid, deterministic
# package with the GB/T 9704 numbers, Word's built-in style names, paid
# sections as content controls, and no paid text in a preview.
#
# Env: PAIDOC (binary under test), TOP (repository root).  When
# $TOP/../shared/tools/validate-docx exists every DOCX is also validated
# against the ECMA-376 schemas; otherwise that check is skipped.
set -u
: "${PAIDOC:?}" "${TOP:?}"
PY=/usr/bin/python3
D="$TOP/tests/docx"
VALIDATE="$TOP/../shared/tools/validate-docx"
[ -x "$VALIDATE" ] || VALIDATE=""
# The schema check (the slow part) once, in the first pass: the sanitizer
# build writes the same bytes, which the other checks here still cover.
[ "${PD_SLICE:-1}" -gt 1 ] && VALIDATE=""
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; }

# check_pkg NAME FILE [STYLE-NAMES...]: structure of one package.
check_pkg() {
    name=$1; file=$2; shift 2
    if [ ! -s "$file" ]; then
        fail "$name" "no output"
        return
    fi
    if ! out=$("$PY" - "$file" "$@" <<'PYEOF' 2>&1
import sys, zipfile, posixpath
import xml.etree.ElementTree as ET
path, want = sys.argv[1], sys.argv[2:]
z = zipfile.ZipFile(path)
names = z.namelist()
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
probs = []
parsed = {}
for n in names:
    try:
        parsed[n] = ET.fromstring(z.read(n))
    except ET.ParseError as e:
        probs.append("%s not well-formed: %s" % (n, e))
ct = parsed.get("[Content_Types].xml")
if ct is None:
    probs.append("no [Content_Types].xml")
else:
    defaults = {e.get("Extension") for e in ct if e.tag == CT + "Default"}
    overrides = {e.get("PartName") for e in ct if e.tag == CT + "Override"}
    for n in names:
        if n == "[Content_Types].xml":
            continue
        if "/" + n not in overrides and n.rsplit(".", 1)[-1] not in defaults:
            probs.append("no content type for " + n)
    for o in overrides:
        if o.lstrip("/") not in names:
            probs.append("override for missing part " + o)
for n in names:
    if not n.endswith(".rels"):
        continue
    base = posixpath.dirname(posixpath.dirname(n))
    for r in parsed.get(n, []):
        if r.get("TargetMode") == "External":
            continue
        t = posixpath.normpath(posixpath.join(base, r.get("Target")))
        if t not in names:
            probs.append("%s: target %s missing" % (n, t))
import docx
d = docx.Document(path)
seen = {p.style.name for p in d.paragraphs}
for w in want:
    if w not in seen:
        probs.append("python-docx: no paragraph in style %r (saw %s)" % (w, sorted(seen)))
if probs:
    print("; ".join(probs))
    sys.exit(1)
PYEOF
    ); then
        fail "$name" "$out"
        return
    fi
    if [ -n "$VALIDATE" ] && ! out=$("$VALIDATE" "$file" 2>&1); then
        fail "$name" "validate-docx: $(printf '%s' "$out" | head -c 400)"
        return
    fi
    pass "$name"
}

# unz FILE DIR: unpack a package.
unz() { rm -rf "$2"; mkdir -p "$2" && unzip -q -o "$1" -d "$2"; }

# 1. Packages from the fixtures, both styles, every paid mode.
for f in "$D"/*.tree; do
    b=$(basename "$f" .tree)
    for mode in keep preview full only; do
        o="$tmp/$b-$mode.docx"
        if ! "$PAIDOC" -f tree --paid $mode -t docx -o "$o" "$f" 2>"$tmp/err"; then
            fail "docx $b --paid $mode" "exit $?: $(head -c 300 "$tmp/err")"
            continue
        fi
        case $mode in
        keep) check_pkg "docx package $b --paid $mode" "$o" Title "Heading 1" "Heading 2" Normal "List Paragraph" ;;
        *)    check_pkg "docx package $b --paid $mode" "$o" ;;
        esac
    done
    for style in gongwen plain; do
        o="$tmp/$b-$style.docx"
        "$PAIDOC" -f tree --style $style -t docx -o "$o" "$f" 2>/dev/null
        check_pkg "docx package $b --style $style" "$o" Title "Heading 1"
    done
done
for s in "$TOP"/../shared/samples/*.txt; do
    [ -f "$s" ] || continue
    b=$(basename "$s" .txt)
    "$PAIDOC" -t docx -o "$tmp/s-$b.docx" "$s" 2>/dev/null
    check_pkg "docx package sample $b" "$tmp/s-$b.docx"
done

# 2. Empty input: one empty paragraph.
printf '' | "$PAIDOC" -t docx -o "$tmp/empty.docx"
check_pkg "docx package empty input" "$tmp/empty.docx"
unz "$tmp/empty.docx" "$tmp/e"
if grep -q '<w:body><w:p/><w:sectPr' "$tmp/e/word/document.xml"; then
    pass "docx empty input has one empty w:p"
else
    fail "docx empty input has one empty w:p" "$(head -c 300 "$tmp/e/word/document.xml")"
fi

# 3. Text that XML cannot carry (form feed, ESC, U+FFFE) stays well-formed.
printf 'a\fb\033c \357\277\276 d & <e>\n' > "$tmp/ctl.txt"
"$PAIDOC" -t docx -o "$tmp/ctl.docx" "$tmp/ctl.txt" 2>/dev/null
check_pkg "docx package control characters" "$tmp/ctl.docx"

# 4. Determinism: same bytes twice, and in another time zone.
"$PAIDOC" -f tree -t docx -o "$tmp/d1.docx" "$D/full-zh.tree"
"$PAIDOC" -f tree -t docx -o "$tmp/d2.docx" "$D/full-zh.tree"
TZ=America/New_York "$PAIDOC" -f tree -t docx -o "$tmp/d3.docx" "$D/full-zh.tree"
TZ=Asia/Tokyo "$PAIDOC" -f tree -t docx -M date=2024-05-01 -o "$tmp/d4.docx" "$D/full-zh.tree"
"$PAIDOC" -f tree -t docx -M date=2024-05-01 -o "$tmp/d5.docx" "$D/full-zh.tree"
h1=$(sha256sum <"$tmp/d1.docx"); h2=$(sha256sum <"$tmp/d2.docx")
h3=$(sha256sum <"$tmp/d3.docx"); h4=$(sha256sum <"$tmp/d4.docx")
h5=$(sha256sum <"$tmp/d5.docx")
if [ "$h1" = "$h2" ] && [ "$h1" = "$h3" ] && [ "$h4" = "$h5" ]; then
    pass "docx deterministic (two runs, TZ=America/New_York, TZ=Asia/Tokyo)"
else
    fail "docx deterministic" "sha256 differ: $h1 / $h2 / $h3; $h4 / $h5"
fi

# 5. Preview leaves no paid text anywhere in the package, metadata included.
for f in full-zh full-en; do
    case $f in
    full-zh) secret=甲乙丙丁戊己庚辛壬癸独特字串 ;;
    *)       secret=xyzzy-paid-secret ;;
    esac
    "$PAIDOC" -f tree --paid preview -M author=$secret -M title=$secret \
        -t docx -o "$tmp/pv.docx" "$D/$f.tree"
    unz "$tmp/pv.docx" "$tmp/pv"
    leak=""
    for s in 甲乙丙丁戊己庚辛壬癸独特字串 加粗的付费结论 砥砺作风 \
             xyzzy-paid-secret plugh-paid-secret "Using the compost"; do
        if grep -rlF "$s" "$tmp/pv" >/dev/null 2>&1; then
            leak="$leak $s in $(grep -rlF "$s" "$tmp/pv" | sed "s|$tmp/pv/||" | tr '\n' ' ')"
        fi
    done
    if [ -n "$leak" ]; then
        fail "docx preview $f leaks nothing" "$leak"
    elif ! grep -q '<w:pStyle w:val="Paywall"/>' "$tmp/pv/word/document.xml"; then
        fail "docx preview $f leaks nothing" "no Paywall paragraph"
    elif grep -q 'w:tag w:val="paid"' "$tmp/pv/word/document.xml"; then
        fail "docx preview $f leaks nothing" "a paid content control remains"
    else
        pass "docx preview $f leaks nothing, has a Paywall paragraph"
    fi
done

# 6. The GB/T 9704 numbers of the gongwen style.
"$PAIDOC" -f tree -t docx -o "$tmp/g.docx" "$D/full-zh.tree"
unz "$tmp/g.docx" "$tmp/g"
missing=""
chk() { grep -qF -- "$2" "$tmp/g/$1" || missing="$missing [$1: $2]"; }
chk word/document.xml 'w:w="11906" w:h="16838"'
chk word/document.xml 'w:top="2098"'
chk word/document.xml 'w:bottom="1984"'
chk word/document.xml 'w:left="1588"'
chk word/document.xml 'w:right="1474"'
chk word/document.xml '<w:docGrid w:type="lines" w:linePitch="579"/>'
chk word/document.xml '<w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
chk word/document.xml '<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
chk word/styles.xml 'w:line="579" w:lineRule="exact"'
chk word/styles.xml 'w:firstLineChars="200" w:firstLine="640"'
chk word/styles.xml 'w:eastAsia="仿宋_GB2312"'
chk word/styles.xml 'w:eastAsia="方正小标宋简体"'
chk word/styles.xml 'w:eastAsia="黑体"'
chk word/styles.xml 'w:eastAsia="楷体_GB2312"'
chk word/styles.xml 'w:eastAsia="仿宋"'
chk word/styles.xml '<w:sz w:val="32"/>'
chk word/styles.xml '<w:sz w:val="44"/>'
chk word/styles.xml '<w:sz w:val="28"/>'
chk word/styles.xml '<w:jc w:val="center"/>'
chk word/styles.xml 'w:hint="eastAsia"'
for l in 0 1 2 3; do chk word/styles.xml "<w:outlineLvl w:val=\"$l\"/>"; done
chk word/settings.xml '<w:evenAndOddHeaders/>'
chk word/fontTable.xml '<w:altName w:val="FangSong"/>'
chk word/fontTable.xml '<w:charset w:val="86"/>'
chk word/fontTable.xml '<w:family w:val="roman"/>'
chk word/fontTable.xml '<w:family w:val="script"/>'
chk word/fontTable.xml '<w:panose1 w:val='
chk word/footer1.xml '<w:jc w:val="right"/>'
chk word/footer2.xml '<w:jc w:val="left"/>'
chk word/footer1.xml ' PAGE '
chk word/footer2.xml ' PAGE '
chk word/footer1.xml '— '
chk word/footer1.xml ' —'
if [ -z "$missing" ]; then
    pass "docx gongwen GB/T 9704 numbers present"
else
    fail "docx gongwen GB/T 9704 numbers present" "$missing"
fi

# 7. Structure of document.xml: run-in heading, paid control, page break,
#    hyperlinks, numbering, metadata.
missing=""
chk word/document.xml '<w:pStyle w:val="Heading2"/><w:rPr><w:vanish/><w:specVanish/></w:rPr></w:pPr>'
chk word/document.xml '<w:sdt><w:sdtPr><w:alias w:val="付费内容"/><w:tag w:val="paid"/><w:id w:val="1"/></w:sdtPr><w:sdtContent><w:bookmarkStart w:id="1" w:name="paid_1"/>'
chk word/document.xml '<w:bookmarkEnd w:id="1"/></w:sdtContent></w:sdt>'
chk word/document.xml '<w:r><w:br w:type="page"/></w:r>'
chk word/document.xml '<w:hyperlink r:id="rIdLink1">'
chk word/document.xml '<w:rStyle w:val="VerbatimChar"/>'
chk word/document.xml '<w:pStyle w:val="SourceCode"/>'
chk word/document.xml '<w:pStyle w:val="Quote"/>'
chk word/document.xml 'x&lt;y&amp;z'
chk word/_rels/document.xml.rels 'Target="https://example.com/%E6%8A%A5%E5%91%8A?a=1&amp;b=2" TargetMode="External"'
chk word/_rels/document.xml.rels 'Target="mailto:a@example.com" TargetMode="External"'
chk word/numbering.xml '<w:numFmt w:val="decimalEnclosedCircle"/>'
chk word/numbering.xml '<w:numFmt w:val="bullet"/>'
chk word/numbering.xml '<w:startOverride w:val="3"/>'
chk word/numbering.xml '<w:lvlText w:val="%1)"/>'
chk docProps/core.xml '<dc:title>单位副职党性分析报告</dc:title>'
chk docProps/core.xml '<dc:creator>张三</dc:creator>'
chk docProps/core.xml '<dcterms:created xsi:type="dcterms:W3CDTF">2024-05-01T00:00:00Z</dcterms:created>'
chk docProps/app.xml '<Application>paidoc</Application>'
if grep -q 'javascript' "$tmp/g/word/_rels/document.xml.rels"; then
    missing="$missing [a javascript: link became a relationship]"
fi
if [ -z "$missing" ]; then
    pass "docx structure: run-in, paid sdt + bookmark, page break, links, numbering, core"
else
    fail "docx structure" "$missing"
fi
"$PAIDOC" -f tree -t docx -o "$tmp/en.docx" "$D/full-en.tree"
unz "$tmp/en.docx" "$tmp/g"
missing=""
chk word/document.xml '<w:alias w:val="Paid content"/>'
chk word/numbering.xml '<w:numFmt w:val="lowerLetter"/>'
chk word/numbering.xml '<w:numFmt w:val="upperLetter"/>'
chk word/_rels/document.xml.rels 'Target="http://example.org/compost%20guide"'
grep -q 'dcterms:created' "$tmp/g/docProps/core.xml" && missing="$missing [created without -M date]"
grep -q 'evenAndOddHeaders' "$tmp/g/word/settings.xml" && missing="$missing [plain has even/odd footers]"
if [ -z "$missing" ]; then
    pass "docx plain style: alias, letters, encoded link, no date"
else
    fail "docx plain style" "$missing"
fi

# 8. Paper size for plain.
"$PAIDOC" -f tree -M papersize=letter -t docx -o "$tmp/l.docx" "$D/full-en.tree"
unz "$tmp/l.docx" "$tmp/l"
if grep -q 'w:w="12240" w:h="15840"' "$tmp/l/word/document.xml"; then
    pass "docx -M papersize=letter"
else
    fail "docx -M papersize=letter" "no Letter pgSz"
fi

# 9. Errors: unknown style, missing or broken reference document.  main.c
#    exits on a writer error without freeing the document; that is not a
#    leak worth failing the sanitizer run for, so leak checks are off here.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS
"$PAIDOC" -f tree --style nosuch -t docx -o "$tmp/x.docx" "$D/full-en.tree" 2>"$tmp/err"
rc=$?
if [ $rc -eq 64 ] && grep -q "unknown docx style 'nosuch'" "$tmp/err" && [ ! -e "$tmp/x.docx" ]; then
    pass "docx --style nosuch: exit 64"
else
    fail "docx --style nosuch" "exit $rc: $(cat "$tmp/err")"
fi
"$PAIDOC" -f tree --reference-doc "$tmp/none.docx" -t docx -o "$tmp/x.docx" "$D/full-en.tree" 2>"$tmp/err"
rc=$?
if [ $rc -eq 66 ] && grep -q "reference doc" "$tmp/err"; then
    pass "docx --reference-doc missing: exit 66"
else
    fail "docx --reference-doc missing" "exit $rc: $(cat "$tmp/err")"
fi
printf 'not a zip' > "$tmp/bad.docx"
"$PAIDOC" -f tree --reference-doc "$tmp/bad.docx" -t docx -o "$tmp/x.docx" "$D/full-en.tree" 2>"$tmp/err"
rc=$?
if [ $rc -eq 65 ] && grep -q "reference doc" "$tmp/err"; then
    pass "docx --reference-doc not a zip: exit 65"
else
    fail "docx --reference-doc not a zip" "exit $rc: $(cat "$tmp/err")"
fi

# 10. Reference documents: our own plain output styles a Chinese document
#     (styles and page setup taken over), and any corpus document works.
"$PAIDOC" -f tree -M papersize=letter -t docx -o "$tmp/ref.docx" "$D/full-en.tree"
"$PAIDOC" -f tree --reference-doc "$tmp/ref.docx" -t docx -o "$tmp/r.docx" "$D/full-zh.tree"
check_pkg "docx --reference-doc package" "$tmp/r.docx" Title "Heading 1"
unz "$tmp/r.docx" "$tmp/r"
if grep -q 'w:w="12240" w:h="15840"' "$tmp/r/word/document.xml" &&
   grep -q 'w:ascii="Cambria"' "$tmp/r/word/styles.xml" &&
   ! grep -q '仿宋_GB2312' "$tmp/r/word/styles.xml"; then
    pass "docx --reference-doc takes styles and page setup"
else
    fail "docx --reference-doc takes styles and page setup" "pgSz or styles not taken"
fi
for c in "$TOP"/../shared/docx-corpus/*.docx; do
    [ -f "$c" ] || continue
    b=$(basename "$c" .docx)
    if "$PAIDOC" -f tree --reference-doc "$c" -t docx -o "$tmp/c.docx" "$D/full-zh.tree" 2>"$tmp/err"; then
        check_pkg "docx --reference-doc corpus $b" "$tmp/c.docx" Title "Heading 1"
    else
        fail "docx --reference-doc corpus $b" "$(head -c 300 "$tmp/err")"
    fi
done
# Hyperlink targets are URIs libxml2 (and so the schema check) parses,
# also for odd text the txt reader links: an extra colon is
# percent-encoded, an ordinary one (in a path) is not.
printf 'T\n\nsee https://yamps://ww.o and https://ok.example/a:b?x=1 now\n' \
    >"$tmp/u.txt"
if "$PAIDOC" -t docx -o "$tmp/u.docx" "$tmp/u.txt" 2>"$tmp/err"; then
    rels=$(unzip -p "$tmp/u.docx" word/_rels/document.xml.rels)
    case $rels in
    *'Target="https://yamps%3A//ww.o"'*'Target="https://ok.example/a:b?x=1"'*)
        check_pkg "docx hyperlink targets are URIs" "$tmp/u.docx" ;;
    *) fail "docx hyperlink targets are URIs" "$(printf '%s' "$rels" | grep -o 'Target="http[^"]*"' | tr '\n' ' ')" ;;
    esac
else
    fail "docx hyperlink targets are URIs" "$(head -c 300 "$tmp/err")"
fi
exit 0
