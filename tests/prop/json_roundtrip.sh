#!/bin/sh
# json_roundtrip.sh - the JSON writer and reader agree, over every input
# of tests/*/ that converts (and the samples):
#  * `-t json | -f json -t json` gives the same bytes;
#  * `-t json | -f json -t tree` gives the same tree as `-t tree`;
#  * a jq filter can sit in the pipe (when jq is installed): upper-case
#    every heading, drop paid sections.
set -u
# tests/run.sh sets PD_SLICE=N for the sanitizer build: every Nth input.
slice_n=0
slice_skip() { slice_n=$((slice_n + 1)); [ $((slice_n % ${PD_SLICE:-1})) -ne 0 ]; }
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

for f in "$TOP"/tests/*/* "$TOP"/examples/*.txt "$TOP"/../shared/samples/*.txt; do
    slice_skip && continue
    [ -f "$f" ] || continue
    case $f in
    */tests/prop/*|*.expect.*|*.args|*.stderr|*.status|*/README*|*.c|*.sh) continue ;;
    esac
    base=${f%.*}
    [ -f "$base.status" ] && continue
    args=""
    [ -f "$base.args" ] && args=$(cat "$base.args")
    name=${f#"$TOP"/}
    # shellcheck disable=SC2086
    "$P" $args -t json "$f" >"$T/a.json" 2>/dev/null || continue
    "$P" -f json -t json "$T/a.json" >"$T/b.json" 2>"$T/err"
    if cmp -s "$T/a.json" "$T/b.json"; then echo "PASS json-stable $name"
    else echo "FAIL json-stable $name: $(head -c 200 "$T/err") $(diff "$T/a.json" "$T/b.json" | head -3 | tr '\n' ' ')"; fi
    # shellcheck disable=SC2086
    "$P" $args -t tree "$f" >"$T/a.tree" 2>/dev/null
    "$P" -f json -t tree "$T/a.json" >"$T/b.tree" 2>/dev/null
    if cmp -s "$T/a.tree" "$T/b.tree"; then echo "PASS json-same-tree $name"
    else echo "FAIL json-same-tree $name: $(diff "$T/a.tree" "$T/b.tree" | head -4 | tr '\n' ' ')"; fi
done

if command -v jq >/dev/null 2>&1; then
    printf '# Report\n\n## Intro\n\nFree text.\n\n##paidbegin##\n\n## Secret\n\nPaid text.\n\n##paidend##\n' >"$T/doc.md"
    "$P" -t json "$T/doc.md" |
        jq '.blocks |= map(select(.t != "paid"))
            | walk(if type == "object" and .t == "heading"
                   then .c |= map(if .t == "text" then .text |= ascii_upcase else . end)
                   else . end)' |
        "$P" -f json -t html >"$T/out.html" 2>"$T/err"
    rc=$?
    if [ $rc -eq 0 ] && grep -q 'INTRO' "$T/out.html" &&
        ! grep -q -i 'secret\|Paid text' "$T/out.html"; then
        echo "PASS json-jq-filter"
    else
        echo "FAIL json-jq-filter: exit $rc: $(head -c 300 "$T/err") $(head -c 300 "$T/out.html")"
    fi
else
    echo "SKIP json-jq-filter: no jq"
fi
exit 0
