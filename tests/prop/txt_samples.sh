#!/bin/sh
# txt_samples.sh - the outlines of the three real inputs in ../shared/samples
# as the txt reader sees them (-t tree).  When the samples are not there it
# checks nothing and says so in one PASS line (tests/run.sh counts a script
# that prints no result as failed).
set -u
P=${PAIDOC:?}
S="$TOP/../shared/samples"
if [ ! -d "$S" ]; then
    echo "PASS samples-skipped: no $S"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# check NAME FILE WANT: FILE's tree, reduced by the awk program in $T/awk,
# must equal WANT.
check() {
    got=$(awk -f "$T/awk" "$2" | tr '\n' '|')
    if [ "$got" = "$3" ]; then echo "PASS $1"
    else echo "FAIL $1: got [$got] want [$3]"; fi
}

# One outline line per block that matters: depth-prefixed node type, with
# its first text for headings and titles.
cat >"$T/awk" <<'AWK'
/^meta title / { print "meta " substr($0, 12); next }
{
    match($0, /^ */); d = RLENGTH / 2; t = substr($0, RLENGTH + 1)
    split(t, w, " ")
    if (pend != "") {
        if (w[1] == "text") print pend " " substr(t, 6)
        else print pend
        pend = ""
    }
    if (w[1] == "title" || w[1] == "heading") pend = d " " t
    else if (w[1] == "paid" || w[1] == "page_break" || w[1] ~ /_list$/) print d " " t
}
AWK

for f in report-zh notice-zh guide-en; do
    if [ ! -f "$S/$f.txt" ]; then echo "FAIL samples-$f: $S/$f.txt missing"; continue; fi
    if "$P" -t tree "$S/$f.txt" >"$T/$f.tree" 2>"$T/$f.err"; then :; else
        echo "FAIL samples-$f: exit $?: $(head -c 200 "$T/$f.err")"; continue
    fi
    if [ -s "$T/$f.err" ]; then
        echo "FAIL samples-$f: warnings: $(head -c 200 "$T/$f.err")"; continue
    fi
    echo "PASS samples-$f-reads"
done

R=$T/report-zh.tree
if [ -f "$R" ]; then
    check samples-report-zh-outline "$R" "$(tr '\n' '|' <<'W'
meta "单位副职党性分析报告"
1 title "单位副职党性分析报告"
1 heading level=1 "一、存在的主要问题"
1 heading level=2 run_in "（一）在理论知识和业务知识学习上缺乏系统性，深钻细研、精益求精不够，学以致用做得不够好。"
1 paid
2 heading level=2 run_in "（二）在砥砺作风和从严要求上缺乏一贯性，深入基层、开拓创新不够，在一抓到底上做得不够。"
2 heading level=2 run_in "（三）在严守纪律和发扬传统上缺乏持续性，“一岗双责”履行不到位、对党员干部的教育管理还存在薄弱环节。"
2 heading level=1 "二、产生问题的根源"
2 heading level=2 run_in "（一）放松了对自身学习的严格要求。"
2 heading level=2 run_in "（二）淡化了理想信念和宗旨意识。"
2 heading level=2 run_in "（三）放松了党性锻炼和自身修养。"
2 heading level=2 run_in "（四）淡薄了密切联系群众的观点。"
2 heading level=1 "三、今后努力方向和改进措施"
2 heading level=2 run_in "（一）加强理论学习，筑牢思想政治根基。"
2 heading level=2 run_in "（二）严格遵规守纪，保持清正廉洁之本。"
2 heading level=2 run_in "（三）加强党员干部管理教育，持续深化作风建设。"
2 heading level=2 run_in "（四）厚植为民情怀，增强为群众办事本领。"
W
)"
    n1=$(grep -c '^ *heading level=1$' "$R")
    n2=$(grep -c '^ *heading level=2 run_in$' "$R")
    np=$(grep -c '^  paid$' "$R")
    first=$(awk '/^  paid$/ { getline; getline; print; exit }' "$R")
    if [ "$n1" = 3 ] && [ "$n2" = 11 ] && [ "$np" = 1 ] &&
        [ "$first" = '      text "（二）在砥砺作风和从严要求上缺乏一贯性，深入基层、开拓创新不够，在一抓到底上做得不够。"' ]; then
        echo "PASS samples-report-zh-counts"
    else
        echo "FAIL samples-report-zh-counts: level1=$n1 level2-run-in=$n2 paid=$np first=$first"
    fi
    # every run-in heading is followed by its paragraph
    bad=$(awk '/heading level=2 run_in$/ { h = 1; d = index($0, "h"); next }
               h && $1 == "text" { next }
               h && $1 == "paragraph" && index($0, "p") == d { h = 0; next }
               h { print NR; h = 0 }' "$R")
    if [ -z "$bad" ]; then echo "PASS samples-report-zh-run-in-bodies"
    else echo "FAIL samples-report-zh-run-in-bodies: lines $bad"; fi
fi

N=$T/notice-zh.tree
[ -f "$N" ] && check samples-notice-zh-outline "$N" "$(tr '\n' '|' <<'W'
meta "关于开展冬季安全检查的通知"
1 title "关于开展冬季安全检查的通知"
1 heading level=1 "一、检查时间"
1 heading level=1 "二、检查内容"
1 heading level=2 run_in "（一）消防设施。"
1 heading level=2 "（二）用电安全。"
1 paid
2 ordered_list start=1 numbering=decimal delim=period tight
2 heading level=1 "三、工作要求"
W
)"

G=$T/guide-en.tree
[ -f "$G" ] && check samples-guide-en-outline "$G" "$(tr '\n' '|' <<'W'
meta "A Short Guide to Home Composting"
1 title "A Short Guide to Home Composting"
1 heading level=1 "1. What to put in"
1 bullet_list bullet="-" tight
1 heading level=1 "2. Looking after the heap"
1 paid
2 page_break
2 heading level=1 "3. Using the compost"
W
)"
exit 0
