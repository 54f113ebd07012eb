#!/bin/sh
# api.sh - the core library's own tests (tests/api.c), built by make.
exec "${TESTBIN:?}/api"
