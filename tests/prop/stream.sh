#!/bin/sh
# stream.sh - outputs are streamed into their files as the writers go
# (pd_buf_set_sink), and large inputs are mapped and read in place
# (borrow_input).  Checks that a streamed output is byte for byte the
# output kept whole, in every format and every way out (stdout, -o,
# several products, batch with a manifest), that a failing write is
# reported, and that peak memory stays within SPEC section 8's bound.
# Prints "PASS name" or "FAIL name: why" per check.
# Environment: PAIDOC (the binary).
set -u
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# About 2.5 MB of structured text: headings of every level, paragraphs
# wrapped over two lines (joined, so copied) and on one line (pointed
# at), lists, a URL, paid sections and page breaks; no line repeats.
awk 'BEGIN {
    print "流式输出测试报告"; print ""
    for (i = 1; i <= 1500; i++) {
        printf "%s、第%d部分\n\n", (i % 2 ? "一" : "二"), i
        printf "（一）概述%d\n\n", i
        printf "本部分第%d段说明情况，见 https://example.com/p/%d 。\n\n", i, i
        printf "This paragraph %d is wrapped\nover two lines on purpose.\n\n", i
        printf "1. 要点甲%d\n2. 要点乙%d\n\n", i, i
        if (i % 10 == 3) print "##paidbegin##\n"
        for (k = 0; k < 12; k++)
            printf "第%d部分第%d条：这是一段较长的正文，用来让输出超过缓冲区的大小，内容各不相同%d。\n\n", i, k, i * 100 + k
        if (i % 10 == 7) print "##paidend##\n"
        if (i % 50 == 0) print "##pagebreak##\n"
    }
}' >big.txt
size=$(wc -c <big.txt)
[ "$size" -gt 2000000 ] && pass generated || fail generated "only $size bytes"

# Streamed to stdout (one product) against kept whole (--strict keeps
# standard output whole, so that nothing is written on a warning).
for f in txt md html json tree docx; do
    if "$P" -t "$f" big.txt >s.$f 2>err && "$P" --strict -t "$f" big.txt \
        >w.$f 2>>err && "$P" -t "$f" -o o.$f big.txt 2>>err; then
        if cmp -s s.$f w.$f && cmp -s s.$f o.$f; then
            pass "stdout-stream-$f"
        else
            fail "stdout-stream-$f" "streamed output differs ($(wc -c <s.$f) vs $(wc -c <w.$f) bytes)"
        fi
    else
        fail "stdout-stream-$f" "$(head -c 300 err)"
    fi
done
[ "$(wc -c <s.html)" -gt 1000000 ] && pass output-is-large ||
    fail output-is-large "html output only $(wc -c <s.html) bytes"

# Text to HTML is written while the text is read (pd_stream): blocks go
# out as they are finished, also from inside a paid section longer than
# what is written at a time; the paid modes and the standalone page give
# what the whole tree gives (which a second product makes: --strict
# would fail on the warning about the section left open).  late.txt
# decides its language and title only after many blocks without letters
# or headings, which the stream must wait for.
awk 'BEGIN {
    print "长付费段落测试"; print ""
    for (i = 1; i <= 3000; i++) printf "免费段落%d。\n", i
    print "##paidbegin##"
    for (i = 1; i <= 30000; i++) {
        printf "付费段落%d。\n", i
        if (i % 7000 == 0) print "- 列表项甲\n- 列表项乙\n"
        if (i % 9000 == 0) print "##pagebreak##"
    }
    print "##paidend##"
    for (i = 1; i <= 3000; i++) printf "结尾段落%d。\n", i
    print "##paidbegin##"; print "末尾付费。"
}' >long.txt
awk 'BEGIN {
    for (i = 1; i <= 40; i++) printf "%d ", i * 1001
    print ""
    for (i = 1; i <= 20000; i++) printf "%d %d\n", i, i * 7
    print "##paidbegin##"
    for (i = 1; i <= 5000; i++) printf "%d-%d\n", i, i
    print "##paidend##"
    print "Chapter One"; print "============"; print ""
    for (i = 1; i <= 3000; i++) printf "English words here %d.\n\n", i
    print "##paidbegin##"; print "Paid words."; print "##paidend##"
}' >late.txt
for f in long late; do
    for args in "html --paid keep" "html --paid full" "html --paid only" \
                "html --paid preview" "html -s" "html -s --paid only" \
                "html -s -M title=T -M lang=fr" "md --paid keep" \
                "md --paid preview" "txt --paid keep" "txt --paid full" \
                "txt --paid only" "txt --paid preview" "txt -M lang=en"; do
        set -- $args
        to=$1
        shift
        tag="$f$(echo "$args" | tr -d ' =-' | sed 's/^html//')"
        "$P" -t $to "$@" $f.txt >s.$tag 2>err
        "$P" -t $to,json "$@" -o w.$tag -o w.$tag.json $f.txt 2>>err
        if [ -s s.$tag ] && cmp -s s.$tag w.$tag; then
            pass "text-stream-$tag"
        else
            fail "text-stream-$tag" "differs: $(head -c 300 err)"
        fi
    done
done
grep -q '付费段落29999。' s.longpaidkeep && grep -q '付费段落29999。' s.longpaidfull &&
    [ "$(grep -c '<section class="paid">' s.longpaidkeep)" = 2 ] &&
    ! grep -q '<section' s.longpaidfull && grep -q '付费段落29999。' s.longpaidonly &&
    ! grep -q '免费段落\|结尾段落' s.longpaidonly &&
    [ "$(grep -c 'class="paywall"' s.longpaidpreview)" = 2 ] &&
    ! grep -q '付费段落[0-9]\|末尾付费' s.longpaidpreview &&
    grep -q '<html lang="en">' s.lates && grep -q '<title>Chapter One</title>' s.lates &&
    grep -q '<title>Untitled</title>' s.latespaidonly &&
    grep -q '<title>T</title>' s.latesMtitleTMlangfr &&
    pass text-stream-content || fail text-stream-content "sections, blocks or page head wrong"

# Several products from one read: each streams into its own temporary.
if "$P" -t html,md,docx:preview -o m.html -o m.md -o m.docx big.txt 2>err &&
   "$P" -t docx --paid preview -o p.docx big.txt 2>>err; then
    cmp -s m.html s.html && cmp -s m.md s.md && cmp -s m.docx p.docx &&
        pass products-stream ||
        fail products-stream "a product differs from its single run"
else
    fail products-stream "$(head -c 300 err)"
fi
ls -a | grep -q '\.tmp\.' && fail no-temporaries "$(ls -a | grep '\.tmp\.')" ||
    pass no-temporaries

# From standard input the output is the same: redirected from the file
# (mapped from where the offset is), and through a pipe (read, moving
# into a growing mapping past 1 MiB).
"$P" -f txt -t html <big.txt >i.html 2>err && cmp -s i.html s.html &&
    pass stdin-same || fail stdin-same "$(head -c 300 err)"
cat big.txt | "$P" -f txt -t html >i2.html 2>err && cmp -s i2.html s.html &&
    pass stdin-pipe-same || fail stdin-pipe-same "$(head -c 300 err)"
# Part of the file already read: the rest is converted, and the offset
# is left at the end, as reading would leave it.
head -c 5000 big.txt | tail -n 1 >part
skip=$(( 5000 - $(wc -c <part) ))
tail -c +$((skip + 1)) big.txt >rest.txt
"$P" -f txt -t md rest.txt >rest.md 2>err
{ dd bs="$skip" count=1 of=/dev/null 2>/dev/null
  "$P" -f txt -t md >off.md 2>>err
  cat >after; } <big.txt
if cmp -s off.md rest.md && [ ! -s after ]; then
    pass stdin-offset
else
    fail stdin-offset "$(wc -c <off.md) vs $(wc -c <rest.md) bytes, $(wc -c <after) left: $(head -c 200 err)"
fi

# Batch: the manifest's size and hash are those of the streamed files.
mkdir in out
cp big.txt in/a.txt
cp big.txt in/b.txt
if "$P" -d out -t html,docx --manifest man.jsonl in/a.txt in/b.txt 2>err; then
    bad=$(python3 - <<'PY'
import hashlib, json, os
bad = []
for line in open("man.jsonl"):
    rec = json.loads(line)
    for o in rec["outputs"]:
        data = open(o["path"], "rb").read()
        if len(data) != o["bytes"] or hashlib.sha256(data).hexdigest() != o["sha256"]:
            bad.append(o["path"])
print(" ".join(bad))
PY
)
    [ -z "$bad" ] && cmp -s out/a.html s.html && pass batch-manifest ||
        fail batch-manifest "size or sha256 wrong for: $bad"
else
    fail batch-manifest "$(head -c 300 err)"
fi

# A write that fails half way: exit 74, one message, and no temporary.
if [ -w /dev/full ]; then
    "$P" -t html big.txt >/dev/full 2>err
    st=$?
    [ "$st" = 74 ] && grep -q "write error" err &&
        [ "$(wc -l <err)" = 1 ] && pass stdout-full ||
        fail stdout-full "exit $st: $(head -c 300 err)"
else
    echo "SKIP stdout-full: no /dev/full"
fi

# Peak memory: at most 3 x input + 16 MiB (SPEC section 8) for the text
# writers; the input is mapped and its text pointed at, and the output
# never held whole.
if [ "${PD_SLICE:-1}" -gt 1 ]; then
    echo "SKIP peak-rss: run once, in the first pass (not under the sanitizers)"
elif case $P in *valgrind*) true ;; *) false ;; esac; then
    echo "SKIP peak-rss: not under make valgrind"
elif [ -x /usr/bin/time ]; then
    limit=$(( (3 * size + 16777216) / 1024 ))
    for f in html md txt; do
        /usr/bin/time -f %M -o rss "$P" -t "$f" -o r.$f big.txt 2>err
        kb=$(tail -n 1 rss)
        [ "$kb" -le "$limit" ] 2>/dev/null && pass "peak-rss-$f" ||
            fail "peak-rss-$f" "$kb KiB > $limit KiB"
    done
else
    echo "SKIP peak-rss: no /usr/bin/time"
fi

# One short paragraph a line: a tree of the whole input would take 20
# times its size, so this holds only when the blocks are written and
# their nodes reused as the text is read.
if [ "${PD_SLICE:-1}" -gt 1 ] || case $P in *valgrind*) true ;; *) false ;; esac; then
    echo "SKIP peak-rss-short-lines: run once, not under a checker"
elif [ -x /usr/bin/time ]; then
    awk 'BEGIN { print "标题"; for (i = 0; i < 400000; i++) print "短句。" }' >short.txt
    size=$(wc -c <short.txt)
    limit=$(( (3 * size + 16777216) / 1024 ))
    for args in "html" "html -s" "html --paid preview" "md" "txt"; do
        /usr/bin/time -f %M -o rss "$P" -t $args short.txt >short.out 2>err
        kb=$(tail -n 1 rss)
        n=$(grep -c '短句。' short.out)
        tag=$(echo "$args" | tr -d ' -')
        [ "$kb" -le "$limit" ] 2>/dev/null && [ "$n" = 400000 ] &&
            pass "peak-rss-short-lines-$tag" ||
            fail "peak-rss-short-lines-$tag" "$kb KiB (limit $limit), $n paragraphs"
    done
fi

# The borrowed text outlives nothing it points into: --lint and --stats
# read the same mapped input (the ASan build checks every access).
"$P" --stats big.txt >st 2>err && grep -q . st && pass stats-mapped ||
    fail stats-mapped "$(head -c 300 err)"
"$P" --lint big.txt >/dev/null 2>err
st=$?
[ "$st" = 0 ] || [ "$st" = 65 ] && pass lint-mapped ||
    fail lint-mapped "exit $st: $(head -c 300 err)"
