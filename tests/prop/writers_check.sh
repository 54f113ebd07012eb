#!/bin/sh
# writers_check.sh - properties of the html, md, txt writers and the tree
# reader, over every writer case and every txt reader input:
#   md     the Markdown output read back by cmark has the same structure
#   html   the HTML output parses cleanly and holds only writer elements
#   tree   -t tree | -f tree -t tree is the identity
#   txt    txt -> txt -> txt gives the bytes of txt -> txt
#   ids    100000 equal headings get 100000 distinct ids, quickly
# Env: PAIDOC (binary), TESTBIN (build/tests), TOP (repo).
set -u
# tests/run.sh sets PD_SLICE=N for the sanitizer build: every Nth input.
slice_n=0
slice_skip() { slice_n=$((slice_n + 1)); [ $((slice_n % ${PD_SLICE:-1})) -ne 0 ]; }
cd "$TOP" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for f in tests/writer/*.tree tests/txt/*.txt; do
    slice_skip && continue
    [ -f "$f" ] || continue
    # Inputs the reader rejects (exit 2 from the checkers) are skipped.
    "$TESTBIN/mdcheck" "$f" >"$tmp/err" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then echo "PASS md $f"
    elif [ $rc -ne 2 ]; then echo "FAIL md $f: $(head -c 300 "$tmp/err" | tr '\n' ' ')"
    fi
    for s in "" -s; do
        # shellcheck disable=SC2086
        "$TESTBIN/htmlcheck" "$f" $s >"$tmp/err" 2>&1
        rc=$?
        if [ $rc -eq 0 ]; then echo "PASS html$s $f"
        elif [ $rc -ne 2 ]; then echo "FAIL html$s $f: $(head -c 300 "$tmp/err" | tr '\n' ' ')"
        fi
    done
    if "$PAIDOC" -t tree "$f" >"$tmp/t1" 2>/dev/null; then
        if "$PAIDOC" -f tree -t tree "$tmp/t1" >"$tmp/t2" 2>"$tmp/err" &&
           cmp -s "$tmp/t1" "$tmp/t2"; then
            echo "PASS tree round trip $f"
        else
            echo "FAIL tree round trip $f: $(head -c 200 "$tmp/err")"
        fi
    fi
done

for f in tests/txt/*.txt examples/*.txt; do
    slice_skip && continue
    [ -f "$f" ] || continue
    "$PAIDOC" -t txt "$f" >"$tmp/a.txt" 2>/dev/null || continue
    "$PAIDOC" -t txt "$tmp/a.txt" >"$tmp/b.txt" 2>/dev/null
    "$PAIDOC" -t txt "$tmp/b.txt" >"$tmp/c.txt" 2>/dev/null
    if cmp -s "$tmp/b.txt" "$tmp/c.txt"; then
        echo "PASS txt idempotent $f"
    else
        echo "FAIL txt idempotent $f: txt->txt->txt differs from txt->txt"
    fi
done

# Linear heading ids: 100000 headings that all slug to "intro".
awk 'BEGIN { print "document"; for (i = 0; i < 100000; i++)
             printf "  heading level=1\n    text \"Intro\"\n" }' >"$tmp/ids.tree"
start=$(date +%s)
"$PAIDOC" -f tree -t html "$tmp/ids.tree" >"$tmp/ids.html"
end=$(date +%s)
n=$(grep -o 'id="[^"]*"' "$tmp/ids.html" | sort -u | wc -l)
if [ "$n" -eq 100000 ] && [ $((end - start)) -lt 20 ]; then
    echo "PASS ids unique and fast"
else
    echo "FAIL ids: $n distinct ids, $((end - start)) s"
fi
