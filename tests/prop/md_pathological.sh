#!/bin/sh
# md_pathological.sh - inputs on which cmark 0.30.2 is quadratic finish
# quickly (the md reader flattens container nesting beyond 100 levels)
# and keep their text.
set -u
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# name, perl expression for the input, the text that must survive
check() {
    name=$1; gen=$2; want=$3
    perl -e "$gen" > "$T/in.md"
    start=$(date +%s)
    timeout 20 "$P" -f md -t json "$T/in.md" >"$T/out.json" 2>"$T/err"
    rc=$?
    secs=$(( $(date +%s) - start ))
    if [ $rc -ne 0 ]; then
        echo "FAIL md-pathological $name: exit $rc after ${secs}s: $(head -c 200 "$T/err")"
        return
    fi
    # All text of the document, concatenated, without spaces (flattening
    # may turn paragraph breaks into soft breaks).
    got=$(tr -d '\n' <"$T/out.json" | grep -o '"text":"[^"]*"' |
          sed 's/^"text":"//; s/"$//' | tr -d '\n ')
    want=$(printf '%s' "$want" | tr -d ' ')
    if [ "$got" != "$want" ]; then
        echo "FAIL md-pathological $name: text changed (${#got} bytes, want ${#want})"
        return
    fi
    echo "PASS md-pathological $name (${secs}s)"
}

check quotes-then-emphasis 'print ">" x 100000, "a*" x 100000' \
    "$(perl -e 'print "a" x 100000')"
check list-markers-then-blank-lines 'print "- " x 30000, "\n" x 30000' ""
check list-markers-then-text 'print "- " x 30000, "a\n", "\n" x 30000' "a"
check ordered-markers 'print "1. " x 30000, "b\n", "\n" x 30000' "b"
check quote-lines 'print ">" x $_, " x\n" for 1..2000' \
    "$(perl -e 'print join(" ", ("x") x 2000)')"
check indented-lists 'print "  " x $_, "- i\n" for 0..3000' \
    "$(perl -e 'print join(" ", ("i") x 3001)')"
exit 0
