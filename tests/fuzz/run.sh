#!/bin/sh
# run.sh - run the libFuzzer targets built by `make fuzz-build`.
#
#   tests/fuzz/run.sh SECONDS TARGET...      (FUZZ_JOBS=J: J at a time)
#
# Seeds: the inputs of the tests (tests/<group>/, tests/fixtures/,
# examples/) for each reader's format; for the pipeline target the same
# files behind a first byte that picks the reader and options.  New corpus
# entries go to build/fuzz/corpus/TARGET, crashes to
# build/fuzz/artifacts/TARGET/, the log to build/fuzz/logs/TARGET.log
# (build/fuzz/quick/ holds the same for FUZZ_QUICK runs).
# Prints one line per target ("fuzz TARGET: N runs in S s, ...") and exits
# 1 when any target found a crash, leak, timeout or out-of-memory.
# FUZZ_QUICK=1 (make fuzz-check) keeps the run short and its length
# bounded: libFuzzer runs every input of its corpus once before it looks
# at the clock, so the slice starts from the seeds alone (an empty
# temporary corpus, not build/fuzz/corpus) and the pipeline target from
# every fourth seed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
secs=${1:?usage: run.sh SECONDS TARGET...}
shift
jobs=${FUZZ_JOBS:-1}
quick=${FUZZ_QUICK:-0}
B=build/fuzz
# a quick run keeps its seeds, corpus and logs apart, so that it can run
# while a long one does
W=$B
[ "$quick" = 1 ] && W=$B/quick
L=$W/logs
mkdir -p "$L"

# seeds TARGET DIR: copy the seed inputs of TARGET into DIR.
seeds() {
    mkdir -p "$2"
    case $1 in
    txt)  set -- "$2" tests/txt/*.txt tests/*/*.txt examples/*.txt ;;
    md)   set -- "$2" tests/md/*.md tests/*/*.md ;;
    html) set -- "$2" tests/html/*.html tests/*/*.html tests/fixtures/*.html ;;
    docx) set -- "$2" tests/docxread/*.docx tests/*/*.docx ;;
    json) set -- "$2" tests/json/*.json tests/*/*.json ;;
    pipeline)
        d=$2
        i=0
        r=0
        for fmt in txt md html docx json; do
            for f in tests/*/*."$fmt" tests/fixtures/*/*."$fmt" examples/*."$fmt"; do
                [ -f "$f" ] || continue
                # the reader's index; every other file with a paid mode
                # (bits 3-4), a whole page (bit 5), a low nesting limit
                # (bit 6) as well
                b=$((r + (i % 2) * (8 * (i % 4) + 32 * (i % 3 == 1) + 64 * (i % 5 == 3))))
                if [ "$quick" = 0 ] || [ $((i % 4)) = 1 ]; then
                    { printf "\\$(printf '%03o' "$b")"; cat "$f"; } >"$d/seed-$i"
                fi
                i=$((i + 1))
            done
            r=$((r + 1))
        done
        return 0 ;;
    esac
    d=$1
    shift
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$d/" 2>/dev/null
        # docx: also its XML parts, as fuzz_docx.c packages them
        case $f in
        *.docx)
            command -v unzip >/dev/null 2>&1 || continue
            x=$d/$(basename "$f" .docx).xmlparts
            { unzip -p "$f" word/document.xml; printf '\n\001\n'
              unzip -p "$f" word/numbering.xml; printf '\n\001\n'
              unzip -p "$f" word/styles.xml; } >"$x" 2>/dev/null ;;
        esac
    done
    return 0
}

# run_one TARGET: fuzz it for $secs seconds.
run_one() {
    t=$1
    bin=$B/fuzz_$t
    if [ ! -x "$bin" ]; then
        echo "fuzz $t: FAIL, $bin not built (make fuzz-build)"
        return 1
    fi
    rm -rf "$W/seeds/$t"
    seeds "$t" "$W/seeds/$t"
    # regression inputs of earlier crashes, by extension
    for f in tests/fixtures/hostile/fuzz-*; do
        [ -f "$f" ] || continue
        case $t:$f in
        pipeline:*) ;;
        *:*."$t") cp "$f" "$W/seeds/$t/" ;;
        esac
    done
    corpus=$B/corpus/$t
    [ "$quick" = 1 ] && corpus=$W/corpus/$t && rm -rf "$corpus"
    mkdir -p "$corpus" "$B/artifacts/$t"
    start=$(date +%s)
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -dict=tests/fuzz/paidoc.dict \
        -artifact_prefix="$B/artifacts/$t/" \
        "$corpus" "$W/seeds/$t" >"$L/$t.log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$L/$t.log" | tail -1)
    cov=$(grep -ao 'cov: [0-9]*' "$L/$t.log" | tail -1 | cut -d' ' -f2)
    n=$(ls "$corpus" | wc -l)
    crashes=$(ls "$B/artifacts/$t" | wc -l)
    if [ "$rc" -eq 0 ]; then
        echo "fuzz $t: ${runs:-?} runs in ${took} s, coverage ${cov:-?}, corpus $n, no crash"
    else
        echo "fuzz $t: FAIL (exit $rc) after ${runs:-?} runs in ${took} s; artifacts in $B/artifacts/$t/, log $L/$t.log:"
        grep -aE 'ERROR|SUMMARY|fuzz: |runtime error|Test unit written' "$L/$t.log" | head -8 | sed 's/^/    /'
        return 1
    fi
}

status=0
running=0
for t in "$@"; do
    run_one "$t" >"$L/$t.result" 2>&1 &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait
for t in "$@"; do
    cat "$L/$t.result"
    grep -q ': FAIL' "$L/$t.result" && status=1
done
exit $status
