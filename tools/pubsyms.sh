#!/bin/sh
# pubsyms.sh - the public symbols of libpaidoc, read from its header.
#
#   tools/pubsyms.sh [--version-script] [HEADER]
#
# Prints, one per line and sorted, every function and every extern object
# that HEADER (default include/paidoc.h) declares with a pd_ name.  With
# --version-script it prints a GNU ld version script instead that exports
# exactly those and hides everything else (internal pd_lay_*, pd_marker_*,
# dxr_* ... helpers).  The header goes through the C preprocessor ($CC -E,
# default cc) first, so comments and #if blocks count as the compiler sees
# them.
set -eu
script=0
if [ "${1:-}" = "--version-script" ]; then script=1; shift; fi
header=${1:-include/paidoc.h}
[ -f "$header" ] || { echo "pubsyms.sh: $header: no such file" >&2; exit 66; }

syms=$(${CC:-cc} -E -P -x c "$header" |
    tr '\n\t' '  ' | tr ';{}' '\n\n\n' |
    awk '
    # A function: pd_NAME immediately followed by "(".  Typedefs of
    # function pointers spell "(*pd_NAME)(" and so do not match.
    /^ *typedef / { next }
    {
        s = $0
        while (match(s, /[A-Za-z0-9_]*pd_[A-Za-z0-9_]* *\(/)) {
            name = substr(s, RSTART, RLENGTH)
            s = substr(s, RSTART + RLENGTH)
            sub(/ *\($/, "", name)
            if (name ~ /^pd_/ && !(name in seen)) { seen[name] = 1; print name }
        }
    }
    # An object: an extern declaration without parentheses; its name is
    # the last pd_ identifier before any "[".
    /^ *extern / && !/\(/ {
        s = $0
        sub(/\[.*/, "", s)
        n = split(s, w, /[^A-Za-z0-9_]+/)
        for (i = n; i > 0; i--)
            if (w[i] ~ /^pd_/) { if (!(w[i] in seen)) { seen[w[i]] = 1; print w[i] }; break }
    }' | LC_ALL=C sort)

[ -n "$syms" ] || { echo "pubsyms.sh: no pd_ symbols in $header" >&2; exit 65; }
if [ "$script" -eq 1 ]; then
    echo "/* Generated from $header by tools/pubsyms.sh: do not edit. */"
    echo "{"
    echo "  global:"
    printf '%s\n' "$syms" | sed 's/^/    /; s/$/;/'
    echo "  local:"
    echo "    *;"
    echo "};"
else
    printf '%s\n' "$syms"
fi
