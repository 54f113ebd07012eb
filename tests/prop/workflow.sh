#!/bin/sh
# workflow.sh - the publishing-workflow functions of the library
# (tests/workflow.c): teasers at the requested ratio, paragraph or heading,
# the counts of --stats, and lint on planted problems and clean inputs.
# The test program reads examples/ and tests/ relative to the top of the
# tree, and ../shared/samples/ when it exists.
cd "${TOP:-$(dirname "$0")/../..}" || exit 2
exec "${TESTBIN:?}/workflow"
