#!/bin/sh
# batch.sh - the publishing workflow of the command line: -d/-j/-r batches,
# several products from one read, the manifest, --stats, the teasers and
# the time limit.  Prints "PASS name" or "FAIL name: why" per check.
# Environment: PAIDOC (the binary), TOP (the repository), PD_SLICE (the
# sanitizer pass uses a tenth of the 2,000-file tree).
set -u
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
cd "$T" || exit 1

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
# expect NAME STATUS CMD...: run CMD, compare its exit status.
expect() {
    name=$1 want=$2
    shift 2
    "$@" >out 2>err
    got=$?
    if [ "$got" = "$want" ]; then pass "$name"
    else fail "$name" "exit $got, expected $want ($(head -c 300 err))"; fi
}
check() { if eval "$2"; then pass "$1"; else fail "$1" "$3"; fi; }

# A tree of small documents, some of them broken.  Every 97th is not text
# (a NUL byte), every 89th a .docx that is not a zip, every 83rd bad JSON;
# hidden files and unknown extensions are not documents at all.
n=2000
[ "${PD_SLICE:-1}" -gt 1 ] && n=200
python3 - "$n" <<'EOF'
import os, sys
n = int(sys.argv[1])
bad = 0
for i in range(1, n + 1):
    d = "src/d%02d/e%d" % (i % 20, i % 3)
    os.makedirs(d, exist_ok=True)
    if i % 97 == 0:
        open("%s/f%d.txt" % (d, i), "wb").write(b"broken\0text\n"); bad += 1
    elif i % 89 == 0:
        open("%s/f%d.docx" % (d, i), "wb").write(b"not a zip"); bad += 1
    elif i % 83 == 0:
        open("%s/f%d.json" % (d, i), "wb").write(b"{\"version\": 1, "); bad += 1
    elif i % 2:
        open("%s/f%d.txt" % (d, i), "w").write(
            "标题%d\n一、总体\n正文内容%d。\n##paidbegin##\n付费内容%d。\n##paidend##\n"
            % (i, i, i))
    else:
        open("%s/f%d.md" % (d, i), "w").write(
            "# Title %d\n\nFree text %d.\n\n##paidbegin##\n\nPaid text %d.\n\n"
            "##paidend##\n" % (i, i, i))
os.makedirs("src/.hidden", exist_ok=True)
open("src/.hidden/x.txt", "w").write("hidden\n")
open("src/d00/.dot.txt", "w").write("hidden\n")
open("src/d00/picture.png", "wb").write(b"\x89PNG")
open("count", "w").write("%d %d\n" % (n, bad))
EOF
read -r total nbad <count
good=$((total - nbad))

expect batch-exit 65 "$P" -d bo -r -j 2 -t html:preview,docx:full \
    --manifest bo/manifest.jsonl src
check batch-manifest-lines "[ \$(wc -l <bo/manifest.jsonl) -eq $total ]" \
    "$(wc -l <bo/manifest.jsonl) manifest lines for $total inputs"
check batch-failures-listed \
    "[ \$(jq -s '[.[] | select(.status != 0 and (.error | length) > 0)] | length' bo/manifest.jsonl) -eq $nbad ]" \
    "failures in the manifest differ from the $nbad planted"
check batch-summary "grep -q '^paidoc: $nbad of $total inputs failed\$' err" \
    "$(tail -1 err)"
check batch-errors-name-files \
    "[ \$(grep -c '^paidoc: src/.*: ' err) -eq $nbad ]" "$(head -3 err)"
check batch-good-outputs \
    "[ \$(find bo -name '*.preview.html' | wc -l) -eq $good ] && [ \$(find bo -name '*.full.docx' | wc -l) -eq $good ]" \
    "$(find bo -name '*.preview.html' | wc -l) previews for $good good inputs"
check batch-tree-kept "[ -f bo/d01/e1/f1.preview.html ] && [ -f bo/d02/e2/f2.full.docx ]" \
    "$(find bo | head -5)"
check batch-hidden-skipped "! [ -e bo/.hidden ] && ! [ -e bo/d00/.dot.preview.html ] && ! grep -q picture bo/manifest.jsonl" \
    "hidden or unknown files were converted"
check batch-no-temp-left "[ -z \"\$(find bo -name '.*tmp*')\" ]" "temporary files left"
# The preview has no paid text; the full copy has it and no marker.
check batch-preview-clean "! grep -rq '付费内容\\|Paid text' --include='*.preview.html' out" \
    "paid text in a preview"
check batch-full-complete "unzip -p bo/d01/e1/f1.full.docx word/document.xml | grep -q '付费内容1。'" \
    "paid text missing from the full copy"
# sha256 of every output as sha256sum computes it.
jq -r '.outputs[] | "\(.sha256)  \(.path)"' bo/manifest.jsonl >sums
check batch-sha256 "[ \$(wc -l <sums) -eq $((2 * good)) ] && sha256sum -c --quiet sums" \
    "manifest sha256 does not match the files"
check batch-counts "jq -s -e '.[] | select(.input == \"src/d01/e1/f1.txt\") | .counts.chars_free == 13 and .counts.chars_paid == 6 and .counts.paid_sections == 1 and .counts.headings == 1' bo/manifest.jsonl >/dev/null" \
    "$(grep 'f1.txt' bo/manifest.jsonl | head -c 400)"

# -j 1 gives the same bytes and the same manifest as -j 2.
expect batch-j1-exit 65 "$P" -d out1 -r -j 1 -t html:preview,docx:full \
    --manifest out1/manifest.jsonl src
sed 's|"out1/|"bo/|g' out1/manifest.jsonl >m1
check batch-j1-same-manifest "cmp -s m1 bo/manifest.jsonl" "manifests differ"
rm out1/manifest.jsonl m1
check batch-j1-same-bytes "diff -r -x manifest.jsonl bo out1 >/dev/null" "outputs differ"

# Names: a product with a mode is NAME.MODE.EXT, one without NAME.EXT.
printf '标题\n一、正文\n##paidbegin##\n付费段落甲。\n##paidend##\n' >doc.txt
expect names-exit 0 "$P" -d nm -t html:preview,md,docx:full doc.txt
check names "[ -f nm/doc.preview.html ] && [ -f nm/doc.md ] && [ -f nm/doc.full.docx ]" \
    "$(ls nm)"
# Without -r a directory is an input error; stdin has no name.
expect dir-without-r 66 "$P" -d nr src
expect stdin-batch 64 "$P" -d nr -
expect r-without-d 64 "$P" -r src
# Two inputs that would write the same output: refused before anything.
printf 'x\n' >same.md
expect collision 64 "$P" -d col doc.txt same.md doc.md 2>/dev/null
cp same.md doc.md
expect collision-2 64 "$P" -d col doc.txt doc.md
check collision-nothing-written "! [ -e col ]" "col was created"
check collision-message "grep -q 'col/doc.html: would be written from both doc.txt and doc.md' err" "$(cat err)"
# The output directory inside the tree walked is not converted again.
mkdir -p walk && cp doc.txt walk/
expect outdir-inside 0 "$P" -d walk/out -r walk
expect outdir-inside-again 0 "$P" -d walk/out -r walk
check outdir-not-walked "! [ -e walk/bo/out ]" "the output directory was walked"
# The worst status wins: a missing file (66) over bad data (65).
printf 'a\0b' >bad.txt
expect worst-status 66 "$P" -d w bad.txt missing.txt doc.txt
check worst-others-done "[ -f w/doc.html ]" "the good input was not converted"

# Several products from one read, single input.
expect products-need-o 64 "$P" doc.txt -t html:preview,docx:full
check products-need-o-msg "grep -q 'need 2 -o names' err" "$(cat err)"
expect products 0 "$P" doc.txt -t html:preview,docx:full -o p.html -o f.docx
check products-preview "! grep -q 付费段落甲 p.html && grep -q paywall p.html" \
    "preview wrong: $(cat p.html)"
check products-full "unzip -p f.docx word/document.xml | grep -q 付费段落甲" "full copy lacks paid text"
# Without -t, each -o's extension names its format.
expect products-by-ext 0 "$P" doc.txt -o e.md -o e.json
check products-by-ext-out "grep -q '^##paidbegin##' e.md && jq -e .version e.json >/dev/null" "$(head -3 e.md)"
# A failing product publishes nothing: the others are not written either.
echo old >keep.html
expect products-all-or-nothing 73 "$P" doc.txt -t html,md -o keep.html -o nodir/x.md
check products-old-kept "[ \"\$(cat keep.html)\" = old ] || grep -q 付费 keep.html" "keep.html damaged"

# --manifest for a single conversion.
expect manifest-single 0 "$P" doc.txt -o s.html --manifest s.jsonl
check manifest-single-line "jq -e '.input == \"doc.txt\" and .status == 0 and .outputs[0].path == \"s.html\" and .counts.preview_ratio == 0.5' s.jsonl >/dev/null" \
    "$(cat s.jsonl)"

# --stats: characters free and paid, ratio, counts.
expect stats 0 "$P" --stats doc.txt
check stats-text "grep -q '^characters free: 6\$' out && grep -q '^characters paid: 6\$' out && grep -q '^preview ratio: *0.5000\$' out && grep -q '^paid sections: *1\$' out" \
    "$(cat out)"
expect stats-json 0 "$P" --stats=json doc.txt
check stats-json-values "jq -e '.chars_free == 6 and .chars_paid == 6 and .headings == 1 and .paid_sections == 1' out >/dev/null" "$(cat out)"
expect stats-stdin 0 sh -c "\"$P\" --stats=json <doc.txt"
expect stats-bad-value 64 "$P" --stats=xml doc.txt

# Teasers on a document without markers.
printf '标题\n\n第一段。\n\n第二段。\n\n第三段。\n\n第四段。\n' >plain.txt
expect teaser-paragraphs 0 "$P" --free-paragraphs 2 -t json plain.txt
check teaser-paragraphs-cut "jq -e '[.blocks[] | .t] == [\"title\", \"paragraph\", \"paragraph\", \"paid\"]' out >/dev/null" "$(head -c 300 out)"
expect teaser-preview 0 "$P" --free-paragraphs 2 --paid preview plain.txt
check teaser-preview-clean "grep -q 第二段 out && ! grep -q 第三段 out" "$(cat out)"
expect teaser-two 64 "$P" --free-ratio 0.3 --free-paragraphs 2 plain.txt
expect teaser-bad-ratio 64 "$P" --free-ratio 1.5 plain.txt

# The time limit: a cmark-quadratic input ends cleanly, the old output kept.
python3 -c "print('![[]()' * 160000)" >slow.md
echo old >slow.html
expect time-limit 65 "$P" --time-limit 1 slow.md -o slow.html
check time-limit-msg "grep -q '^paidoc: slow.md: time limit exceeded (1 s)\$' err" "$(cat err)"
check time-limit-kept "[ \"\$(cat slow.html)\" = old ] && [ -z \"\$(ls -a | grep tmp)\" ]" "old output changed or temp left"
expect time-limit-batch 65 "$P" -d tl --time-limit 1 --manifest tl/m.jsonl slow.md doc.txt
check time-limit-batch-others "[ -f tl/doc.html ] && jq -s -e '.[] | select(.input == \"slow.md\") | .error == \"time limit exceeded (1 s)\"' tl/m.jsonl >/dev/null" \
    "$(cat tl/m.jsonl)"

# A worker that dies (here: killed) fails its input only; a new worker
# converts the rest, and the manifest says what happened.
"$P" -d kw -j 1 --time-limit 60 --manifest kw/m.jsonl slow.md doc.txt \
    >out 2>err &
parent=$!
worker=""
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    sleep 0.2
    worker=$(pgrep -P "$parent" | head -1)
    [ -n "$worker" ] && break
done
sleep 0.3
[ -n "$worker" ] && kill -9 "$worker"
wait "$parent"
got=$?
check worker-killed-status "[ $got -eq 70 ]" "exit $got: $(cat err)"
check worker-killed-msg "grep -q '^paidoc: slow.md: crashed (signal 9)' err" "$(cat err)"
check worker-killed-others "[ -f kw/doc.html ] && jq -s -e '.[0].status == 70 and .[0].error == \"crashed (signal 9)\" and .[1].status == 0' kw/m.jsonl >/dev/null" \
    "$(cat kw/m.jsonl 2>/dev/null)"

# A rebuild into the same directory: unchanged outputs are left alone
# (same inode, same time stamp), a changed one is replaced, nothing else
# is left behind.
mkdir -p rb && printf 'A\n\n一、甲\n\n正文甲。\n' >rb/a.txt && printf 'B\n\n正文乙。\n' >rb/b.txt
expect rebuild-first 0 "$P" -d rbo -t html,docx rb/a.txt rb/b.txt
ia=$(ls -i rbo/a.html | cut -d' ' -f1); ib=$(ls -i rbo/b.docx | cut -d' ' -f1)
printf 'B\n\n正文丙。\n' >rb/b.txt
expect rebuild-again 0 "$P" -d rbo -t html,docx rb/a.txt rb/b.txt
check rebuild-unchanged-kept "[ \"\$(ls -i rbo/a.html | cut -d' ' -f1)\" = $ia ]" "a.html was rewritten"
check rebuild-changed-replaced "[ \"\$(ls -i rbo/b.docx | cut -d' ' -f1)\" != $ib ] && unzip -p rbo/b.docx word/document.xml | grep -q 正文丙" \
    "b.docx not replaced"
check rebuild-no-temp "[ \$(ls -A rbo | wc -l) -eq 4 ]" "$(ls -A rbo)"
