#!/bin/sh
# paidstyle.sh - --paid-style: every marker dialect survives a round trip
# through md and html, over every text input of the suite with a paid
# section (tests/txt with its NAME.args, examples, ../shared/samples).
#
# For each style S (default fastadmin ghost wordpress html-comment) and
# X in md, html:
#  * round trip: txt -> X (--paid-style S) -> json equals the document's
#    own json (txt -> json).  For md, when the default style's round trip
#    already differs (the list-marker normalisations xroundtrip.sh
#    documents), the default style's round trip is the reference: the
#    style may change nothing but the markers.
#  * ghost and wordpress have no end marker: when anything follows the
#    first paid section, the expected document is the reference with
#    everything from the first paid section on in one section, and the
#    writer must have said so ("has no end marker"); otherwise it must say
#    nothing of the kind.
#  * no paid text lost: every text of `--paid only` of the input is also
#    in `--paid only` of the output read back.
#  * the output spells the style's markers and no other style's.
# Plus the readers on hand-written markers: WordPress and Ghost comments
# inside md paragraphs and html, and the warning when a writer merges.
set -u
# tests/run.sh sets PD_SLICE=N for the sanitizer build: every Nth input.
slice_n=0
slice_skip() { slice_n=$((slice_n + 1)); [ $((slice_n % ${PD_SLICE:-1})) -ne 0 ]; }
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Everything from the first paid block on, in that one paid section.
merge='.blocks as $b
  | ([$b | to_entries[] | select(.value.t == "paid") | .key] | first) as $i
  | if $i == null then .
    else .blocks = ($b[:$i] + [{"t": "paid", "c":
        [$b[$i:][] | if .t == "paid" then (.c // [])[] else . end]}])
    end'

texts() { sed -n 's/^ *text "\(.*\)"$/\1/p'; }

# The markers a style writes into X, and a pattern no other style's match.
markers_ok() { # style fmt file
    case $1:$2 in
    default:md|fastadmin:md)
        grep -qx '##paidbegin##' "$3" && ! grep -q '<!--' "$3" ;;
    default:html)
        grep -q '<section class="paid">' "$3" && ! grep -q '<!--\|##paid' "$3" ;;
    fastadmin:html)
        grep -qx '<p>##paidbegin##</p>' "$3" && ! grep -q '<section\|<!--' "$3" ;;
    ghost:*)
        [ "$(grep -c '<!--members-only-->' "$3")" = 1 ] &&
            ! grep -q '##paid\|<section\|<!--paid\|<!--more' "$3" ;;
    wordpress:*)
        [ "$(grep -c '<!--more-->' "$3")" = 1 ] &&
            ! grep -q '##paid\|<section\|<!--paid\|<!--members' "$3" ;;
    html-comment:*)
        grep -qx '<!--paidbegin-->' "$3" && grep -qx '<!--paidend-->' "$3" &&
            ! grep -q '##paid\|<section\|<!--more\|<!--members' "$3" ;;
    *) return 1 ;;
    esac
}

for f in "$TOP"/tests/txt/*.txt "$TOP"/examples/*.txt "$TOP"/../shared/samples/*.txt; do
    [ -f "$f" ] || continue
    base=${f%.txt}
    [ -f "$base.status" ] && [ "$(cat "$base.status")" != 0 ] && continue
    args=""
    [ -f "$base.args" ] && args=$(cat "$base.args")
    # shellcheck disable=SC2086
    "$P" $args -t json "$f" 2>/dev/null | jq -cS . >"$T/orig" 2>/dev/null ||
        continue
    grep -q '"t":"paid"' "$T/orig" || continue
    slice_skip && continue
    name=${f#"$TOP"/}
    # shellcheck disable=SC2086
    "$P" $args --paid only -t tree "$f" 2>/dev/null | texts | sort -u >"$T/paid"
    for x in md html; do
        # shellcheck disable=SC2086
        "$P" $args -t "$x" "$f" 2>/dev/null |
            "$P" -f "$x" -t json 2>/dev/null | jq -cS . >"$T/ref"
        note=""
        if ! cmp -s "$T/ref" "$T/orig"; then
            if [ "$x" = html ]; then
                echo "FAIL paidstyle-default-html $name: the default round trip changes the document"
                continue
            fi
            note=" (md list normalisation)"
        fi
        jq -cS "$merge" "$T/ref" >"$T/merged"
        for s in default fastadmin ghost wordpress html-comment; do
            label="paidstyle-$s-$x $name"
            want=$T/ref
            case $s in ghost|wordpress) want=$T/merged ;; esac
            # shellcheck disable=SC2086
            if ! "$P" $args --paid-style "$s" -t "$x" -o "$T/mid.$x" "$f" \
                    2>"$T/err"; then
                echo "FAIL $label: writing failed: $(head -c 200 "$T/err")"
                continue
            fi
            if ! "$P" -f "$x" -t json "$T/mid.$x" 2>"$T/err2" |
                    jq -cS . >"$T/got"; then
                echo "FAIL $label: reading back failed: $(head -c 200 "$T/err2")"
                continue
            fi
            warned=0
            grep -q 'has no end marker' "$T/err" && warned=1
            if ! markers_ok "$s" "$x" "$T/mid.$x"; then
                echo "FAIL $label: the output does not spell the $s markers"
            elif ! cmp -s "$T/got" "$want"; then
                echo "FAIL $label: round trip differs: $(diff "$want" "$T/got" 2>/dev/null | head -c 300)"
            elif ! cmp -s "$T/merged" "$T/ref" &&
                    [ "$want" = "$T/merged" ] && [ $warned = 0 ]; then
                echo "FAIL $label: free text became paid without a warning"
            elif cmp -s "$T/merged" "$T/ref" && [ $warned = 1 ]; then
                echo "FAIL $label: warned although nothing was merged"
            elif [ "$s" != ghost ] && [ "$s" != wordpress ] && [ $warned = 1 ]; then
                echo "FAIL $label: warned although the style has an end marker"
            elif ! "$P" -f "$x" --paid only -t tree "$T/mid.$x" 2>/dev/null |
                    texts | sort -u >"$T/paid2" ||
                    [ -n "$(comm -23 "$T/paid" "$T/paid2")" ]; then
                echo "FAIL $label: paid text lost: $(comm -23 "$T/paid" "$T/paid2" | head -c 200)"
            else
                echo "PASS $label$note"
            fi
        done
    done
done

# Hand-written dialects, as CMSs store them, read by both readers.
check_tree() { # label format input expected-tree
    printf '%s' "$3" >"$T/in.$2"
    if ! "$P" -f "$2" -t tree "$T/in.$2" >"$T/tree" 2>"$T/err"; then
        echo "FAIL $1: conversion failed: $(head -c 200 "$T/err")"
    elif [ "$(cat "$T/tree")" != "$4" ]; then
        echo "FAIL $1: got $(tr '\n' '|' <"$T/tree")"
    elif [ -s "$T/err" ]; then
        echo "FAIL $1: unexpected warning: $(head -c 200 "$T/err")"
    else
        echo "PASS $1"
    fi
}
nl='
'
tree_more="document${nl}  paragraph${nl}    text \"free\"${nl}  paid${nl}    paragraph${nl}      text \"paid one\"${nl}    paragraph${nl}      text \"paid two\""
check_tree paidstyle-read-md-more-inline md \
    "free <!--more--> paid one${nl}${nl}paid two${nl}" "$tree_more"
check_tree paidstyle-read-md-members-block md \
    "free${nl}${nl}<!-- Members-Only -->${nl}paid one${nl}${nl}paid two${nl}" "$tree_more"
check_tree paidstyle-read-html-more-gutenberg html \
    "<p>free</p>${nl}<!-- wp:more -->${nl}<!--more-->${nl}<!-- /wp:more -->${nl}<p>paid one</p><p>paid two</p>${nl}" "$tree_more"
check_tree paidstyle-read-html-members-div html \
    "<div><p>free</p><!--members-only--><p>paid one</p></div><p>paid two</p>" "$tree_more"
check_tree paidstyle-read-html-fastadmin-inline html \
    "<p>free ##paidbegin## paid one</p><p>paid two##paidend##</p>" "$tree_more"

# The writer's warning names what happened, once.
printf 'free\n\n##paidbegin##\npaid\n##paidend##\nafter\n##paidbegin##\nagain\n##paidend##\n' >"$T/two.txt"
for s in ghost wordpress; do
    for x in md html; do
        "$P" --paid-style "$s" -t "$x" "$T/two.txt" >/dev/null 2>"$T/err"
        if [ "$(grep -c 'warning:' "$T/err")" = 1 ] &&
            grep -q "style $s has no end marker: .* 1 free block after the first paid section became paid and 1 later paid section merged into the first" "$T/err"; then
            echo "PASS paidstyle-warning-$s-$x"
        else
            echo "FAIL paidstyle-warning-$s-$x: $(head -c 300 "$T/err")"
        fi
    done
done
exit 0
