#!/bin/sh
# xroundtrip.sh - every format carries what the text format shows, over
# every text input of the suite (tests/txt with its NAME.args, examples,
# and ../shared/samples when that directory exists):
#  * txt -> X -> txt gives the same text as txt -> txt, for X in md, html,
#    docx and json;
#  * X -> json -> X -> json is stable: the JSON tree read from our X output
#    survives being written as X again and read back.
# Inputs that fail on purpose (NAME.status) are skipped.
#
# Markdown (CommonMark) has no syntax for some list markers, so for md the
# first property compares both texts after these normalisations of list
# item markers at the start of a line (after any indentation), and only
# those:
#  * bullets '•', '·', '●', '*' and '+' become '-': CommonMark has no
#    '•', '·' or '●' (the md writer writes '-'), and two adjacent lists
#    must use different bullets there or they would read as one (the md
#    writer then switches between '-' and '*');
#  * alphabetic items 'a.' 'a)' 'A.' 'A)' (one letter) become '1.';
#  * circled numbers '①'..'⑳' become '1.' (the txt writer writes CJK
#    decimal items as '1.' with no space after, like circled ones);
#  * decimal numbers 'N.' and 'N)' become '1.' (the md writer numbers
#    the lists it had to turn into decimal ones from 1, and switches the
#    delimiter of a list that follows one written with the same one).
# The second property is compared without normalisation for every format.
set -u
# tests/run.sh sets PD_SLICE=N for the sanitizer build: every Nth input.
slice_n=0
slice_skip() { slice_n=$((slice_n + 1)); [ $((slice_n % ${PD_SLICE:-1})) -ne 0 ]; }
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Normalise the list markers CommonMark cannot express (see above).
md_norm() {
    sed -E \
        -e 's/^([[:space:]]*)(•|·|●|\*|\+)( |$)/\1-\3/' \
        -e 's/^([[:space:]]*)[A-Za-z][.)]( |$)/\11.\2/' \
        -e 's/^([[:space:]]*)(①|②|③|④|⑤|⑥|⑦|⑧|⑨|⑩|⑪|⑫|⑬|⑭|⑮|⑯|⑰|⑱|⑲|⑳)/\11./' \
        -e 's/^([[:space:]]*)[0-9]+[.)]/\11./' \
        "$1"
}

for f in "$TOP"/tests/txt/*.txt "$TOP"/examples/*.txt "$TOP"/../shared/samples/*.txt; do
    slice_skip && continue
    [ -f "$f" ] || continue
    base=${f%.txt}
    [ -f "$base.status" ] && [ "$(cat "$base.status")" != 0 ] && continue
    args=""
    [ -f "$base.args" ] && args=$(cat "$base.args")
    name=${f#"$TOP"/}
    # shellcheck disable=SC2086
    "$P" $args -t txt "$f" >"$T/want" 2>/dev/null || continue
    for x in md html docx json; do
        rm -f "$T/mid.$x" "$T/a.$x" "$T/b.$x" "$T/j1" "$T/j2" "$T/got"
        # shellcheck disable=SC2086
        if ! "$P" $args -t "$x" -o "$T/mid.$x" "$f" 2>"$T/err"; then
            echo "FAIL txt-$x-txt $name: writing $x failed: $(head -c 200 "$T/err")"
            continue
        fi
        if ! "$P" -t txt "$T/mid.$x" >"$T/got" 2>"$T/err"; then
            echo "FAIL txt-$x-txt $name: reading $x failed: $(head -c 200 "$T/err")"
        else
            if [ "$x" = md ]; then
                md_norm "$T/want" >"$T/want.n"
                md_norm "$T/got" >"$T/got.n"
            else
                cp "$T/want" "$T/want.n"
                cp "$T/got" "$T/got.n"
            fi
            if cmp -s "$T/want.n" "$T/got.n"; then
                echo "PASS txt-$x-txt $name"
            else
                echo "FAIL txt-$x-txt $name: $(diff "$T/want.n" "$T/got.n" | head -6 | tr '\n' ' ')"
            fi
        fi
        # X -> json -> X -> json
        # shellcheck disable=SC2086
        if "$P" $args -t "$x" -o "$T/a.$x" "$f" 2>/dev/null &&
            "$P" "$T/a.$x" -t json >"$T/j1" 2>"$T/err" &&
            "$P" -f json "$T/j1" -t "$x" -o "$T/b.$x" 2>>"$T/err" &&
            "$P" "$T/b.$x" -t json >"$T/j2" 2>>"$T/err"; then
            if cmp -s "$T/j1" "$T/j2"; then
                echo "PASS $x-json-stable $name"
            else
                echo "FAIL $x-json-stable $name: $(diff "$T/j1" "$T/j2" | head -6 | tr '\n' ' ')"
            fi
        else
            echo "FAIL $x-json-stable $name: conversion failed: $(head -c 200 "$T/err")"
        fi
    done
done
exit 0
