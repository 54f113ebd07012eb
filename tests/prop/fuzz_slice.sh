#!/bin/sh
# fuzz_slice.sh - a short slice of every libFuzzer target (tests/fuzz/,
# mk/fuzz.mk), so that a regression a fuzzer finds at once shows in
# `make check`: builds build/fuzz/fuzz_* and runs each for
# PD_FUZZ_SECONDS (default 3) seconds from the seed corpus (the test
# inputs and the crash inputs kept in tests/fixtures/hostile/).
# Runs once, in the first pass of tests/run.sh: with PD_SLICE > 1 (the
# sanitizer pass) it says so and passes, as the fuzzers carry ASan and
# UBSan themselves.  Without clang and its libFuzzer runtime it passes
# with a skip note, so that make check works on a clean machine; `make
# fuzz-deps` installs them.  Prints "PASS name" or "FAIL name: why".
# Environment: TOP, PD_SLICE, PD_FUZZ_SECONDS.
set -u
TOP=${TOP:?}
secs=${PD_FUZZ_SECONDS:-3}
if [ "${PD_SLICE:-1}" -gt 1 ]; then
    echo "SKIP fuzz-slice: run once, in the first pass"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cc=${FUZZ_CC:-clang}
printf '%s\n' 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);' \
    'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; return (int)(n & 0); }' \
    >"$T/probe.c"
if ! command -v "$cc" >/dev/null 2>&1 ||
    ! "$cc" -fsanitize=fuzzer,address -o "$T/probe" "$T/probe.c" >/dev/null 2>&1; then
    echo "SKIP fuzz-slice: no $cc with libFuzzer (make fuzz-deps installs it)"
    exit 0
fi
cd "$TOP" || exit 1
if ! make --no-print-directory -j2 fuzz-build >"$T/build" 2>&1; then
    echo "FAIL fuzz-build: $(grep -E 'error|Error' "$T/build" | head -3 | tr '\n' ' ')"
    exit 0
fi
echo "PASS fuzz-build"
FUZZ_QUICK=1 FUZZ_JOBS=1 sh tests/fuzz/run.sh "$secs" txt md html docx json pipeline >"$T/run" 2>&1
while IFS= read -r line; do
    case $line in
    "fuzz "*": FAIL"*)
        t=${line#fuzz }
        echo "FAIL fuzz-${t%%:*}: ${t#*: }" ;;
    "fuzz "*)
        t=${line#fuzz }
        echo "PASS fuzz-${t%%:*} (${t#*: })" ;;
    "    "*)
        echo "$line" ;;
    esac
done <"$T/run"
grep -q '^fuzz ' "$T/run" || echo "FAIL fuzz-run: $(tail -c 300 "$T/run")"
exit 0
