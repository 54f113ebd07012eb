#!/bin/sh
# paid.sh - `--paid preview` leaves no byte of paid text, in any writer, for
# every text input of the suite (tests/txt, examples, ../shared/samples).
# A paid fragment is the text of a text node inside a paid section that
# does not also occur in the free text.
set -u
# tests/run.sh sets PD_SLICE=N for the sanitizer build: every Nth input.
slice_n=0
slice_skip() { slice_n=$((slice_n + 1)); [ $((slice_n % ${PD_SLICE:-1})) -ne 0 ]; }
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

texts() { sed -n 's/^ *text "\(.*\)"$/\1/p'; }

for f in "$TOP"/tests/txt/*.txt "$TOP"/examples/*.txt "$TOP"/../shared/samples/*.txt; do
    slice_skip && continue
    [ -f "$f" ] || continue
    args=""
    [ -f "${f%.txt}.args" ] && args=$(cat "${f%.txt}.args")
    # shellcheck disable=SC2086
    "$P" $args --paid only -t tree "$f" >"$T/only" 2>/dev/null || continue
    # shellcheck disable=SC2086
    "$P" $args --paid preview -t tree "$f" 2>/dev/null | texts >"$T/free"
    texts <"$T/only" >"$T/paid"
    : >"$T/frag"
    while IFS= read -r frag; do
        # Long enough to be distinctive, free of characters writers escape.
        [ ${#frag} -ge 4 ] || continue
        case $frag in *[\\\"\&\<\>*_\`#\[\]]*) continue ;; esac
        grep -qF -- "$frag" "$T/free" && continue
        printf '%s\n' "$frag" >>"$T/frag"
    done <"$T/paid"
    [ -s "$T/frag" ] || continue
    name=${f#"$TOP"/}
    for t in html md txt tree; do
        # shellcheck disable=SC2086
        if ! "$P" $args --paid preview -t "$t" "$f" >"$T/out" 2>/dev/null; then
            echo "FAIL preview-$t $name: conversion failed"
        elif leak=$(grep -F -f "$T/frag" "$T/out"); then
            echo "FAIL preview-$t $name: paid text in output: $(printf '%s' "$leak" | head -c 120)"
        else
            echo "PASS preview-$t $name"
        fi
    done
done
exit 0
