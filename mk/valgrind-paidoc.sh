#!/bin/sh
# valgrind-paidoc.sh - stands in for build/paidoc in `make valgrind`
# (mk/valgrind.mk): tests/run.sh runs it like the binary, and it runs the
# binary under valgrind memcheck.  Every error (invalid read or write, use
# of uninitialised memory, a definite leak) goes to a log of its own under
# PD_VG_LOGS and makes the run exit 99, so that the test sees it.
#   PD_VG_BIN        the real binary (build/paidoc)
#   PD_VG_LOGS       where the logs go
#   PD_VG_EVERY=N    only every Nth run under valgrind (default 1: all)
#   PD_VG_MAX_INPUT  runs with a larger input file run without valgrind
#                    (default 65536 bytes): the long hostile inputs and
#                    the timing checks are the sanitizer build's business
bin=${PD_VG_BIN:?}
logs=${PD_VG_LOGS:?}
every=${PD_VG_EVERY:-1}
max=${PD_VG_MAX_INPUT:-65536}
for a in "$@"; do
    if [ -f "$a" ] && [ "$(stat -c %s -- "$a" 2>/dev/null || echo 0)" -gt "$max" ]; then
        exec "$bin" "$@"
    fi
done
if [ "$every" -gt 1 ]; then
    n=$(($(cat "$logs/.count" 2>/dev/null || echo 0) + 1))
    echo "$n" >"$logs/.count"
    [ $((n % every)) -eq 0 ] || exec "$bin" "$@"
fi
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=definite --errors-for-leak-kinds=definite \
    --log-file="$logs/vg.%p.log" "$bin" "$@"
