#!/bin/sh
# Every ```lua example of docs/db.md runs (tests/lua/db_docs_test.lua, TAP).
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
$VIGIL "$VIGIL_ROOT/tests/lua/db_docs_test.lua" "$VIGIL_ROOT/docs/db.md"
