#!/bin/sh
# cli.sh - the command line: exit codes, messages, stdin/stdout, atomic
# output, paid modes.  Prints "PASS name" or "FAIL name: why" per check.
# Environment: PAIDOC (the binary), TOP (the repository).
set -u
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
cd "$T" || exit 1

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
# expect NAME STATUS CMD...: run CMD, compare its exit status.
expect() {
    name=$1 want=$2
    shift 2
    "$@" >out 2>err
    got=$?
    if [ "$got" = "$want" ]; then pass "$name"
    else fail "$name" "exit $got, expected $want ($(head -c 200 err))"; fi
}
# stderr_is NAME TEXT: the last command's stderr is exactly TEXT.
stderr_is() {
    if [ "$(cat err)" = "$2" ]; then pass "$1"
    else fail "$1" "stderr was: $(head -c 300 err)"; fi
}

printf '标题\n一、正文\n##paidbegin##\n付费段落甲。\n##paidend##\n' >doc.txt

# Help, version, formats.
expect help 0 "$P" --help
grep -q -- '--paid MODE' out && grep -q -- '--list-formats' out &&
    pass help-text || fail help-text "options missing from --help"
expect version 0 "$P" --version
grep -q '^paidoc [0-9]' out && pass version-text || fail version-text "$(cat out)"
expect list-formats 0 "$P" --list-formats
for f in txt md html docx; do
    grep -q "^$f " out && pass "list-formats-$f" || fail "list-formats-$f" missing
done

# Usage errors: 64 with one line naming the problem.
expect unknown-option 64 "$P" --no-such-option doc.txt
expect unknown-to 64 "$P" -t nosuch doc.txt
stderr_is unknown-to-msg "paidoc: unknown format 'nosuch' (see paidoc --list-formats)
Try 'paidoc --help' for more information."
expect unknown-from 64 "$P" -f nosuch doc.txt
expect bad-paid 64 "$P" --paid sometimes doc.txt
expect bad-meta 64 "$P" -M novalue doc.txt
expect bad-encoding 64 "$P" --encoding NO-SUCH-ENCODING doc.txt
stderr_is bad-encoding-msg "paidoc: doc.txt: unknown encoding: NO-SUCH-ENCODING"

# Input errors.
expect missing-input 66 "$P" nosuch.txt
stderr_is missing-input-msg "paidoc: nosuch.txt: cannot open: No such file or directory"
mkdir adir
expect dir-input 66 "$P" adir
printf 'ab\000cd' >nul.txt
expect nul-input 65 "$P" nul.txt
stderr_is nul-input-msg "paidoc: nul.txt: not a text file: byte 0x00 at offset 2"
printf 'caf\351 au lait\n' >latin1.txt
expect latin1-forced 0 "$P" --encoding ISO-8859-1 -t txt latin1.txt
grep -q 'café au lait' out && pass latin1-decoded || fail latin1-decoded "$(cat out)"
printf 'ok\n\377\376bad\n' >badgb.txt
expect undecodable 65 "$P" badgb.txt

# Stdin and stdout.
printf 'hello\n' | "$P" -t txt >out 2>err
[ "$(cat out)" = "hello" ] && pass stdin-stdout || fail stdin-stdout "$(cat out err)"
printf 'hello\n' | "$P" -t txt - >out 2>err
[ "$(cat out)" = "hello" ] && pass stdin-dash || fail stdin-dash "$(cat out err)"
expect dev-full 74 sh -c "\"$P\" doc.txt >/dev/full"
expect dev-full-o 74 "$P" doc.txt -o /dev/full

# Output files: atomic, nothing clobbered on failure.
expect out-new 0 "$P" doc.txt -o new.html
[ -s new.html ] && pass out-new-written || fail out-new-written "empty"
mode=$(stat -c %a new.html)
[ "$mode" = "$(printf '%o' $((0666 & ~$(umask))))" ] && pass out-mode ||
    fail out-mode "mode $mode"
echo precious >keep.html
before=$(sha256sum keep.html)
expect out-kept-bad-input 65 "$P" nul.txt -o keep.html
[ "$(sha256sum keep.html)" = "$before" ] && pass out-kept-unchanged ||
    fail out-kept-unchanged "output was changed"
expect out-kept-bad-usage 64 "$P" --paid bogus doc.txt -o keep.html
[ "$(sha256sum keep.html)" = "$before" ] && pass out-kept-usage ||
    fail out-kept-usage "output was changed"
ls -a | grep -q '\.tmp\.' && fail no-temp-left "$(ls -a)" || pass no-temp-left
expect out-missing-dir 73 "$P" doc.txt -o nodir/x.html
expect out-is-dir 73 "$P" doc.txt -o adir
if [ "$(id -u)" -ne 0 ]; then
    mkdir ro && chmod 555 ro
    expect out-readonly-dir 73 "$P" doc.txt -o ro/x.html
fi
cp doc.txt same.txt
expect same-in-out 0 "$P" -t txt same.txt -o same.txt
grep -q '付费段落甲' same.txt && pass same-in-out-content ||
    fail same-in-out-content "$(cat same.txt)"
echo old >target.html && ln -s target.html link.html
expect out-symlink 0 "$P" doc.txt -o link.html
[ -L link.html ] && grep -q '付费段落甲' target.html && pass out-symlink-target ||
    fail out-symlink-target "link replaced or target not written"

# Format from -o's extension, default html.
"$P" doc.txt -o x.md && grep -q '^##paidbegin##$' x.md && pass to-from-ext ||
    fail to-from-ext "$(cat x.md)"
"$P" doc.txt | grep -q '<section class="paid">' && pass default-html ||
    fail default-html "no paid section in default output"

# Paid modes on every text writer: preview leaves no paid byte.
for t in html md txt tree; do
    "$P" --paid preview -t "$t" doc.txt >out 2>err
    if grep -q '付费段落甲' out; then fail "preview-$t" "paid text leaked"
    elif ! grep -q '以下为付费内容' out; then fail "preview-$t" "no paywall notice"
    else pass "preview-$t"; fi
    "$P" --paid full -t "$t" doc.txt >out 2>err
    if ! grep -q '付费段落甲' out || grep -q 'paidbegin\|class="paid"\|^ *paid$' out
    then fail "full-$t" "$(head -c 300 out)"; else pass "full-$t"; fi
    "$P" --paid only -t "$t" doc.txt >out 2>err
    if grep -q '正文' out || ! grep -q '付费段落甲' out
    then fail "only-$t" "$(head -c 300 out)"; else pass "only-$t"; fi
done
"$P" --paid preview --paywall-text 'Buy it' --paywall-url 'https://x.example/buy' \
    -t html doc.txt >out 2>err
grep -q 'href="https://x.example/buy"' out && grep -q 'Buy it' out &&
    pass paywall-options || fail paywall-options "$(cat out)"
printf 'Title\n\n##paidbegin##\n\nSecret words here.\n\n##paidend##\n' >en.txt
"$P" --paid preview -t html en.txt | grep -q 'The rest of this document is for paying readers.' &&
    pass paywall-english || fail paywall-english "no English notice"

# A standalone page: the stylesheet inlined verbatim, the rest as in
# tests/fixtures/standalone-page.html (kept apart so that a change of
# the stylesheet does not rewrite a golden file).
"$P" -s -t html "$TOP/tests/writer/standalone.tree" >page.html 2>err
sed -n '/^<style>$/,/^<\/style>$/p' page.html | sed '1d;$d' >inline.css
cmp -s inline.css "$TOP/styles/html/paidoc.css" && pass standalone-css ||
    fail standalone-css "the <style> element is not styles/html/paidoc.css"
sed '/^<style>$/,/^<\/style>$/d' page.html >rest.html
cmp -s rest.html "$TOP/tests/fixtures/standalone-page.html" && pass standalone-page ||
    fail standalone-page "$(diff "$TOP/tests/fixtures/standalone-page.html" rest.html | head -5)"

# Metadata overrides.
"$P" -s -M title='My <Title>' doc.txt | grep -q '<title>My &lt;Title&gt;</title>' &&
    pass meta-title || fail meta-title "title not set or not escaped"
"$P" -s -M lang=en doc.txt | grep -q '<html lang="en"' && pass meta-lang ||
    fail meta-lang "lang not used"

# Strict mode: a warning becomes exit 65, nothing written.
printf 'a\n##paidend##\nb\n' >broken.txt
expect warn-default 0 "$P" -t txt broken.txt
grep -q '^broken.txt:2: warning: ' err && pass warn-format ||
    fail warn-format "$(cat err)"
echo precious >strict.out
expect strict 65 "$P" --strict -t txt broken.txt -o strict.out
[ "$(cat strict.out)" = precious ] && pass strict-nothing-written ||
    fail strict-nothing-written "output changed"

# Input format by content when the name does not tell.
"$P" doc.txt -t html -o page.html && cp page.html page.noext &&
    "$P" -t tree page.noext | grep -q '^ *paid$' && pass sniff-html ||
    fail sniff-html "html content without extension not read as html"
"$P" doc.txt -o doc.docx && cp doc.docx doc.bin &&
    "$P" -t txt <doc.bin | grep -q '付费段落甲' && pass sniff-docx-stdin ||
    fail sniff-docx-stdin "docx on stdin not read as docx"
"$P" doc.txt -t json | "$P" -t txt | grep -q '^##paidbegin##$' &&
    pass sniff-json-stdin || fail sniff-json-stdin "json on stdin not read as json"
printf '{ not our json\n' | "$P" -t txt >out 2>err
[ "$(cat out)" = "{ not our json" ] && pass sniff-brace-text ||
    fail sniff-brace-text "$(cat out err)"

# Limits on untrusted input, from the command line.
expect max-input 65 "$P" --max-input 10 doc.txt
stderr_is max-input-msg "paidoc: doc.txt: input too large (more than 10 bytes)"
expect max-input-suffix 0 "$P" --max-input 1K doc.txt
expect max-input-bad 64 "$P" --max-input 12Q doc.txt
expect max-depth-bad 64 "$P" --max-depth 0 doc.txt
expect max-part 65 "$P" --max-part 100 -t txt doc.docx
grep -q 'cap 100' err && pass max-part-msg || fail max-part-msg "$(cat err)"
expect max-total 65 "$P" --max-total 200 -t txt doc.docx
awk 'BEGIN { for (i = 0; i < 40; i++) printf "<blockquote>"; printf "deep"; }' >deep.html
"$P" --max-depth 8 -t tree deep.html >out 2>err
grep -q 'deep' out && [ "$(grep -c block_quote out)" -le 8 ] && pass max-depth-flattens ||
    fail max-depth-flattens "$(grep -c block_quote out) quotes: $(head -c 200 err)"

# Several inputs are one document.
printf 'second file line.\n' >two.txt
"$P" -t txt doc.txt two.txt >out && grep -q 'second file line' out &&
    grep -q '付费段落甲' out && pass concat || fail concat "$(cat out)"
exit 0
