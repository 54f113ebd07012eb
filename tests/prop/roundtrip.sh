#!/bin/sh
# roundtrip.sh - properties of the txt reader and writer over every text
# input of the suite (tests/txt, examples, ../shared/samples):
#  * txt -> txt is idempotent: converting its output again gives the same
#    bytes;
#  * reading the normalised text gives the same document tree;
#  * the same text in GB18030 reads the same as in UTF-8.
set -u
# tests/run.sh sets PD_SLICE=N for the sanitizer build: every Nth input.
slice_n=0
slice_skip() { slice_n=$((slice_n + 1)); [ $((slice_n % ${PD_SLICE:-1})) -ne 0 ]; }
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

for f in "$TOP"/tests/txt/*.txt "$TOP"/examples/*.txt "$TOP"/../shared/samples/*.txt; do
    slice_skip && continue
    [ -f "$f" ] || continue
    args=""
    [ -f "${f%.txt}.args" ] && args=$(cat "${f%.txt}.args")
    name=${f#"$TOP"/}
    # shellcheck disable=SC2086
    "$P" $args -t txt "$f" >"$T/once" 2>/dev/null || continue
    "$P" -t txt "$T/once" >"$T/twice" 2>/dev/null
    if cmp -s "$T/once" "$T/twice"; then echo "PASS txt-idempotent $name"
    else echo "FAIL txt-idempotent $name: $(diff "$T/once" "$T/twice" | head -4 | tr '\n' ' ')"; fi
    # shellcheck disable=SC2086
    "$P" $args -t tree "$f" >"$T/tree1" 2>/dev/null
    "$P" -t tree "$T/once" >"$T/tree2" 2>/dev/null
    if cmp -s "$T/tree1" "$T/tree2"; then echo "PASS txt-reread-same-tree $name"
    else echo "FAIL txt-reread-same-tree $name: $(diff "$T/tree1" "$T/tree2" | head -6 | tr '\n' ' ')"; fi
    # GB18030: only for UTF-8 inputs that iconv can convert.
    case $args in *--encoding*) continue ;; esac
    if iconv -f UTF-8 -t GB18030 "$f" >"$T/gb" 2>/dev/null &&
        ! cmp -s "$f" "$T/gb"; then
        if "$P" -t txt "$T/gb" 2>/dev/null | cmp -s - "$T/once"; then
            echo "PASS gb18030-same $name"
        else
            echo "FAIL gb18030-same $name: GB18030 input reads differently"
        fi
    fi
done
exit 0
