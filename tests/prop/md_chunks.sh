#!/bin/sh
# md_chunks.sh - the md reader's tree and warnings do not depend on how it
# cuts the text into pieces for cmark (tests/md_chunks.c, built by make);
# also over the md fuzz corpus when there is one.
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
set -- "$top"
[ -d "$top/build/fuzz/corpus/md" ] && set -- "$@" "$top/build/fuzz/corpus/md"
exec "${TESTBIN:?}/md_chunks" "$@"
