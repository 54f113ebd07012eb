#!/bin/sh
# hostile_table.sh - the hostile-input table of ../shared/RELIABILITY.md §5,
# every row.  Rows already tested by another script are named here
# ("row N: see SCRIPT (checks)"); this script tests the others, and the
# parts of covered rows the other scripts leave out (strace, RSS, --strict).
# Each check runs under `timeout` and asserts its outcome: exit status,
# message, nothing written, an old output unchanged, a sentinel file's
# content never in the output, no open() of it and no connect() (strace,
# when it is installed and allowed to trace).
# Inputs are generated here (python3, perl).  PD_SLICE > 1 (the sanitizer
# pass) makes the big inputs smaller.
# Prints "PASS name" or "FAIL name: why"; "row N: ..." lines say which
# script covers a row.  Environment: PAIDOC, TOP, PD_SLICE.
set -u
P=${PAIDOC:?}
TOP=${TOP:?}
SLICE=${PD_SLICE:-1}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1
# LeakSanitizer cannot run under strace; leaks are checked by the other
# runs of the sanitizer build.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

pass() { echo "PASS $1"; }
# take: 0 for every PD_SLICE-th call (all of them when PD_SLICE is 1),
# to thin out the loops over formats and cases in the sanitizer pass.
nth=0
take() { nth=$((nth + 1)); [ $((nth % SLICE)) -eq 0 ]; }
fail() { echo "FAIL $1: $2"; }
row()  { echo "row $*"; }
# tick LABEL: with HOSTILE_TIMING set, the seconds since the start on stderr
T0=$(date +%s)
tick() { [ -n "${HOSTILE_TIMING:-}" ] && echo "[$(($(date +%s) - T0))s] $1" >&2; return 0; }

# run NAME WANT CMD...: run CMD (under timeout $TO, default 30 s) with
# stdout in out and stderr in err; FAIL when the exit status is not WANT.
# Returns 1 then.
run() {
    name=$1 want=$2
    shift 2
    start=$(date +%s)
    timeout "${TO:-30}" "$@" >out 2>err
    rc=$?
    secs=$(($(date +%s) - start))
    if [ "$rc" = "$want" ]; then return 0; fi
    if [ "$rc" = 124 ]; then fail "$name" "timed out after ${TO:-30} s"
    else fail "$name" "exit $rc, expected $want: $(head -c 300 err)"; fi
    return 1
}
# has NAME FILE PATTERN (grep -E), hasnt NAME FILE PATTERN
has() {
    if grep -Eq -- "$3" "$2"; then pass "$1"
    else fail "$1" "no /$3/ in $2: $(head -c 200 "$2")"; fi
}
hasnt() {
    if grep -Eq -- "$3" "$2"; then fail "$1" "/$3/ found in $2: $(grep -Eo -- ".{0,40}$3.{0,40}" "$2" | head -1)"
    else pass "$1"; fi
}

# The output checkers.
cat >check.py <<'PYEOF'
import re, sys, zipfile
import xml.etree.ElementTree as ET
BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
def text_ok(data, what):
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "%s: invalid UTF-8 at offset %d" % (what, e.start)
    m = BAD.search(s)
    if m:
        return "%s: character U+%04X not allowed in XML" % (what, ord(m.group()))
    return None
def docx(path):
    z = zipfile.ZipFile(path)
    paras = None
    for n in z.namelist():
        if n.endswith(".xml") or n.endswith(".rels"):
            data = z.read(n)
            err = text_ok(data, n)
            if err:
                return err
            try:
                root = ET.fromstring(data)
            except ET.ParseError as e:
                return "%s: %s" % (n, e)
            if n == "word/document.xml":
                W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
                paras = len(root.findall(".//" + W + "p"))
    if paras is None:
        return "no word/document.xml"
    print(paras)
    return None
kind, path = sys.argv[1], sys.argv[2]
if kind == "docx":
    err = docx(path)
elif kind == "html":
    err = text_ok(open(path, "rb").read(), path)
else:                   # md, txt, json: UTF-8 text, any character
    try:
        open(path, "rb").read().decode("utf-8")
        err = None
    except UnicodeDecodeError as e:
        err = "%s: invalid UTF-8 at offset %d" % (path, e.start)
if err:
    print(err)
    sys.exit(1)
PYEOF
# wellformed NAME FORMAT FILE: md/txt/json output is valid UTF-8; html
# also has only XML characters and parses with xmllint (but for the HTML5
# tags libxml2 does not know); docx: every part is well-formed XML.
wellformed() {
    if ! "$PY" check.py "$2" "$3" >wf.out 2>&1; then
        fail "$1" "$(head -c 300 wf.out)"
        return 1
    fi
    if [ "$2" = html ] && [ -s "$3" ] && command -v xmllint >/dev/null 2>&1; then
        xmllint --html --nonet --noout "$3" 2>&1 | grep 'parser error' |
            grep -Ev 'Tag (section|article|aside|nav|header|footer|main|figure|figcaption|mark) invalid' >wf.out
        if [ -s wf.out ]; then
            fail "$1" "$(head -c 300 wf.out)"
            return 1
        fi
    fi
    pass "$1"
}
# traced NAME CMD...: run CMD under strace; FAIL when it opened a file
# whose path contains $T/secret or /etc/passwd, or connected anywhere.
# Without a working strace, says so and checks nothing.
traced() {
    name=$1
    shift
    if ! command -v strace >/dev/null 2>&1; then
        echo "skip $name: strace not installed"
        return 0
    fi
    timeout 60 strace -f -o trace -e trace=openat,open,connect "$@" >/dev/null 2>&1
    if ! grep -q 'open' trace 2>/dev/null; then
        echo "skip $name: strace cannot trace here"
        return 0
    fi
    if grep -E "open.*(secret|/etc/passwd)" trace >trace.bad ||
        grep -E "connect\(" trace >>trace.bad; then
        fail "$name" "$(head -c 300 trace.bad)"
    else
        pass "$name"
    fi
}
# unchanged NAME FILE SUM: FILE still has sha256 SUM.
unchanged() {
    if [ "$(sha256sum "$2" | cut -d' ' -f1)" = "$3" ]; then pass "$1"
    else fail "$1" "$2 was changed"; fi
}

SECRET="SENTINEL-$$-7d1e"
echo "$SECRET" >secret
echo "old output" >old.html
OLD=$(sha256sum old.html | cut -d' ' -f1)
# A tracing-friendly copy of the binary's name for messages.
have_tl=0
"$P" --time-limit 5 -t txt </dev/null >/dev/null 2>&1 && have_tl=1

# ---------------------------------------------------------------- row 1
tick "row 1"
: >empty.txt; : >empty.md; : >empty.html; : >empty.json
for r in txt md html; do
    for w in txt md html json docx; do
        [ "$w" = docx ] || take || continue
        if run "r1-empty-$r-to-$w" 0 "$P" -f "$r" -t "$w" -o "o.$w" "empty.$r"; then
            [ "$w" = docx ] || wellformed "r1-empty-$r-to-$w-valid" "$w" "o.$w"
        fi
    done
    if [ -f o.docx ] && "$PY" check.py docx o.docx >np 2>&1; then
        [ "$(cat np)" = 1 ] && pass "r1-empty-$r-docx-one-paragraph" ||
            fail "r1-empty-$r-docx-one-paragraph" "$(cat np) paragraphs"
    else
        fail "r1-empty-$r-docx-valid" "$(cat np 2>/dev/null)"
    fi
    rm -f o.*
done
# JSON: an empty file is not a JSON document (our format needs an object).
run r1-empty-json 65 "$P" -f json -t txt empty.json &&
    has r1-empty-json-msg err 'empty.json:1: json: .* expected'
row "1: docx reader, 0-byte file -> 65 'not a DOCX (zip): empty file': see docxread_hostile.sh (empty-file)"

# ---------------------------------------------------------------- row 2
tick "row 2"
head -c 2048 /dev/zero | tr '\0' 'a' >big.txt
cp big.txt big.md; cp big.txt big.html; cp big.txt big.json; cp big.txt big.docx
for r in txt md html json docx; do
    if run "r2-cap-$r" 65 "$P" --max-input 1K -t html -o new.html "big.$r"; then
        has "r2-cap-$r-msg" err "big.$r: input too large \(more than 1024 bytes\)"
        [ -e new.html ] && fail "r2-cap-$r-nothing-written" "new.html exists" ||
            pass "r2-cap-$r-nothing-written"
    fi
done
run r2-cap-old-kept 65 "$P" --max-input 1K -o old.html big.txt &&
    unchanged r2-cap-old-unchanged old.html "$OLD"
# More than INT_MAX bytes (a sparse file): refused, fast, in little memory.
if truncate -s 2200M huge.txt 2>/dev/null; then
    if run r2-over-int-max 65 /usr/bin/time -f '%M' -o rss "$P" --max-input 1M -t txt huge.txt; then
        has r2-over-int-max-msg err 'huge.txt: input too large'
        [ "$(tail -1 rss)" -lt 200000 ] && pass r2-over-int-max-rss ||
            fail r2-over-int-max-rss "max RSS $(tail -1 rss) kB"
    fi
    # and with the default cap (1 GiB): refused from its size, not read
    truncate -s 3G huge.txt
    if run r2-over-default-cap 65 /usr/bin/time -f '%M' -o rss "$P" -t txt huge.txt; then
        has r2-over-default-cap-msg err 'huge.txt: input too large \(more than 1073741824 bytes\)'
        [ "$(tail -1 rss)" -lt 200000 ] && pass "r2-over-default-cap-rss ($(tail -1 rss) kB)" ||
            fail r2-over-default-cap-rss "max RSS $(tail -1 rss) kB: the file was read"
    fi
    rm -f huge.txt
fi

# ---------------------------------------------------------------- row 3
tick "row 3"
# Invalid UTF-8 that is not GB18030 either: exit 65 naming the byte and
# its offset, nothing written; with --encoding it is decoded.
printf 'caf\351 au lait\n' >latin1.txt
cp latin1.txt latin1.md
for r in txt md; do
    if run "r3-latin1-$r" 65 "$P" -t html -o old.html "latin1.$r"; then
        has "r3-latin1-$r-msg" err "latin1.$r: not a text file: byte 0xE9 at offset 3"
        unchanged "r3-latin1-$r-old-unchanged" old.html "$OLD"
    fi
    run "r3-latin1-$r-forced" 0 "$P" --encoding ISO-8859-1 -t txt "latin1.$r" &&
        has "r3-latin1-$r-forced-text" out 'café au lait'
done
# Bytes that are GB18030 (no BOM, not UTF-8): decoded; output valid UTF-8.
printf '\272\272\327\326 abc\n' >gb.txt
cp gb.txt gb.md
for r in txt md; do
    for w in txt html md; do
        [ "$w" = txt ] || take || continue
        run "r3-gb-$r-$w" 0 "$P" -t "$w" -o "gb.$r.$w" "gb.$r" &&
            wellformed "r3-gb-$r-$w-utf8" "$w" "gb.$r.$w"
    done
    grep -q '汉字' "gb.$r.txt" && pass "r3-gb-$r-decoded" ||
        fail "r3-gb-$r-decoded" "$(head -c 100 "gb.$r.txt")"
done
row "3: txt case files tests/txt/enc-bad-bytes (65) and enc-gb18030; html: see html_hostile.sh (html-bad-utf8)"

# ---------------------------------------------------------------- row 4
tick "row 4"
# BOMs: decoded, and no U+FEFF left in the text (txt: case files
# tests/txt/enc-utf16le, enc-utf16be, tests/md/crlf-bom).
printf '# Title\n\nbody text\n' >plain.md
{ printf '\357\273\277'; cat plain.md; } >bom8.md
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE plain.md; } >bom16le.md
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE plain.md; } >bom16be.md
{ printf '\357\273\277'; printf 'Title\n\nbody text\n'; } >bom8.txt
"$P" -t json plain.md >want.json 2>/dev/null
for f in bom8.md bom16le.md bom16be.md bom8.txt; do
    if run "r4-$f" 0 "$P" -t json "$f"; then
        if printf '\357\273\277' | grep -qF -f - out; then
            fail "r4-$f-no-bom" "U+FEFF in the output"
        else pass "r4-$f-no-bom"; fi
        case $f in
        *.md) cmp -s out want.json && pass "r4-$f-same-as-plain" ||
                  fail "r4-$f-same-as-plain" "$(diff want.json out | head -5)" ;;
        esac
    fi
done

# ---------------------------------------------------------------- row 5
tick "row 5"
# Form feed, ESC, U+FFFE (NUL: exit 65, case files tests/txt/enc-nul,
# tests/html/nul-byte): the HTML and DOCX output stays well-formed; the
# txt reader warns (form feed is a page break there).
printf 'Title\n\nfirst\fpage\033esc \357\277\276 nonchar \357\277\277 end\n' >ctl.txt
cp ctl.txt ctl.md
printf '<p>first\fpage\033esc \357\277\276 nonchar \357\277\277 end</p>\n' >ctl.html
for r in txt md html; do
    for w in html docx md txt json; do
        take || continue
        run "r5-ctl-$r-$w" 0 "$P" -t "$w" -o "ctl.$r.$w" "ctl.$r" &&
            wellformed "r5-ctl-$r-$w-wellformed" "$w" "ctl.$r.$w"
    done
    "$P" -t txt "ctl.$r" >out 2>err
    has "r5-ctl-$r-text-kept" out 'nonchar'
    has "r5-ctl-$r-warns" err 'warning: .*(control character|U\+FFFE|noncharacter|replaced)'
done
printf 'a\000b\n' >nul.md
run r5-nul-md 65 "$P" -t html nul.md &&
    has r5-nul-md-msg err 'nul.md: not a text file: byte 0x00 at offset 1'

# ---------------------------------------------------------------- row 6
tick "row 6"
# A long single line: linear time (CPU of 10x the input < 25x the CPU).
n=$((10000000 / SLICE))
cpu() {  # cpu FILE: user+sys seconds of converting FILE to txt
    /usr/bin/time -f '%U %S' -o cpu.t timeout 120 "$P" -t txt "$1" >/dev/null 2>cpu.err
    awk '{ printf "%.2f", $1 + $2 }' cpu.t
}
for r in txt md; do
    "$PY" -c "import sys; sys.stdout.write('word ' * ($n // 50) + '\n')" >small.$r
    "$PY" -c "import sys; sys.stdout.write('word ' * ($n // 5) + '\n')" >long.$r
    a=$(cpu small.$r)
    b=$(cpu long.$r)
    if awk -v a="$a" -v b="$b" 'BEGIN { exit !(b < 25 * (a < 0.05 ? 0.05 : a)) }'; then
        pass "r6-long-line-$r-linear (${a}s for $((n / 10)) B, ${b}s for $n B)"
    else
        fail "r6-long-line-$r-linear" "${a}s for $((n / 10)) B, ${b}s for $n B"
    fi
    rm -f small.$r long.$r
done
# CR-only and mixed line ends.
printf 'Title\r\rfirst para\rstill\r\n\r\nsecond para\n\rthird\r' >cr.md
printf 'Title\r\rfirst para\r\r\nsecond para\n\rthird\r' >cr.txt
for r in md txt; do
    if run "r6-cr-$r" 0 "$P" -t json "cr.$r"; then
        if tr -d '\n' <out | grep -q '\\r'; then fail "r6-cr-$r-normalised" "CR in the text"
        else pass "r6-cr-$r-normalised"; fi
        has "r6-cr-$r-second" out '"second para"'
        has "r6-cr-$r-third" out '"third"'
    fi
done

# ---------------------------------------------------------------- row 7
tick "row 7"
# Pathological Markdown in the manner of cmark's test suite: each under
# 5 s (15 s for the sanitizer build) with the text kept, or the clean
# time-limit error.  The count of the letter x in the txt output must be
# the count in the input ("-" when the check is only the time).
limit=$((5 * SLICE > 15 ? 15 : 5 * SLICE))
[ "$SLICE" -gt 1 ] && limit=15
k=$((30000 / SLICE))
patho() {   # patho NAME PERL-EXPR
    pname=$1
    take || return 0
    perl -e "$2" >p.md
    want=$(tr -cd x <p.md | wc -c)
    if [ "$have_tl" = 1 ]; then set -- --time-limit "$limit"; else set --; fi
    start=$(date +%s)
    timeout 60 "$P" "$@" -t txt p.md >out 2>err
    rc=$?
    secs=$(($(date +%s) - start))
    if [ "$rc" = 65 ] && grep -q 'time limit exceeded' err; then
        pass "r7-$pname (time limit after ${secs}s)"
    elif [ "$rc" != 0 ]; then
        fail "r7-$pname" "exit $rc after ${secs}s: $(head -c 200 err)"
    elif [ "$secs" -gt $((limit + 2)) ]; then
        # (whole seconds, and the time limit itself is armed at $limit)
        fail "r7-$pname" "${secs}s > ${limit}s"
    elif [ "$(tr -cd x <out | wc -c)" != "$want" ]; then
        fail "r7-$pname" "$(tr -cd x <out | wc -c) x in the output, $want in the input"
    else
        pass "r7-$pname (${secs}s)"
    fi
}
patho nested-strong-emph "print '*x **x ' x $k, 'b', ' x** x*' x $k"
patho emph-closers-no-openers "print 'x_ ' x ($k * 2)"
patho emph-openers-no-closers "print '_x ' x ($k * 2)"
patho link-closers-no-openers "print 'x]' x ($k * 2)"
patho link-openers-no-closers "print '[x' x ($k * 2)"
patho mismatched-openers-closers "print '*x_ ' x ($k * 2)"
patho openers-closers-multiple-of-3 "print 'x**b', 'c* ' x ($k * 2)"
patho link-openers-emph-closers "print '[ x_' x ($k * 2)"
patho bracket-paren-pattern "print '[ (](' x ($k * 2)"
patho image-link-pattern "print '![[]()' x $k"
patho hard-link-emph "print '**x [x*b**c*](d)'"
patho nested-brackets "print '[' x ($k * 2), 'x', ']' x ($k * 2)"
patho nested-block-quotes "print '> ' x ($k * 2), 'x'"
patho deeply-nested-lists "print '  ' x \$_, '* x', chr(10) for 0..999"
patho backticks "print 'x', '\`' x \$_ for 1..(1000 + $k / 10)"
patho unclosed-links-a "print '[x](<b' x ($k * 2)"
patho unclosed-links-b "print '[x](b' x ($k * 2)"
patho unclosed-html-comment "print '</', '<!--' x ($k * 3)"
patho unclosed-processing-instruction "print 'x <?' x ($k * 2)"
patho unclosed-declaration "print 'x <!A ' x ($k * 2)"
patho unclosed-cdata "print 'x <![CDATA[' x ($k * 2)"
patho many-references "print '[r', \$_, ']: u', chr(10) for 1..$k; print '[r1] x'"
patho reference-expansion "print '[y]: ', 'a' x 10000, chr(10), chr(10), '[y] x ' x ($k / 3)"
patho empty-lines-nested-lists "print '- ' x ($k / 3), chr(10) x ($k / 3), 'x'"
patho quote-emphasis-openers "print '> ' x ($k / 3), 'x*' x ($k / 3)"
# U+0000 (cmark's 25th case): not a text file for paidoc.
perl -e 'print "abc\0de\0" x 1000' >nul0.md
run r7-u0000 65 "$P" -t txt nul0.md && has r7-u0000-msg err 'not a text file: byte 0x00'

# ---------------------------------------------------------------- row 8
tick "row 8"
# ![[]() x 160,000: more than 60 s in cmark 0.30.2; the time limit stops
# it with a clean error, the old output kept and no temporary file left.
if [ "$have_tl" = 1 ]; then
    perl -e 'print "![[]()" x 160000' >img.md
    start=$(date +%s)
    timeout 60 "$P" --time-limit 3 -t html -o old.html img.md >out 2>err
    rc=$?
    secs=$(($(date +%s) - start))
    if [ "$rc" = 65 ] && grep -q 'img.md: time limit exceeded (3 s)' err; then
        pass "r8-time-limit (${secs}s)"
    else
        fail r8-time-limit "exit $rc after ${secs}s: $(head -c 200 err)"
    fi
    [ "$secs" -le 6 ] && pass r8-time-limit-prompt || fail r8-time-limit-prompt "${secs}s"
    unchanged r8-old-output-unchanged old.html "$OLD"
    ls -a | grep -q '\.tmp\.' && fail r8-no-temp-left "$(ls -a | grep tmp)" ||
        pass r8-no-temp-left
else
    echo "skip row 8: this build has no --time-limit yet"
fi

# ---------------------------------------------------------------- row 9
tick "row 9"
row "9: see md_pathological.sh (list-markers-then-blank-lines, quotes-then-emphasis: nesting flattened, finishes fast)"

# ---------------------------------------------------------------- row 10
tick "row 10"
# 25,000 nested quotes and lists 500 deep: converted to every writer,
# text kept, nesting flattened with a warning, DOCX well-formed.
perl -e 'print "> " x 25000, "deepquote\n"' >quotes.md
perl -e 'print "  " x $_, "- item$_\n" for 0..499' >lists.md
for f in quotes lists; do
    for w in docx html md; do
        [ "$w" = docx ] || take || continue
        run "r10-$f-$w" 0 "$P" -t "$w" -o "$f.$w" "$f.md" &&
            wellformed "r10-$f-$w-wellformed" "$w" "$f.$w"
    done
    has "r10-$f-warns" err 'nested deeper than [0-9]+ levels flattened'
done
"$P" -t txt quotes.md >out 2>/dev/null
has r10-quotes-text out 'deepquote'
"$P" -t txt lists.md >out 2>/dev/null
[ "$(grep -o 'item[0-9]*' out | sort -u | wc -l)" = 500 ] && pass r10-lists-text ||
    fail r10-lists-text "$(grep -o 'item[0-9]*' out | sort -u | wc -l) of 500 items"

# ---------------------------------------------------------------- row 11
tick "row 11"
# Script in Markdown and HTML: never live in the HTML output, not markup
# in the DOCX.
cat >js.md <<'MD'
# Title

<script>alert("SCRIPTMD")</script>

Text <span onclick="alert(1)">click</span> and [a link](javascript:alert(2)),
[data](data:text/html;base64,PHNjcmlwdD4=) and [vb](vbscript:msgbox).

<div onmouseover="alert(3)">div text</div>
MD
cat >js.html <<'HTML'
<p>Text <span onclick="alert(1)">click</span> <a href="javascript:alert(2)">j</a>
<a href="data:text/html;base64,PHNjcmlwdD4=">d</a> <a href=" JaVaScRiPt:x">s</a></p>
<script>alert("SCRIPTHTML")</script><div onmouseover="alert(3)">div text</div>
<img src="x" onerror="alert(4)"><iframe src="javascript:alert(5)"></iframe>
HTML
for r in md html; do
    run "r11-$r-html" 0 "$P" -t html -o js.$r.html js.$r
    hasnt "r11-$r-no-script-element" js.$r.html '<script'
    hasnt "r11-$r-no-event-handler" js.$r.html ' on[a-z]+='
    hasnt "r11-$r-no-script-url" js.$r.html 'href="[[:space:]]*(javascript|vbscript|data):'
    hasnt "r11-$r-no-iframe" js.$r.html '<(iframe|img)'
    run "r11-$r-docx" 0 "$P" -t docx -o js.$r.docx js.$r &&
        wellformed "r11-$r-docx-wellformed" docx js.$r.docx
    unzip -p js.$r.docx word/document.xml word/_rels/document.xml.rels >js.$r.docx.xml 2>/dev/null
    hasnt "r11-$r-docx-no-script-link" js.$r.docx.xml 'Target="[[:space:]]*(javascript|vbscript|data):'
done
row "11: the html reader's script/style/javascript: links: also html_hostile.sh (html-script)"

# ---------------------------------------------------------------- row 12
tick "row 12"
# Images and links to local files and remote URLs: never read, never
# fetched; kept as a link or alt text.
cat >img12.md <<MD
# Images

![local secret]($T/secret) ![file url](file://$T/secret)
![etc](/etc/passwd) ![remote](http://127.0.0.1:9/x.png)
[a link](file://$T/secret)
MD
cat >img12.html <<HTML
<p><img src="$T/secret" alt="local secret"><img src="file://$T/secret" alt="file url">
<img src="/etc/passwd" alt="etc"><img src="http://127.0.0.1:9/x.png" alt="remote">
<a href="file://$T/secret">a link</a><object data="file://$T/secret"></object>
<embed src="file://$T/secret"><video src="http://127.0.0.1:9/v.mp4"></video></p>
HTML
for r in md html; do
    for w in docx html; do
        run "r12-$r-$w" 0 "$P" -t "$w" -o "img12.$r.$w" "img12.$r" || continue
        if [ "$w" = docx ]; then
            unzip -o -q "img12.$r.docx" -d "unz.$r" 2>/dev/null
            if grep -rqF "$SECRET" "unz.$r"; then fail "r12-$r-docx-no-secret" "sentinel content in the DOCX"
            else pass "r12-$r-docx-no-secret"; fi
            if grep -rq 'root:' "unz.$r"; then fail "r12-$r-docx-no-passwd" "/etc/passwd in the DOCX"
            else pass "r12-$r-docx-no-passwd"; fi
            [ -d "unz.$r/word/media" ] && fail "r12-$r-docx-no-media" "$(ls "unz.$r/word/media")" ||
                pass "r12-$r-docx-no-media"
        else
            hasnt "r12-$r-html-no-secret" "img12.$r.html" "$SECRET"
        fi
    done
    "$P" -t txt "img12.$r" >out 2>/dev/null
    has "r12-$r-alt-kept" out 'local secret'
    traced "r12-$r-strace-docx" "$P" -t docx -o strace.docx "img12.$r"
    traced "r12-$r-strace-html" "$P" -t html "img12.$r"
done

# ---------------------------------------------------------------- row 13
tick "row 13"
perl -e 'print "<p>before</p>", "<div>" x 100000, "deep", "</div>" x 100000' >deep.html
run r13-strict 65 "$P" --strict -t html -o old.html deep.html &&
    has r13-strict-msg err 'content truncated at depth 256|warnings? treated as errors?'
unchanged r13-strict-old-unchanged old.html "$OLD"
row "13: see html_hostile.sh (html-deep-div: exit 0, 'content truncated at depth 256')"
row "14: see html_hostile.sh (html-bad-utf8: no mojibake, U+FFFD, warning with the offset)"
row "15: see html_hostile.sh (html-xxe: DOCTYPE SYSTEM file:, <base>, <link>, strace openat/connect)"

# ---------------------------------------------------------------- row 16
tick "row 16"
# 50,000 attributes in a DOCX part (html: html_hostile.sh html-attrs).
SPLIT=$((50000 / SLICE))
if ! "$PY" - "$T" "$SECRET" "$SPLIT" <<'PYEOF'
import os, struct, sys, zipfile, zlib
d, secret, nattr = sys.argv[1], sys.argv[2], int(sys.argv[3])
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
def doc(body):
    return ('<?xml version="1.0" encoding="UTF-8"?><w:document %s %s><w:body>%s</w:body></w:document>' % (W, R, body))
def p(t):
    return '<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % t
def write(name, entries):
    with zipfile.ZipFile(os.path.join(d, name), "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in entries:
            z.writestr(n, data)
base = [("[Content_Types].xml", CT), ("_rels/.rels", RELS)]
# Row 16: many attributes on one element.
attrs = " ".join('w:a%d="x"' % i for i in range(nattr))
write("attrs.docx", base + [("word/document.xml",
      doc('<w:p %s><w:r><w:t>attr text</w:t></w:r></w:p>' % attrs))])
# Row 22: overlapping entries: one local file, 2,000 central entries
# pointing at it under other names.
big = doc(p("x" * 1000000)).encode()
comp = zlib.compressobj(6, zlib.DEFLATED, -15)
data = comp.compress(big) + comp.flush()
crc = zlib.crc32(big) & 0xffffffff
out = bytearray()
cd = bytearray()
entries = []
for n, text in base:
    raw = text.encode()
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    entries.append((n.encode(), raw, c.compress(raw) + c.flush()))
entries.append((b"word/document.xml", big, data))
offsets = {}
for name, raw, cdata in entries:
    offsets[name] = len(out)
    out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0,
                       zlib.crc32(raw) & 0xffffffff, len(cdata), len(raw),
                       len(name), 0) + name + cdata
def central(name, raw, cdata, off):
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 8, 0, 0,
                       zlib.crc32(raw) & 0xffffffff, len(cdata), len(raw),
                       len(name), 0, 0, 0, 0, 0, off) + name
for name, raw, cdata in entries:
    cd += central(name, raw, cdata, offsets[name])
n = len(entries)
for i in range(2000):
    cd += central(b"word/copy%04d.xml" % i, big, data, offsets[b"word/document.xml"])
    n += 1
start = len(out)
out += cd + struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, n, n, len(cd), start, 0)
open(os.path.join(d, "overlap.docx"), "wb").write(out)
# Row 23: the same name twice (python warns and writes both).
import warnings
warnings.simplefilter("ignore")
write("dupexact.docx", base + [("word/document.xml", doc(p("one"))),
                               ("word/document.xml", doc(p("two")))])
# Row 24: entry names and relationship targets leaving the package.
write("trav.docx", base + [
    ("word/document.xml", doc('<w:p><w:hyperlink r:id="rIdH"><w:r><w:t>site</w:t></w:r></w:hyperlink></w:p>')),
    ("word/_rels/document.xml.rels",
     '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
     '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="../../../../../etc/passwd"/>'
     '<Relationship Id="rIdN" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="%s/secret"/>'
     '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file://%s/secret" TargetMode="External"/>'
     '<Relationship Id="rIdI" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="http://127.0.0.1:9/x.png" TargetMode="External"/>'
     '<Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="http://example.com/x" TargetMode="External"/>'
     '</Relationships>' % (d, d)),
    ("../evil.xml", "<x/>"), ("/abs.xml", "<x/>"), ("word\\media\\a.png", "x")])
# Row 25/26: XXE with the sentinel, billion laughs, quadratic blowup.
xxe = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY x SYSTEM "file://%s/secret">]>\n'
       '<w:document %s><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>' % (d, W))
write("xxe.docx", base + [("word/document.xml", xxe)])
pxxe = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY %% p SYSTEM "file://%s/secret"> %%p;]>\n'
        '<w:document %s><w:body/></w:document>' % (d, W))
write("pxxe.docx", base + [("word/document.xml", pxxe)])
lol = ['<!ENTITY lol0 "lol">'] + ['<!ENTITY lol%d "%s">' % (k, ("&lol%d;" % (k - 1)) * 10) for k in range(1, 10)]
write("laughs.docx", base + [("word/document.xml",
      '<?xml version="1.0"?>\n<!DOCTYPE w:document [%s]>\n<w:document %s><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
      % ("".join(lol), W))])
write("quadratic.docx", base + [("word/document.xml",
      '<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY a "%s">]>\n<w:document %s><w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>'
      % ("x" * 50000, W, "&a;" * 20000))])
# Row 29: a Strict OOXML document body.
strict = doc(p("strict text")).replace(
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main")
write("strictns.docx", base + [("word/document.xml", strict)])
PYEOF
then
    fail generate "python3 could not build the DOCX inputs"
fi
if [ -f attrs.docx ]; then
    # libxml2's attribute check is quadratic (4.2 s for 50,000 on an idle
    # machine): within the default time limit, 60 s, is the promise.
    TO=60 run r16-docx-attrs 0 "$P" -t txt attrs.docx &&
        has "r16-docx-attrs-text (${secs}s)" out 'attr text'
fi
row "16: html, 50,000 attributes: see html_hostile.sh (html-attrs: capped at 1000 with a warning)"

# ------------------------------------------------------------ rows 17-21
tick "rows 17-21"
row "17: see docxread_hostile.sh (not-a-zip, truncated-zip, text-named-docx: 65 'not a DOCX (zip)')"
row "18: see docxread_hostile.sh (ole-header: 65 'encrypted or legacy Word file not supported')"
row "19: see docxread_hostile.sh (encrypted-entry: 65 'is encrypted (ZipCrypto'; bzip2-method: 65 'uses compression method bzip2')"
row "20: see docxread_hostile.sh (zip-bomb: 65 'limit: part word/document.xml is 1073741824 bytes > cap', fast, RSS < 200 MB)"
row "21: see docxread_hostile.sh (lying-size: 65 'entry larger than declared')"

# ---------------------------------------------------------------- row 22
tick "row 22"
if [ -f overlap.docx ]; then
    if run r22-overlap 65 /usr/bin/time -f '%M' -o rss "$P" -t txt -o new.txt overlap.docx; then
        has r22-overlap-msg err 'overlap.docx: not a DOCX \(zip\): .*(nconsistent|overlap)'
        [ "$(tail -1 rss)" -lt 100000 ] && pass r22-overlap-rss || fail r22-overlap-rss "$(tail -1 rss) kB"
        [ -e new.txt ] && fail r22-overlap-nothing-written "new.txt exists" || pass r22-overlap-nothing-written
    fi
fi

# ---------------------------------------------------------------- row 23
tick "row 23"
[ -f dupexact.docx ] && run r23-dup-exact 65 "$P" -t txt dupexact.docx &&
    has r23-dup-exact-msg err 'dupexact.docx: .*(duplicate|already exists|xists)'
row "23: 100,000/10,001 entries and names differing in case: see docxread_hostile.sh (too-many-entries, dup-names-case)"

# ---------------------------------------------------------------- row 24
tick "row 24"
if [ -f trav.docx ]; then
    run r24-traversal 0 "$P" -t tree trav.docx &&
        has r24-external-link-kept out 'link url="http://example.com/x"'
    hasnt r24-no-secret out "$SECRET|root:"
    traced r24-strace "$P" -t tree trav.docx
fi
row "24: also docxread_hostile.sh (traversal-names, traversal-external-link-kept)"

# ------------------------------------------------------------ rows 25-26
tick "rows 25-26"
for f in xxe pxxe; do
    [ -f $f.docx ] || continue
    run "r25-$f" 65 "$P" -t txt -o new.txt $f.docx &&
        has "r25-$f-msg" err "$f.docx: word/document.xml"
    grep -qF "$SECRET" out err 2>/dev/null && fail "r25-$f-no-secret" "sentinel leaked" ||
        pass "r25-$f-no-secret"
    [ -e new.txt ] && fail "r25-$f-nothing-written" "new.txt exists" || pass "r25-$f-nothing-written"
    traced "r25-$f-strace" "$P" -t txt $f.docx
done
for f in laughs quadratic; do
    [ -f $f.docx ] || continue
    if run "r26-$f" 65 /usr/bin/time -f '%M' -o rss "$P" -t txt $f.docx; then
        has "r26-$f-msg" err "$f.docx: word/document.xml"
        [ "$secs" -le 5 ] && pass "r26-$f-fast" || fail "r26-$f-fast" "${secs}s"
        [ "$(tail -1 rss)" -lt 100000 ] && pass "r26-$f-rss ($(tail -1 rss) kB)" ||
            fail "r26-$f-rss" "$(tail -1 rss) kB"
    fi
done
row "25: also docxread_hostile.sh (xxe, xxe-parameter-entity, external-dtd: 65 'DTD not allowed in OOXML part', sentinel)"
row "26: also docxread_hostile.sh (billion-laughs, quadratic-blowup: 65)"
row "27: see docxread_hostile.sh (deep-3000, malformed-halfway: 65 'word/document.xml:LINE:COL: malformed XML')"
row "28: see docxread_hostile.sh (no-document-xml, no-content-types, no-officedocument-rel: 65 'not a WordprocessingML package')"

# ---------------------------------------------------------------- row 29
tick "row 29"
if [ -f strictns.docx ]; then
    run r29-strict-namespace 0 "$P" -t txt strictns.docx &&
        has r29-strict-namespace-text out 'strict text'
fi
if [ -f "$TOP/tests/docxread/macro.docx" ]; then
    run r29-docm-macros 0 "$P" -t txt "$TOP/tests/docxread/macro.docx" &&
        has r29-docm-macros-warning err 'macros \(vbaProject.bin\) ignored'
    [ -s out ] && pass r29-docm-not-empty || fail r29-docm-not-empty "empty output"
fi
row "29: also case files tests/docxread/strict.docx, macro.docx"
row "30: see docxread_coverage.sh (every w:t once) and coverage.sh"
exit 0
