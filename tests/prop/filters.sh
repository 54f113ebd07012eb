#!/bin/sh
# filters.sh - the example filters of examples/filters/ work in the pipe
# docs/json.md describes: paidoc -t json | FILTER | paidoc -f json.
# Prints "PASS name" or "FAIL name: why" per check.
# Environment: PAIDOC (the binary), TOP (the repository).
set -u
P=${PAIDOC:?}
TOP=${TOP:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
F=$TOP/examples/filters
cd "$T" || exit 1

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

cat >guide.txt <<'DOC'
Field Guide

1. Introduction

The review covers the birds of the coast.

##paidbegin##

2. Paid findings

Only buyers read this.

##paidend##
DOC
printf '年度报告\n一、总体情况\n今年完成了Project Alpha。\n二、Alpha项目进展\n进展顺利。\n' >zh.txt

# Python: headings in capitals, nothing else touched, a metadata field.
if "$P" -t json guide.txt | python3 "$F/upper_headings.py" >py.json 2>err &&
   "$P" -f json -t html py.json >py.html 2>>err; then
    pass python-pipe
else
    fail python-pipe "$(head -c 300 err)"
fi
grep -q '>1\. INTRODUCTION</h2>' py.html && grep -q '>2\. PAID FINDINGS</h2>' py.html &&
    pass python-headings-upper || fail python-headings-upper "$(head -c 300 py.html)"
grep -q '<p>The review covers the birds of the coast\.</p>' py.html &&
grep -q '>Field Guide</h1>' py.html &&
    pass python-rest-unchanged || fail python-rest-unchanged "$(head -c 300 py.html)"
grep -q '<section class="paid">' py.html && grep -q 'Only buyers read this' py.html &&
    pass python-paid-kept || fail python-paid-kept "$(head -c 300 py.html)"
[ "$("$P" -f json -t json py.json | jq -r .meta.filter)" = upper_headings ] &&
    pass python-metadata || fail python-metadata "meta.filter not set"
# The paid mode still applies after the filter.
"$P" -f json --paid preview -t html py.json >preview.html 2>err
grep -q 'class="paywall"' preview.html && ! grep -q 'buyers\|BUYERS\|PAID FINDINGS' preview.html &&
    pass python-then-preview || fail python-then-preview "$(head -c 300 preview.html)"
# CJK headings have no case; Latin letters in them do.
"$P" -t json zh.txt | python3 "$F/upper_headings.py" | "$P" -f json -t txt >zh.out 2>err
[ "$(cat zh.out)" = "$(printf '年度报告\n一、总体情况\n今年完成了Project Alpha。\n二、ALPHA项目进展\n进展顺利。')" ] &&
    pass python-cjk || fail python-cjk "$(cat zh.out err | head -c 300)"

# jq: emphasis and strong flattened to their text.
printf '# Notes\n\nSome *emph* and **strong *nested*** text, `code` kept.\n' >notes.md
if "$P" -t json notes.md | jq -f "$F/strip_emphasis.jq" >jq.json 2>err &&
   "$P" -f json -t html jq.json >jq.html 2>>err; then
    pass jq-pipe
else
    fail jq-pipe "$(head -c 300 err)"
fi
grep -q '<p>Some emph and strong nested text, <code>code</code> kept\.</p>' jq.html &&
! grep -q '<em>\|<strong>' jq.html &&
    pass jq-no-emphasis || fail jq-no-emphasis "$(head -c 300 jq.html)"
# The text nodes it leaves side by side read back as one.
[ "$("$P" -f json -t json jq.json | jq '[.. | objects | select(.t == "paragraph") | .c[] | select(.t == "text")] | length')" = 2 ] &&
    pass jq-text-merged || fail jq-text-merged "$("$P" -f json -t json jq.json | head -c 300)"
