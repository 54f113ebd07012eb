#!/bin/sh
# run.sh - the test runner of `make check`.
#
#   tests/run.sh BINARY...
#
# For every BINARY (the normal build, the sanitizer build) it runs:
#
# 1. Case files.  In tests/<group>/ an input NAME.<ext> (any extension but
#    the sidecars below) is converted once per expected file next to it:
#      NAME.expect.<fmt>   expected output of `paidoc ARGS -t <fmt> NAME.<ext>`
#      NAME.args           extra arguments, one line (optional)
#      NAME.stderr         expected standard error, exactly (optional;
#                          without it stderr must be empty)
#      NAME.status         expected exit status (optional, default 0)
#    Paths in stderr are printed relative to tests/<group>/.
# 2. Property scripts tests/prop/*.sh, run with PAIDOC=BINARY and
#    TESTBIN=build/tests; each prints "PASS name" or "FAIL name: why" lines
#    ("SKIP name: why" when a check cannot run here; counted apart).
#    Their run times go to build/test-times.txt.
#    For every BINARY but the first, PD_SLICE=4 asks the long scripts to
#    check every fourth input only.
# 3. Once, with the first BINARY: tests/docx/interop.sh (LibreOffice and
#    pandoc read the DOCX output) when soffice, pandoc and pdftotext exist.
#
# The work is spread over one lane per processor (at most 4; TEST_JOBS=N
# overrides): lanes run side by side, each a list of jobs one after the
# other, and their results are counted when all have ended.
#
# It ends with the totals alone on the last line: "N passed, N failed",
# and exits 1 when anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
# How long each job took, for keeping make check short.
times=build/test-times.txt
mkdir -p build && : >"$times"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

lanes=${TEST_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
[ "$lanes" -ge 1 ] 2>/dev/null || lanes=1
[ "$lanes" -gt 4 ] && lanes=4

# Case files: "PASS label" / "FAIL label: why" lines, diffs as "  | ".
run_cases() {
    bin=$1
    for dir in tests/*/; do
        dir=${dir%/}
        case $dir in tests/prop|tests/fixtures) continue ;; esac
        for input in "$dir"/*; do
            [ -f "$input" ] || continue
            base=$(basename "$input")
            case $base in
            *.expect.*|*.args|*.stderr|*.status|README*) continue ;;
            esac
            name=${base%.*}
            for expect in "$dir/$name".expect.*; do
                [ -f "$expect" ] || continue
                fmt=${expect##*.expect.}
                args=""
                [ -f "$dir/$name.args" ] && args=$(cat "$dir/$name.args")
                want_status=0
                [ -f "$dir/$name.status" ] && want_status=$(cat "$dir/$name.status")
                # shellcheck disable=SC2086
                (cd "$dir" && timeout 60 "$top/$bin" $args -t "$fmt" "$base") \
                    >"$ctmp/out" 2>"$ctmp/err"
                status=$?
                label="$bin $dir/$name -t $fmt"
                if [ "$status" != "$want_status" ]; then
                    echo "FAIL $label: exit $status, expected $want_status: $(head -c 300 "$ctmp/err")"
                    continue
                fi
                if ! cmp -s "$ctmp/out" "$expect"; then
                    echo "FAIL $label: output differs"
                    diff -u "$expect" "$ctmp/out" | head -20 | sed 's/^/  | /'
                    continue
                fi
                if [ -f "$dir/$name.stderr" ]; then
                    if ! cmp -s "$ctmp/err" "$dir/$name.stderr"; then
                        echo "FAIL $label: stderr differs"
                        diff -u "$dir/$name.stderr" "$ctmp/err" | head -10 | sed 's/^/  | /'
                        continue
                    fi
                elif [ -s "$ctmp/err" ]; then
                    echo "FAIL $label: unexpected stderr: $(head -c 300 "$ctmp/err")"
                    continue
                fi
                echo "PASS $label"
            done
        done
    done
}

# One property script: its PASS/FAIL/SKIP lines, prefixed with the binary
# and script in FAIL lines, plus a FAIL when it ended badly.
run_prop() {
    bin=$1 script=$2 slice=$3 out=$4
    start=$(date +%s)
    PD_SLICE=$slice PAIDOC="$top/$bin" TESTBIN="$top/build/tests" TOP="$top" \
        timeout 600 sh "$script" >"$out.raw" 2>&1
    rc=$?
    echo "$bin $script $(($(date +%s) - start)) s" >>"$times"
    n=$(grep -c '^\(PASS\|FAIL\|SKIP\)' "$out.raw")
    sed -n -e 's/^PASS/PASS/p' -e "s|^FAIL |FAIL $bin $script: |p" \
        -e 's/^SKIP/SKIP/p' "$out.raw"
    if [ "$n" -eq 0 ] || [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$out.raw"; then
        echo "FAIL $bin $script: exited $rc after $n results: $(tail -c 300 "$out.raw" | tr '\n' ' ')"
    fi
}

# Slow checks against other programs, once, with the first binary, when
# those programs are installed: LibreOffice and pandoc read our DOCX.
run_interop() {
    for t in soffice pandoc pdftotext; do
        command -v "$t" >/dev/null 2>&1 || return 0
    done
    start=$(date +%s)
    timeout 600 sh tests/docx/interop.sh "$1" 2>&1 |
        sed -n -e 's/^PASS/PASS/p' -e 's/^FAIL /FAIL interop: /p'
    echo "$1 tests/docx/interop.sh $(($(date +%s) - start)) s" >>"$times"
}

# The jobs, "KIND BINARY ARG SLICE" a line.  The first binary runs every
# property check on every input; the ones after it (the sanitizer build,
# about three times slower) a quarter of the inputs of the long scripts.
slice=1
for bin in "$@"; do
    echo "cases $bin - $slice"
    for script in tests/prop/*.sh; do
        [ -f "$script" ] && echo "prop $bin $script $slice"
    done
    slice=4
done >"$tmp/jobs"
echo "interop $1 - 1" >>"$tmp/jobs"

# Deal the jobs round robin over the lanes; each lane works through its
# share one job after the other, each job's lines into a file of its own.
lane=0
while [ "$lane" -lt "$lanes" ]; do
    (
        ctmp=$tmp/lane$lane
        mkdir -p "$ctmp"
        k=0
        while read -r kind bin arg sl; do
            k=$((k + 1))
            [ $(((k - 1) % lanes)) -eq "$lane" ] || continue
            out=$tmp/job$k
            case $kind in
            cases) run_cases "$bin" >"$out" ;;
            prop) run_prop "$bin" "$arg" "$sl" "$out" >"$out" ;;
            interop) run_interop "$bin" >"$out" ;;
            esac
        done <"$tmp/jobs"
    ) &
    lane=$((lane + 1))
done
wait

# Count, in the order of the jobs.
pass=0 fail=0 skip=0 k=0
while read -r kind bin arg sl; do
    k=$((k + 1))
    [ -f "$tmp/job$k" ] || { echo "FAIL $kind $bin $arg: did not run"; fail=$((fail + 1)); continue; }
    p=$(grep -c '^PASS' "$tmp/job$k")
    f=$(grep -c '^FAIL' "$tmp/job$k")
    s=$(grep -c '^SKIP' "$tmp/job$k")
    pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
    grep -v '^PASS' "$tmp/job$k" | grep -v '^SKIP.*run once' 
done <"$tmp/jobs"
[ "$skip" -gt 0 ] && echo "$skip checks skipped (run once, in the first pass, or a tool is missing: see SKIP lines)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
