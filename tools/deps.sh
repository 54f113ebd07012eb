#!/bin/sh
# deps.sh - install the Debian packages that are missing.
# Arguments are "pc:MODULE:PACKAGE" (a pkg-config module),
# "cmd:COMMAND:PACKAGE" (a command on PATH), "path:FILE:PACKAGE" (an
# executable file, e.g. /usr/bin/time, which the shell's `time` keyword
# hides from command -v) or "py:MODULE:PACKAGE" (a module Debian's
# /usr/bin/python3 imports).  Uses apt-get, through sudo
# when not root.  Prints nothing when everything is there.
missing=""
for spec in "$@"; do
    kind=${spec%%:*}; rest=${spec#*:}
    what=${rest%%:*}; pkg=${rest#*:}
    case $kind in
    pc)  command -v pkg-config >/dev/null 2>&1 &&
         pkg-config --exists "$what" 2>/dev/null && continue ;;
    cmd) command -v "$what" >/dev/null 2>&1 && continue ;;
    path) [ -x "$what" ] && continue ;;
    py)  [ -x /usr/bin/python3 ] &&
         /usr/bin/python3 -c "import $what" >/dev/null 2>&1 && continue ;;
    esac
    case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0
echo "paidoc: installing missing packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "paidoc: please install:$missing (no apt-get here)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2 &&
$sudo apt-get install -y -qq --no-install-recommends $missing >&2 || {
    echo "paidoc: could not install:$missing" >&2
    exit 1
}
