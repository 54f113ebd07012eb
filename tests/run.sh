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
# It ends with the totals alone on the last line: "N passed, N failed",
# and exits 1 when anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pass=0
fail=0
skip=0
# How long each property script took, for keeping make check short.
times=build/test-times.txt
mkdir -p build && : >"$times"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL %s\n' "$*"; }

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
                    >"$tmp/out" 2>"$tmp/err"
                status=$?
                label="$bin $dir/$name -t $fmt"
                if [ "$status" != "$want_status" ]; then
                    bad "$label: exit $status, expected $want_status: $(head -c 300 "$tmp/err")"
                    continue
                fi
                if ! cmp -s "$tmp/out" "$expect"; then
                    bad "$label: output differs"
                    diff -u "$expect" "$tmp/out" | head -20
                    continue
                fi
                if [ -f "$dir/$name.stderr" ]; then
                    if ! cmp -s "$tmp/err" "$dir/$name.stderr"; then
                        bad "$label: stderr differs"
                        diff -u "$dir/$name.stderr" "$tmp/err" | head -10
                        continue
                    fi
                elif [ -s "$tmp/err" ]; then
                    bad "$label: unexpected stderr: $(head -c 300 "$tmp/err")"
                    continue
                fi
                ok
            done
        done
    done
}

run_props() {
    bin=$1
    for script in tests/prop/*.sh; do
        [ -f "$script" ] || continue
        start=$(date +%s)
        PD_SLICE=$slice PAIDOC="$top/$bin" TESTBIN="$top/build/tests" TOP="$top" \
            timeout 600 sh "$script" >"$tmp/prop" 2>&1
        rc=$?
        echo "$bin $script $(($(date +%s) - start)) s" >>"$times"
        n=0
        while IFS= read -r line; do
            case $line in
            PASS*) ok; n=$((n + 1)) ;;
            FAIL*) bad "$bin $script: ${line#FAIL }"; n=$((n + 1)) ;;
            SKIP*) skip=$((skip + 1)); n=$((n + 1))
                   [ "$slice" -eq 1 ] && echo "$line" ;;
            esac
        done <"$tmp/prop"
        if [ "$n" -eq 0 ] || [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$tmp/prop"; then
            bad "$bin $script: exited $rc after $n results: $(tail -c 300 "$tmp/prop")"
        fi
    done
}

# Slow checks against other programs, once, with the first binary, when
# those programs are installed: LibreOffice and pandoc read our DOCX.
run_interop() {
    for t in soffice pandoc pdftotext; do
        command -v "$t" >/dev/null 2>&1 || return 0
    done
    timeout 600 sh tests/docx/interop.sh "$1" >"$tmp/prop" 2>&1
    while IFS= read -r line; do
        case $line in
        PASS*) ok ;;
        FAIL*) bad "interop: ${line#FAIL }" ;;
        esac
    done <"$tmp/prop"
}

# The first binary runs every property check on every input; the ones
# after it (the sanitizer build, about three times slower) a quarter of
# the inputs of the long round-trip scripts, to keep make check short.
slice=1
for bin in "$@"; do
    before=$fail
    run_cases "$bin"
    run_props "$bin"
    echo "$bin: done ($((fail - before)) failed)"
    slice=4
done
run_interop "$1"
[ "$skip" -gt 0 ] && echo "$skip checks skipped (SKIP lines above: a tool is missing, or the check runs once)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
