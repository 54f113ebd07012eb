#!/bin/sh
# linear.sh - work grows linearly with the input on pathological inputs.
#
# Counts instructions (valgrind, cachegrind without cache simulation), not
# time: each case runs at two sizes, n and 10n, and the instructions above
# those of an empty input must grow at most 12-fold (SPEC 8: 10x the input
# in at most 12x the time).  Wall time is never asserted.  The sizes are
# small so that the script takes some 20 s of CPU; `make bench` runs the
# same shapes at full size and times them.  Without valgrind it passes
# with a note.
set -u
P=${PAIDOC:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Instruction counts do not depend on the build: once, in the first pass
# (the sanitizer build under valgrind would only measure ASan).
if [ "${PD_SLICE:-1}" -gt 1 ]; then
    echo "SKIP linear: run once, in the first pass"
    exit 0
fi
case $P in
*valgrind*)     # make valgrind: the counts would be memcheck's own
    echo "SKIP linear: not under make valgrind"
    exit 0 ;;
esac
if ! command -v valgrind >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP linear: needs valgrind and python3"
    exit 0
fi

# Instructions executed by paidoc ARGS...
icount() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$P" "$@" >/dev/null 2>"$T/vg" </dev/null
    sed -n 's/^==[0-9]*== I *refs: *//p' "$T/vg" | tr -d ','
}

# name, format args, generator of the input for size N (python3 -c, N in
# sys.argv[1], output on stdout), file extension, n
check() {
    name=$1; args=$2; gen=$3; ext=$4; n=$5
    python3 -c "$gen" "$n" >"$T/s.$ext"
    python3 -c "$gen" $((n * 10)) >"$T/l.$ext"
    # The count of an empty input, once per set of arguments.
    key=$(printf '%s' "$args" | tr -c 'a-z' '_')
    if [ ! -s "$T/base$key" ]; then
        : >"$T/empty.$ext"
        # shellcheck disable=SC2086
        icount $args "$T/empty.$ext" >"$T/base$key"
    fi
    base=$(cat "$T/base$key")
    # shellcheck disable=SC2086
    small=$(icount $args "$T/s.$ext")
    # shellcheck disable=SC2086
    large=$(icount $args "$T/l.$ext")
    if [ -z "$small" ] || [ -z "$large" ] || [ -z "$base" ]; then
        echo "FAIL linear $name: no instruction count ($(tail -c 200 "$T/vg"))"
        return
    fi
    verdict=$(python3 -c '
import sys
b, s, l = map(int, sys.argv[1:4])
r = (l - b) / max(s - b, 1)
print("%s %.1f" % ("ok" if r <= 12 else "bad", r))' "$base" "$small" "$large")
    case $verdict in
    ok*) echo "PASS linear $name (x${verdict#ok } instructions for x10 input)" ;;
    *)   echo "FAIL linear $name: x${verdict#bad } instructions for x10 input (at most x12)" ;;
    esac
}

check one-line '-t html' \
    'import sys; sys.stdout.write("这是一个很长的句子没有换行，" * int(sys.argv[1]))' txt 2000
check marker-lines '-t html' \
    'import sys; sys.stdout.write("标题\n" + "##paidbegin##\n段落。\n##paidend##\n" * int(sys.argv[1]))' txt 500
check list-items '-t docx' \
    'import sys; sys.stdout.write("Title\n\n" + "".join("- item %d\n" % i for i in range(int(sys.argv[1]))))' txt 500
check md-nested-quotes '-f md -t html' \
    'import sys; sys.stdout.write(">" * int(sys.argv[1]) + " a\n")' md 1000
# One DOCX paragraph of many runs: each run's text is appended to the
# paragraph's text node (quadratic before the arena grew text in place).
python3 - "$P" "$T" <<'PY'
import subprocess, sys, zipfile
p, t = sys.argv[1], sys.argv[2]
open(t + "/one.txt", "w").write("x\n")
subprocess.run([p, "-o", t + "/one.docx", t + "/one.txt"], check=True)
for n, tag in ((1000, "s"), (10000, "l")):
    with zipfile.ZipFile(t + "/one.docx") as zin, \
         zipfile.ZipFile("%s/runs-%s.docx" % (t, tag), "w", zipfile.ZIP_DEFLATED) as zout:
        for it in zin.infolist():
            data = zin.read(it.filename)
            if it.filename == "word/document.xml":
                x = data.decode()
                i = x.index("<w:body>") + 8
                x = x[:i] + "<w:p>" + "<w:r><w:t>ab</w:t></w:r>" * n + "</w:p>" + x[i:]
                data = x.encode()
            zout.writestr(it, data)
PY
base=$(icount -f docx -t txt "$T/one.docx")
small=$(icount -f docx -t txt "$T/runs-s.docx")
large=$(icount -f docx -t txt "$T/runs-l.docx")
r=$(python3 -c 'import sys; b,s,l=map(int,sys.argv[1:]); print("%.1f" % ((l-b)/max(s-b,1)))' "$base" "$small" "$large")
if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= 12 else 1)' "$r"; then
    echo "PASS linear docx-runs (x$r instructions for x10 input)"
else
    echo "FAIL linear docx-runs: x$r instructions for x10 input (at most x12)"
fi
