#!/bin/sh
# lint_cli.sh - `paidoc --lint FILE...`: exit 0 and silence on clean
# documents; exit 65 and one `FILE:LINE: warning: ...` line per problem on
# each planted problem (tests/fixtures/workflow/lint-*.txt) and on broken
# markers, which the readers report; 66 for a file that cannot be opened.
# Prints "PASS name" or "FAIL name: why" per check.
# Environment: PAIDOC (the binary), TOP (the repository).
set -u
P=${PAIDOC:?}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$TOP" || exit 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
FX=tests/fixtures/workflow

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# lint NAME FILE...: run paidoc --lint, output in $T/out and $T/err.
lint() {
    name=$1
    shift
    "$P" --lint "$@" >"$T/out" 2>"$T/err"
    got=$?
}

# clean NAME FILE...: exit 0, nothing on stdout or stderr.
clean() {
    lint "$@"
    if [ "$got" -eq 0 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]; then
        pass "lint-clean $1"
    else
        fail "lint-clean $1" "exit $got: $(head -c 300 "$T/err")"
    fi
}

# problems NAME FILE LINE...: exit 65, and stderr is exactly one
# "FILE:LINE: warning: " line per LINE given, in that order.
problems() {
    name=$1 file=$2
    shift 2
    lint "$name" "$file"
    want=""
    for l in "$@"; do
        want="$want$file:$l: warning: "
    done
    have=$(sed -n 's/^\([^:]*:[0-9]*: warning: \).*/\1/p' "$T/err" | tr -d '\n')
    lines=$(wc -l <"$T/err")
    if [ "$got" -eq 65 ] && [ "$have" = "$want" ] && [ "$lines" -eq $# ] &&
       [ ! -s "$T/out" ]; then
        pass "lint-finds $name"
    else
        fail "lint-finds $name" "exit $got, stderr: $(head -c 400 "$T/err")"
    fi
}

# Clean documents: the examples but the community report (below), the
# shared samples when present, the clean fixtures.
clean field-guide-en examples/field-guide-en.txt
for f in ../shared/samples/*.txt; do
    [ -f "$f" ] && clean "sample-$(basename "$f" .txt)" "$f"
done
for f in "$FX"/clean-*.txt; do
    clean "$(basename "$f" .txt)" "$f"
done
for f in bullets zh-levels zh-runin marker-alone marker-dollar marker-many \
         en-headings zh-chapter enc-gb18030 enc-utf16le enc-crlf; do
    clean "txt-$f" "tests/txt/$f.txt"
done
clean several-clean examples/field-guide-en.txt "$FX/clean-en.txt" \
    "$FX/clean-zh-full.txt"

# One planted problem per fixture, at its line.  The misspelled end leaves
# the section open: the reader says so too, at the begin (line 3).
problems gap-zh "$FX/lint-gap-zh.txt" 6
problems gap-paren "$FX/lint-gap-paren.txt" 5
problems gap-arabic "$FX/lint-gap-arabic.txt" 11
problems gap-eleven "$FX/lint-gap-eleven.txt" 22
problems skip-level "$FX/lint-skip-level.txt" 6
problems skip-paren "$FX/lint-skip-paren.txt" 4
problems repeat "$FX/lint-repeat.txt" 6
problems chapter-gap "$FX/lint-chapter-gap.txt" 4
problems dec-gap "$FX/lint-dec-gap.txt" 11
problems paid-empty "$FX/lint-paid-empty.txt" 4
problems paid-whole "$FX/lint-paid-whole.txt" 2
problems marker-one-hash "$FX/lint-marker-one-hash.txt" 3
problems marker-left "$FX/lint-marker-left.txt" 3
problems marker-fullwidth "$FX/lint-marker-fullwidth.txt" 3
problems marker-space "$FX/lint-marker-space.txt" 3
problems marker-case "$FX/lint-marker-case.txt" 3
problems marker-dollar "$FX/lint-marker-dollar.txt" 3
problems marker-end "$FX/lint-marker-end.txt" 3 5
problems marker-inline "$FX/lint-marker-inline.txt" 3

# Broken markers, which the readers warn about; each once.
problems nested tests/txt/marker-nested.txt 4
problems end-outside tests/txt/marker-end-outside.txt 2 3
problems unclosed tests/txt/marker-unclosed.txt 2


# Messages say what was found and what was expected.
lint message "$FX/lint-gap-zh.txt"
grep -q 'numbering gap: 四、 follows 二、 (expected 三、)' "$T/err" &&
    pass lint-message || fail lint-message "$(cat "$T/err")"

# Several files: each is checked on its own; one bad file makes it 65.
lint several "$FX/clean-en.txt" "$FX/lint-gap-zh.txt" "$FX/lint-paid-empty.txt"
n=$(grep -c ': warning: ' "$T/err")
if [ "$got" -eq 65 ] && [ "$n" -eq 2 ] &&
   grep -q "^$FX/lint-gap-zh.txt:6: " "$T/err" &&
   grep -q "^$FX/lint-paid-empty.txt:4: " "$T/err"; then
    pass lint-several
else
    fail lint-several "exit $got, stderr: $(head -c 400 "$T/err")"
fi

# Standard input, Markdown, and a file that is not there.
"$P" --lint - <"$FX/lint-gap-zh.txt" >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 65 ] && grep -q '^<stdin>:6: warning: ' "$T/err" &&
    pass lint-stdin || fail lint-stdin "exit $got: $(head -c 300 "$T/err")"
printf '# Title\n\nFree text.\n\n##paidbegin#\n\nPaid text.\n' >"$T/doc.md"
problems markdown "$T/doc.md" 5
printf '# Title\n\nFree text.\n\n##paidbegin##\n\nPaid text.\n\n##paidend##\n' >"$T/ok.md"
clean markdown "$T/ok.md"
lint missing "$T/nonexistent.txt"
[ "$got" -eq 66 ] && pass lint-missing || fail lint-missing "exit $got"
