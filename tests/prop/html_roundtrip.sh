#!/bin/sh
# html_roundtrip.sh - the html reader reads the html writer's output back:
# for every tests/writer/*.tree and tests/txt/*.txt input,
#   paidoc -t html X | paidoc -f html -t tree  ==  paidoc -t tree X
# The fragment carries no metadata, so the nodes are compared there and
# the metadata through a standalone page (-s), in any order, ignoring the
# lang the writer detects and the <title> it must invent (the first
# heading, or "Untitled") for a document that has none.
# HTML has no place for two list details, which the writer therefore does
# not write: the bullet character of a bullet list and the ")" delimiter
# of an ordered list.  Both sides are compared with those normalised
# (bullet="-", delim=period); everything else must be equal.
# tests/writer/hostile*.tree are left out: the writer deliberately changes
# them (control characters to U+FFFD, script URLs to "#", URL escaping)
# and HTML does not keep their leading, trailing and repeated spaces.
# Also: every tests/html case read, written as html and read again gives
# the same tree (the reader is a fixed point of the writer).
# Environment: PAIDOC (the binary under test), TOP (the repository).
set -u
# tests/run.sh sets PD_SLICE=N for the sanitizer build: every Nth input.
slice_n=0
slice_skip() { slice_n=$((slice_n + 1)); [ $((slice_n % ${PD_SLICE:-1})) -ne 0 ]; }
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

norm() {
    grep -v '^meta ' "$1" |
        sed -e 's/ bullet="[^"]*"/ bullet="-"/' -e 's/ delim=paren/ delim=period/'
}
meta() {
    grep '^meta ' "$1" | LC_ALL=C sort
}

for f in "$TOP"/tests/writer/*.tree "$TOP"/tests/txt/*.txt; do
    slice_skip && continue
    [ -f "$f" ] || continue
    case $f in */hostile*.tree) continue ;; esac
    name=${f#"$TOP"/}
    args=""
    case $f in *.txt) [ -f "${f%.txt}.args" ] && args=$(cat "${f%.txt}.args") ;; esac
    # shellcheck disable=SC2086
    "$P" $args -t tree "$f" >"$T/direct" 2>/dev/null || continue
    # shellcheck disable=SC2086
    if ! "$P" $args -t html "$f" >"$T/html" 2>/dev/null; then
        echo "FAIL html-roundtrip $name: the html writer failed"
        continue
    fi
    if ! timeout 20 "$P" -f html -t tree "$T/html" >"$T/back" 2>"$T/err"; then
        echo "FAIL html-roundtrip $name: the html reader failed: $(head -c 200 "$T/err")"
        continue
    fi
    norm "$T/direct" >"$T/a"
    norm "$T/back" >"$T/b"
    if cmp -s "$T/a" "$T/b"; then echo "PASS html-roundtrip $name"
    else echo "FAIL html-roundtrip $name: $(diff "$T/a" "$T/b" | head -6 | tr '\n' ' ')"; fi
    # shellcheck disable=SC2086
    "$P" $args -s -t html "$f" 2>/dev/null |
        "$P" -f html -t tree >"$T/back" 2>/dev/null
    meta "$T/direct" >"$T/a"
    meta "$T/back" >"$T/b"
    for key in lang title; do
        if ! grep -q "^meta $key " "$T/a"; then
            grep -v "^meta $key " "$T/b" >"$T/c"
            mv "$T/c" "$T/b"
        fi
    done
    if cmp -s "$T/a" "$T/b"; then echo "PASS html-roundtrip-meta $name"
    else echo "FAIL html-roundtrip-meta $name: $(diff "$T/a" "$T/b" | head -6 | tr '\n' ' ')"; fi
done

for f in "$TOP"/tests/html/*.html; do
    slice_skip && continue
    [ -f "$f" ] || continue
    [ -f "${f%.html}.status" ] && continue
    name=${f#"$TOP"/}
    "$P" -f html -t tree "$f" 2>/dev/null | grep -v '^meta ' >"$T/once"
    "$P" -f html -t html "$f" 2>/dev/null |
        "$P" -f html -t tree 2>/dev/null | grep -v '^meta ' >"$T/twice"
    if cmp -s "$T/once" "$T/twice"; then echo "PASS html-reread $name"
    else echo "FAIL html-reread $name: $(diff "$T/once" "$T/twice" | head -6 | tr '\n' ' ')"; fi
done
exit 0
