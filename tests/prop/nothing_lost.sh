#!/bin/sh
# nothing_lost.sh - a failed or interrupted run never costs the user data
# (RELIABILITY.md §5, "What nothing lost means for the CLI").  cli.sh
# already checks the basics once (bad input over an -o file, /dev/full,
# a missing directory, the same file in and out for txt); this script
# checks them for every output format and kind of failure, and adds:
#  * kill -9 in the middle of a long run leaves the old output intact
#    (at most one stale temporary file, which the next run ignores);
#  * a closed pipe: `paidoc big.txt | head -c1` dies quietly of SIGPIPE,
#    as a Unix filter should (no message, no core, no sanitizer report);
#    with SIGPIPE ignored it exits 74 with "write error: Broken pipe";
#  * a read-only directory gives 73 also when the tests run as root (the
#    run is then made as user nobody with setpriv);
#  * the same file as input and output for md and docx.
# Prints "PASS name" or "FAIL name: why".  Environment: PAIDOC, PD_SLICE.
set -u
P=${PAIDOC:?}
SLICE=${PD_SLICE:-1}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
sum() { sha256sum "$1" | cut -d' ' -f1; }
# no_temp NAME: no temporary output file is left in the directory.
no_temp() {
    if ls -a | grep -q '\.tmp\.'; then fail "$1" "left: $(ls -a | grep '\.tmp\.' | tr '\n' ' ')"
    else pass "$1"; fi
}

printf 'Title\n\n一、正文\n##paidbegin##\n付费段落。\n##paidend##\n' >doc.txt
printf 'ab\000cd\n' >nul.txt
printf 'a\n##paidend##\nb\n' >warn.txt
printf '{"version": 1, "blocks": [' >bad.json
printf 'PK\003\004 not really a zip' >bad.docx
printf '<p>x</p>' >ok.html

# 1. An existing output and a failing run: byte-identical afterwards, for
#    every output format and every kind of failure.
formats="html md txt json docx"
[ "$SLICE" -gt 1 ] && formats="html docx"
for fmt in $formats; do
    "$P" doc.txt -o "old.$fmt" 2>/dev/null || fail "setup-$fmt" "cannot write old.$fmt"
    before=$(sum "old.$fmt")
    for c in "nul.txt:65" "bad.json:65" "bad.docx:65" "--strict warn.txt:65" \
             "--max-input 4 doc.txt:65" "missing.txt:66" "--paid bogus doc.txt:64"; do
        args=${c%:*} want=${c##*:}
        # shellcheck disable=SC2086
        "$P" $args -o "old.$fmt" >out 2>err
        rc=$?
        name="kept-$fmt-$(echo "$args" | tr -c 'a-z0-9\n' '-' | sed 's/^-*//')"
        if [ "$rc" != "$want" ]; then
            fail "$name" "exit $rc, expected $want: $(head -c 200 err)"
        elif [ "$(sum "old.$fmt")" != "$before" ]; then
            fail "$name" "old.$fmt changed"
        else
            pass "$name"
        fi
    done
done
no_temp kept-no-temp-left

# 2. kill -9 in the middle of a long run.  The input takes about 1 s to
#    convert (more under the sanitizers); kills land at several points of
#    the run, one as soon as the temporary file appears (the write phase).
lines=$((200000 / SLICE))
"$PY" - "$lines" <<'PYEOF' >big.txt
import sys
words = ["alpha", "beta", "gamma", "delta", "付费", "内容", "段落", "epsilon"]
n = int(sys.argv[1])
out = []
for i in range(n):
    out.append(" ".join(words[(i * 7 + k * 3) % len(words)] for k in range(12)))
    if i % 5 == 4:
        out.append("")
sys.stdout.write("\n".join(out) + "\n")
PYEOF
echo "precious old output" >victim.docx
before=$(sum victim.docx)
start=$(date +%s%N)
"$P" big.txt -o full.docx 2>/dev/null
took=$((($(date +%s%N) - start) / 1000000))
killed=0
for frac in 10 30 50 70 90 temp; do
    "$P" big.txt -o victim.docx 2>/dev/null &
    pid=$!
    if [ "$frac" = temp ]; then
        # poll (without forking) until the temporary file appears or the
        # run is over
        while kill -0 "$pid" 2>/dev/null; do
            set -- .victim.docx.tmp.*
            [ -e "$1" ] && break
        done
    else
        sleep "$(awk -v t="$took" -v f="$frac" 'BEGIN { printf "%.3f", t * f / 100000 }')"
    fi
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        killed=$((killed + 1))
        # never a partial file: the old one, or (killed after the
        # rename) the complete new one
        if [ "$(sum victim.docx)" = "$before" ]; then pass "kill9-at-$frac-old-kept"
        elif cmp -s victim.docx full.docx; then pass "kill9-at-$frac-new-complete"
        else fail "kill9-at-$frac-old-kept" "victim.docx is neither old nor new after kill -9"; fi
        echo "precious old output" >victim.docx
    else
        # the run was over: the new file is complete or the old is kept
        wait "$pid" 2>/dev/null
        if cmp -s victim.docx full.docx || [ "$(sum victim.docx)" = "$before" ]; then
            pass "kill9-at-$frac-finished-first"
        else fail "kill9-at-$frac-finished-first" "victim.docx is neither old nor new"; fi
        echo "precious old output" >victim.docx
    fi
    stale=$(ls -a | grep -c '^\.victim\.docx\.tmp\.')
    [ "$stale" -le 1 ] && pass "kill9-at-$frac-stale-temp ($stale)" ||
        fail "kill9-at-$frac-stale-temp" "$stale temporary files"
    rm -f .victim.docx.tmp.*
done
[ "$killed" -ge 3 ] && pass "kill9-landed ($killed of 6 kills during the run of ${took} ms)" ||
    fail kill9-landed "only $killed of 6 kills during the run of ${took} ms"
# After a kill the stale temporary file does not stop the next run.
: >.victim.docx.tmp.AAAAAA
if "$P" doc.txt -o victim.docx 2>err && unzip -l victim.docx >/dev/null 2>&1; then
    pass kill9-next-run-works
else fail kill9-next-run-works "$(head -c 200 err)"; fi
rm -f .victim.docx.tmp.*

# 3. /dev/full: 74 for every format, on stdout and with -o.
for fmt in $formats; do
    "$P" -t "$fmt" doc.txt >/dev/full 2>err
    rc=$?
    [ "$rc" = 74 ] && grep -q 'write error: No space left on device' err &&
        pass "dev-full-stdout-$fmt" || fail "dev-full-stdout-$fmt" "exit $rc: $(head -c 200 err)"
    "$P" -t "$fmt" doc.txt -o /dev/full 2>err
    rc=$?
    [ "$rc" = 74 ] && pass "dev-full-o-$fmt" || fail "dev-full-o-$fmt" "exit $rc: $(head -c 200 err)"
done

# 4. A closed pipe.  Default SIGPIPE: the process dies of it (status
#    128+13 in the shell), silently.  Ignored SIGPIPE: exit 74, one line.
for fmt in $(echo "$formats" | sed 's/md //; s/json //'); do
    ( "$P" -t "$fmt" big.txt 2>err.pipe; echo $? >rc.pipe ) | head -c1 >/dev/null
    rc=$(cat rc.pipe)
    if [ "$rc" = 141 ] && [ ! -s err.pipe ]; then pass "closed-pipe-$fmt-sigpipe"
    elif [ "$rc" = 74 ] && grep -q 'Broken pipe' err.pipe; then pass "closed-pipe-$fmt-74"
    else fail "closed-pipe-$fmt" "exit $rc: $(head -c 300 err.pipe)"; fi
    ( trap '' PIPE; "$P" -t "$fmt" big.txt 2>err.pipe; echo $? >rc.pipe ) | head -c1 >/dev/null
    rc=$(cat rc.pipe)
    if [ "$rc" = 74 ] && [ "$(cat err.pipe)" = "paidoc: <stdout>: write error: Broken pipe" ]; then
        pass "closed-pipe-$fmt-ignored-74"
    else fail "closed-pipe-$fmt-ignored-74" "exit $rc: $(head -c 300 err.pipe)"; fi
done

# 5. Output directories: missing -> 73; read-only -> 73 with nothing
#    left behind (as root, the run is made as nobody).
"$P" doc.txt -o nodir/sub/x.html 2>err
rc=$?
[ "$rc" = 73 ] && grep -q 'nodir/sub/x.html: cannot create' err && pass missing-dir-73 ||
    fail missing-dir-73 "exit $rc: $(head -c 200 err)"
mkdir ro
echo "old" >ro/x.html
chmod 555 ro
as_user=""
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1 &&
        setpriv --reuid=65534 --regid=65534 --clear-groups "$P" --version >/dev/null 2>&1; then
        as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
        chmod 755 "$T"
        chmod 644 doc.txt
    else
        echo "skip read-only-dir: root, and cannot run as nobody"
        as_user=skip
    fi
fi
if [ "$as_user" != skip ]; then
    for out in ro/new.html ro/x.html ro/new.docx; do
        $as_user "$P" doc.txt -o "$out" 2>err
        rc=$?
        name="readonly-dir-$(basename "$out")"
        if [ "$rc" = 73 ] && grep -q "$out: cannot create" err; then pass "$name-73"
        else fail "$name-73" "exit $rc: $(head -c 200 err)"; fi
    done
    [ "$(cat ro/x.html)" = old ] && pass readonly-dir-old-kept || fail readonly-dir-old-kept "changed"
    [ "$(ls -A ro)" = x.html ] && pass readonly-dir-nothing-left ||
        fail readonly-dir-nothing-left "$(ls -A ro | tr '\n' ' ')"
fi
chmod 755 ro

# 6. The same file as input and output (txt: cli.sh).
printf '# Heading\n\nSome *text* here.\n' >same.md
"$P" same.md -o same.md 2>err && grep -q '^# Heading' same.md && grep -q 'text' same.md &&
    pass same-file-md || fail same-file-md "$(head -c 200 err; head -c 200 same.md)"
"$P" doc.txt -o same.docx 2>/dev/null
"$P" same.docx -o same.docx 2>err && "$P" -t txt same.docx 2>>err | grep -q '付费段落' &&
    pass same-file-docx || fail same-file-docx "$(head -c 300 err)"
"$P" ok.html -o ok.html 2>err && grep -q '<p>x</p>' ok.html && pass same-file-html ||
    fail same-file-html "$(head -c 200 err; head -c 200 ok.html)"
no_temp final-no-temp-left
exit 0
