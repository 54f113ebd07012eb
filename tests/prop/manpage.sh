#!/bin/sh
# manpage.sh - man/paidoc.1 and the shell completions agree with --help:
# every short and long option that --help defines is in the man page (as
# an Fl macro) and in both completions, and every option they name is in
# --help; the man page renders without a warning (mandoc -T lint, groff
# -ww).  Prints "PASS name" or "FAIL name: why" per check.
# Environment: PAIDOC (the binary), TOP (the repository).
set -u
P=${PAIDOC:?}
TOP=${TOP:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$TOP" || exit 1
man=man/paidoc.1

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# Options of --help: every -x and --xxx on the lines that define options
# (lines that start with blanks and a dash).
if ! "$P" --help >"$T/help" 2>"$T/err"; then
    fail help "paidoc --help failed: $(head -c 200 "$T/err")"
    exit 0
fi
grep '^ \{1,\}-' "$T/help" |
    grep -o -- '\(^\|[ ,]\)--\{0,1\}[A-Za-z][A-Za-z0-9-]*' |
    sed 's/^[ ,]*//' | LC_ALL=C sort -u >"$T/help.opts"
n=$(wc -l <"$T/help.opts")
[ "$n" -ge 20 ] && pass "help defines $n options" ||
    fail help-options "only $n options found in --help"

# Options of the man page: the arguments of every Fl macro ("Fl \-to"
# is --to, "Fl f" is -f), up to the next macro or delimiter.
awk '
/^\./ {
    n = split($0, w, /[ \t]+/)
    for (i = 1; i <= n; i++) {
        if (w[i] != "Fl" && w[i] != ".Fl") continue
        for (j = i + 1; j <= n; j++) {
            if (w[j] ~ /^[A-Z][a-z][a-z]?$/ || w[j] ~ /^[][,.;:|()]$/) break
            a = w[j]; gsub(/\\-/, "-", a)
            print "-" a
        }
        i = j - 1
    }
}' "$man" | grep -- '^--\{0,1\}[A-Za-z][A-Za-z0-9-]*$' |
    LC_ALL=C sort -u >"$T/man.opts"

# compare NAME FILE: FILE's options equal --help's.
compare() {
    missing=$(LC_ALL=C comm -23 "$T/help.opts" "$2" | tr '\n' ' ')
    extra=$(LC_ALL=C comm -13 "$T/help.opts" "$2" | tr '\n' ' ')
    [ -z "$missing" ] && pass "$1 has every option of --help" ||
        fail "$1-missing" "in --help, not in $1: $missing"
    [ -z "$extra" ] && pass "$1 names no option --help lacks" ||
        fail "$1-extra" "in $1, not in --help: $extra"
}
compare man-page "$T/man.opts"

# The completions.  bash: the words of its opts="..." list; zsh: the
# option names of each _arguments spec, before its [description].
options_of() {
    grep -o -- '\(^\|[^A-Za-z0-9_-]\)--\{0,1\}[A-Za-z][A-Za-z0-9-]*' |
        sed 's/^[^-]*//' | LC_ALL=C sort -u
}
sed -n '/^ *local opts="/,/"$/p' completion/paidoc.bash | sed 's/local opts=//' |
    options_of | grep -v -- '^--stats=json$' >"$T/bash.opts"
compare paidoc.bash "$T/bash.opts"
grep "^ *'" completion/_paidoc | sed 's/\[.*//' | options_of >"$T/zsh.opts"
compare _paidoc "$T/zsh.opts"
bash -n completion/paidoc.bash 2>"$T/err" && pass bash-syntax ||
    fail bash-syntax "$(head -c 200 "$T/err")"
if command -v zsh >/dev/null 2>&1; then
    zsh -n completion/_paidoc 2>"$T/err" && pass zsh-syntax ||
        fail zsh-syntax "$(head -c 200 "$T/err")"
fi

# Renders without warnings.
linted=0
if command -v mandoc >/dev/null 2>&1; then
    linted=1
    if mandoc -T lint -W warning "$man" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then
        pass mandoc-lint
    else
        fail mandoc-lint "$(head -c 400 "$T/lint")"
    fi
fi
if command -v groff >/dev/null 2>&1; then
    linted=1
    groff -k -ww -mandoc -z -Tutf8 "$man" >"$T/lint" 2>&1
    [ ! -s "$T/lint" ] && pass groff-ww || fail groff-ww "$(head -c 400 "$T/lint")"
fi
[ "$linted" -eq 1 ] || fail lint "neither mandoc nor groff is installed"

# Every section the issue asks for is there.
for s in SYNOPSIS OPTIONS "TEXT FORMAT" "PAID MODES" "EXIT STATUS" EXAMPLES; do
    grep -q "^\.Sh $s\$" "$man" && pass "section $s" || fail "section $s" missing
done
for code in 0 64 65 66 70 73 74; do
    grep -q "^\.It $code\$" "$man" && pass "exit $code" || fail "exit $code" "not in EXIT STATUS"
done
